import { fromRead, type Read } from '../../../src/collector/kit.js';
import type * as api from '../api.js';
import type { KubernetesSignalId } from '../signals.js';
import { allAbsent, data, examples, Examples, firstFailed, need, plural, value, type MeasuredSet } from './common.js';
import type { NodeFacts } from './resilience.js';
import type { IngressFacts, RouteFacts, Tally } from './traffic.js';
import { workloadShare, type TargetIndex, type WorkloadFacts, type WorkloadReads } from './workloads.js';

/**
 * Elasticity (9.1.1): autoscaling of pods and nodes, rollouts that keep capacity, progressive
 * delivery, the ways traffic comes in, the service mesh.
 */

/** HPAs or KEDA ScaledObjects: how many, how many scale on more than CPU and memory, what they target. */
export interface TargetFacts {
  count: number;
  custom: number;
  index: TargetIndex;
}
export const newTargets = (): TargetFacts => ({ count: 0, custom: 0, index: new Map() });

function addTarget(index: TargetIndex, ns: string | undefined, kind: string, name: string, min: number): void {
  const key = `${ns ?? ''}/${kind}/${name}`;
  index.set(key, Math.max(index.get(key) ?? 0, min));
}

export function foldHpa(acc: TargetFacts, h: api.Hpa): void {
  acc.count++;
  if ((h.spec.metrics ?? []).some((m) => ['Pods', 'Object', 'External', 'ContainerResource'].includes(m.type))) acc.custom++;
  addTarget(acc.index, h.metadata.namespace, h.spec.scaleTargetRef.kind, h.spec.scaleTargetRef.name, h.spec.minReplicas ?? 1);
}

export function foldScaledObject(acc: TargetFacts, s: api.ScaledObject): void {
  acc.count++;
  addTarget(acc.index, s.metadata.namespace, s.spec.scaleTargetRef.kind ?? 'Deployment', s.spec.scaleTargetRef.name, s.spec.minReplicaCount ?? 0);
}

export interface RolloutFacts {
  total: number;
  progressive: number;
}
export function foldRollout(acc: RolloutFacts, r: api.Rollout): void {
  acc.total++;
  if (r.spec.strategy?.canary || r.spec.strategy?.blueGreen) acc.progressive++;
}

export interface NamespaceFacts {
  names: string[];
  mesh: Examples;
  /** Namespaces the config names that do not exist. */
  missing: string[];
}
export const newNamespaces = (): NamespaceFacts => ({ names: [], mesh: new Examples(), missing: [] });

export function addNamespace(acc: NamespaceFacts, m: api.ObjectMeta): void {
  acc.names.push(m.name);
  const l = m.labels ?? {};
  const a = m.annotations ?? {};
  if (l['istio-injection'] === 'enabled' || l['istio.io/rev'] || l['istio.io/dataplane-mode'] === 'ambient' || a['linkerd.io/inject'] === 'enabled') acc.mesh.add(m.name);
}

export interface ElasticityReads extends WorkloadReads {
  hpas: Read<TargetFacts>;
  scaledobjects: Read<TargetFacts>;
  autoscalerStatus: Read<boolean>;
  nodes: Read<NodeFacts>;
  nodepools: Read<number>;
  provisioners: Read<number>;
  rollouts: Read<RolloutFacts>;
  canaries: Read<number>;
  services: Read<number>;
  ingresses: Read<IngressFacts>;
  httproutes: Read<RouteFacts>;
  grpcroutes: Read<number>;
  namespaces: Read<NamespaceFacts>;
  virtualservices: Read<Tally>;
}

export function measureElasticity(s: ElasticityReads): MeasuredSet<KubernetesSignalId> {
  const wl = [s.deployments, s.statefulsets];
  const workloads = need(wl);
  const scaled = need([...wl, s.hpas], [s.scaledobjects]);
  return {
    'kubernetes.workloads.count': workloads.failed ?? workloadCount(data(s.deployments)!, data(s.statefulsets)!, workloads.evidence),
    'kubernetes.hpa.count': fromRead(s.hpas, (h) => h.count),
    'kubernetes.hpa.custom_metrics_count': fromRead(s.hpas, customMetrics),
    'kubernetes.keda.scaledobjects': fromRead(s.scaledobjects, (k) => k.count),
    'kubernetes.hpa.coverage_ratio': scaled.failed ?? hpaCoverage([data(s.deployments)!, data(s.statefulsets)!], scaled.evidence),
    'kubernetes.rollout.capacity_kept_ratio': fromRead(s.deployments, (d) => capacityKept(d, [])),
    'kubernetes.rollout.rollback_ready_ratio': fromRead(s.deployments, (d) => rollbackReady(d, [])),
    'kubernetes.cluster_autoscaler.present': clusterAutoscaler(s),
    'kubernetes.progressive_delivery.count': progressiveDelivery(s.rollouts, s.canaries),
    'kubernetes.services.count': fromRead(s.services, (n) => n),
    'kubernetes.ingress.count': ingressCount(s.ingresses, s.httproutes, s.grpcroutes),
    'kubernetes.service_mesh.present': serviceMesh(s),
  };
}

export function workloadCount(d: WorkloadFacts, st: WorkloadFacts, evidence: string[]) {
  return value(d.count + st.count, evidence, `${plural(d.count, 'Deployment')}, ${plural(st.count, 'StatefulSet')}`);
}

function customMetrics(h: TargetFacts) {
  return value(h.custom, [], `${h.custom} of ${plural(h.count, 'HPA')} scale on Pods, Object, External or ContainerResource metrics`);
}

/** Deployments and StatefulSets an HPA or ScaledObject targets. */
export const hpaCoverage = (list: readonly WorkloadFacts[], evidence: string[]) => workloadShare(list, evidence, {
  have: (w) => w.hpaTargeted ?? 0, of: (w) => w.count, short: (w) => w.hpaUntargeted, empty: 'no Deployment or StatefulSet in scope',
  detail: (n, of, short) => `${n} of ${of} workloads targeted by an HPA or ScaledObject; not targeted: ${short}`, what: 'workloads no HPA or ScaledObject targets',
});

const capacityKept = (d: WorkloadFacts, evidence: string[]) => workloadShare([d], evidence, {
  have: (w) => w.capacityKept, of: (w) => w.count, short: (w) => w.capacityLost, empty: 'no Deployment in scope',
  detail: (n, of, short) => `${n} of ${of} Deployments roll with maxUnavailable 0; losing capacity: ${short}`, what: 'Deployments whose rolling update loses capacity',
});

const rollbackReady = (d: WorkloadFacts, evidence: string[]) => workloadShare([d], evidence, {
  have: (w) => w.rollbackReady, of: (w) => w.count, short: (w) => w.noRollback, empty: 'no Deployment in scope',
  detail: (n, of, short) => `${n} of ${of} Deployments keep an earlier revision to roll back to; revisionHistoryLimit 0: ${short}`, what: 'Deployments with revisionHistoryLimit 0 (nothing to roll back to)',
});

/** True on any sign of node autoscaling; false only when every source answered and none shows one. */
export function clusterAutoscaler(s: Pick<ElasticityReads, 'deployments' | 'autoscalerStatus' | 'nodes' | 'nodepools' | 'provisioners'>) {
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
  return anySign([s.deployments, s.autoscalerStatus, s.nodes, s.nodepools, s.provisioners], found,
    'no cluster-autoscaler Deployment, no cluster-autoscaler-status ConfigMap, no Karpenter NodePool or node, no node annotated for the cluster autoscaler');
}

/** A presence flag from several sources: true on any sign found, failed when none was found and a source failed, else false. */
function anySign(sources: Read<unknown>[], found: string[], none: string) {
  const evidence = [...new Set(sources.flatMap((o) => o.evidence))];
  if (found.length) return value(true, evidence, found.join('; '));
  return firstFailed(sources) ?? value(false, evidence, none);
}

function progressiveDelivery(rollouts: Read<RolloutFacts>, canaries: Read<number>) {
  const none = allAbsent([rollouts, canaries]);
  if (none) return none;
  const n = need([], [rollouts, canaries]);
  if (n.failed) return n.failed;
  const r = data(rollouts);
  const c = data(canaries) ?? 0;
  const parts = [r ? `${r.progressive} of ${plural(r.total, 'Argo Rollout')} canary or blue-green` : 'Argo Rollouts not installed', canaries.status === 'ok' ? plural(c, 'Flagger Canary', 'Flagger Canaries') : 'Flagger not installed'];
  return value((r?.progressive ?? 0) + c, n.evidence, parts.join('; '));
}

function ingressCount(ingresses: Read<IngressFacts>, httproutes: Read<RouteFacts>, grpcroutes: Read<number>) {
  const n = need([ingresses], [httproutes, grpcroutes]);
  if (n.failed) return n.failed;
  const i = data(ingresses)!.count;
  const h = data(httproutes)?.count;
  const g = data(grpcroutes);
  const parts = [plural(i, 'Ingress', 'Ingresses'), h === undefined ? 'no Gateway API HTTPRoute CRD' : plural(h, 'HTTPRoute'), g === undefined ? 'no GRPCRoute CRD' : plural(g, 'GRPCRoute')];
  return value(i + (h ?? 0) + (g ?? 0), n.evidence, parts.join(', '));
}

function serviceMesh(s: Pick<ElasticityReads, 'namespaces' | 'deployments' | 'statefulsets' | 'daemonsets' | 'virtualservices'>) {
  const found: string[] = [];
  const ns = data(s.namespaces);
  if (ns?.mesh.count) found.push(`namespaces with mesh injection: ${ns.mesh.text()}`);
  const templates = [s.deployments, s.statefulsets, s.daemonsets].map((o) => data(o)?.meshTemplates).filter((e) => e !== undefined);
  if (templates.some((e) => e.count)) found.push(`pod templates asking for injection: ${examples(templates)}`);
  const vs = data(s.virtualservices);
  if (vs?.total) found.push(plural(vs.total, 'Istio VirtualService'));
  return anySign([s.namespaces, s.deployments, s.statefulsets, s.daemonsets, s.virtualservices], found,
    'no namespace or pod template asks for Istio or Linkerd injection, and no VirtualService');
}
