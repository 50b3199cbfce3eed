import { notAvailable, type Read } from '../../../src/collector/kit.js';
import type { Window } from '../../../src/collector/types.js';
import type * as api from '../api.js';
import { CHAOS_MESH_KINDS, type ChaosKey } from '../read/resources.js';
import type { KubernetesSignalId } from '../signals.js';
import { ago, allAbsent, data, iso, later, need, time, value, type MeasuredSet } from './common.js';
import { inWindow } from './continuity.js';

/**
 * Continuity (10.3.2): chaos experiments of Chaos Mesh and Litmus — definitions, runs in the
 * window, the last run, and whether faults reach the node.
 */

/** Faults that reach the node, its kernel or its clock rather than one container's network or process. */
export const NODE_LEVEL_CHAOS = new Set(['StressChaos', 'IOChaos', 'TimeChaos', 'KernelChaos', 'PhysicalMachineChaos']);

/** Litmus experiments on the node: node-cpu-hog, node-drain, node-io-stress, node-restart …, kubelet/docker/containerd-service-kill. */
const NODE_LEVEL_LITMUS = /^(node-|kubelet-service-kill|docker-service-kill|containerd-service-kill)/;

export interface ChaosFacts {
  kind: string;
  /** Definitions: objects no Schedule or Workflow spawned. */
  standalone: number;
  total: number;
  inWindow: number;
  latest?: number;
  nodeLevel: boolean;
}
export const newChaos = (kind: string): ChaosFacts => ({ kind, standalone: 0, total: 0, inWindow: 0, nodeLevel: false });

/** A Chaos Mesh fault object (PodChaos, StressChaos …): one injection, spawned or standalone. */
export function foldFault(acc: ChaosFacts, o: api.MetaOnly, window: Pick<Window, 'start' | 'end'>): void {
  const created = time(o.metadata.creationTimestamp);
  acc.total++;
  acc.nodeLevel = NODE_LEVEL_CHAOS.has(acc.kind);
  if (!(o.metadata.ownerReferences ?? []).some((r) => /^(Schedule|Workflow|WorkflowNode)$/.test(r.kind))) acc.standalone++;
  if (inWindow(created, window)) acc.inWindow++;
  acc.latest = later(acc.latest, created);
}

/** A definition that runs faults (Schedule, Workflow, ChaosEngine): counted, its last run, whether it reaches the node. */
function foldDefinition(acc: ChaosFacts, ran: number | undefined, nodeLevel: boolean): void {
  acc.total++;
  acc.standalone++;
  acc.latest = later(acc.latest, ran);
  if (nodeLevel) acc.nodeLevel = true;
}
export const foldChaosSchedule = (acc: ChaosFacts, s: api.ChaosSchedule) =>
  foldDefinition(acc, time(s.status?.lastScheduleTime), s.spec.type !== undefined && NODE_LEVEL_CHAOS.has(s.spec.type));
export const foldChaosWorkflow = (acc: ChaosFacts, w: api.ChaosWorkflow) =>
  foldDefinition(acc, time(w.metadata.creationTimestamp), (w.spec.templates ?? []).some((t) => t.templateType !== undefined && NODE_LEVEL_CHAOS.has(t.templateType)));
export const foldLitmusEngine = (acc: ChaosFacts, e: api.LitmusEngine) =>
  foldDefinition(acc, time(e.metadata.creationTimestamp), (e.spec.experiments ?? []).some((x) => NODE_LEVEL_LITMUS.test(x.name)));

/** A Litmus ChaosResult: one run. */
export function foldLitmusResult(acc: ChaosFacts, r: api.MetaOnly, window: Pick<Window, 'start' | 'end'>): void {
  const created = time(r.metadata.creationTimestamp);
  acc.total++;
  if (inWindow(created, window)) acc.inWindow++;
  acc.latest = later(acc.latest, created);
}

export interface ChaosReads {
  chaos: Record<ChaosKey, Read<ChaosFacts>>;
  chaosSchedules: Read<ChaosFacts>;
  chaosWorkflows: Read<ChaosFacts>;
  litmusEngines: Read<ChaosFacts>;
  litmusResults: Read<ChaosFacts>;
}

const IDS = ['kubernetes.chaos.experiments', 'kubernetes.chaos.runs_window', 'kubernetes.chaos.last_run_age_seconds', 'kubernetes.chaos.node_level'] as const;
const FAULT_KINDS: readonly string[] = Object.values(CHAOS_MESH_KINDS).map(([, k]) => k);

export function measureChaos(s: ChaosReads, now: number): MeasuredSet<KubernetesSignalId> {
  const mesh = [...(Object.keys(CHAOS_MESH_KINDS) as ChaosKey[]).map((k) => s.chaos[k]), s.chaosSchedules, s.chaosWorkflows];
  const litmus = [s.litmusEngines, s.litmusResults];
  const none = allAbsent([...mesh, ...litmus]);
  if (none) {
    const reason = 'neither Chaos Mesh (chaos-mesh.org/v1alpha1) nor Litmus (litmuschaos.io/v1alpha1) is installed';
    return Object.fromEntries(IDS.map((id) => [id, notAvailable(reason, none.evidence)]));
  }
  const n = need([], [...mesh, ...litmus]);
  if (n.failed) return Object.fromEntries(IDS.map((id) => [id, n.failed]));
  const installed = [mesh.some((o) => o.status === 'ok') ? 'Chaos Mesh' : undefined, litmus.some((o) => o.status === 'ok') ? 'Litmus' : undefined].filter(Boolean).join(' and ');
  return chaosSignals([...mesh, ...litmus].map((o) => data(o)).filter((x): x is ChaosFacts => x !== undefined), installed, n.evidence, now);
}

/** The chaos signals from the facts of every installed kind. */
export function chaosSignals(got: ChaosFacts[], installed: string, evidence: string[], now: number): MeasuredSet<KubernetesSignalId> {
  const byKind = got.filter((c) => c.total > 0);
  const definitions = got.filter((c) => c.kind !== 'ChaosResult').reduce((a, c) => a + c.standalone, 0);
  const runs = got.filter((c) => c.kind === 'ChaosResult' || FAULT_KINDS.includes(c.kind));
  const inWindowCount = runs.reduce((a, c) => a + c.inWindow, 0);
  const latest = got.reduce<number | undefined>((a, c) => later(a, c.latest), undefined);
  const nodeLevel = got.filter((c) => c.nodeLevel).map((c) => c.kind);
  return {
    'kubernetes.chaos.experiments': value(definitions, evidence, `${installed} installed; ${byKind.length ? byKind.map((c) => `${c.total} ${c.kind}`).join(', ') : 'no chaos object'}`),
    'kubernetes.chaos.runs_window': value(inWindowCount, evidence, runs.filter((c) => c.inWindow).map((c) => `${c.inWindow} ${c.kind}`).join(', ') || 'no fault injected and no ChaosResult created in the window'),
    'kubernetes.chaos.last_run_age_seconds': latest === undefined ? notAvailable(`${installed} installed, but no chaos experiment has run`, evidence) : value(ago(now, latest), evidence, `last run ${iso(latest)}`),
    'kubernetes.chaos.node_level': value(nodeLevel.length > 0, evidence, nodeLevel.length ? `node-level faults in: ${nodeLevel.join(', ')}` : byKind.length ? 'only pod, network, DNS or HTTP faults' : 'no chaos object'),
  };
}
