import { notAvailable, type Read } from '../../../src/collector/kit.js';
import type * as api from '../api.js';
import type { KubernetesSignalId } from '../signals.js';
import { data, examples, need, objectsOf, plural, share, sumOf, value, type MeasuredSet } from './common.js';
import type { TargetFacts } from './elasticity.js';
import { ownerOf } from './inventory.js';
import type { PdbIndex, WorkloadFacts } from './workloads.js';

/**
 * Resilience (9.1.2) of the workloads and the nodes: replicas, probes, disruption budgets,
 * spread over hosts and zones, nodes over zones and regions. Traffic policies (mesh, load
 * balancing, rate limits) are in traffic.ts.
 */

export interface NodeFacts {
  count: number;
  ready: number;
  zones: Set<string>;
  regions: Set<string>;
  karpenter: number;
  /** Nodes carrying an annotation only the cluster autoscaler reads. */
  autoscalerAnnotated: number;
  /** Every node's name and the owner its labels name, for the inventory the collector publishes. */
  entries: { name: string; owner?: string }[];
}
export const newNodes = (): NodeFacts => ({ count: 0, ready: 0, zones: new Set(), regions: new Set(), karpenter: 0, autoscalerAnnotated: 0, entries: [] });

export function foldNode(acc: NodeFacts, n: api.Node): void {
  const l = n.metadata.labels ?? {};
  acc.count++;
  acc.entries.push({ name: n.metadata.name, owner: ownerOf(n.metadata.labels) });
  if (Object.keys(n.metadata.annotations ?? {}).some((k) => k.startsWith('cluster-autoscaler.kubernetes.io/'))) acc.autoscalerAnnotated++;
  if (l['karpenter.sh/nodepool'] !== undefined || l['karpenter.sh/provisioner-name'] !== undefined) acc.karpenter++;
  if (!(n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')) return;
  acc.ready++;
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'];
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'];
  if (zone) acc.zones.add(zone);
  if (region) acc.regions.add(region);
}

export interface PdbFacts {
  count: number;
  index: PdbIndex;
}
export const newPdbs = (): PdbFacts => ({ count: 0, index: new Map() });

export function foldPdb(acc: PdbFacts, p: api.Pdb): void {
  acc.count++;
  // policy/v1: a null selector selects no pod, an empty one every pod of the namespace.
  if (!p.spec.selector) return;
  const ns = p.metadata.namespace ?? '';
  acc.index.set(ns, [...(acc.index.get(ns) ?? []), p.spec.selector]);
}

export interface ResilienceReads {
  deployments: Read<WorkloadFacts>;
  statefulsets: Read<WorkloadFacts>;
  daemonsets: Read<WorkloadFacts>;
  hpas: Read<TargetFacts>;
  scaledobjects: Read<TargetFacts>;
  pdbs: Read<PdbFacts>;
  nodes: Read<NodeFacts>;
}

export function measureResilience(s: ResilienceReads): MeasuredSet<KubernetesSignalId> {
  const wl = [s.deployments, s.statefulsets];
  // Multi-replica counts the HPA and KEDA minimums, so these need the autoscaler lists too.
  const scaled = need([...wl, s.hpas], [s.scaledobjects]);
  const pdb = need([...wl, s.hpas, s.pdbs], [s.scaledobjects]);
  const all = need([s.deployments, s.statefulsets, s.daemonsets]);
  const nodes = need([s.nodes]);
  const replicated = () => [data(s.deployments)!, data(s.statefulsets)!];
  const every = () => [data(s.deployments)!, data(s.statefulsets)!, data(s.daemonsets)!];
  return {
    'kubernetes.replicas.multi_ratio': scaled.failed ?? multiReplica(replicated(), scaled.evidence),
    'kubernetes.spread.ratio': scaled.failed ?? spread(replicated(), scaled.evidence),
    'kubernetes.spread.zone_ratio': scaled.failed ?? zoneSpread(replicated(), scaled.evidence),
    'kubernetes.pdb.coverage_ratio': pdb.failed ?? pdbCoverage(replicated(), pdb.evidence),
    'kubernetes.probes.readiness_ratio': all.failed ?? probes(every(), 'readiness', all.evidence),
    'kubernetes.probes.liveness_ratio': all.failed ?? probes(every(), 'liveness', all.evidence),
    'kubernetes.nodes.count': nodes.failed ?? value(data(s.nodes)!.count, nodes.evidence, `${data(s.nodes)!.ready} Ready`),
    'kubernetes.nodes.zones': nodes.failed ?? places(data(s.nodes)!, 'zones', nodes.evidence),
    'kubernetes.nodes.regions': nodes.failed ?? places(data(s.nodes)!, 'regions', nodes.evidence),
  };
}

const NO_MULTI = 'no multi-replica workload in scope';

export function multiReplica(list: readonly WorkloadFacts[], evidence: string[]) {
  const total = sumOf(list, (w) => w.count);
  const multi = sumOf(list, (w) => w.multi);
  return share(multi, total, evidence, 'no Deployment or StatefulSet in scope', `${multi} of ${total} workloads run more than one replica; single: ${examples(list.map((w) => w.single))}`,
    { what: 'single-replica workloads', objects: objectsOf(list.map((w) => w.single)) });
}

function spread(list: readonly WorkloadFacts[], evidence: string[]) {
  const multi = sumOf(list, (w) => w.multi);
  const n = sumOf(list, (w) => w.spread);
  return share(n, multi, evidence, NO_MULTI, `${n} of ${multi} multi-replica workloads declare topologySpreadConstraints or podAntiAffinity; not: ${examples(list.map((w) => w.unspread))}`,
    { what: 'multi-replica workloads without topology spread or anti-affinity', objects: objectsOf(list.map((w) => w.unspread)) });
}

function zoneSpread(list: readonly WorkloadFacts[], evidence: string[]) {
  const multi = sumOf(list, (w) => w.multi);
  const n = sumOf(list, (w) => w.zoneSpread);
  return share(n, multi, evidence, NO_MULTI, `${n} of ${multi} multi-replica workloads are spread over zones or regions; not: ${examples(list.map((w) => w.zoneUnspread))}`,
    { what: 'multi-replica workloads not spread over zones or regions', objects: objectsOf(list.map((w) => w.zoneUnspread)) });
}

function pdbCoverage(list: readonly WorkloadFacts[], evidence: string[]) {
  const multi = sumOf(list, (w) => w.multi);
  const covered = sumOf(list, (w) => w.pdbCovered ?? 0);
  return share(covered, multi, evidence, NO_MULTI, `${covered} of ${multi} multi-replica workloads selected by a PodDisruptionBudget; not: ${examples(list.map((w) => w.pdbUncovered))}`,
    { what: 'multi-replica workloads no PodDisruptionBudget selects', objects: objectsOf(list.map((w) => w.pdbUncovered)) });
}

/** Workloads (DaemonSets included) with the probe on every container. */
export function probes(list: readonly WorkloadFacts[], probe: 'readiness' | 'liveness', evidence: string[]) {
  const total = sumOf(list, (w) => w.count);
  const have = sumOf(list, (w) => (probe === 'readiness' ? w.readiness : w.liveness));
  const missing = list.map((w) => (probe === 'readiness' ? w.noReadiness : w.noLiveness));
  const what = `${probe}Probe`;
  return share(have, total, evidence, 'no Deployment, StatefulSet or DaemonSet in scope',
    `${have} of ${total} workloads (DaemonSets included) have a ${what} on every container; not: ${examples(missing)}`,
    { what: `workloads without a ${what} on every container`, objects: objectsOf(missing) });
}

/** Distinct zones or regions of the Ready nodes; not available when none is labelled. */
export function places(nodes: NodeFacts, which: 'zones' | 'regions', evidence: string[]) {
  const found = nodes[which];
  const label = which === 'zones' ? 'zone' : 'region';
  if (found.size) return value(found.size, evidence, [...found].sort().join(', '));
  return notAvailable(`no Ready node carries topology.kubernetes.io/${label} (or failure-domain.beta.kubernetes.io/${label}); ${plural(nodes.ready, 'Ready node')}`, evidence);
}
