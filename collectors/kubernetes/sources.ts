import type { z } from 'zod';
import * as api from './api.js';
import type { Outcome } from './reader.js';
import { KubeReader } from './reader.js';
import { CHAOS_MESH_KINDS, NODE_LEVEL_CHAOS, RESOURCE_BY_KEY, type ApiResource, type ChaosKey } from './resources.js';
import { Examples, foldWorkload, isBackupJob, newWorkloadFacts, type Group, type Indexes, type PdbIndex, type TargetIndex, type WorkloadFacts, type WorkloadKind } from './workloads.js';

/**
 * Reads every source the signals are derived from, and keeps of each only what the signals
 * need. The small indexes (HPAs, ScaledObjects, PDBs) are read before the workloads, which are
 * then judged page by page.
 */

export interface NamespaceFacts {
  names: string[];
  mesh: Examples;
  missing: string[];
}
export interface NodeFacts {
  count: number;
  ready: number;
  zones: Set<string>;
  regions: Set<string>;
  karpenter: number;
  /** Nodes carrying an annotation only the cluster autoscaler reads. */
  autoscalerAnnotated: number;
}
export interface TargetFacts {
  count: number;
  custom: number;
  index: TargetIndex;
}
export interface CnpgCluster {
  id: string;
  namespace: string;
  instances: number;
  sync: boolean;
  backupSpec: boolean;
  lastSuccess?: number;
  created?: number;
}
export interface ZalandoCluster {
  id: string;
  namespace: string;
  instances: number;
  sync: boolean;
  backup: boolean;
}
export interface VeleroScheduleFacts {
  total: number;
  paused: number;
  earliestCreated?: number;
  /** Namespaces each active schedule backs up: undefined included = all. */
  coverage: { included?: string[]; excluded: string[] }[];
}
export interface VeleroBackupFacts {
  total: number;
  newestCompleted?: { at: number; name: string };
  earliestCreated?: number;
  windowFinished: number;
  windowFailed: Examples;
}
export interface LocationFacts {
  name: string;
  provider: string;
  region?: string;
  s3Url?: string;
}
export interface ChaosFacts {
  kind: string;
  /** Definitions: objects no Schedule or Workflow spawned. */
  standalone: number;
  total: number;
  inWindow: number;
  latest?: number;
  nodeLevel: boolean;
}

export interface Sources {
  namespaces: Outcome<NamespaceFacts>;
  nodes: Outcome<NodeFacts>;
  services: Outcome<number>;
  resourcequotas: Outcome<Set<string>>;
  autoscalerStatus: Outcome<boolean>;
  hpas: Outcome<TargetFacts>;
  scaledobjects: Outcome<TargetFacts>;
  pdbs: Outcome<{ count: number; index: PdbIndex }>;
  cronjobs: Outcome<Set<string>>;
  ingresses: Outcome<{ count: number; rateLimited: Examples; balanced: Examples }>;
  traefikMiddlewares: Outcome<{ total: number; rateLimited: Examples }>;
  httproutes: Outcome<{ count: number; weighted: Examples }>;
  grpcroutes: Outcome<number>;
  vpas: Outcome<number>;
  nodepools: Outcome<number>;
  provisioners: Outcome<number>;
  rollouts: Outcome<{ total: number; progressive: number }>;
  canaries: Outcome<number>;
  destinationrules: Outcome<Tally>;
  virtualservices: Outcome<Tally>;
  envoyfilters: Outcome<Tally>;
  cnpgClusters: Outcome<CnpgCluster[]>;
  cnpgBackups: Outcome<Map<string, number>>;
  cnpgScheduledBackups: Outcome<Set<string>>;
  zalandoClusters: Outcome<ZalandoCluster[]>;
  redisFailovers: Outcome<Group[]>;
  opstreeRedis: Outcome<Group[]>;
  opstreeReplications: Outcome<Group[]>;
  opstreeClusters: Outcome<Group[]>;
  veleroSchedules: Outcome<VeleroScheduleFacts>;
  veleroBackups: Outcome<VeleroBackupFacts>;
  veleroLocations: Outcome<LocationFacts[]>;
  chaos: Record<ChaosKey, Outcome<ChaosFacts>>;
  chaosSchedules: Outcome<ChaosFacts>;
  chaosWorkflows: Outcome<ChaosFacts>;
  litmusEngines: Outcome<ChaosFacts>;
  litmusResults: Outcome<ChaosFacts>;
  deployments: Outcome<WorkloadFacts>;
  statefulsets: Outcome<WorkloadFacts>;
  daemonsets: Outcome<WorkloadFacts>;
}

const CONCURRENCY = 4;

/** ingress-nginx annotations that choose a balancing algorithm or split traffic by weight. */
const BALANCING_ANNOTATIONS = new Set([
  'nginx.ingress.kubernetes.io/load-balance', 'nginx.ingress.kubernetes.io/upstream-hash-by', 'nginx.ingress.kubernetes.io/canary-weight',
]);

/** Ingress annotations by which ingress-nginx and the HAProxy ingress controller limit request rates. */
const RATE_LIMIT_ANNOTATIONS = new Set([
  'nginx.ingress.kubernetes.io/limit-rps', 'nginx.ingress.kubernetes.io/limit-rpm', 'nginx.ingress.kubernetes.io/limit-connections',
  'haproxy.org/rate-limit-requests', 'haproxy-ingress.github.io/limit-rps', 'haproxy-ingress.github.io/limit-connections',
]);

function resource(key: string): ApiResource {
  const r = RESOURCE_BY_KEY.get(key);
  if (!r) throw new Error(`no resource ${key} in the request table`);
  return r;
}

const time = (s: string | undefined): number | undefined => (s === undefined ? undefined : Date.parse(s));
const later = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
const earlier = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
const idOf = (m: api.ObjectMeta) => `${m.namespace ? m.namespace + '/' : ''}${m.name}`;

export async function readSources(reader: KubeReader, window: { start: Date; end: Date }): Promise<Sources> {
  const inWindow = (t: number | undefined) => t !== undefined && t >= window.start.getTime() && t <= window.end.getTime();

  const count = (key: string, skip?: (m: api.ObjectMeta) => boolean) => () =>
    reader.list(resource(key), api.metaOnlySchema, () => ({ n: 0 }), (acc, o, inScope) => {
      if (inScope && !skip?.(o.metadata)) acc.n++;
    }).then((o) => mapOutcome(o, (a) => a.n));

  const chaosKind = (key: ChaosKey) => () => {
    const [, kind] = CHAOS_MESH_KINDS[key];
    return reader.list(resource(key), api.chaosSchema, () => newChaos(kind), (acc, o, inScope) => {
      if (!inScope) return;
      const created = time(o.metadata.creationTimestamp);
      acc.total++;
      acc.nodeLevel = NODE_LEVEL_CHAOS.has(kind);
      if (!(o.metadata.ownerReferences ?? []).some((r) => /^(Schedule|Workflow|WorkflowNode)$/.test(r.kind))) acc.standalone++;
      if (inWindow(created)) acc.inWindow++;
      acc.latest = later(acc.latest, created);
    });
  };

  const tasks = {
    namespaces: () => readNamespaces(reader),
    nodes: () =>
      reader.list(resource('nodes'), api.nodeSchema, (): NodeFacts => ({ count: 0, ready: 0, zones: new Set(), regions: new Set(), karpenter: 0, autoscalerAnnotated: 0 }), (acc, n) => {
        const l = n.metadata.labels ?? {};
        acc.count++;
        if (Object.keys(n.metadata.annotations ?? {}).some((k) => k.startsWith('cluster-autoscaler.kubernetes.io/'))) acc.autoscalerAnnotated++;
        if (l['karpenter.sh/nodepool'] !== undefined || l['karpenter.sh/provisioner-name'] !== undefined) acc.karpenter++;
        if (!(n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')) return;
        acc.ready++;
        const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'];
        const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'];
        if (zone) acc.zones.add(zone);
        if (region) acc.regions.add(region);
      }),
    // The API server's own Service says nothing about the applications.
    services: count('services', (m) => m.namespace === 'default' && m.name === 'kubernetes'),
    resourcequotas: () =>
      reader.list(resource('resourcequotas'), api.metaOnlySchema, () => new Set<string>(), (acc, q, inScope) => {
        if (inScope && q.metadata.namespace) acc.add(q.metadata.namespace);
      }),
    autoscalerStatus: () =>
      reader
        .get('/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status', api.metaOnlySchema, 'configmaps cluster-autoscaler-status in namespace kube-system')
        .then((o) => mapOutcome(o, (r) => r.found)),
    hpas: () =>
      reader.list(resource('hpas'), api.hpaSchema, newTargets, (acc, h, inScope) => {
        if (!inScope) return;
        acc.count++;
        if ((h.spec.metrics ?? []).some((m) => ['Pods', 'Object', 'External', 'ContainerResource'].includes(m.type))) acc.custom++;
        addTarget(acc.index, h.metadata.namespace, h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name, h.spec.minReplicas ?? 1);
      }),
    scaledobjects: () =>
      reader.list(resource('scaledobjects'), api.scaledObjectSchema, newTargets, (acc, s, inScope) => {
        if (!inScope) return;
        acc.count++;
        addTarget(acc.index, s.metadata.namespace, s.spec.scaleTargetRef.kind ?? 'Deployment', s.spec.scaleTargetRef.name, s.spec.minReplicaCount ?? 0);
      }),
    pdbs: () =>
      reader.list(resource('pdbs'), api.pdbSchema, () => ({ count: 0, index: new Map() as PdbIndex }), (acc, p, inScope) => {
        if (!inScope) return;
        acc.count++;
        // policy/v1: a null selector selects no pod, an empty one every pod of the namespace.
        if (!p.spec.selector) return;
        const ns = p.metadata.namespace ?? '';
        acc.index.set(ns, [...(acc.index.get(ns) ?? []), p.spec.selector]);
      }),
    cronjobs: () =>
      reader.list(resource('cronjobs'), api.cronJobSchema, () => new Set<string>(), (acc, c, inScope) => {
        if (!inScope || c.spec.suspend) return;
        if (isBackupJob(c.metadata.name, c.spec.jobTemplate.spec.template.spec.containers) && c.metadata.namespace) acc.add(c.metadata.namespace);
      }),
    ingresses: () =>
      reader.list(resource('ingresses'), api.metaOnlySchema, () => ({ count: 0, rateLimited: new Examples(), balanced: new Examples() }), (acc, i, inScope) => {
        if (!inScope) return;
        acc.count++;
        const keys = Object.keys(i.metadata.annotations ?? {});
        if (keys.some((k) => RATE_LIMIT_ANNOTATIONS.has(k))) acc.rateLimited.add(idOf(i.metadata));
        if (keys.some((k) => BALANCING_ANNOTATIONS.has(k))) acc.balanced.add(idOf(i.metadata));
      }),
    traefikMiddlewares: () =>
      reader.list(resource('traefikMiddlewares'), api.traefikMiddlewareSchema, () => ({ total: 0, rateLimited: new Examples() }), (acc, m, inScope) => {
        if (!inScope) return;
        acc.total++;
        if (m.spec.rateLimit) acc.rateLimited.add(idOf(m.metadata));
      }),
    httproutes: () =>
      reader.list(resource('httproutes'), api.httpRouteSchema, () => ({ count: 0, weighted: new Examples() }), (acc, r, inScope) => {
        if (!inScope) return;
        acc.count++;
        if ((r.spec.rules ?? []).some((rule) => splitsByWeight((rule.backendRefs ?? []).map((b) => b.weight)))) acc.weighted.add(idOf(r.metadata));
      }),
    grpcroutes: count('grpcroutes'),
    vpas: count('vpas'),
    nodepools: count('nodepools'),
    provisioners: count('provisioners'),
    canaries: count('canaries'),
    rollouts: () =>
      reader.list(resource('rollouts'), api.rolloutSchema, () => ({ total: 0, progressive: 0 }), (acc, r, inScope) => {
        if (!inScope) return;
        acc.total++;
        if (r.spec.strategy?.canary || r.spec.strategy?.blueGreen) acc.progressive++;
      }),
    destinationrules: () =>
      reader.list(resource('destinationrules'), api.destinationRuleSchema, newTally, (acc, d, inScope) => {
        if (!inScope) return;
        acc.total++;
        const policies = [d.spec.trafficPolicy, ...(d.spec.subsets ?? []).map((s) => s.trafficPolicy)];
        if (policies.some(resilientPolicy)) acc.resilient++;
        if (policies.some((p) => p && [p, ...(p.portLevelSettings ?? [])].some((x) => x.loadBalancer))) acc.balanced.add(idOf(d.metadata));
      }),
    virtualservices: () =>
      reader.list(resource('virtualservices'), api.virtualServiceSchema, newTally, (acc, v, inScope) => {
        if (!inScope) return;
        acc.total++;
        if ((v.spec.http ?? []).some((h) => h.retries || h.timeout)) acc.resilient++;
        if ((v.spec.http ?? []).some((h) => splitsByWeight((h.route ?? []).map((d) => d.weight)))) acc.balanced.add(idOf(v.metadata));
      }),
    envoyfilters: () =>
      reader.list(resource('envoyfilters'), api.envoyFilterSchema, newTally, (acc, e, inScope) => {
        if (!inScope) return;
        acc.total++;
        if (JSON.stringify(e.spec.configPatches ?? []).includes('local_ratelimit')) acc.resilient++;
      }),
    cnpgClusters: () =>
      reader.list(resource('cnpgClusters'), api.cnpgClusterSchema, (): CnpgCluster[] => [], (acc, c, inScope) => {
        if (!inScope) return;
        const s = c.spec;
        acc.push({
          id: idOf(c.metadata),
          namespace: c.metadata.namespace ?? '',
          instances: s.instances,
          sync: (s.minSyncReplicas ?? 0) >= 1 || (s.postgresql?.synchronous?.number ?? 0) >= 1,
          backupSpec: Boolean(s.backup?.barmanObjectStore || s.backup?.volumeSnapshot)
            || (s.plugins ?? []).some((p) => p.enabled !== false && (p.isWALArchiver === true || p.name === 'barman-cloud.cloudnative-pg.io')),
          lastSuccess: time(c.status?.lastSuccessfulBackup),
          created: time(c.metadata.creationTimestamp),
        });
      }),
    cnpgBackups: () =>
      reader.list(resource('cnpgBackups'), api.cnpgBackupSchema, () => new Map<string, number>(), (acc, b, inScope) => {
        if (!inScope || b.status?.phase !== 'completed') return;
        const at = time(b.status.stoppedAt);
        if (at === undefined) return;
        const key = `${b.metadata.namespace}/${b.spec.cluster.name}`;
        acc.set(key, Math.max(acc.get(key) ?? 0, at));
      }),
    cnpgScheduledBackups: () =>
      reader.list(resource('cnpgScheduledBackups'), api.cnpgScheduledBackupSchema, () => new Set<string>(), (acc, s, inScope) => {
        if (inScope && !s.spec.suspend) acc.add(`${s.metadata.namespace}/${s.spec.cluster.name}`);
      }),
    zalandoClusters: () =>
      reader.list(resource('zalandoClusters'), api.zalandoClusterSchema, (): ZalandoCluster[] => [], (acc, c, inScope) => {
        if (!inScope) return;
        acc.push({
          id: idOf(c.metadata),
          namespace: c.metadata.namespace ?? '',
          instances: c.spec.numberOfInstances,
          sync: c.spec.patroni?.synchronous_mode === true,
          backup: c.spec.enableLogicalBackup === true || (c.spec.env ?? []).some((e) => /^(WALG_|WALE_|WAL_S3_BUCKET|WAL_GS_BUCKET|WAL_AZ_|USE_WALG_BACKUP)/.test(e.name)),
        });
      }),
    redisFailovers: () =>
      reader.list(resource('redisFailovers'), api.redisFailoverSchema, (): Group[] => [], (acc, r, inScope) => {
        // A RedisFailover always runs Sentinels (3 by default) in front of its replicas.
        if (inScope) acc.push(group(r.metadata, r.spec.redis?.replicas ?? 3, (r.spec.sentinel?.replicas ?? 3) > 0));
      }),
    opstreeRedis: () =>
      reader.list(resource('opstreeRedis'), api.opstreeRedisSchema, (): Group[] => [], (acc, r, inScope) => {
        if (inScope) acc.push(group(r.metadata, 1, false));
      }),
    opstreeReplications: () =>
      reader.list(resource('opstreeReplications'), api.opstreeReplicationSchema, (): Group[] => [], (acc, r, inScope) => {
        if (inScope) acc.push(group(r.metadata, r.spec.clusterSize, false));
      }),
    opstreeClusters: () =>
      reader.list(resource('opstreeClusters'), api.opstreeClusterSchema, (): Group[] => [], (acc, r, inScope) => {
        // clusterSize leaders, each with followers (as many as leaders unless redisFollower.replicas says).
        if (inScope) acc.push(group(r.metadata, r.spec.clusterSize + (r.spec.redisFollower?.replicas ?? r.spec.clusterSize), false));
      }),
    veleroSchedules: () =>
      reader.list(resource('veleroSchedules'), api.veleroScheduleSchema, (): VeleroScheduleFacts => ({ total: 0, paused: 0, coverage: [] }), (acc, s) => {
        acc.total++;
        acc.earliestCreated = earlier(acc.earliestCreated, time(s.metadata.creationTimestamp));
        if (s.spec.paused) {
          acc.paused++;
          return;
        }
        const included = s.spec.template?.includedNamespaces ?? [];
        acc.coverage.push({ included: included.length === 0 || included.includes('*') ? undefined : included, excluded: s.spec.template?.excludedNamespaces ?? [] });
      }),
    veleroBackups: () =>
      reader.list(resource('veleroBackups'), api.veleroBackupSchema, (): VeleroBackupFacts => ({ total: 0, windowFinished: 0, windowFailed: new Examples() }), (acc, b) => {
        acc.total++;
        const created = time(b.metadata.creationTimestamp);
        acc.earliestCreated = earlier(acc.earliestCreated, created);
        const phase = b.status?.phase;
        const done = time(b.status?.completionTimestamp);
        if (phase === 'Completed' && done !== undefined && (!acc.newestCompleted || done > acc.newestCompleted.at)) acc.newestCompleted = { at: done, name: b.metadata.name };
        if (!inWindow(time(b.status?.startTimestamp) ?? created)) return;
        if (phase === 'Completed') acc.windowFinished++;
        if (phase === 'Failed' || phase === 'PartiallyFailed' || phase === 'FailedValidation') {
          acc.windowFinished++;
          acc.windowFailed.add(`${b.metadata.name} (${phase})`);
        }
      }),
    veleroLocations: () =>
      reader.list(resource('veleroLocations'), api.veleroLocationSchema, (): LocationFacts[] => [], (acc, l) => {
        acc.push({ name: idOf(l.metadata), provider: l.spec.provider, region: l.spec.config?.region, s3Url: l.spec.config?.s3Url });
      }),
    ...(Object.fromEntries((Object.keys(CHAOS_MESH_KINDS) as ChaosKey[]).map((k) => [`chaos.${k}`, chaosKind(k)])) as Record<`chaos.${ChaosKey}`, () => Promise<Outcome<ChaosFacts>>>),
    chaosSchedules: () =>
      reader.list(resource('chaosSchedules'), api.chaosScheduleSchema, () => newChaos('Schedule'), (acc, s, inScope) => {
        if (!inScope) return;
        acc.total++;
        acc.standalone++;
        acc.latest = later(acc.latest, time(s.status?.lastScheduleTime));
        if (s.spec.type && NODE_LEVEL_CHAOS.has(s.spec.type)) acc.nodeLevel = true;
      }),
    chaosWorkflows: () =>
      reader.list(resource('chaosWorkflows'), api.chaosWorkflowSchema, () => newChaos('Workflow'), (acc, w, inScope) => {
        if (!inScope) return;
        acc.total++;
        acc.standalone++;
        acc.latest = later(acc.latest, time(w.metadata.creationTimestamp));
        if ((w.spec.templates ?? []).some((t) => t.templateType && NODE_LEVEL_CHAOS.has(t.templateType))) acc.nodeLevel = true;
      }),
    litmusEngines: () =>
      reader.list(resource('litmusEngines'), api.litmusEngineSchema, () => newChaos('ChaosEngine'), (acc, e, inScope) => {
        if (!inScope) return;
        acc.total++;
        acc.standalone++;
        acc.latest = later(acc.latest, time(e.metadata.creationTimestamp));
        // node-cpu-hog, node-drain, node-io-stress, node-restart …, kubelet/docker/containerd-service-kill
        if ((e.spec.experiments ?? []).some((x) => /^(node-|kubelet-service-kill|docker-service-kill|containerd-service-kill)/.test(x.name))) acc.nodeLevel = true;
      }),
    litmusResults: () =>
      reader.list(resource('litmusResults'), api.metaOnlySchema, () => newChaos('ChaosResult'), (acc, r, inScope) => {
        if (!inScope) return;
        const created = time(r.metadata.creationTimestamp);
        acc.total++;
        if (inWindow(created)) acc.inWindow++;
        acc.latest = later(acc.latest, created);
      }),
  };

  const done = await pool(tasks, CONCURRENCY);

  // The workloads last: every index they are judged against is known by now.
  const hpas = done.hpas;
  const keda = done.scaledobjects;
  const pdbs = done.pdbs;
  const indexes: Indexes = {
    hpa: hpas.status === 'ok' ? hpas.data.index : undefined,
    keda: keda.status === 'ok' ? keda.data.index : keda.status === 'absent' ? new Map() : undefined,
    pdb: pdbs.status === 'ok' ? pdbs.data.index : undefined,
  };
  const workloads = (key: string, kind: WorkloadKind, schema: z.ZodType<api.Deployment | api.StatefulSet | api.DaemonSet>) => () =>
    reader.list(resource(key), schema, () => newWorkloadFacts(kind, indexes), (acc, w, inScope) => foldWorkload(acc, w, inScope, indexes));
  const w = await pool(
    {
      deployments: workloads('deployments', 'Deployment', api.deploymentSchema),
      statefulsets: workloads('statefulsets', 'StatefulSet', api.statefulSetSchema),
      daemonsets: workloads('daemonsets', 'DaemonSet', api.daemonSetSchema),
    },
    CONCURRENCY,
  );

  const chaos = Object.fromEntries((Object.keys(CHAOS_MESH_KINDS) as ChaosKey[]).map((k) => [k, done[`chaos.${k}`]])) as Record<ChaosKey, Outcome<ChaosFacts>>;
  return { ...done, ...w, chaos };
}

async function readNamespaces(reader: KubeReader): Promise<Outcome<NamespaceFacts>> {
  const facts = (): NamespaceFacts => ({ names: [], mesh: new Examples(), missing: [] });
  const add = (acc: NamespaceFacts, m: api.ObjectMeta) => {
    acc.names.push(m.name);
    const l = m.labels ?? {};
    const a = m.annotations ?? {};
    if (l['istio-injection'] === 'enabled' || l['istio.io/rev'] || l['istio.io/dataplane-mode'] === 'ambient' || a['linkerd.io/inject'] === 'enabled') acc.mesh.add(m.name);
  };
  const listed = reader.listedNamespaces();
  if (!listed) {
    return reader.list(resource('namespaces'), api.metaOnlySchema, facts, (acc, n) => {
      if (reader.inScope(n.metadata.name)) add(acc, n.metadata);
    });
  }
  const acc = facts();
  const evidence: string[] = [];
  for (const ns of listed) {
    const o = await reader.get(`/api/v1/namespaces/${ns}`, api.metaOnlySchema, `namespaces ${ns}`);
    evidence.push(...o.evidence);
    if (o.status !== 'ok') return { ...o, evidence };
    if (o.data.found) add(acc, o.data.object.metadata);
    else acc.missing.push(ns);
  }
  return { status: 'ok', data: acc, evidence };
}

function newTargets(): TargetFacts {
  return { count: 0, custom: 0, index: new Map() };
}
/** Istio objects: how many, how many add resilience, which choose how traffic is balanced or split. */
export interface Tally {
  total: number;
  resilient: number;
  balanced: Examples;
}
function newTally(): Tally {
  return { total: 0, resilient: 0, balanced: new Examples() };
}

/** Two or more destinations, at least one with a weight: traffic is split by weight. */
function splitsByWeight(weights: (number | null | undefined)[]): boolean {
  return weights.length >= 2 && weights.some((w) => w !== undefined && w !== null);
}
function newChaos(kind: string): ChaosFacts {
  return { kind, standalone: 0, total: 0, inWindow: 0, nodeLevel: false };
}

function addTarget(index: TargetIndex, ns: string | undefined, kind: string, name: string, min: number): void {
  const key = `${ns ?? ''}/${kind}/${name}`;
  index.set(key, Math.max(index.get(key) ?? 0, min));
}

function resilientPolicy(p: api.TrafficPolicy | null | undefined): boolean {
  if (!p) return false;
  return [p, ...(p.portLevelSettings ?? [])].some((s) => Boolean(s.outlierDetection || s.connectionPool));
}

function group(meta: api.ObjectMeta, instances: number, failover: boolean): Group {
  return { namespace: meta.namespace ?? '', name: meta.name, engine: 'redis', instances, failover, workloads: [idOf(meta)] };
}

export function mapOutcome<A, B>(o: Outcome<A>, f: (a: A) => B): Outcome<B> {
  return o.status === 'ok' ? { status: 'ok', data: f(o.data), evidence: o.evidence } : o;
}

type Tasks = Record<string, () => Promise<Outcome<unknown>>>;
type Results<T extends Tasks> = { [K in keyof T]: Awaited<ReturnType<T[K]>> };

/** Runs the reads a few at a time: gentle on the API server, and each failure stays with its source. */
async function pool<T extends Tasks>(tasks: T, concurrency: number): Promise<Results<T>> {
  const entries = Object.entries(tasks);
  const out: Record<string, unknown> = {};
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const [key, run] = entries[next++];
      out[key] = await run();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return out as Results<T>;
}
