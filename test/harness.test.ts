import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../src/clock.js';
import { runCollectors, type HarnessOptions, type InstanceConfig } from '../src/collector/harness.js';
import type { CollectContext, Collector, Window } from '../src/collector/types.js';
import { EvidenceLog } from '../src/evidence/types.js';
import { silentLogger } from '../src/log.js';
import { Redactor } from '../src/redact.js';
import type { SignalDeclaration } from '../src/signals/types.js';

const NOW = '2026-03-01T12:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-03-01T11:00:00.000Z'), end: new Date(NOW), seconds: 3600 };
const never = () => new Promise<never>(() => {});

function collector<C>(
  id: string,
  signals: Array<Pick<SignalDeclaration, 'id' | 'type' | 'aggregation'>>,
  configSchema: z.ZodType<C>,
  collect: (ctx: CollectContext<C>) => Promise<void>,
): Collector<C> {
  return {
    id,
    description: `test collector ${id}`,
    signals: signals.map((s) => ({ description: s.id, ...s })),
    configSchema,
    collect,
  };
}

function inst(collectorId: string, name: string, config: unknown = {}, http: InstanceConfig['http'] = {}): InstanceConfig {
  return { collector: collectorId, name, config, http };
}

function run(registry: Collector<any>[], instances: InstanceConfig[], extra: Partial<HarnessOptions> = {}) {
  const evidence = extra.evidence ?? new EvidenceLog();
  const redactor = extra.redactor ?? new Redactor();
  const promise = runCollectors({
    registry,
    instances,
    clock: fixedClock(NOW),
    window: WINDOW,
    evidence,
    redactor,
    log: silentLogger,
    concurrency: 4,
    collectorDeadlineMs: 5_000,
    scanDeadlineMs: 8_000,
    ...extra,
  });
  return { promise, evidence, redactor };
}

const empty = z.object({});

describe('runCollectors: observed values', () => {
  it('turns emitted values into observed signals with their evidence', async () => {
    let seen: { instance?: string; config?: unknown; window?: Window; now?: string } = {};
    const c = collector(
      'demo',
      [
        { id: 'demo.rules.count', type: 'number', aggregation: 'sum' },
        { id: 'demo.alerts.enabled', type: 'boolean', aggregation: 'all' },
        { id: 'demo.coverage', type: 'ratio', aggregation: 'min' },
        { id: 'demo.version', type: 'string', aggregation: 'first' },
      ],
      z.object({ url: z.string() }),
      async (ctx) => {
        seen = { instance: ctx.instance, config: ctx.config, window: ctx.window, now: ctx.clock.now().toISOString() };
        ctx.emit('demo.rules.count', 12, ['ev-00001', 'ev-00002']);
        ctx.emit('demo.alerts.enabled', true, ['ev-00003']);
        ctx.emit('demo.coverage', 0.75, ['ev-00004'], '3 of 4 services');
        ctx.emit('demo.version', 'v2.50.1', []);
      },
    );
    const { promise } = run([c], [inst('demo', 'main', { url: 'http://x' })]);
    const { signals, runs } = await promise;

    expect(seen).toEqual({ instance: 'main', config: { url: 'http://x' }, window: WINDOW, now: NOW });
    expect(signals.get('demo.rules.count')).toMatchObject({ status: 'observed', value: 12, collector: 'demo', evidence: ['ev-00001', 'ev-00002'] });
    expect(signals.get('demo.alerts.enabled')).toMatchObject({ status: 'observed', value: true, evidence: ['ev-00003'] });
    expect(signals.get('demo.coverage')).toMatchObject({ status: 'observed', value: 0.75, evidence: ['ev-00004'] });
    expect(signals.get('demo.coverage')!.instances[0]).toMatchObject({ instance: 'main', detail: '3 of 4 services' });
    expect(signals.get('demo.version')).toMatchObject({ status: 'observed', value: 'v2.50.1' });

    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ collector: 'demo', instance: 'main', status: 'ok', started_at: NOW, requests: 0, signals_observed: 4 });
    expect(runs[0].error).toBeUndefined();
    expect(runs[0].duration_ms).toBeGreaterThanOrEqual(0);
  });
});

describe('runCollectors: several instances of one collector', () => {
  const multi = collector(
    'multi',
    [
      { id: 'multi.sum', type: 'number', aggregation: 'sum' },
      { id: 'multi.min', type: 'number', aggregation: 'min' },
      { id: 'multi.any', type: 'boolean', aggregation: 'any' },
      { id: 'multi.all', type: 'boolean', aggregation: 'all' },
    ],
    z.object({ n: z.number(), flag: z.boolean(), fail: z.boolean().optional() }),
    async (ctx) => {
      if (ctx.config.fail) throw new Error(`boom on ${ctx.instance}`);
      const ev = [`ev-${ctx.instance}`];
      ctx.emit('multi.sum', ctx.config.n, ev);
      ctx.emit('multi.min', ctx.config.n, ev);
      ctx.emit('multi.any', ctx.config.flag, ev);
      ctx.emit('multi.all', ctx.config.flag, ev);
    },
  );

  it('combines the values: sum, min, any, all', async () => {
    const { signals, runs } = await run([multi], [inst('multi', 'a', { n: 2, flag: true }), inst('multi', 'b', { n: 5, flag: false })]).promise;
    expect(signals.get('multi.sum')).toMatchObject({ status: 'observed', value: 7 });
    expect(signals.get('multi.sum')!.evidence.sort()).toEqual(['ev-a', 'ev-b']);
    expect(signals.get('multi.sum')!.instances.map((i) => i.instance).sort()).toEqual(['a', 'b']);
    expect(signals.get('multi.min')).toMatchObject({ status: 'observed', value: 2 });
    expect(signals.get('multi.any')).toMatchObject({ status: 'observed', value: true, evidence: ['ev-a'] });
    expect(signals.get('multi.all')).toMatchObject({ status: 'observed', value: false, evidence: ['ev-b'] });
    expect(runs.map((r) => [r.instance, r.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
    ]);
  });

  it('all is true and any false only when every instance agrees', async () => {
    const both = await run([multi], [inst('multi', 'a', { n: 1, flag: true }), inst('multi', 'b', { n: 1, flag: true })]).promise;
    expect(both.signals.get('multi.all')).toMatchObject({ status: 'observed', value: true });
    const none = await run([multi], [inst('multi', 'a', { n: 1, flag: false }), inst('multi', 'b', { n: 1, flag: false })]).promise;
    expect(none.signals.get('multi.any')).toMatchObject({ status: 'observed', value: false });
  });

  it('a failed instance fails sum and min, but a true any from the other instance still stands', async () => {
    const { signals, runs } = await run([multi], [inst('multi', 'a', { n: 2, flag: true }), inst('multi', 'b', { n: 5, flag: true, fail: true })]).promise;

    const sum = signals.get('multi.sum')!;
    expect(sum.status).toBe('failed');
    expect(sum.value).toBeUndefined();
    expect(sum.reason).toContain('b: ');
    expect(sum.reason).toContain('boom on b');
    expect(sum.reason).not.toContain('a: ');

    expect(signals.get('multi.min')).toMatchObject({ status: 'failed' });
    expect(signals.get('multi.min')!.value).toBeUndefined();
    // 'all' cannot be known true while an instance is missing
    expect(signals.get('multi.all')).toMatchObject({ status: 'failed' });
    expect(signals.get('multi.any')).toMatchObject({ status: 'observed', value: true, evidence: ['ev-a'] });

    expect(runs.find((r) => r.instance === 'a')).toMatchObject({ status: 'ok' });
    expect(runs.find((r) => r.instance === 'b')).toMatchObject({ status: 'failed', error: 'boom on b', error_kind: 'error' });
  });
});

describe('runCollectors: collectors that fail', () => {
  const healthy = collector('healthy', [{ id: 'healthy.up', type: 'boolean', aggregation: 'all' }], empty, async (ctx) => {
    ctx.emit('healthy.up', true, ['ev-h']);
  });

  it('a collector that throws loses only its own signals, with the message as reason', async () => {
    const broken = collector(
      'broken',
      [
        { id: 'broken.a', type: 'number', aggregation: 'sum' },
        { id: 'broken.b', type: 'number', aggregation: 'sum' },
      ],
      empty,
      async () => {
        throw new Error('API returned garbage');
      },
    );
    const { signals, runs } = await run([broken, healthy], [inst('broken', 'x'), inst('healthy', 'y')]).promise;
    for (const id of ['broken.a', 'broken.b']) {
      expect(signals.get(id)).toMatchObject({ status: 'failed' });
      expect(signals.get(id)!.reason).toContain('API returned garbage');
      expect(signals.get(id)!.reason).toContain('broken/x');
    }
    expect(signals.get('healthy.up')).toMatchObject({ status: 'observed', value: true });
    const r = runs.find((x) => x.collector === 'broken')!;
    expect(r).toMatchObject({ status: 'failed', error: 'API returned garbage', signals_observed: 0 });
    expect(runs.find((x) => x.collector === 'healthy')).toMatchObject({ status: 'ok', signals_observed: 1 });
  });

  it('a collector that emitted one signal and then threw is partial; that signal stays observed', async () => {
    const half = collector(
      'half',
      [
        { id: 'half.first', type: 'number', aggregation: 'sum' },
        { id: 'half.second', type: 'number', aggregation: 'sum' },
      ],
      empty,
      async (ctx) => {
        ctx.emit('half.first', 3, ['ev-1']);
        throw new Error('second query failed');
      },
    );
    const { signals, runs } = await run([half], [inst('half', 'x')]).promise;
    expect(signals.get('half.first')).toMatchObject({ status: 'observed', value: 3, evidence: ['ev-1'] });
    expect(signals.get('half.second')).toMatchObject({ status: 'failed' });
    expect(signals.get('half.second')!.reason).toContain('second query failed');
    expect(runs[0]).toMatchObject({ status: 'partial', error: 'second query failed', signals_observed: 1 });
  });

  it('a collector that hangs is cut off at its deadline; one alongside still succeeds', async () => {
    let hungSignal: AbortSignal | undefined;
    const hung = collector('hung', [{ id: 'hung.x', type: 'number', aggregation: 'sum' }], empty, async (ctx) => {
      hungSignal = ctx.signal;
      await never();
    });
    const slowButFine = collector('slow', [{ id: 'slow.x', type: 'number', aggregation: 'sum' }], empty, async (ctx) => {
      await new Promise((r) => setTimeout(r, 50));
      ctx.emit('slow.x', 1, ['ev-s']);
    });
    const t0 = Date.now();
    const { signals, runs } = await run([hung, slowButFine], [inst('hung', 'h'), inst('slow', 's')], { collectorDeadlineMs: 200 }).promise;
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000);

    expect(signals.get('hung.x')).toMatchObject({ status: 'failed' });
    expect(signals.get('hung.x')!.reason).toMatch(/did not finish within 200 ms/);
    expect(runs.find((r) => r.collector === 'hung')).toMatchObject({ status: 'failed', error_kind: 'aborted' });
    expect(hungSignal?.aborted).toBe(true);

    expect(signals.get('slow.x')).toMatchObject({ status: 'observed', value: 1 });
    expect(runs.find((r) => r.collector === 'slow')).toMatchObject({ status: 'ok' });
  });

  it('values emitted after the deadline are ignored', async () => {
    let late: (() => void) | undefined;
    const c = collector('late', [{ id: 'late.x', type: 'number', aggregation: 'sum' }], empty, async (ctx) => {
      late = () => ctx.emit('late.x', 1, []);
      await never();
    });
    const { signals } = await run([c], [inst('late', 'l')], { collectorDeadlineMs: 100 }).promise;
    late!();
    expect(signals.get('late.x')).toMatchObject({ status: 'failed' });
  });

  it('the scan deadline stops a hanging collector', async () => {
    const hung = collector('hung', [{ id: 'hung.x', type: 'number', aggregation: 'sum' }], empty, async () => {
      await never();
    });
    const t0 = Date.now();
    const { signals, runs } = await run([hung], [inst('hung', 'h')], { scanDeadlineMs: 200, collectorDeadlineMs: 10_000 }).promise;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(signals.get('hung.x')).toMatchObject({ status: 'failed' });
    expect(signals.get('hung.x')!.reason).toMatch(/scan deadline/);
    expect(runs[0]).toMatchObject({ status: 'failed', error_kind: 'aborted' });
  });

  it('instances still queued when the scan deadline passes fail too', async () => {
    const hung = collector('hung', [{ id: 'hung.x', type: 'number', aggregation: 'sum' }], empty, async () => {
      await never();
    });
    const signalAtStart: boolean[] = [];
    const queued = collector('queued', [{ id: 'queued.x', type: 'number', aggregation: 'sum' }], empty, async (ctx) => {
      signalAtStart.push(ctx.signal.aborted);
      ctx.emit('queued.x', 1, []);
    });
    const { signals, runs } = await run([hung, queued], [inst('hung', 'h'), inst('queued', 'q')], {
      scanDeadlineMs: 150, collectorDeadlineMs: 10_000, concurrency: 1,
    }).promise;
    expect(signals.get('hung.x')).toMatchObject({ status: 'failed' });
    expect(signals.get('queued.x')).toMatchObject({ status: 'failed' });
    expect(signals.get('queued.x')!.reason).toMatch(/scan deadline/);
    expect(runs.find((r) => r.collector === 'queued')).toMatchObject({ status: 'failed', error_kind: 'aborted', signals_observed: 0 });
    expect(signalAtStart).toEqual([]); // never started
  });
});

describe('runCollectors: what a collector emits', () => {
  it('a value of the wrong type fails that signal with "invalid value"', async () => {
    const c = collector(
      'typed',
      [
        { id: 'typed.ratio_string', type: 'ratio', aggregation: 'min' },
        { id: 'typed.ratio_big', type: 'ratio', aggregation: 'min' },
        { id: 'typed.bool', type: 'boolean', aggregation: 'all' },
        { id: 'typed.ok', type: 'number', aggregation: 'sum' },
      ],
      empty,
      async (ctx) => {
        ctx.emit('typed.ratio_string', '0.5' as unknown as number, ['ev-1']);
        ctx.emit('typed.ratio_big', 1.5, ['ev-2']);
        ctx.emit('typed.bool', 1 as unknown as boolean, []);
        ctx.emit('typed.ok', 4, []);
      },
    );
    const { signals, runs } = await run([c], [inst('typed', 't')]).promise;
    for (const id of ['typed.ratio_string', 'typed.ratio_big', 'typed.bool']) {
      expect(signals.get(id)).toMatchObject({ status: 'failed' });
      expect(signals.get(id)!.reason).toContain('invalid value');
      expect(signals.get(id)!.value).toBeUndefined();
    }
    expect(signals.get('typed.ratio_big')!.reason).toContain('1.5');
    expect(signals.get('typed.ratio_string')!.reason).toContain('"0.5"');
    expect(signals.get('typed.ok')).toMatchObject({ status: 'observed', value: 4 });
    expect(runs[0]).toMatchObject({ status: 'partial', signals_observed: 1 });
  });

  it('an undeclared signal makes the run partial and is not reported', async () => {
    const c = collector('decl', [{ id: 'decl.x', type: 'number', aggregation: 'sum' }], empty, async (ctx) => {
      ctx.emit('decl.x', 1, []);
      ctx.emit('decl.typo', 2, []);
    });
    const { signals, runs } = await run([c], [inst('decl', 'd')]).promise;
    expect(signals.get('decl.x')).toMatchObject({ status: 'observed', value: 1 });
    expect(signals.has('decl.typo')).toBe(false);
    expect(runs[0].status).toBe('partial');
    expect(runs[0].error).toContain('undeclared');
    expect(runs[0].error).toContain('decl.typo');
  });

  it('notAvailable, failed, never emitted, and not configured', async () => {
    const c = collector(
      'states',
      [
        { id: 'states.crd', type: 'number', aggregation: 'sum' },
        { id: 'states.broken', type: 'number', aggregation: 'sum' },
        { id: 'states.silent', type: 'number', aggregation: 'sum' },
      ],
      empty,
      async (ctx) => {
        ctx.notAvailable('states.crd', 'PrometheusRule CRD is not installed');
        ctx.failed('states.broken', 'query returned no series');
      },
    );
    const unused = collector(
      'unused',
      [
        { id: 'unused.a', type: 'number', aggregation: 'sum' },
        { id: 'unused.b', type: 'boolean', aggregation: 'any' },
      ],
      empty,
      async () => {
        throw new Error('must not run');
      },
    );
    const { signals, runs } = await run([c, unused], [inst('states', 's')]).promise;
    expect(signals.get('states.crd')).toMatchObject({ status: 'not_available', reason: 'PrometheusRule CRD is not installed' });
    expect(signals.get('states.broken')).toMatchObject({ status: 'failed', reason: 'query returned no series' });
    expect(signals.get('states.silent')).toMatchObject({ status: 'not_observed' });
    expect(signals.get('states.silent')!.reason).toContain('states/s');
    for (const id of ['unused.a', 'unused.b']) {
      expect(signals.get(id)).toMatchObject({ status: 'not_configured', collector: 'unused', instances: [], evidence: [] });
      expect(signals.get(id)!.reason).toContain('not configured');
    }
    expect(runs.map((r) => r.collector)).toEqual(['states']);
    expect(runs[0].status).toBe('failed') // nothing observed: a collector that saw nothing is not ok;
  });
});

describe('runCollectors: HTTP and secrets', () => {
  const BASE = 'http://prom.test:9090';
  const prom = collector(
    'prom',
    [{ id: 'prom.targets.up', type: 'number', aggregation: 'sum' }],
    z.object({ url: z.string() }),
    async (ctx) => {
      const http = ctx.http({ baseURL: ctx.config.url });
      const a = await http.getJson('/api/v1/targets', z.object({ up: z.number() }));
      const b = await http.getText('/api/v1/status/buildinfo');
      ctx.emit('prom.targets.up', a.data.up, [a.evidence, b.evidence]);
    },
  );

  it('lets every request of an instance in flight wait on its signal without a leak warning', async () => {
    // Each request in flight listens on the instance's signal, and so does each retry's wait: with
    // ten in flight (the default cap) Node's default of ten listeners printed a leak warning on
    // stderr during a scan where there was no leak.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      const FLAKY = 'http://flaky.test';
      for (let i = 0; i < 12; i++) nock(FLAKY).get(`/item/${i}`).reply(503, 'busy').get(`/item/${i}`).reply(200, { ok: true });
      const many = collector('many', [{ id: 'many.items.count', type: 'number', aggregation: 'sum' }], empty, async (ctx) => {
        const http = ctx.http({ baseURL: FLAKY });
        const got = await Promise.all(Array.from({ length: 12 }, (_, i) => http.getJson(`/item/${i}`, z.object({ ok: z.boolean() }))));
        ctx.emit('many.items.count', got.length, got.map((g) => g.evidence));
      });
      const { runs } = await run([many], [inst('many', 'one', {}, { retries: 1, retryBaseMs: 50 } as InstanceConfig['http'])]).promise;
      await new Promise((r) => setImmediate(r));
      expect([runs[0].status, runs[0].error, runs[0].requests]).toEqual(['ok', undefined, 24]);
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('counts the requests made through ctx.http and records them as evidence of the collector and instance', async () => {
    nock(BASE)
      .get('/api/v1/targets').reply(200, { up: 7 })
      .get('/api/v1/status/buildinfo').reply(200, 'v2.50.1');
    nock('http://prom2.test:9090')
      .get('/api/v1/targets').reply(200, { up: 3 })
      .get('/api/v1/status/buildinfo').reply(503, 'busy')
      .get('/api/v1/status/buildinfo').reply(200, 'v2.50.1');
    const { promise, evidence } = run([prom], [
      inst('prom', 'eu', { url: BASE }),
      // retryBaseMs is not an instance setting; passed through here only to keep the test fast
      inst('prom', 'us', { url: 'http://prom2.test:9090' }, { retries: 1, retryBaseMs: 1 } as InstanceConfig['http']),
    ]);
    const { signals, runs } = await promise;

    expect(runs.map((r) => [r.instance, r.status, r.requests])).toEqual([
      ['eu', 'ok', 2],
      ['us', 'ok', 3],
    ]);
    expect(signals.get('prom.targets.up')).toMatchObject({ status: 'observed', value: 10 });

    expect(evidence.records).toHaveLength(5);
    const eu = evidence.records.filter((r) => r.instance === 'eu');
    const us = evidence.records.filter((r) => r.instance === 'us');
    expect(eu.map((r) => r.url).sort()).toEqual([`${BASE}/api/v1/status/buildinfo`, `${BASE}/api/v1/targets`]);
    expect(us).toHaveLength(3);
    expect(evidence.records.every((r) => r.collector === 'prom')).toBe(true);
    // the signal's evidence ids point at records of the log
    const ids = new Set(evidence.records.map((r) => r.id));
    expect(signals.get('prom.targets.up')!.evidence.length).toBe(4);
    for (const id of signals.get('prom.targets.up')!.evidence) expect(ids.has(id)).toBe(true);
  });

  it("applies the instance's http settings (budget) and classifies the failure", async () => {
    // the budget of 1 stops the collector before buildinfo: that mock stays unused on purpose
    nock(BASE).get('/api/v1/targets').reply(200, { up: 7 }).get('/api/v1/status/buildinfo').optionally().reply(200, 'v');
    const { signals, runs } = await run([prom], [inst('prom', 'eu', { url: BASE }, { budget: 1 })]).promise;
    expect(runs[0]).toMatchObject({ status: 'failed', error_kind: 'budget', requests: 1 });
    expect(signals.get('prom.targets.up')).toMatchObject({ status: 'failed' });
    expect(signals.get('prom.targets.up')!.reason).toContain('budget');
  });

  it('keeps a registered secret out of the run error and the signal reasons', async () => {
    const secret = 'hunter2-very-secret';
    const redactor = new Redactor();
    redactor.add(secret);
    const leaky = collector(
      'leaky',
      [
        { id: 'leaky.a', type: 'number', aggregation: 'sum' },
        { id: 'leaky.b', type: 'number', aggregation: 'sum' },
        { id: 'leaky.c', type: 'number', aggregation: 'sum' },
      ],
      empty,
      async (ctx) => {
        ctx.failed('leaky.b', `login with ${secret} refused`);
        ctx.notAvailable('leaky.c', `no endpoint for ${secret}`);
        throw new Error(`connect failed for password=${secret}`);
      },
    );
    const { signals, runs } = await run([leaky], [inst('leaky', 'l')], { redactor }).promise;
    expect(runs[0].status).toBe('failed');
    expect(runs[0].error).toContain('connect failed');
    expect(runs[0].error).not.toContain(secret);
    for (const id of ['leaky.a', 'leaky.b', 'leaky.c']) {
      const s = signals.get(id)!;
      expect(s.reason).toBeTruthy();
      expect(s.reason).not.toContain(secret);
      for (const i of s.instances) expect(i.reason ?? '').not.toContain(secret);
    }
    expect(signals.get('leaky.a')!.reason).toContain('connect failed');
    expect(signals.get('leaky.b')!.reason).toContain('login with');
  });
});

describe('runCollectors: the objects behind a value, and notes', () => {
  const decls = [
    { id: 'demo.rules.count', type: 'number' as const, aggregation: 'sum' as const },
    { id: 'demo.coverage', type: 'ratio' as const, aggregation: 'min' as const },
    { id: 'demo.plain', type: 'number' as const, aggregation: 'max' as const },
  ];
  const byInstance: Record<string, (ctx: CollectContext<unknown>) => void> = {
    a: (ctx) => {
      ctx.emit('demo.rules.count', 2, ['ev-a'], { detail: '2 rules', objects: { total: 2, sample: ['HighErrorRate', 'DiskFull'] }, notes: ['from kube-prometheus defaults'] });
      ctx.emit('demo.coverage', 0.5, ['ev-a2'], { objects: { total: 1, sample: ['shop/cart'] } });
      ctx.emit('demo.plain', 3, ['ev-a3'], 'a plain detail line still works');
    },
    b: (ctx) => {
      ctx.emit('demo.rules.count', 1, ['ev-b'], { objects: { total: 1, sample: ['Watchdog'] }, notes: ['from kube-prometheus defaults'] });
      ctx.emit('demo.coverage', 0.9, ['ev-b2'], { objects: { total: 9, sample: ['shop/web'] } });
      ctx.emit('demo.plain', 1, ['ev-b3']);
    },
  };
  const c = collector('demo', decls, empty, async (ctx) => byInstance[ctx.instance](ctx));

  it('keeps them per instance and combines them like the value: totals add up, a min takes the deciding instance\'s', async () => {
    const { signals, runs } = await run([c], [inst('demo', 'a'), inst('demo', 'b')]).promise;
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(signals.get('demo.rules.count')).toMatchObject({
      value: 3,
      objects: { total: 3, sample: ['a: HighErrorRate', 'a: DiskFull', 'b: Watchdog'] },
      notes: ['from kube-prometheus defaults'],
    });
    expect(signals.get('demo.rules.count')!.instances[0]).toMatchObject({ detail: '2 rules', objects: { total: 2 } });
    expect(signals.get('demo.coverage')).toMatchObject({ value: 0.5, objects: { total: 1, sample: ['shop/cart'] } });
    expect(signals.get('demo.plain')).toMatchObject({ value: 3 });
    expect(signals.get('demo.plain')!.objects).toBeUndefined();
    expect(signals.get('demo.plain')!.instances[0].detail).toBe('a plain detail line still works');
  });

  it('keeps the value but drops malformed objects, and says so in the run', async () => {
    const bad = collector('demo', decls, empty, async (ctx) => {
      ctx.emit('demo.rules.count', 2, ['ev'], { objects: { total: 1, sample: ['a', 'b'] } });
    });
    const { signals, runs } = await run([bad], [inst('demo', 'main')]).promise;
    expect(signals.get('demo.rules.count')).toMatchObject({ status: 'observed', value: 2 });
    expect(signals.get('demo.rules.count')!.objects).toBeUndefined();
    expect(runs[0]).toMatchObject({ status: 'partial', error: 'demo.rules.count: objects.sample lists 2 names but objects.total is 1' });
  });

  it('caps the sample and masks secrets in names and notes', async () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-value');
    const many = collector('demo', decls, empty, async (ctx) => {
      const names = Array.from({ length: 50 }, (_, i) => `rule-${i}`);
      names[0] = 'rule s3cr3t-value';
      ctx.emit('demo.rules.count', 50, ['ev'], { objects: { total: 50, sample: names }, notes: ['see s3cr3t-value'] });
    });
    const { signals } = await run([many], [inst('demo', 'main')], { redactor }).promise;
    const s = signals.get('demo.rules.count')!;
    expect(s.objects!.sample).toHaveLength(20);
    expect(JSON.stringify(s)).not.toContain('s3cr3t-value');
  });
});
