import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../src/clock.js';
import { runCollectors } from '../src/collector/harness.js';
import { count } from '../src/collector/kit.js';
import type { Collector, Window } from '../src/collector/types.js';
import { EvidenceLog } from '../src/evidence/types.js';
import type { InventoryItem } from '../src/inventory/records.js';
import { silentLogger } from '../src/log.js';
import { Redactor } from '../src/redact.js';
import { computeCross, type CrossSignal } from '../src/signals/cross.js';

const WINDOW: Window = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-02T00:00:00Z'), seconds: 86_400 };
const item = (role: InventoryItem['role'], key: string): InventoryItem => ({ role, kind: 'workload', key, name: key });

/** Counts live items no system of record knows: the shape of a real drift signal, kept tiny. */
const unrecorded: CrossSignal<'inventory'> = {
  declaration: count('test.inventory.unrecorded_count', 'live items no system of record knows'),
  needs: ['inventory'],
  measure: ({ inventory }) => {
    const known = new Set(inventory.records.filter((i) => i.role === 'registered').map((i) => i.key));
    const missing = inventory.records.filter((i) => i.role === 'live' && !known.has(i.key));
    return { status: 'value', value: missing.length, evidence: inventory.evidence, detail: `from ${inventory.sources.join(', ')}` };
  },
};

function publisher(id: string, records: InventoryItem[] | 'fail' | 'undeclared'): Collector<Record<string, never>> {
  return {
    id, description: id, signals: [count(`${id}.items.count`, 'items')], configSchema: z.object({}).strict(),
    publishes: records === 'undeclared' ? [] : ['inventory'],
    async collect(ctx) {
      if (records === 'fail') throw new Error('listing refused');
      ctx.emit(`${id}.items.count`, 1, ['ev']);
      ctx.publish('inventory', records === 'undeclared' ? [] : records, [`${id}-ev`]);
    },
  };
}

async function collect(registry: Collector<any>[]) {
  return runCollectors({
    registry, instances: registry.map((c) => ({ collector: c.id, name: 'main', config: {}, http: {} })),
    clock: fixedClock(WINDOW.end), window: WINDOW, evidence: new EvidenceLog(), redactor: new Redactor(), log: silentLogger,
    concurrency: 2, collectorDeadlineMs: 5_000, scanDeadlineMs: 10_000,
  });
}

describe('cross signals from published records', () => {
  it('joins what several collectors published, with the evidence of each', async () => {
    const got = await collect([publisher('live', [item('live', 'shop/cart'), item('live', 'shop/pay')]), publisher('cmdb', [item('registered', 'shop/cart')])]);
    const s = computeCross([unrecorded], got.publications, WINDOW).get('test.inventory.unrecorded_count')!;
    expect(s).toMatchObject({ status: 'observed', value: 1, evidence: ['live-ev', 'cmdb-ev'] });
    expect(s.instances[0].detail).toBe('from live/main, cmdb/main');
  });
  it('a publisher whose run failed makes the signal failed, never a count over part of the estate', async () => {
    const got = await collect([publisher('live', [item('live', 'shop/cart')]), publisher('cmdb', 'fail')]);
    const s = computeCross([unrecorded], got.publications, WINDOW).get('test.inventory.unrecorded_count')!;
    expect(s.status).toBe('failed');
    expect(s.reason).toContain('cmdb/main failed: listing refused');
  });
  it('with no publisher configured the signal is not configured', () => {
    expect(computeCross([unrecorded], [], WINDOW).get('test.inventory.unrecorded_count')!.status).toBe('not_configured');
  });
  it('publishing a kind the collector does not declare is its bug: the run fails', async () => {
    const got = await collect([publisher('odd', 'undeclared')]);
    expect(got.runs[0].status).not.toBe('ok');
    expect(got.runs[0].error).toContain('does not declare them in publishes');
    expect(got.publications).toEqual([]);
  });
  it('opens each publication once, however many cross signals join it', async () => {
    const got = await collect([publisher('live', [item('live', 'shop/cart')]), publisher('cmdb', [item('registered', 'shop/cart')])]);
    let opens = 0;
    const counted = got.publications.map((p) => (p.status !== 'published' ? p : {
      ...p,
      get records() {
        opens++;
        return p.records;
      },
    }));
    const again: CrossSignal<'inventory'> = { ...unrecorded, declaration: count('test.inventory.again_count', 'the same, twice') };
    const out = computeCross([unrecorded, again], counted, WINDOW);
    expect(out.get('test.inventory.unrecorded_count')).toMatchObject({ status: 'observed', value: 0 });
    expect(out.get('test.inventory.again_count')).toMatchObject({ status: 'observed', value: 0 });
    expect(opens).toBe(2);
  });
});
