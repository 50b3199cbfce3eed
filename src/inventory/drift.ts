import { count, ratio } from '../collector/declare.js';
import { measuredValue, notAvailable, ratioOf, type Measured } from '../collector/measured.js';
import type { CrossSignal, Joined } from '../signals/cross.js';
import { SAMPLE_MAX } from '../signals/types.js';
import type { InventoryItem } from './records.js';

/**
 * Drift between what systems of record (NetBox, ServiceNow, Backstage) register and what runs
 * (the Kubernetes collector's live items): the evidence for "the CMDB knows its estate"
 * (YD/T 1756.4 7.1.2: unified configuration management with running status fed back, and a
 * single trusted source).
 */

/**
 * Lifecycle states that say an item is not expected to run now (NetBox status, ServiceNow
 * install_status, Backstage lifecycle), so a registered item in them is not stale when nothing
 * live matches it. Anything else — and no state at all — is expected to run.
 */
const NOT_EXPECTED_LIVE = new Set([
  'planned', 'staged', 'offline', 'decommissioning', 'decommissioned', 'retired', 'absent', 'stolen',
  'in stock', 'on order', 'pending install', 'disposed', 'inventory',
]);

export function expectedLive(item: InventoryItem): boolean {
  return item.lifecycle === undefined || !NOT_EXPECTED_LIVE.has(item.lifecycle.trim().toLowerCase());
}

const label = (i: InventoryItem) => `${i.kind} ${i.key}`;
const identity = (i: Pick<InventoryItem, 'kind' | 'key'>) => `${i.kind}\u0000${i.key}`;

export interface Drift {
  live: InventoryItem[];
  registered: InventoryItem[];
  /** Live items no registered item of the same kind and key matches. */
  unrecorded: InventoryItem[];
  /** Registered items expected to run, of a kind the live side reports, that nothing live matches. */
  stale: InventoryItem[];
  /** Registered items expected to run, of a kind the live side reports: the ones that could be stale. */
  comparable: InventoryItem[];
  /** Registered kinds nothing live reports: not compared (the live side cannot say they are stale). */
  uncompared: string[];
}

/** The comparison itself, pure: both sides matched on kind and key (each side dedupes its keys). */
export function compareInventory(records: readonly InventoryItem[]): Drift {
  const live = dedupe(records.filter((i) => i.role === 'live'));
  const registered = dedupe(records.filter((i) => i.role === 'registered'));
  const liveIds = new Set(live.map(identity));
  const registeredIds = new Set(registered.map(identity));
  const liveKinds = new Set(live.map((i) => i.kind));
  const comparable = registered.filter((i) => liveKinds.has(i.kind) && expectedLive(i));
  return {
    live,
    registered,
    unrecorded: live.filter((i) => !registeredIds.has(identity(i))),
    comparable,
    stale: comparable.filter((i) => !liveIds.has(identity(i))),
    uncompared: [...new Set(registered.map((i) => i.kind).filter((k) => !liveKinds.has(k)))].sort(),
  };
}

function dedupe(items: InventoryItem[]): InventoryItem[] {
  const seen = new Map<string, InventoryItem>();
  for (const i of items) if (!seen.has(identity(i))) seen.set(identity(i), i);
  return [...seen.values()].sort((a, b) => label(a).localeCompare(label(b)));
}

const objectsOf = (items: InventoryItem[]) => ({ total: items.length, sample: items.slice(0, SAMPLE_MAX).map(label) });

/** Not available unless both sides published something: drift needs a live estate and a register. */
function withBothSides(inventory: Joined<'inventory'>, measure: (d: Drift) => Measured): Measured {
  const d = compareInventory(inventory.records);
  if (d.live.length === 0) return notAvailable(`no live items published (by ${inventory.sources.join(', ')}): configure a collector that observes the estate, e.g. kubernetes`, inventory.evidence);
  if (d.registered.length === 0) return notAvailable(`no registered items published (by ${inventory.sources.join(', ')}): configure a CMDB or catalogue collector, e.g. netbox`, inventory.evidence);
  return measure(d);
}

const notesOf = (d: Drift, sources: string[]) => [
  `compared ${d.live.length} live and ${d.registered.length} registered items (kind and key) from ${sources.join(', ')}`,
  ...(d.uncompared.length ? [`registered kinds nothing live reports, not compared: ${d.uncompared.join(', ')}`] : []),
];

export const unrecordedCount: CrossSignal<'inventory'> = {
  declaration: count('cmdb.drift.unrecorded_count', 'Live items (Kubernetes workloads, nodes) that no CMDB or catalogue records under the same kind and key (<namespace>/<name> for a workload, host name for a node)'),
  needs: ['inventory'],
  measure: ({ inventory }) => withBothSides(inventory, (d) => measuredValue(d.unrecorded.length, inventory.evidence, {
    detail: `${d.unrecorded.length} of ${d.live.length} live items not recorded`, objects: objectsOf(d.unrecorded), notes: notesOf(d, inventory.sources),
  })),
};

export const unrecordedRatio: CrossSignal<'inventory'> = {
  declaration: ratio('cmdb.drift.unrecorded_ratio', 'Share of the live items (Kubernetes workloads, nodes) that no CMDB or catalogue records under the same kind and key', 'max'),
  needs: ['inventory'],
  measure: ({ inventory }) => withBothSides(inventory, (d) => ratioOf(d.unrecorded.length, d.live.length, inventory.evidence, 'live items not recorded', {
    objects: objectsOf(d.unrecorded), notes: notesOf(d, inventory.sources),
  })),
};

export const staleCount: CrossSignal<'inventory'> = {
  declaration: count('cmdb.drift.stale_count', 'Registered items expected to run (lifecycle not planned, offline, retired …), of a kind the live side reports, that nothing live matches'),
  needs: ['inventory'],
  measure: ({ inventory }) => withBothSides(inventory, (d) => measuredValue(d.stale.length, inventory.evidence, {
    detail: `${d.stale.length} of ${d.registered.length} registered items match nothing live`, objects: objectsOf(d.stale), notes: notesOf(d, inventory.sources),
  })),
};

export const staleRatio: CrossSignal<'inventory'> = {
  declaration: ratio('cmdb.drift.stale_ratio', 'Share of the registered items expected to run, of a kind the live side reports, that nothing live matches', 'max'),
  needs: ['inventory'],
  measure: ({ inventory }) => withBothSides(inventory, (d) => ratioOf(d.stale.length, d.comparable.length, inventory.evidence, 'registered items expected to run match nothing live', {
    objects: objectsOf(d.stale), notes: notesOf(d, inventory.sources),
  })),
};

/** The drift cross signals, in the order the registry lists them. */
export const DRIFT_SIGNALS: readonly CrossSignal<'inventory'>[] = [unrecordedCount, unrecordedRatio, staleCount, staleRatio];
