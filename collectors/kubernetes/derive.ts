import { SAMPLE_MAX, type SignalObjects } from '../../src/signals/types.js';
import type { Outcome } from './reader.js';
import { CHAOS_MESH_KINDS, type ChaosKey } from './resources.js';
import type { KubernetesSignalId } from './signals.js';
import type { ChaosFacts, CnpgCluster, LocationFacts, Sources, ZalandoCluster } from './sources.js';
import type { Group, WorkloadFacts } from './workloads.js';

/** A signal's result before it is emitted. */
export type Measured =
  | { status: 'value'; value: number | boolean; evidence: string[]; detail?: string; objects?: SignalObjects; notes?: string[] }
  | { status: 'not_available'; reason: string; evidence: string[] }
  | { status: 'failed'; reason: string; evidence: string[] };

type Any = Outcome<unknown>;

/**
 * The sources a signal needs. `required` ones must have been read; `optional` ones are CRDs that
 * may be absent (they then add nothing, and their discovery request stays in the evidence).
 * Returns the first failure, or the evidence of them all.
 */
function need(required: Any[], optional: Any[] = []): { failed: Measured } | { failed?: undefined; evidence: string[] } {
  const all = [...required, ...optional];
  for (const o of all) {
    if (o.status === 'failed') return { failed: { status: 'failed', reason: o.reason, evidence: o.evidence } };
  }
  const absent = required.find((o) => o.status === 'absent');
  if (absent && absent.status === 'absent') return { failed: { status: 'not_available', reason: absent.reason, evidence: absent.evidence } };
  return { evidence: [...new Set(all.flatMap((o) => o.evidence))] };
}

const value = (v: number | boolean, evidence: string[], detail?: string): Measured => ({ status: 'value', value: v, evidence, detail });
/** A value with the objects behind it, and a note saying what they are. */
const named = (m: Measured, what: string, objects: SignalObjects): Measured => (m.status === 'value' ? { ...m, objects, notes: [`objects: ${what}`] } : m);
/** The names kept by several Examples, as the objects behind a value. */
const objectsOf = (list: { names: string[]; count: number }[]): SignalObjects =>
  ({ total: list.reduce((n, e) => n + e.count, 0), sample: list.flatMap((e) => e.names).slice(0, SAMPLE_MAX) });
const objectsIn = (names: string[]): SignalObjects => ({ total: names.length, sample: names.slice(0, SAMPLE_MAX) });
const na = (reason: string, evidence: string[]): Measured => ({ status: 'not_available', reason, evidence });
const data = <T>(o: Outcome<T>): T | undefined => (o.status === 'ok' ? o.data : undefined);
const ratio = (n: number, d: number) => n / d;
const ago = (now: number, t: number) => Math.max(0, Math.round((now - t) / 1000));
const iso = (t: number) => new Date(t).toISOString();
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** All absent: the reasons joined; else undefined. */
function allAbsent(outcomes: Any[]): Measured | undefined {
  if (!outcomes.every((o) => o.status === 'absent')) return undefined;
  return na(outcomes.map((o) => (o.status === 'absent' ? o.reason : '')).join('; '), outcomes.flatMap((o) => o.evidence));
}

export interface DeriveOptions {
  /** Every database and cache of the estate runs in the cluster: finding none is a measured 0. */
  inventoryComplete?: boolean;
}

export function deriveSignals(s: Sources, now: Date, version: { text: string; evidence: string }, options: DeriveOptions = {}): Partial<Record<KubernetesSignalId, Measured>> {
  const out: Partial<Record<KubernetesSignalId, Measured>> = {};
  const set = (id: KubernetesSignalId, m: Measured) => (out[id] = m);
  const t = now.getTime();

  set('kubernetes.api.reachable', value(true, [version.evidence], version.text));

  // ---- workloads
  const workloadSources = [s.deployments, s.statefulsets];
  const wl = () => [data(s.deployments)!, data(s.statefulsets)!] as const;
  const sumOf = (list: readonly WorkloadFacts[], f: (w: WorkloadFacts) => number) => list.reduce((n, w) => n + f(w), 0);
  {
    const n = need(workloadSources);
    if (n.failed) set('kubernetes.workloads.count', n.failed);
    else {
      const [d, st] = wl();
      set('kubernetes.workloads.count', value(d.count + st.count, n.evidence, `${plural(d.count, 'Deployment')}, ${plural(st.count, 'StatefulSet')}`));
    }
  }
  {
    const n = need([s.hpas]);
    if (n.failed) {
      set('kubernetes.hpa.count', n.failed);
      set('kubernetes.hpa.custom_metrics_count', n.failed);
    } else {
      const h = data(s.hpas)!;
      set('kubernetes.hpa.count', value(h.count, n.evidence));
      set('kubernetes.hpa.custom_metrics_count', value(h.custom, n.evidence, `${h.custom} of ${plural(h.count, 'HPA')} scale on Pods, Object, External or ContainerResource metrics`));
    }
  }
  {
    const o = s.scaledobjects;
    set('kubernetes.keda.scaledobjects', o.status === 'ok' ? value(o.data.count, o.evidence) : o.status === 'absent' ? na(o.reason, o.evidence) : o);
  }
  // Workload ratios that need the autoscaler indexes (multi-replica counts HPA/KEDA minimums).
  const scaled = need([...workloadSources, s.hpas], [s.scaledobjects]);
  {
    if (scaled.failed) {
      set('kubernetes.hpa.coverage_ratio', scaled.failed);
      set('kubernetes.replicas.multi_ratio', scaled.failed);
      set('kubernetes.spread.ratio', scaled.failed);
      set('kubernetes.spread.zone_ratio', scaled.failed);
    } else {
      const list = wl();
      const total = sumOf(list, (w) => w.count);
      const targeted = sumOf(list, (w) => w.hpaTargeted ?? 0);
      const multi = sumOf(list, (w) => w.multi);
      const spread = sumOf(list, (w) => w.spread);
      const none = 'no Deployment or StatefulSet in scope';
      set('kubernetes.hpa.coverage_ratio', total === 0 ? na(none, scaled.evidence)
        : named(value(ratio(targeted, total), scaled.evidence, `${targeted} of ${total} workloads targeted by an HPA or ScaledObject; not targeted: ${examples(list.map((w) => w.hpaUntargeted))}`), 'workloads no HPA or ScaledObject targets', objectsOf(list.map((w) => w.hpaUntargeted))));
      set('kubernetes.replicas.multi_ratio', total === 0 ? na(none, scaled.evidence)
        : named(value(ratio(multi, total), scaled.evidence, `${multi} of ${total} workloads run more than one replica; single: ${examples(list.map((w) => w.single))}`), 'single-replica workloads', objectsOf(list.map((w) => w.single))));
      set('kubernetes.spread.ratio', multi === 0 ? na('no multi-replica workload in scope', scaled.evidence)
        : named(value(ratio(spread, multi), scaled.evidence, `${spread} of ${multi} multi-replica workloads declare topologySpreadConstraints or podAntiAffinity; not: ${examples(list.map((w) => w.unspread))}`), 'multi-replica workloads without topology spread or anti-affinity', objectsOf(list.map((w) => w.unspread))));
      const zoneSpread = sumOf(list, (w) => w.zoneSpread);
      set('kubernetes.spread.zone_ratio', multi === 0 ? na('no multi-replica workload in scope', scaled.evidence)
        : named(value(ratio(zoneSpread, multi), scaled.evidence, `${zoneSpread} of ${multi} multi-replica workloads are spread over zones or regions; not: ${examples(list.map((w) => w.zoneUnspread))}`), 'multi-replica workloads not spread over zones or regions', objectsOf(list.map((w) => w.zoneUnspread))));
    }
    const pdb = need([...workloadSources, s.hpas, s.pdbs], [s.scaledobjects]);
    if (pdb.failed) set('kubernetes.pdb.coverage_ratio', pdb.failed);
    else {
      const list = wl();
      const multi = sumOf(list, (w) => w.multi);
      const covered = sumOf(list, (w) => w.pdbCovered ?? 0);
      set('kubernetes.pdb.coverage_ratio', multi === 0 ? na('no multi-replica workload in scope', pdb.evidence)
        : named(value(ratio(covered, multi), pdb.evidence, `${covered} of ${multi} multi-replica workloads selected by a PodDisruptionBudget; not: ${examples(list.map((w) => w.pdbUncovered))}`), 'multi-replica workloads no PodDisruptionBudget selects', objectsOf(list.map((w) => w.pdbUncovered))));
    }
  }
  {
    const n = need([s.deployments]);
    if (n.failed) set('kubernetes.rollout.capacity_kept_ratio', n.failed);
    else {
      const d = data(s.deployments)!;
      set('kubernetes.rollout.capacity_kept_ratio', d.count === 0 ? na('no Deployment in scope', n.evidence)
        : named(value(ratio(d.capacityKept, d.count), n.evidence, `${d.capacityKept} of ${d.count} Deployments roll with maxUnavailable 0; losing capacity: ${d.capacityLost.text()}`), 'Deployments whose rolling update loses capacity', objectsOf([d.capacityLost])));
    }
  }
  {
    const all = [s.deployments, s.statefulsets, s.daemonsets];
    const n = need(all);
    const ids = ['kubernetes.probes.readiness_ratio', 'kubernetes.probes.liveness_ratio', 'kubernetes.resources.requests_ratio', 'kubernetes.resources.limits_ratio'] as const;
    if (n.failed) for (const id of ids) set(id, n.failed);
    else {
      const list = all.map((o) => data(o)!);
      const total = sumOf(list, (w) => w.count);
      const containers = sumOf(list, (w) => w.containers);
      const noWorkload = na('no Deployment, StatefulSet or DaemonSet in scope', n.evidence);
      const probe = (have: number, missing: WorkloadFacts['noReadiness'][], what: string) =>
        total === 0 ? noWorkload : named(value(ratio(have, total), n.evidence, `${have} of ${total} workloads (DaemonSets included) have a ${what} on every container; not: ${examples(missing)}`), `workloads without a ${what} on every container`, objectsOf(missing));
      set('kubernetes.probes.readiness_ratio', probe(sumOf(list, (w) => w.readiness), list.map((w) => w.noReadiness), 'readinessProbe'));
      set('kubernetes.probes.liveness_ratio', probe(sumOf(list, (w) => w.liveness), list.map((w) => w.noLiveness), 'livenessProbe'));
      const res = (have: number, missing: WorkloadFacts['noRequests'][], what: string) =>
        containers === 0 ? na('no container in scope', n.evidence) : named(value(ratio(have, containers), n.evidence, `${have} of ${containers} containers set cpu and memory ${what}; not: ${examples(missing)}`), `containers without cpu and memory ${what}`, objectsOf(missing));
      set('kubernetes.resources.requests_ratio', res(sumOf(list, (w) => w.requests), list.map((w) => w.noRequests), 'requests'));
      set('kubernetes.resources.limits_ratio', res(sumOf(list, (w) => w.limits), list.map((w) => w.noLimits), 'limits'));
    }
  }

  // ---- elasticity beyond the workloads
  {
    const found: string[] = [];
    const d = data(s.deployments);
    if (d?.autoscalers.count) found.push(`cluster-autoscaler Deployment ${d.autoscalers.text()}`);
    if (data(s.autoscalerStatus)) found.push('ConfigMap kube-system/cluster-autoscaler-status');
    const pools = (data(s.nodepools) ?? 0) + (data(s.provisioners) ?? 0);
    if (pools) found.push(`${plural(pools, 'Karpenter NodePool/Provisioner', 'Karpenter NodePools/Provisioners')}`);
    const karpenterNodes = data(s.nodes)?.karpenter ?? 0;
    if (karpenterNodes) found.push(`${plural(karpenterNodes, 'node')} provisioned by Karpenter`);
    const annotated = data(s.nodes)?.autoscalerAnnotated ?? 0;
    if (annotated) found.push(`${plural(annotated, 'node')} annotated cluster-autoscaler.kubernetes.io/* (read by the cluster autoscaler alone)`);
    const sources = [s.deployments, s.autoscalerStatus, s.nodes, s.nodepools, s.provisioners];
    const evidence = [...new Set(sources.flatMap((o) => o.evidence))];
    const failed = sources.find((o) => o.status === 'failed');
    if (found.length) set('kubernetes.cluster_autoscaler.present', value(true, evidence, found.join('; ')));
    else if (failed && failed.status === 'failed') set('kubernetes.cluster_autoscaler.present', { status: 'failed', reason: failed.reason, evidence: failed.evidence });
    else set('kubernetes.cluster_autoscaler.present', value(false, evidence, 'no cluster-autoscaler Deployment, no cluster-autoscaler-status ConfigMap, no Karpenter NodePool or node, no node annotated for the cluster autoscaler'));
  }
  {
    const none = allAbsent([s.rollouts, s.canaries]);
    const n = need([], [s.rollouts, s.canaries]);
    if (none) set('kubernetes.progressive_delivery.count', none);
    else if (n.failed) set('kubernetes.progressive_delivery.count', n.failed);
    else {
      const r = data(s.rollouts);
      const c = data(s.canaries) ?? 0;
      const parts = [r ? `${r.progressive} of ${plural(r.total, 'Argo Rollout')} canary or blue-green` : 'Argo Rollouts not installed', s.canaries.status === 'ok' ? plural(c, 'Flagger Canary', 'Flagger Canaries') : 'Flagger not installed'];
      set('kubernetes.progressive_delivery.count', value((r?.progressive ?? 0) + c, n.evidence, parts.join('; ')));
    }
  }
  {
    const n = need([s.services]);
    set('kubernetes.services.count', n.failed ?? value(data(s.services)!, n.evidence));
  }
  {
    const n = need([s.ingresses], [s.httproutes, s.grpcroutes]);
    if (n.failed) set('kubernetes.ingress.count', n.failed);
    else {
      const i = data(s.ingresses)!.count;
      const h = data(s.httproutes)?.count;
      const g = data(s.grpcroutes);
      const parts = [plural(i, 'Ingress', 'Ingresses'), h === undefined ? 'no Gateway API HTTPRoute CRD' : plural(h, 'HTTPRoute'), g === undefined ? 'no GRPCRoute CRD' : plural(g, 'GRPCRoute')];
      set('kubernetes.ingress.count', value(i + (h ?? 0) + (g ?? 0), n.evidence, parts.join(', ')));
    }
  }
  {
    const found: string[] = [];
    const ns = data(s.namespaces);
    if (ns?.mesh.count) found.push(`namespaces with mesh injection: ${ns.mesh.text()}`);
    const templates = [s.deployments, s.statefulsets, s.daemonsets].map((o) => data(o)?.meshTemplates).filter((e) => e !== undefined);
    if (templates.some((e) => e.count)) found.push(`pod templates asking for injection: ${examples(templates)}`);
    const vs = data(s.virtualservices);
    if (vs?.total) found.push(plural(vs.total, 'Istio VirtualService'));
    const sources = [s.namespaces, s.deployments, s.statefulsets, s.daemonsets, s.virtualservices];
    const evidence = [...new Set(sources.flatMap((o) => o.evidence))];
    const failed = sources.find((o) => o.status === 'failed');
    if (found.length) set('kubernetes.service_mesh.present', value(true, evidence, found.join('; ')));
    else if (failed && failed.status === 'failed') set('kubernetes.service_mesh.present', { status: 'failed', reason: failed.reason, evidence: failed.evidence });
    else set('kubernetes.service_mesh.present', value(false, evidence, 'no namespace or pod template asks for Istio or Linkerd injection, and no VirtualService'));
  }

  // ---- nodes
  {
    const n = need([s.nodes]);
    if (n.failed) for (const id of ['kubernetes.nodes.count', 'kubernetes.nodes.zones', 'kubernetes.nodes.regions'] as const) set(id, n.failed);
    else {
      const nodes = data(s.nodes)!;
      set('kubernetes.nodes.count', value(nodes.count, n.evidence, `${nodes.ready} Ready`));
      set('kubernetes.nodes.zones', nodes.zones.size ? value(nodes.zones.size, n.evidence, [...nodes.zones].sort().join(', '))
        : na(`no Ready node carries topology.kubernetes.io/zone (or failure-domain.beta.kubernetes.io/zone); ${plural(nodes.ready, 'Ready node')}`, n.evidence));
      set('kubernetes.nodes.regions', nodes.regions.size ? value(nodes.regions.size, n.evidence, [...nodes.regions].sort().join(', '))
        : na(`no Ready node carries topology.kubernetes.io/region (or failure-domain.beta.kubernetes.io/region); ${plural(nodes.ready, 'Ready node')}`, n.evidence));
    }
  }
  {
    const istio = [s.destinationrules, s.virtualservices, s.envoyfilters];
    const none = allAbsent(istio);
    const n = need([], istio);
    if (none) set('kubernetes.mesh.resilience_policies', none);
    else if (n.failed) set('kubernetes.mesh.resilience_policies', n.failed);
    else {
      const [dr, vs, ef] = istio.map((o) => data(o));
      const parts = [
        dr ? `${dr.resilient} of ${plural(dr.total, 'DestinationRule')} with outlierDetection or connectionPool` : undefined,
        vs ? `${vs.resilient} of ${plural(vs.total, 'VirtualService')} with retries or a timeout` : undefined,
        ef ? `${ef.resilient} of ${plural(ef.total, 'EnvoyFilter')} adding local rate limiting` : undefined,
      ].filter(Boolean);
      set('kubernetes.mesh.resilience_policies', value((dr?.resilient ?? 0) + (vs?.resilient ?? 0) + (ef?.resilient ?? 0), n.evidence, parts.join('; ')));
    }
  }

  {
    const n = need([s.ingresses], [s.envoyfilters, s.traefikMiddlewares]);
    if (n.failed) set('kubernetes.ratelimit.policies', n.failed);
    else {
      const ing = data(s.ingresses)!.rateLimited;
      const ef = data(s.envoyfilters);
      const tm = data(s.traefikMiddlewares);
      const parts = [
        `${ing.count} rate-limited Ingresses${ing.count ? ` (${ing.text()})` : ''}`,
        ef ? `${ef.resilient} of ${plural(ef.total, 'EnvoyFilter')} adding local rate limiting` : 'no Istio EnvoyFilter CRD',
        tm ? `${tm.rateLimited.count} of ${plural(tm.total, 'Traefik Middleware')} with rateLimit${tm.rateLimited.count ? ` (${tm.rateLimited.text()})` : ''}` : 'no Traefik Middleware CRD',
      ];
      set('kubernetes.ratelimit.policies', named(value(ing.count + (ef?.resilient ?? 0) + (tm?.rateLimited.count ?? 0), n.evidence, parts.join('; ')), 'rate-limited Ingresses and Traefik Middlewares (EnvoyFilters are counted, not named)', objectsOf([ing, ...(tm ? [tm.rateLimited] : [])])));
    }
  }

  {
    const n = need([s.ingresses], [s.destinationrules, s.virtualservices, s.httproutes]);
    if (n.failed) set('kubernetes.loadbalancing.policies', n.failed);
    else {
      const ing = data(s.ingresses)!.balanced;
      const dr = data(s.destinationrules);
      const vs = data(s.virtualservices);
      const hr = data(s.httproutes);
      const found = [ing, ...(dr ? [dr.balanced] : []), ...(vs ? [vs.balanced] : []), ...(hr ? [hr.weighted] : [])];
      const parts = [
        `${ing.count} Ingresses choosing an algorithm or a canary weight`,
        dr ? `${dr.balanced.count} DestinationRules with a loadBalancer` : 'no Istio DestinationRule CRD',
        vs ? `${vs.balanced.count} VirtualServices splitting by weight` : 'no Istio VirtualService CRD',
        hr ? `${hr.weighted.count} HTTPRoutes splitting by weight` : 'no Gateway API HTTPRoute CRD',
      ];
      set('kubernetes.loadbalancing.policies', named(value(found.reduce((a, e) => a + e.count, 0), n.evidence, parts.join('; ')),
        'objects that choose a balancing algorithm or split traffic by weight', objectsOf(found)));
    }
  }

  deriveData(s, t, set, options.inventoryComplete === true);
  deriveVelero(s, t, set);
  deriveChaos(s, t, set);

  // ---- capacity
  {
    const n = need([s.namespaces, s.resourcequotas]);
    if (n.failed) set('kubernetes.quotas.namespace_ratio', n.failed);
    else {
      const names = data(s.namespaces)!.names;
      const quotas = data(s.resourcequotas)!;
      const with_ = names.filter((x) => quotas.has(x));
      const without = names.filter((x) => !quotas.has(x));
      set('kubernetes.quotas.namespace_ratio', names.length === 0 ? na('no namespace in scope', n.evidence)
        : named(value(ratio(with_.length, names.length), n.evidence, `${with_.length} of ${plural(names.length, 'namespace')} have a ResourceQuota; not: ${list(without)}`), 'namespaces without a ResourceQuota', objectsIn(without)));
    }
  }
  {
    const o = s.vpas;
    set('kubernetes.vpa.count', o.status === 'ok' ? value(o.data, o.evidence) : o.status === 'absent' ? na(o.reason, o.evidence) : o);
  }
  return out;
}

type Setter = (id: KubernetesSignalId, m: Measured) => void;

interface Database {
  id: string;
  namespace: string;
  kind: 'CloudNativePG' | 'Zalando' | 'StatefulSet';
  instances: number;
  /** undefined: not visible from the API. */
  sync?: boolean;
  backup: boolean;
}

/** Why finding no database or cache in the cluster is not a measured zero. */
const PARTIAL_VIEW = 'managed services outside the cluster are not visible from its API (set inventory_complete: true when every one runs in the cluster)';

function deriveData(s: Sources, now: number, set: Setter, inventoryComplete: boolean): void {
  const dbIds = ['kubernetes.databases.count', 'kubernetes.databases.replicated_ratio', 'kubernetes.databases.sync_replication', 'kubernetes.databases.sync_ratio', 'kubernetes.databases.backup_configured_ratio'] as const;
  const backupSources = [s.cronjobs, s.veleroSchedules, s.cnpgScheduledBackups];
  const n = need([s.statefulsets, s.cronjobs], [s.cnpgClusters, s.zalandoClusters, s.cnpgScheduledBackups, s.veleroSchedules]);
  if (n.failed) for (const id of dbIds) set(id, n.failed);
  else {
    const scheduled = data(s.cnpgScheduledBackups) ?? new Set<string>();
    const backupJobs = data(s.cronjobs)!;
    const velero = data(s.veleroSchedules);
    const veleroCovers = (ns: string) => (velero?.coverage ?? []).some((c) => !c.excluded.includes(ns) && (c.included === undefined || c.included.includes(ns)));
    const external = (ns: string) => backupJobs.has(ns) || veleroCovers(ns);
    const dbs: Database[] = [
      ...(data(s.cnpgClusters) ?? []).map((c: CnpgCluster): Database => ({ id: c.id, namespace: c.namespace, kind: 'CloudNativePG', instances: c.instances, sync: c.sync, backup: c.backupSpec || scheduled.has(c.id) || external(c.namespace) })),
      ...(data(s.zalandoClusters) ?? []).map((c: ZalandoCluster): Database => ({ id: c.id, namespace: c.namespace, kind: 'Zalando', instances: c.instances, sync: c.sync, backup: c.backup || external(c.namespace) })),
      ...[...data(s.statefulsets)!.databases.values()].map((g: Group): Database => ({ id: `${g.namespace}/${g.name}`, namespace: g.namespace, kind: 'StatefulSet', instances: g.instances, backup: external(g.namespace) })),
    ];
    const evidence = n.evidence;
    const kinds = countBy(dbs.map((d) => d.kind));
    if (dbs.length || inventoryComplete) set('kubernetes.databases.count', named(value(dbs.length, evidence, dbs.length ? `${kinds}: ${list(dbs.map((d) => d.id))}` : 'no CloudNativePG or Zalando cluster and no database StatefulSet (inventory_complete: the estate has no other)'), 'the databases found', objectsIn(dbs.map((d) => d.id))));
    else set('kubernetes.databases.count', na(`no CloudNativePG or Zalando cluster and no database StatefulSet in the cluster; ${PARTIAL_VIEW}`, evidence));
    if (dbs.length === 0) {
      for (const id of dbIds.slice(1)) set(id, na('no database cluster in scope', evidence));
    } else {
      const replicated = dbs.filter((d) => d.instances > 1);
      set('kubernetes.databases.replicated_ratio', named(value(ratio(replicated.length, dbs.length), evidence,
        `${replicated.length} of ${dbs.length} databases run more than one instance; single: ${list(dbs.filter((d) => d.instances <= 1).map((d) => d.id))}`), 'databases with a single instance', objectsIn(dbs.filter((d) => d.instances <= 1).map((d) => d.id))));
      const sync = dbs.filter((d) => d.sync === true);
      const unseen = dbs.filter((d) => d.sync === undefined);
      if (sync.length) set('kubernetes.databases.sync_replication', value(true, evidence, `synchronous: ${list(sync.map((d) => d.id))}`));
      else if (unseen.length) set('kubernetes.databases.sync_replication', na(`no operator-managed database replicates synchronously, and the replication mode of ${plural(unseen.length, 'StatefulSet database')} (${list(unseen.map((d) => d.id))}) is not visible in the API`, evidence));
      else set('kubernetes.databases.sync_replication', value(false, evidence, `none of ${plural(dbs.length, 'operator-managed database')} sets minSyncReplicas, postgresql.synchronous or patroni.synchronous_mode`));
      const syncOf = replicated.filter((d) => d.sync === true);
      const hidden = replicated.filter((d) => d.sync === undefined);
      if (replicated.length === 0) set('kubernetes.databases.sync_ratio', na('no database cluster runs more than one instance', evidence));
      else if (hidden.length) set('kubernetes.databases.sync_ratio', na(`the replication mode of ${plural(hidden.length, 'replicated StatefulSet database')} (${list(hidden.map((d) => d.id))}) is not visible in the API`, evidence));
      else set('kubernetes.databases.sync_ratio', named(value(ratio(syncOf.length, replicated.length), evidence,
        `${syncOf.length} of ${replicated.length} replicated databases replicate synchronously; asynchronous: ${list(replicated.filter((d) => d.sync !== true).map((d) => d.id))}`), 'replicated databases replicating asynchronously', objectsIn(replicated.filter((d) => d.sync !== true).map((d) => d.id))));
      const backed = dbs.filter((d) => d.backup);
      set('kubernetes.databases.backup_configured_ratio', named(value(ratio(backed.length, dbs.length), [...new Set([...evidence, ...backupSources.flatMap((o) => o.evidence)])],
        `${backed.length} of ${dbs.length} databases have a backup configured; not: ${list(dbs.filter((d) => !d.backup).map((d) => d.id))}`), 'databases without a backup configured', objectsIn(dbs.filter((d) => !d.backup).map((d) => d.id))));
    }
  }

  // Backup age: CloudNativePG records it; the others' backups are not visible per database.
  {
    const n = need([s.cnpgClusters], [s.cnpgBackups, s.cnpgScheduledBackups]);
    if (n.failed) set('kubernetes.databases.last_backup_age_seconds', n.failed);
    else {
      const scheduled = data(s.cnpgScheduledBackups) ?? new Set<string>();
      const backups = data(s.cnpgBackups) ?? new Map<string, number>();
      const withBackup = data(s.cnpgClusters)!.filter((c) => c.backupSpec || scheduled.has(c.id));
      if (withBackup.length === 0) set('kubernetes.databases.last_backup_age_seconds', na('no CloudNativePG cluster in scope has backups configured', n.evidence));
      else {
        const ages = withBackup.map((c) => {
          const last = Math.max(c.lastSuccess ?? 0, backups.get(c.id) ?? 0) || undefined;
          return { id: c.id, last, age: last !== undefined ? ago(now, last) : c.created !== undefined ? ago(now, c.created) : undefined };
        });
        const unknown = ages.filter((a) => a.age === undefined);
        const oldest = ages.filter((a) => a.age !== undefined).sort((a, b) => b.age! - a.age!)[0];
        if (!oldest) set('kubernetes.databases.last_backup_age_seconds', { status: 'failed', reason: `no backup time and no creationTimestamp for ${list(unknown.map((a) => a.id))}`, evidence: n.evidence });
        else {
          const never = ages.filter((a) => a.last === undefined && a.age !== undefined);
          const detail = oldest.last !== undefined
            ? `${oldest.id}: last successful backup ${iso(oldest.last)}`
            : `${oldest.id}: no successful backup since it was created (at least this long)`;
          set('kubernetes.databases.last_backup_age_seconds', value(oldest.age!, n.evidence, detail + (never.length ? `; never backed up: ${list(never.map((a) => a.id))}` : '')));
        }
      }
    }
  }

  // Caches
  {
    const redisCrs = [s.redisFailovers, s.opstreeRedis, s.opstreeReplications, s.opstreeClusters];
    const n2 = need([s.statefulsets, s.deployments], redisCrs);
    if (n2.failed) {
      set('kubernetes.caches.count', n2.failed);
      set('kubernetes.caches.replicated_ratio', n2.failed);
    } else {
      // StatefulSets and Deployments of one release (app.kubernetes.io/instance) are one cache:
      // a Sentinel Deployment beside a Redis StatefulSet gives it failover.
      const merged = new Map<string, Group>();
      for (const [key, g] of [...data(s.statefulsets)!.caches, ...data(s.deployments)!.caches]) {
        const m = merged.get(key);
        merged.set(key, m ? { ...m, instances: m.instances + g.instances, failover: m.failover || g.failover, workloads: [...m.workloads, ...g.workloads] } : g);
      }
      const caches: Group[] = [...merged.values(), ...redisCrs.flatMap((o) => data(o) ?? [])]
        // Sentinels grouped with no Redis are not a cache of their own
        .filter((g) => g.instances > 0);
      if (caches.length || inventoryComplete) set('kubernetes.caches.count', named(value(caches.length, n2.evidence, caches.length ? `${countBy(caches.map((c) => c.engine))}: ${list(caches.map((c) => `${c.namespace}/${c.name}`))}` : 'no Redis, Valkey or Memcached workload and no Redis operator resource (inventory_complete: the estate has no other)'), 'the caches found', objectsIn(caches.map((c) => `${c.namespace}/${c.name}`))));
      else set('kubernetes.caches.count', na(`no Redis, Valkey or Memcached workload and no Redis operator resource in the cluster; ${PARTIAL_VIEW}`, n2.evidence));
      const replicated = caches.filter((c) => c.instances > 1 || c.failover);
      set('kubernetes.caches.replicated_ratio', caches.length === 0 ? na('no cache in scope', n2.evidence)
        : named(value(ratio(replicated.length, caches.length), n2.evidence, `${replicated.length} of ${caches.length} caches replicated or with Sentinel failover; single: ${list(caches.filter((c) => !(c.instances > 1 || c.failover)).map((c) => `${c.namespace}/${c.name}`))}`), 'caches without a replica or Sentinel', objectsIn(caches.filter((c) => !(c.instances > 1 || c.failover)).map((c) => `${c.namespace}/${c.name}`))));
    }
  }
}

function deriveVelero(s: Sources, now: number, set: Setter): void {
  {
    const o = s.veleroSchedules;
    set('kubernetes.velero.schedules', o.status === 'ok' ? value(o.data.total - o.data.paused, o.evidence, `${o.data.total} Schedules, ${o.data.paused} paused`) : o.status === 'absent' ? na(o.reason, o.evidence) : o);
  }
  {
    const n = need([s.veleroBackups, s.veleroSchedules]);
    if (n.failed) set('kubernetes.velero.last_backup_age_seconds', n.failed);
    else {
      const b = data(s.veleroBackups)!;
      const sch = data(s.veleroSchedules)!;
      if (b.newestCompleted) set('kubernetes.velero.last_backup_age_seconds', value(ago(now, b.newestCompleted.at), n.evidence, `${b.newestCompleted.name} completed ${iso(b.newestCompleted.at)}`));
      else {
        // Nothing completed: the age is at least the time since backups were first asked for.
        const since = earlier(b.earliestCreated, sch.earliestCreated);
        if (since === undefined) set('kubernetes.velero.last_backup_age_seconds', na('Velero is installed but has no Backup and no Schedule', n.evidence));
        else set('kubernetes.velero.last_backup_age_seconds', value(ago(now, since), n.evidence, `no Backup has completed; at least this long since the first Schedule or Backup was created (${iso(since)}); ${plural(b.total, 'Backup')} on record`));
      }
    }
  }
  {
    const o = s.veleroBackups;
    if (o.status !== 'ok') set('kubernetes.velero.failed_ratio', o.status === 'absent' ? na(o.reason, o.evidence) : o);
    else if (o.data.windowFinished === 0) set('kubernetes.velero.failed_ratio', na('no Velero Backup started within the window has finished', o.evidence));
    else set('kubernetes.velero.failed_ratio', named(value(ratio(o.data.windowFailed.count, o.data.windowFinished), o.evidence, `${o.data.windowFailed.count} of ${o.data.windowFinished} finished Backups started in the window failed: ${o.data.windowFailed.text()}`), 'failed Backups started in the window', objectsOf([o.data.windowFailed])));
  }
  {
    const o = s.veleroLocations;
    set('kubernetes.velero.locations', o.status === 'ok' ? value(o.data.length, o.evidence, list(o.data.map(describeLocation))) : o.status === 'absent' ? na(o.reason, o.evidence) : o);
    if (o.status !== 'ok') set('kubernetes.velero.offsite', o.status === 'absent' ? na(o.reason, o.evidence) : o);
    else set('kubernetes.velero.offsite', offsite(o.data, s.nodes, o.evidence));
  }
}

function offsite(locations: LocationFacts[], nodes: Sources['nodes'], locEvidence: string[]): Measured {
  if (locations.length === 0) return value(false, locEvidence, 'no BackupStorageLocation');
  if (locations.length > 1) return value(true, locEvidence, `${locations.length} BackupStorageLocations: ${list(locations.map(describeLocation))}`);
  const [loc] = locations;
  if (loc.s3Url && /\.svc(\.cluster\.local)?(:\d+)?(\/|$)|:\/\/(localhost|127\.)/.test(loc.s3Url)) return value(false, locEvidence, `${loc.name} stores in the cluster (${loc.s3Url})`);
  if (!loc.region) return na(`${loc.name} (${loc.provider}) names no region in its config: whether it is offsite cannot be told`, locEvidence);
  if (nodes.status !== 'ok') return nodes.status === 'failed' ? { status: 'failed', reason: nodes.reason, evidence: [...locEvidence, ...nodes.evidence] } : na(nodes.reason, nodes.evidence);
  const evidence = [...locEvidence, ...nodes.evidence];
  const regions = [...nodes.data.regions];
  if (regions.length === 0) return na(`no node carries a region label to compare ${loc.name}'s region ${loc.region} with`, evidence);
  const away = !regions.includes(loc.region);
  return value(away, evidence, `${loc.name} in region ${loc.region}; nodes in ${regions.sort().join(', ')}`);
}

function describeLocation(l: LocationFacts): string {
  return `${l.name} (${l.provider}${l.region ? `, ${l.region}` : ''})`;
}

function deriveChaos(s: Sources, now: number, set: Setter): void {
  const faults = (Object.keys(CHAOS_MESH_KINDS) as ChaosKey[]).map((k) => s.chaos[k]);
  const mesh = [...faults, s.chaosSchedules, s.chaosWorkflows];
  const litmus = [s.litmusEngines, s.litmusResults];
  const ids = ['kubernetes.chaos.experiments', 'kubernetes.chaos.runs_window', 'kubernetes.chaos.last_run_age_seconds', 'kubernetes.chaos.node_level'] as const;
  const none = allAbsent([...mesh, ...litmus]);
  if (none) {
    const reason = `neither Chaos Mesh (chaos-mesh.org/v1alpha1) nor Litmus (litmuschaos.io/v1alpha1) is installed`;
    for (const id of ids) set(id, na(reason, none.evidence));
    return;
  }
  const n = need([], [...mesh, ...litmus]);
  if (n.failed) {
    for (const id of ids) set(id, n.failed);
    return;
  }
  const got = [...mesh, ...litmus].map((o) => data(o)).filter((x): x is ChaosFacts => x !== undefined);
  const installed = [mesh.some((o) => o.status === 'ok') ? 'Chaos Mesh' : undefined, litmus.some((o) => o.status === 'ok') ? 'Litmus' : undefined].filter(Boolean).join(' and ');
  const byKind = got.filter((c) => c.total > 0);
  const definitions = got.filter((c) => c.kind !== 'ChaosResult').reduce((a, c) => a + c.standalone, 0);
  set('kubernetes.chaos.experiments', value(definitions, n.evidence, `${installed} installed; ${byKind.length ? byKind.map((c) => `${c.total} ${c.kind}`).join(', ') : 'no chaos object'}`));
  const runs = got.filter((c) => ['ChaosResult', ...Object.values(CHAOS_MESH_KINDS).map(([, k]) => k)].includes(c.kind));
  const inWindow = runs.reduce((a, c) => a + c.inWindow, 0);
  set('kubernetes.chaos.runs_window', value(inWindow, n.evidence, runs.filter((c) => c.inWindow).map((c) => `${c.inWindow} ${c.kind}`).join(', ') || 'no fault injected and no ChaosResult created in the window'));
  const latest = got.reduce<number | undefined>((a, c) => latestOf(a, c.latest), undefined);
  set('kubernetes.chaos.last_run_age_seconds', latest === undefined ? na(`${installed} installed, but no chaos experiment has run`, n.evidence) : value(ago(now, latest), n.evidence, `last run ${iso(latest)}`));
  const nodeLevel = got.filter((c) => c.nodeLevel).map((c) => c.kind);
  set('kubernetes.chaos.node_level', value(nodeLevel.length > 0, n.evidence, nodeLevel.length ? `node-level faults in: ${nodeLevel.join(', ')}` : byKind.length ? 'only pod, network, DNS or HTTP faults' : 'no chaos object'));
}

function earlier(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
function latestOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function examples(list: { names: string[]; count: number }[]): string {
  const names = list.flatMap((e) => e.names);
  const count = list.reduce((n, e) => n + e.count, 0);
  if (!count) return 'none';
  const shown = names.slice(0, 5);
  return shown.join(', ') + (count > shown.length ? ` (+${count - shown.length} more)` : '');
}

function list(names: string[]): string {
  if (!names.length) return 'none';
  const shown = names.slice(0, 5);
  return shown.join(', ') + (names.length > shown.length ? ` (+${names.length - shown.length} more)` : '');
}

function countBy(values: string[]): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([k, n]) => `${n} ${k}`).join(', ');
}
