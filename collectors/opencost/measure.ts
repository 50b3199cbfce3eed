import { fromRead, measuredValue, notAvailable, ratioOf, type Measured, type Read, type Window } from '../../src/collector/kit.js';
import { SAMPLE_MAX } from '../../src/signals/types.js';
import type { Allocation, AllocationSet } from './api.js';
import type { AllocationRead, OpencostReads } from './read.js';
import type { OpencostSignalId } from './signals.js';

/**
 * Pure arithmetic over OpenCost allocation sets. Conventions (OpenCost's own): the key
 * `__idle__` is capacity no workload claimed; `__unallocated__` is workload cost without the
 * aggregated label. Keys of a multi-part aggregate are joined with `/`; OpenCost before 1.100
 * wrote a label's key as `name=value`, later versions the value alone — both count the same.
 */

export const IDLE = '__idle__';
export const UNALLOCATED = '__unallocated__';

const parts = (key: string) => key.split('/');
export const isIdle = (key: string) => parts(key).includes(IDLE);
export const isUnallocated = (key: string) => parts(key).includes(UNALLOCATED);
/** A label value as an auditor reads it (`team=payments` → `payments`). */
const valueOf = (key: string) => (key.includes('=') ? key.slice(key.indexOf('=') + 1) : key);

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const GIB = 1024 ** 3;

type Entry = [string, Allocation];
const entries = (sets: readonly AllocationSet[]): Entry[] => sets.flatMap((s) => Object.entries(s));
const workload = (sets: readonly AllocationSet[]) => entries(sets).filter(([k]) => !isIdle(k));
const sum = (list: readonly Entry[], f: (a: Allocation) => number) => list.reduce((n, [, a]) => n + f(a), 0);
const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
const percent = (r: number) => `${Math.round(r * 1000) / 10} %`;
const sample = (names: string[]) => ({ total: names.length, sample: names.slice(0, SAMPLE_MAX) });

/** Cost totals, idle, unit prices, efficiency and cost kinds from the by-namespace set (idle included). */
export function measureNamespaces(sets: readonly AllocationSet[]): Partial<Record<OpencostSignalId, Measured>> {
  const all = entries(sets);
  const work = workload(sets);
  const total = sum(all, (a) => a.totalCost);
  const idle = total - sum(work, (a) => a.totalCost);
  const cpuHours = sum(work, (a) => a.cpuCoreHours);
  const ramGibHours = sum(work, (a) => a.ramByteHours) / GIB;
  const efficiency = (used: (a: Allocation) => number, requested: (a: Allocation) => number, what: string): Measured => {
    const req = sum(work, (a) => requested(a) * a.minutes);
    if (req <= 0) return notAvailable(`no workload requested ${what}`);
    return measuredValue(sum(work, (a) => used(a) * a.minutes) / req, [], { detail: `${what} used over requested, across ${work.length} namespaces` });
  };
  const kinds: [string, (a: Allocation) => number][] = [
    ['cpu', (a) => a.cpuCost], ['gpu', (a) => a.gpuCost], ['ram', (a) => a.ramCost], ['persistent volumes', (a) => a.pvCost],
    ['network', (a) => a.networkCost], ['load balancers', (a) => a.loadBalancerCost], ['shared', (a) => a.sharedCost], ['external', (a) => a.externalCost],
  ];
  const present = kinds.filter(([, f]) => sum(all, f) > 0).map(([k]) => k);
  const idleKeys = all.filter(([k]) => isIdle(k)).length;
  return {
    'opencost.cost.total': all.length === 0
      ? notAvailable('OpenCost reported no allocation in the window')
      : measuredValue(total, [], { detail: `${money(total)} over ${work.length} namespaces, idle ${money(idle)}` }),
    'opencost.cost.idle_ratio': idleKeys === 0
      ? notAvailable('OpenCost reported no __idle__ allocation (idle is not computed without asset data)')
      : ratioOf(Math.max(0, idle), total, [], 'cost', { detail: `idle ${money(idle)} of ${money(total)}` }),
    'opencost.cpu.core_hour_cost': cpuHours <= 0 ? notAvailable('no CPU core-hours allocated in the window')
      : measuredValue(sum(work, (a) => a.cpuCost) / cpuHours, [], { detail: `${money(sum(work, (a) => a.cpuCost))} for ${Math.round(cpuHours)} core-hours` }),
    'opencost.memory.gib_hour_cost': ramGibHours <= 0 ? notAvailable('no memory allocated in the window')
      : measuredValue(sum(work, (a) => a.ramCost) / ramGibHours, [], { detail: `${money(sum(work, (a) => a.ramCost))} for ${Math.round(ramGibHours)} GiB-hours` }),
    'opencost.efficiency.cpu': efficiency((a) => a.cpuCoreUsageAverage, (a) => a.cpuCoreRequestAverage, 'CPU'),
    'opencost.efficiency.memory': efficiency((a) => a.ramByteUsageAverage, (a) => a.ramByteRequestAverage, 'memory'),
    'opencost.cost.dimensions': all.length === 0 ? notAvailable('OpenCost reported no allocation in the window')
      : measuredValue(present.length, [], { detail: present.join(', ') || 'no cost of any kind', objects: sample(present) }),
  };
}

/** Workload cost carried by a label vs __unallocated__, and the label's values with cost. */
export function measureLabel(sets: readonly AllocationSet[], label: string): { allocated: Measured; values: Measured } {
  const work = workload(sets);
  const total = sum(work, (a) => a.totalCost);
  const carried = work.filter(([k]) => !isUnallocated(k));
  const byValue = new Map<string, number>();
  for (const [k, a] of carried) byValue.set(valueOf(k), (byValue.get(valueOf(k)) ?? 0) + a.totalCost);
  const values = [...byValue].filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1]);
  return {
    allocated: ratioOf(sum(carried, (a) => a.totalCost), total, [], 'workload cost', {
      detail: `${money(sum(carried, (a) => a.totalCost))} of ${money(total)} carries label ${label}`,
    }),
    values: work.length === 0 ? notAvailable('OpenCost reported no workload cost in the window')
      : measuredValue(values.length, [], { detail: `values of ${label} with cost`, objects: sample(values.map(([v, c]) => `${v} (${money(c)})`)) }),
  };
}

/** Nodes (machines) with cost: OpenCost prices each one. */
export function measureNodes(sets: readonly AllocationSet[]): Measured {
  const nodes = new Set(workload(sets).filter(([k, a]) => !isUnallocated(k) && a.totalCost > 0).map(([k]) => k));
  return measuredValue(nodes.size, [], { detail: `${nodes.size} nodes with cost`, objects: sample([...nodes].sort()) });
}

/**
 * When a step of a daily series falls: the middle of its allocations' windows. The middle, not
 * the start, so a window given to the second (OpenCost's) against a scan window with
 * milliseconds cannot put a day into the week before.
 */
function stepMiddle(set: AllocationSet): number | undefined {
  const starts = Object.values(set).map((a) => Date.parse(a.window?.start ?? a.start ?? '')).filter((t) => Number.isFinite(t));
  const ends = Object.values(set).map((a) => Date.parse(a.window?.end ?? a.end ?? '')).filter((t) => Number.isFinite(t));
  if (!starts.length) return undefined;
  const start = Math.min(...starts);
  const end = ends.length ? Math.max(...ends) : start + DAY_MS;
  return start + (end - start) / 2;
}

/**
 * From a series of steps over the window (each placed by its middle): the days of the window with
 * cost (from a daily series), and the change of workload cost from the week before the last to
 * the last week, overall and per service (from a series by service label: daily or weekly steps).
 */
export function measureDaily(sets: readonly AllocationSet[], w: Window): Partial<Record<OpencostSignalId, Measured>> {
  const days = Math.max(1, Math.round((w.end.getTime() - w.start.getTime()) / DAY_MS));
  const dated = sets.map((s) => ({ set: s, at: stepMiddle(s) })).filter((d): d is { set: AllocationSet; at: number } => d.at !== undefined);
  const withCost = new Set(dated.filter((d) => sum(workload([d.set]), (a) => a.totalCost) > 0).map((d) => Math.floor((d.at - w.start.getTime()) / DAY_MS)));
  const out: Partial<Record<OpencostSignalId, Measured>> = {
    'opencost.cost.days_with_data_ratio': measuredValue(Math.min(1, withCost.size / days), [], { detail: `${withCost.size} of ${days} days with cost` }),
  };
  const end = w.end.getTime();
  if (end - w.start.getTime() < 2 * WEEK_MS) {
    out['opencost.cost.weekly_change'] = notAvailable('the window is shorter than two weeks');
    return out;
  }
  const week = (from: number, to: number) => dated.filter((d) => d.at >= from && d.at < to).map((d) => d.set);
  const last = week(end - WEEK_MS, end);
  const before = week(end - 2 * WEEK_MS, end - WEEK_MS);
  const perService = (list: AllocationSet[]) => {
    const m = new Map<string, number>();
    for (const [k, a] of workload(list)) m.set(isUnallocated(k) ? UNALLOCATED : valueOf(k), (m.get(isUnallocated(k) ? UNALLOCATED : valueOf(k)) ?? 0) + a.totalCost);
    return m;
  };
  const prior = sum(workload(before), (a) => a.totalCost);
  const latest = sum(workload(last), (a) => a.totalCost);
  if (prior <= 0) {
    out['opencost.cost.weekly_change'] = notAvailable('no workload cost in the week before the last');
    return out;
  }
  const a = perService(before);
  const b = perService(last);
  const changes = [...new Set([...a.keys(), ...b.keys()])]
    .map((s) => ({ s, from: a.get(s) ?? 0, to: b.get(s) ?? 0 }))
    .sort((x, y) => Math.abs(y.to - y.from) - Math.abs(x.to - x.from))
    .map(({ s, from, to }) => `${s}: ${money(from)} → ${money(to)}${from > 0 ? ` (${to >= from ? '+' : ''}${percent((to - from) / from)})` : ' (new)'}`);
  out['opencost.cost.weekly_change'] = measuredValue((latest - prior) / prior, [], {
    detail: `${money(prior)} → ${money(latest)} per week`,
    objects: sample(changes),
  });
  return out;
}

type Measures = Partial<Record<OpencostSignalId, Measured>>;
type Labels = { team: string; service: string; environment: string };

/** What one read feeds; a failed or absent read makes each of those signals failed or not available with its reason. */
const FROM: { [K in AllocationRead]: (read: OpencostReads[K], w: Window, labels: Labels) => Measures } = {
  namespaces: (read) => ({
    'opencost.api.reachable': fromRead(read, () => true, () => ({ detail: 'allocation API answered' })),
    ...spread(read, ['opencost.cost.total', 'opencost.cost.idle_ratio', 'opencost.cpu.core_hour_cost', 'opencost.memory.gib_hour_cost', 'opencost.efficiency.cpu', 'opencost.efficiency.memory', 'opencost.cost.dimensions'], measureNamespaces),
  }),
  teams: (read, _w, labels) => ({
    'opencost.cost.team_allocated_ratio': fromRead(read, (s) => measureLabel(s, labels.team).allocated),
    'opencost.teams.count': fromRead(read, (s) => measureLabel(s, labels.team).values),
  }),
  environments: (read, _w, labels) => ({ 'opencost.environments.count': fromRead(read, (s) => measureLabel(s, labels.environment).values) }),
  nodes: (read) => ({ 'opencost.nodes.count': fromRead(read, measureNodes) }),
  services: (read, _w, labels) => ({
    'opencost.cost.service_allocated_ratio': fromRead(read, (s) => measureLabel(s, labels.service).allocated),
    'opencost.services.count': fromRead(read, (s) => measureLabel(s, labels.service).values),
  }),
  daily: (read, w) => spread(read, ['opencost.cost.days_with_data_ratio'], (s) => measureDaily(s, w)),
  weekly: (read, w) => spread(read, ['opencost.cost.weekly_change'], (s) => measureDaily(s, w)),
};

function spread(read: Read<AllocationSet[]>, ids: readonly OpencostSignalId[], measure: (sets: AllocationSet[]) => Measures): Measures {
  return Object.fromEntries(ids.map((id) => [id, fromRead(read, (sets) => measure(sets)[id] ?? notAvailable(`${id} not measured`))]));
}

/** The signals one read feeds, measured as soon as it is read (./read.ts: the sets are not kept). */
export function measureRead<K extends AllocationRead>(kind: K, read: OpencostReads[K], w: Window, labels: Labels): Measures {
  return FROM[kind](read, w, labels);
}
