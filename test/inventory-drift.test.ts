import { describe, expect, it } from 'vitest';
import type { Window } from '../src/collector/types.js';
import { compareInventory, DRIFT_SIGNALS, expectedLive } from '../src/inventory/drift.js';
import type { InventoryItem } from '../src/inventory/records.js';
import { computeCross } from '../src/signals/cross.js';
import { crossSignals } from '../src/signals/cross-registry.js';
import type { Publication } from '../src/collector/harness.js';

const WINDOW: Window = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-31T00:00:00Z'), seconds: 30 * 86_400 };
const live = (kind: string, key: string): InventoryItem => ({ role: 'live', kind, key, name: key });
const reg = (kind: string, key: string, lifecycle?: string): InventoryItem => ({ role: 'registered', kind, key, name: key, ...(lifecycle ? { lifecycle } : {}) });

const ESTATE: InventoryItem[] = [
  live('workload', 'shop/cart'), live('workload', 'shop/pay'), live('workload', 'legacy/report'), live('node', 'node-1'), live('node', 'node-2'),
  reg('workload', 'shop/cart', 'active'), reg('workload', 'shop/pay'), reg('node', 'node-1', 'active'),
  reg('node', 'node-9', 'active'), reg('node', 'node-old', 'decommissioning'), reg('workload', 'shop/next', 'planned'),
  reg('host', 'switch-1', 'active'),
];

function publications(records: InventoryItem[], extra: Partial<Publication>[] = []): Publication[] {
  return [
    { collector: 'kubernetes', instance: 'prod', kind: 'inventory', status: 'published', records: records.filter((r) => r.role === 'live'), evidence: ['k-1'] },
    { collector: 'netbox', instance: 'main', kind: 'inventory', status: 'published', records: records.filter((r) => r.role === 'registered'), evidence: ['n-1'] },
    ...extra,
  ] as Publication[];
}

describe('drift between registered and live items', () => {
  it('finds live items the register lacks, and registered items expected to run that nothing live matches', () => {
    const d = compareInventory(ESTATE);
    expect(d.unrecorded.map((i) => i.key)).toEqual(['node-2', 'legacy/report']);
    // node-old is being decommissioned and shop/next planned: not expected to run, so not stale
    expect(d.stale.map((i) => i.key)).toEqual(['node-9']);
    // nothing live reports hosts: switch-1 cannot be called stale
    expect(d.uncompared).toEqual(['host']);
  });

  it('matches on kind as well as key', () => {
    const d = compareInventory([live('node', 'cart'), reg('workload', 'cart')]);
    expect(d.unrecorded.map((i) => i.key)).toEqual(['cart']);
    expect(d.stale).toEqual([]);
  });

  it('treats lifecycle states case-insensitively and an item with none as expected to run', () => {
    expect(expectedLive(reg('node', 'a', 'Retired'))).toBe(false);
    expect(expectedLive(reg('node', 'a', 'In Stock'))).toBe(false);
    expect(expectedLive(reg('node', 'a', 'Installed'))).toBe(true);
    expect(expectedLive(reg('node', 'a'))).toBe(true);
  });

  it('the cross signals name the drifting objects and carry both sides\' evidence', () => {
    const got = computeCross(DRIFT_SIGNALS, publications(ESTATE), WINDOW);
    expect(got.get('cmdb.drift.unrecorded_count')).toMatchObject({
      status: 'observed', value: 2, evidence: ['k-1', 'n-1'], objects: { total: 2, sample: ['workload legacy/report', 'node node-2'].sort() },
    });
    expect(got.get('cmdb.drift.unrecorded_ratio')).toMatchObject({ status: 'observed', value: 2 / 5 });
    expect(got.get('cmdb.drift.stale_count')).toMatchObject({ status: 'observed', value: 1, objects: { total: 1, sample: ['node node-9'] } });
    // node-1, node-9 and shop/cart, shop/pay are expected to run; node-9 alone matches nothing
    expect(got.get('cmdb.drift.stale_ratio')).toMatchObject({ status: 'observed', value: 1 / 4 });
    expect(got.get('cmdb.drift.stale_count')!.notes).toContain('registered kinds nothing live reports, not compared: host');
  });

  it('without a live side (or a register) drift is not available, never 0', () => {
    const onlyRegister = computeCross(DRIFT_SIGNALS, publications(ESTATE.filter((i) => i.role === 'registered')), WINDOW);
    expect(onlyRegister.get('cmdb.drift.unrecorded_count')!.status).toBe('not_available');
    expect(onlyRegister.get('cmdb.drift.unrecorded_count')!.reason).toContain('no live items');
    const onlyLive = computeCross(DRIFT_SIGNALS, publications(ESTATE.filter((i) => i.role === 'live')), WINDOW);
    expect(onlyLive.get('cmdb.drift.stale_count')!.reason).toContain('no registered items');
  });

  it('a register whose read failed makes drift failed, not a count over what the others published', () => {
    const failed = { collector: 'servicenow', instance: 'cmdb', kind: 'inventory', status: 'missing', reason: 'servicenow/cmdb failed: 401' } as Partial<Publication>;
    const got = computeCross(DRIFT_SIGNALS, publications(ESTATE, [failed]), WINDOW);
    expect(got.get('cmdb.drift.unrecorded_ratio')!.status).toBe('failed');
  });

  it('is registered, so rules can read it', () => {
    expect(crossSignals.map((c) => c.declaration.id)).toEqual(expect.arrayContaining(['cmdb.drift.unrecorded_count', 'cmdb.drift.unrecorded_ratio', 'cmdb.drift.stale_count', 'cmdb.drift.stale_ratio']));
  });
});
