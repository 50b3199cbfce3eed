import { fromRead, mapRead, measuredValue, measureFailed, notAvailable, ratioOf, type Measured, type Read } from '../../../src/collector/kit.js';
import type { Sample, Targets } from '../api.js';
import { APP_PROCESS_METRIC, KIND_METRICS, OS_CPU_METRICS, OS_MEMORY_METRICS, type DataKind } from '../queries.js';
import { scalar } from './samples.js';

/** What is collected: scrape targets, the kinds of data whose metric names exist, push paths. */

export function classifyMetric(name: string): DataKind | undefined {
  for (const [kind, patterns] of Object.entries(KIND_METRICS) as [DataKind, string[]][]) {
    if (patterns.some((p) => new RegExp(`^(?:${p})$`).test(name))) return kind;
  }
  if (name === APP_PROCESS_METRIC) return 'application';
  return undefined;
}

export interface InventoryFacts {
  linux: boolean;
  windows: boolean;
  kinds: DataKind[];
  logNames: string[];
  /** Series of probe_success; undefined when there are none. */
  probes: number | undefined;
}

/**
 * Presence is judged from the one inventory query: a name absent from its answer has no
 * series now, so the booleans and the number of kinds are measured (false, 0), while the
 * number of probes needs probes to exist.
 */
export function inventoryFacts(samples: Sample[]): InventoryFacts {
  const names = new Map(samples.map((s) => [s.metric.__name__ ?? '', s.value] as const));
  const has = (n: string) => (names.get(n) ?? 0) > 0;
  const kinds = new Set<DataKind>();
  for (const name of names.keys()) {
    const kind = classifyMetric(name);
    if (kind) kinds.add(kind);
  }
  return {
    linux: has('node_cpu_seconds_total') && has('node_memory_MemAvailable_bytes'),
    windows: has('windows_cpu_time_total') && OS_MEMORY_METRICS.filter((m) => m.startsWith('windows_')).some(has),
    kinds: [...kinds].sort(),
    logNames: [...names.keys()].filter((n) => classifyMetric(n) === 'logs').sort(),
    probes: names.get('probe_success') || undefined,
  };
}

const PUSHGATEWAY = /push-?gateway/i;

/** A Pushgateway among the targets, or push_time_seconds series; false only when both reads answered. */
export function measurePushgateway(targets: Read<Targets>, inventory: Read<Sample[]>): Measured {
  const byTarget = targets.status === 'ok' && targets.data.activeTargets.some((a) => PUSHGATEWAY.test(a.scrapePool ?? '') || PUSHGATEWAY.test(a.labels.job ?? ''));
  const byMetric = inventory.status === 'ok' && inventory.data.some((s) => s.metric.__name__ === 'push_time_seconds');
  if (byTarget) return measuredValue(true, targets.evidence, { detail: 'a pushgateway scrape target' });
  if (byMetric) return measuredValue(true, inventory.evidence, { detail: 'push_time_seconds series exist' });
  if (targets.status === 'ok' && inventory.status === 'ok') return measuredValue(false, [...targets.evidence, ...inventory.evidence]);
  const notRead = targets.status !== 'ok' ? targets : inventory;
  return measureFailed(notRead.status === 'ok' ? 'unreachable' : notRead.reason, notRead.evidence);
}

export function measureCollection(reads: { targets: Read<Targets>; inventory: Read<Sample[]>; nodes: Read<Sample[]> }): Record<string, Measured> {
  const { targets } = reads;
  const inventory = mapRead(reads.inventory, inventoryFacts);
  const poolOf = (t: Targets['activeTargets'][number]) => t.scrapePool ?? t.labels.job ?? '';
  return {
    'prometheus.targets.count': fromRead(targets, (t) => t.activeTargets.length),
    'prometheus.targets.up_ratio': fromRead(targets, (t) => ratioOf(t.activeTargets.filter((a) => a.health === 'up').length, t.activeTargets.length, [], 'active targets up')),
    'prometheus.jobs.count': fromRead(targets, (t) => new Set(t.activeTargets.map(poolOf)).size),
    'prometheus.push.pushgateway': measurePushgateway(targets, reads.inventory),
    'prometheus.node.os_metrics': fromRead(inventory, (f) => f.linux || f.windows,
      (f) => ({ detail: [f.linux && 'node_exporter', f.windows && 'windows_exporter'].filter(Boolean).join(', ') || undefined })),
    'prometheus.data_kinds.count': fromRead(inventory, (f) => f.kinds.length, (f) => ({ detail: f.kinds.join(', ') || 'none of the known kinds' })),
    'prometheus.logs.pipeline': fromRead(inventory, (f) => f.logNames.length > 0, (f) => ({ detail: f.logNames.length ? f.logNames.slice(0, 5).join(', ') : undefined })),
    'prometheus.probes.count': fromRead(inventory, (f) => f.probes ?? notAvailable('no probe_success series')),
    'prometheus.node.instances': scalar(reads.nodes, `no OS CPU series (${OS_CPU_METRICS.join(', ')})`),
  };
}
