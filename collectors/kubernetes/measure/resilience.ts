import { fromRead, notAvailable, type Read } from '../../../src/collector/kit.js';
import type * as api from '../api.js';
import type { KubernetesSignalId } from '../signals.js';
import { data, need, plural, value, type MeasuredSet } from './common.js';
import type { TargetFacts } from './elasticity.js';
import { ownerOf } from './inventory.js';
import { workloadShare, type PdbIndex, type WorkloadFacts, type WorkloadReads } from './workloads.js';

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
  // Appended in place: a copy of the namespace's list per PDB grew with the square of their number.
  const selectors = acc.index.get(ns);
  if (selectors) selectors.push(p.spec.selector);
  else acc.index.set(ns, [p.spec.selector]);
}

export interface ResilienceReads extends WorkloadReads {
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
  const replicated = () => [data(s.deployments)!, data(s.statefulsets)!];
  const every = () => [data(s.deployments)!, data(s.statefulsets)!, data(s.daemonsets)!];
  return {
    'kubernetes.replicas.multi_ratio': scaled.failed ?? multiReplica(replicated(), scaled.evidence),
    'kubernetes.spread.ratio': scaled.failed ?? spread(replicated(), scaled.evidence),
    'kubernetes.spread.zone_ratio': scaled.failed ?? zoneSpread(replicated(), scaled.evidence),
    'kubernetes.pdb.coverage_ratio': pdb.failed ?? pdbCoverage(replicated(), pdb.evidence),
    'kubernetes.probes.readiness_ratio': all.failed ?? probes(every(), 'readiness', all.evidence),
    'kubernetes.probes.liveness_ratio': all.failed ?? probes(every(), 'liveness', all.evidence),
    'kubernetes.nodes.count': fromRead(s.nodes, (n) => n.count, (n) => ({ detail: `${n.ready} Ready` })),
    'kubernetes.nodes.zones': fromRead(s.nodes, (n) => places(n, 'zones')),
    'kubernetes.nodes.regions': fromRead(s.nodes, (n) => places(n, 'regions')),
  };
}

const NO_MULTI = 'no multi-replica workload in scope';
const multi = (w: WorkloadFacts) => w.multi;

export const multiReplica = (list: readonly WorkloadFacts[], evidence: string[]) => workloadShare(list, evidence, {
  have: multi, of: (w) => w.count, short: (w) => w.single, empty: 'no Deployment or StatefulSet in scope',
  detail: (n, of, short) => `${n} of ${of} workloads run more than one replica; single: ${short}`, what: 'single-replica workloads',
});

const spread = (list: readonly WorkloadFacts[], evidence: string[]) => workloadShare(list, evidence, {
  have: (w) => w.spread, of: multi, short: (w) => w.unspread, empty: NO_MULTI,
  detail: (n, of, short) => `${n} of ${of} multi-replica workloads declare topologySpreadConstraints or podAntiAffinity; not: ${short}`,
  what: 'multi-replica workloads without topology spread or anti-affinity',
});

const zoneSpread = (list: readonly WorkloadFacts[], evidence: string[]) => workloadShare(list, evidence, {
  have: (w) => w.zoneSpread, of: multi, short: (w) => w.zoneUnspread, empty: NO_MULTI,
  detail: (n, of, short) => `${n} of ${of} multi-replica workloads are spread over zones or regions; not: ${short}`,
  what: 'multi-replica workloads not spread over zones or regions',
});

const pdbCoverage = (list: readonly WorkloadFacts[], evidence: string[]) => workloadShare(list, evidence, {
  have: (w) => w.pdbCovered ?? 0, of: multi, short: (w) => w.pdbUncovered, empty: NO_MULTI,
  detail: (n, of, short) => `${n} of ${of} multi-replica workloads selected by a PodDisruptionBudget; not: ${short}`,
  what: 'multi-replica workloads no PodDisruptionBudget selects',
});

/** Workloads (DaemonSets included) with the probe on every container. */
export function probes(list: readonly WorkloadFacts[], probe: 'readiness' | 'liveness', evidence: string[]) {
  const what = `${probe}Probe`;
  return workloadShare(list, evidence, {
    have: (w) => (probe === 'readiness' ? w.readiness : w.liveness), of: (w) => w.count, short: (w) => (probe === 'readiness' ? w.noReadiness : w.noLiveness),
    empty: 'no Deployment, StatefulSet or DaemonSet in scope',
    detail: (n, of, short) => `${n} of ${of} workloads (DaemonSets included) have a ${what} on every container; not: ${short}`,
    what: `workloads without a ${what} on every container`,
  });
}

/** Distinct zones or regions of the Ready nodes; not available when none is labelled. */
export function places(nodes: NodeFacts, which: 'zones' | 'regions', evidence: string[] = []) {
  const found = nodes[which];
  const label = which === 'zones' ? 'zone' : 'region';
  if (found.size) return value(found.size, evidence, [...found].sort().join(', '));
  return notAvailable(`no Ready node carries topology.kubernetes.io/${label} (or failure-domain.beta.kubernetes.io/${label}); ${plural(nodes.ready, 'Ready node')}`, evidence);
}
