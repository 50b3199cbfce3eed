import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Window } from '../../src/collector/types.js';
import { scanCollector } from '../../test/helpers/scan.js';
import type { AllocationSet } from './api.js';
import { opencostConfigSchema } from './config.js';
import { opencostCollector } from './index.js';
import { measureDaily, measureLabel, measureNamespaces } from './measure.js';

/*
 * Payloads are written by hand in the shape of OpenCost's allocation API (opencost/opencost,
 * docs/swagger.json and docs/api.md): `{ code, status, data: [set, …] }`, each set a map from the
 * aggregate's key to an allocation with `name`, `properties`, `window`, `minutes`, the cpu/ram
 * request, usage, hours and cost fields, the other cost kinds, efficiencies and `totalCost`;
 * `__idle__` and `__unallocated__` as OpenCost names them.
 */

const BASE = 'http://opencost.test:9003';
const TOKEN = 'oc-proxy-SeCrEt-token-42';
const NOW = '2026-11-25T00:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-10-26T00:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };
const WINDOW_PARAM = '2026-10-26T00:00:00Z,2026-11-25T00:00:00Z';
const GIB = 1024 ** 3;

afterEach(() => nock.cleanAll());

interface Spec { cpu?: number; cpuReq?: number; cpuUse?: number; ramGib?: number; ramUse?: number; pv?: number; network?: number; minutes?: number; start?: string; end?: string }

/** One allocation as OpenCost returns it: cost = 0.03 per core-hour and 0.004 per GiB-hour. */
function alloc(name: string, s: Spec, props: Record<string, string> = {}) {
  const minutes = s.minutes ?? 30 * 1440;
  const hours = minutes / 60;
  const cpu = s.cpuReq ?? s.cpu ?? 1;
  const ram = s.ramGib ?? 2;
  const cpuCost = cpu * hours * 0.03;
  const ramCost = ram * hours * 0.004;
  const pv = s.pv ?? 0;
  const network = s.network ?? 0;
  const start = s.start ?? '2026-10-26T00:00:00Z';
  const end = s.end ?? NOW.replace('.000', '');
  return {
    name, properties: { cluster: 'shop-prod', ...props }, window: { start, end }, start, end, minutes,
    cpuCores: cpu, cpuCoreRequestAverage: cpu, cpuCoreUsageAverage: s.cpuUse ?? cpu / 2, cpuCoreHours: cpu * hours, cpuCost, cpuCostAdjustment: 0,
    cpuEfficiency: (s.cpuUse ?? cpu / 2) / cpu,
    gpuCount: 0, gpuHours: 0, gpuCost: 0, gpuCostAdjustment: 0,
    networkTransferBytes: 0, networkReceiveBytes: 0, networkCost: network, networkCostAdjustment: 0,
    loadBalancerCost: 0, loadBalancerCostAdjustment: 0,
    pvBytes: 0, pvByteHours: 0, pvCost: pv, pvs: null, pvCostAdjustment: 0,
    ramBytes: ram * GIB, ramByteRequestAverage: ram * GIB, ramByteUsageAverage: (s.ramUse ?? ram * 0.75) * GIB, ramByteHours: ram * GIB * hours, ramCost, ramCostAdjustment: 0,
    ramEfficiency: (s.ramUse ?? ram * 0.75) / ram,
    sharedCost: 0, externalCost: 0, totalCost: cpuCost + ramCost + pv + network, totalEfficiency: 0.5, rawAllocationOnly: null,
  };
}
const set = (...list: ReturnType<typeof alloc>[]) => Object.fromEntries(list.map((a) => [a.name, a]));
const ok = (...sets: Record<string, unknown>[]) => ({ code: 200, status: 'success', data: sets });

// by namespace, idle included: 3 app namespaces, kube-system, and idle
const NAMESPACES = set(
  alloc('payments', { cpu: 4, cpuUse: 2, ramGib: 8, ramUse: 6, pv: 20 }, { namespace: 'payments' }),
  alloc('orders', { cpu: 2, cpuUse: 1, ramGib: 4, ramUse: 3, network: 5 }, { namespace: 'orders' }),
  alloc('search', { cpu: 2, cpuUse: 0.5, ramGib: 4, ramUse: 2 }, { namespace: 'search' }),
  alloc('kube-system', { cpu: 1, cpuUse: 0.5, ramGib: 2, ramUse: 1 }, { namespace: 'kube-system' }),
  { ...alloc('__idle__', { cpu: 3, cpuUse: 0, ramGib: 6, ramUse: 0 }), cpuCoreRequestAverage: 0, cpuCoreUsageAverage: 0, ramByteRequestAverage: 0, ramByteUsageAverage: 0 },
);
// by team label: kube-system carries none
const TEAMS = set(
  alloc('payments', { cpu: 4, ramGib: 8, pv: 20 }), alloc('orders', { cpu: 2, ramGib: 4, network: 5 }), alloc('search', { cpu: 2, ramGib: 4 }),
  alloc('__unallocated__', { cpu: 1, ramGib: 2 }),
);
// by environment label: nothing is labelled
const ENVIRONMENTS = set(alloc('__unallocated__', { cpu: 9, ramGib: 18 }));
const NODES = set(alloc('ip-10-20-0-10.cn-east-2.compute.internal', { cpu: 6, ramGib: 12 }), alloc('ip-10-20-0-11.cn-east-2.compute.internal', { cpu: 3, ramGib: 6 }));

/** 30 daily sets by service label; checkout grows by half in the last week, an unlabelled job is steady. */
function daily() {
  return Array.from({ length: 30 }, (_, d) => {
    const start = new Date(WINDOW.start.getTime() + d * 86_400_000).toISOString().replace('.000', '');
    const end = new Date(WINDOW.start.getTime() + (d + 1) * 86_400_000).toISOString().replace('.000', '');
    const day = { minutes: 1440, start, end };
    return set(
      alloc('checkout', { ...day, cpu: d >= 23 ? 3 : 2, ramGib: 4 }),
      alloc('cart', { ...day, cpu: 1, ramGib: 2 }),
      alloc('__unallocated__', { ...day, cpu: 1, ramGib: 2 }),
    );
  });
}

/** Steps summed into one set (cost only: the measures of these queries read totalCost), the window spanning them. */
function accumulateSets(sets: Record<string, ReturnType<typeof alloc>>[]) {
  const out: Record<string, ReturnType<typeof alloc>> = {};
  for (const set of sets) {
    for (const [k, a] of Object.entries(set)) {
      const o = out[k];
      out[k] = o ? { ...o, totalCost: o.totalCost + a.totalCost, window: { start: o.window.start, end: a.window.end }, end: a.end } : { ...a };
    }
  }
  return out;
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Query = 'namespace' | 'team' | 'env' | 'node' | 'service' | 'daily' | 'weekly';
const QUERIES: Record<Query, Record<string, string>> = {
  namespace: { window: WINDOW_PARAM, aggregate: 'namespace', accumulate: 'true', includeIdle: 'true' },
  team: { window: WINDOW_PARAM, aggregate: 'label:team', accumulate: 'true' },
  env: { window: WINDOW_PARAM, aggregate: 'label:env', accumulate: 'true' },
  node: { window: WINDOW_PARAM, aggregate: 'node', accumulate: 'true' },
  service: { window: WINDOW_PARAM, aggregate: 'label:app.kubernetes.io/name', accumulate: 'true' },
  daily: { window: WINDOW_PARAM, aggregate: 'cluster', accumulate: 'false', step: '1d' },
  weekly: { window: '2026-11-11T00:00:00Z,2026-11-25T00:00:00Z', aggregate: 'label:app.kubernetes.io/name', accumulate: 'false', step: '7d' },
};
const BODIES: Record<Query, () => unknown> = {
  namespace: () => ok(NAMESPACES), team: () => ok(TEAMS), env: () => ok(ENVIRONMENTS), node: () => ok(NODES),
  service: () => ok(accumulateSets(daily())),
  daily: () => ok(...daily().map((set) => ({ 'shop-prod': { ...Object.values(set)[0], name: 'shop-prod', totalCost: Object.values(set).reduce((n, a) => n + a.totalCost, 0) } }))),
  weekly: () => ok(accumulateSets(daily().slice(16, 23)), accumulateSets(daily().slice(23, 30))),
};

/** Serves each query once (exact query string), with replies replaced where given; null: not asked. */
function serve(replace: Partial<Record<Query, Reply[] | null>> = {}) {
  const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
  for (const q of Object.keys(QUERIES) as Query[]) {
    const r = replace[q];
    if (r === null) continue;
    const replies = r ?? [{ status: 200, body: BODIES[q]() }];
    for (const reply of replies) {
      scope.get('/allocation/compute').query(QUERIES[q])
        .reply(reply.status, typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), { 'Content-Type': 'application/json', ...reply.headers });
    }
  }
  return scope;
}

async function scan() {
  const r = await scanCollector({
    collector: opencostCollector,
    instances: [{ collector: 'opencost', name: 'shop-prod', config: opencostConfigSchema.parse({ url: BASE, token: TOKEN }), http: { retries: 1 } }],
    window: WINDOW,
    now: NOW,
    secrets: [TOKEN],
  });
  return { ...r, get: (id: string) => r.get(`opencost.${id}`), value: (id: string) => r.value(`opencost.${id}`) };
}

describe('opencost collector', () => {
  it('measures cost, idle, allocation to teams and services, unit prices, efficiency and the weekly trend', async () => {
    const scope = serve();
    const { value, get, runs, evidence } = await scan();
    expect(scope.pendingMocks()).toEqual([]);
    expect(runs[0].status).toBe('ok');
    expect(value('api.reachable')).toBe(true);
    const total = Object.values(NAMESPACES).reduce((n, a) => n + a.totalCost, 0);
    expect(value('cost.total')).toBeCloseTo(total, 6);
    expect(value('cost.idle_ratio')).toBeCloseTo(NAMESPACES.__idle__.totalCost / total, 6);
    // 1 of 9 requested cores and 2 of 18 GiB carry no team label
    const teamTotal = Object.values(TEAMS).reduce((n, a) => n + a.totalCost, 0);
    expect(value('cost.team_allocated_ratio')).toBeCloseTo(1 - TEAMS.__unallocated__.totalCost / teamTotal, 6);
    expect(value('teams.count')).toBe(3);
    expect(get('teams.count').objects?.sample[0]).toMatch(/^payments \(/);
    expect(value('environments.count')).toBe(0);
    expect(value('nodes.count')).toBe(2);
    expect(value('cpu.core_hour_cost')).toBeCloseTo(0.03, 9);
    expect(value('memory.gib_hour_cost')).toBeCloseTo(0.004, 9);
    // used over requested, idle left out: (2+1+0.5+0.5) / (4+2+2+1) cores
    expect(value('efficiency.cpu')).toBeCloseTo(4 / 9, 9);
    expect(value('efficiency.memory')).toBeCloseTo(12 / 18, 9);
    expect(value('cost.dimensions')).toBe(4);
    expect(get('cost.dimensions').instances[0].detail).toBe('cpu, ram, persistent volumes, network');
    expect(value('cost.days_with_data_ratio')).toBe(1);
    expect(value('services.count')).toBe(2);
    // the unlabelled job costs as much as cart every day: 0.912 of (0.912 × 2 + checkout) a day
    const unlabelled = 30 * 0.912;
    const all = 60 * 0.912 + 23 * 1.824 + 7 * 2.544;
    expect(value('cost.service_allocated_ratio')).toBeCloseTo(1 - unlabelled / all, 9);
    // the last week: checkout 3 cores instead of 2, every other allocation the same
    const perDay = (cores: number) => cores * 24 * 0.03 + 4 * 24 * 0.004;
    const before = 7 * (perDay(2) + 2 * (24 * 0.03 + 2 * 24 * 0.004));
    const last = 7 * (perDay(3) + 2 * (24 * 0.03 + 2 * 24 * 0.004));
    expect(value('cost.weekly_change')).toBeCloseTo((last - before) / before, 9);
    expect(get('cost.weekly_change').objects?.sample[0]).toMatch(/^checkout: .* \(\+/);
    expect(JSON.stringify(evidence.records)).not.toContain(TOKEN);
  });

  it('waits for Retry-After on a 429 and then reads the query', async () => {
    const scope = serve({ team: [{ status: 429, body: { code: 429, message: 'too many requests' }, headers: { 'Retry-After': '1' } }, { status: 200, body: ok(TEAMS) }] });
    const { value } = await scan();
    expect(value('teams.count')).toBe(3);
    expect(scope.isDone()).toBe(true);
  });

  it('stops on a refused credential (401) and fails every signal with the reason', async () => {
    serve({ namespace: [{ status: 401, body: 'Unauthorized' }], team: null, env: null, node: null, service: null, daily: null, weekly: null });
    const { get, runs } = await scan();
    expect(runs[0].status).toBe('failed');
    expect(runs[0].error_kind).toBe('credentials');
    expect(get('cost.total').status).toBe('failed');
    expect(get('cost.total').reason).not.toContain(TOKEN);
  });

  it('stops when OpenCost does not answer the first query at all, rather than waiting out six more timeouts', async () => {
    // a loopback port nothing listens on
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    const r = await scanCollector({
      collector: opencostCollector,
      instances: [{ collector: 'opencost', name: 'shop-prod', config: opencostConfigSchema.parse({ url, token: TOKEN }), http: { retries: 1 } }],
      window: WINDOW,
      now: NOW,
      secrets: [TOKEN],
    });
    expect(r.runs[0].status).toBe('failed');
    // the first query's two attempts, and no other query
    expect(r.evidence.records.map((e) => e.url.includes('aggregate=namespace'))).toEqual([true, true]);
    expect(r.get('opencost.teams.count').status).toBe('failed');
    expect(r.get('opencost.cost.total').reason).toMatch(/cannot reach GET http:\/\/127\.0\.0\.1:\d+\/allocation\/compute.*ECONNREFUSED/);
  });

  it('fails only the node count when the proxy forbids that query (403)', async () => {
    serve({ node: [{ status: 403, body: 'Forbidden' }] });
    const { get, value, runs } = await scan();
    expect(runs[0].status).toBe('partial');
    expect(get('nodes.count').status).toBe('failed');
    expect(value('cost.total')).toBeGreaterThan(0);
  });

  it('fails the weekly change on a malformed body, and on an OpenCost error the others stay measured', async () => {
    serve({ weekly: [{ status: 200, body: { code: 200, data: [{ checkout: { name: 'checkout', totalCost: 'twelve' } }] } }], env: [{ status: 500, body: { code: 500, status: '', data: null, message: 'error querying prometheus' } }, { status: 500, body: { code: 500, data: null, message: 'error querying prometheus' } }] });
    const { get, value } = await scan();
    expect(get('cost.weekly_change').status).toBe('failed');
    expect(get('cost.weekly_change').reason).toMatch(/allocation\/compute/);
    expect(value('services.count')).toBe(2);
    expect(get('environments.count').status).toBe('failed');
    expect(value('teams.count')).toBe(3);
  });

  it('asks for no weekly series when the window is shorter than two weeks: the change is not available', async () => {
    const short: Window = { start: new Date('2026-11-15T00:00:00.000Z'), end: new Date(NOW), seconds: 10 * 86400 };
    const param = '2026-11-15T00:00:00Z,2026-11-25T00:00:00Z';
    const scope = nock(BASE);
    for (const q of ['namespace', 'team', 'env', 'node', 'service', 'daily'] as const) {
      scope.get('/allocation/compute').query({ ...QUERIES[q], window: param }).reply(200, BODIES[q]() as Record<string, unknown>);
    }
    const r = await scanCollector({
      collector: opencostCollector,
      instances: [{ collector: 'opencost', name: 'shop-prod', config: opencostConfigSchema.parse({ url: BASE }), http: { retries: 0 } }],
      window: short,
      now: NOW,
    });
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.get('opencost.cost.weekly_change')).toMatchObject({ status: 'not_available', reason: 'the window is shorter than two weeks' });
    expect(r.get('opencost.cost.total').status).toBe('observed');
  });

  it('reports no idle as not available when OpenCost has no asset data to compute it', async () => {
    const { __idle__: _idle, ...noIdle } = NAMESPACES;
    serve({ namespace: [{ status: 200, body: ok(noIdle) }] });
    const { get, value } = await scan();
    expect(get('cost.idle_ratio').status).toBe('not_available');
    expect(value('cost.total')).toBeGreaterThan(0);
  });
});

describe('opencost measures (no HTTP)', () => {
  const a = (name: string, totalCost: number, extra: Record<string, unknown> = {}) =>
    ({ name, totalCost, minutes: 60, cpuCoreHours: 0, cpuCoreRequestAverage: 0, cpuCoreUsageAverage: 0, cpuCost: 0, gpuCost: 0, ramByteHours: 0, ramByteRequestAverage: 0,
      ramByteUsageAverage: 0, ramCost: 0, pvCost: 0, networkCost: 0, loadBalancerCost: 0, sharedCost: 0, externalCost: 0, ...extra }) as AllocationSet[string];

  it('counts label keys of old (name=value) and new (value) OpenCost alike, and leaves idle out of the allocated share', () => {
    const sets: AllocationSet[] = [{ 'team=payments': a('team=payments', 30), orders: a('orders', 10), __unallocated__: a('__unallocated__', 10), __idle__: a('__idle__', 50) }];
    const m = measureLabel(sets, 'team');
    expect(m.allocated).toMatchObject({ status: 'value', value: 0.8 });
    expect(m.values).toMatchObject({ status: 'value', value: 2 });
    expect(m.values.status === 'value' && m.values.objects?.sample).toEqual(['payments (30.00)', 'orders (10.00)']);
  });

  it('gives no allocated share for a window without workload cost (not 0)', () => {
    expect(measureLabel([{}], 'team').allocated.status).toBe('not_available');
    expect(measureNamespaces([{}])['opencost.cost.total']?.status).toBe('not_available');
  });

  it('efficiency is not available when nothing was requested', () => {
    const m = measureNamespaces([{ batch: a('batch', 5, { cpuCoreUsageAverage: 2 }) }]);
    expect(m['opencost.efficiency.cpu']?.status).toBe('not_available');
  });

  it('needs two weeks for the weekly change and a cost in the first of them', () => {
    const short: Window = { start: new Date('2026-11-15T00:00:00Z'), end: new Date('2026-11-25T00:00:00Z'), seconds: 10 * 86400 };
    expect(measureDaily([], short)['opencost.cost.weekly_change']?.status).toBe('not_available');
    const w: Window = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-25T00:00:00Z'), seconds: 24 * 86400 };
    const day = (d: number, cost: number): AllocationSet => ({ svc: a('svc', cost, { window: { start: new Date(Date.parse('2026-11-01T00:00:00Z') + d * 86_400_000).toISOString() } }) });
    const sets = Array.from({ length: 24 }, (_, d) => day(d, d >= 17 ? 2 : d >= 10 ? 1 : 0));
    const m = measureDaily(sets, w);
    expect(m['opencost.cost.weekly_change']).toMatchObject({ status: 'value', value: 1 });
    expect(m['opencost.cost.days_with_data_ratio']).toMatchObject({ status: 'value', value: 14 / 24 });
    // OpenCost's windows are to the second; a scan window with milliseconds must not shift the weeks
    const wms: Window = { start: new Date('2026-11-01T00:00:00.700Z'), end: new Date('2026-11-25T00:00:00.700Z'), seconds: 24 * 86400 };
    const dayTo = (d: number, cost: number): AllocationSet => {
      const start = Date.parse('2026-11-01T00:00:00Z') + d * 86_400_000;
      return { svc: a('svc', cost, { window: { start: new Date(start).toISOString(), end: new Date(start + 86_400_000).toISOString() } }) };
    };
    expect(measureDaily(Array.from({ length: 24 }, (_, d) => dayTo(d, d >= 17 ? 2 : 1)), wms)['opencost.cost.weekly_change']).toMatchObject({ status: 'value', value: 1 });
    const empty = measureDaily(Array.from({ length: 24 }, (_, d) => day(d, d >= 17 ? 2 : 0)), w);
    expect(empty['opencost.cost.weekly_change']?.status).toBe('not_available');
  });
});
