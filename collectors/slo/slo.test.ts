import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Window } from '../../src/collector/types.js';
import { integrationRequired, missingBinaries } from '../../test/helpers/stack.js';
import { scanCollector } from '../../test/helpers/scan.js';
import type { Rule } from './api.js';
import { sloConfigSchema } from './config.js';
import { sloCollector } from './index.js';
import { isBurnRateAlertOf, journeyViews, measureJourneys, webVitalsFamilies } from './measure.js';
import type { SloRecord } from './read.js';
import { startSloStack, type SloStack } from './fixtures/stack.js';

const ok = <T>(data: T) => ({ status: 'ok' as const, data, evidence: ['e1'] });

const sloth: SloRecord = { tool: 'sloth', id: 'shop-login', name: 'login', service: 'shop', objective: 0.999, periodSeconds: 30 * 86400, budgetRemaining: 0.4, labels: { journey: 'login' } };
const pyrra: SloRecord = { tool: 'pyrra', id: 'shop/payment', name: 'payment', service: 'payments', objective: 0.99, periodSeconds: 28 * 86400, budgetRemaining: -0.5, labels: {} };
const rule = (name: string, query: string, labels: Record<string, string> = {}): Rule => ({ type: 'alerting', name, query, labels, group: 'g' });

describe('slo measures', () => {
  it('recognises the burn-rate alerts each generator writes, and no other alert', () => {
    expect(isBurnRateAlertOf(rule('ShopLoginBurn', 'slo:sli_error:ratio_rate5m{sloth_id="shop-login"} > 0.0144', { sloth_id: 'shop-login', sloth_severity: 'page' }), sloth)).toBe(true);
    expect(isBurnRateAlertOf(rule('Other', 'slo:sli_error:ratio_rate5m{sloth_id="shop-search"} > 0.0144'), sloth)).toBe(false);
    expect(isBurnRateAlertOf(rule('ErrorBudgetBurn', 'http:burnrate5m{slo="payment"} > 0.14', { slo: 'payment', severity: 'critical' }), pyrra)).toBe(true);
    expect(isBurnRateAlertOf({ ...rule('x', 'y', { slo: 'payment' }), type: 'recording' }, pyrra)).toBe(false);
  });

  it('joins each core journey to its probe, its SLO (by label or name) and its alerts', () => {
    const views = journeyViews(
      [{ journey: 'login', availability: 0.9995, latencyP95: 0.3 }, { journey: 'search', availability: 1 }],
      [sloth, pyrra],
      [rule('ShopLoginBurn', 'slo:sli_error:ratio_rate5m{sloth_id="shop-login"}', { sloth_id: 'shop-login' }), rule('SearchDown', 'probe_success{journey="search"} == 0')],
      { label: 'journey', core: ['login', 'payment', 'search', 'checkout'] },
    );
    expect(views.map((v) => [v.journey, Boolean(v.probe), v.slos.map((s) => s.id), v.alerts])).toEqual([
      ['login', true, ['shop-login'], ['ShopLoginBurn']],
      ['payment', false, ['shop/payment'], []],
      ['search', true, [], ['SearchDown']],
      ['checkout', false, [], []],
    ]);
  });

  it('takes the probed journeys as core when none are configured, and says so', () => {
    const m = measureJourneys(ok([{ journey: 'login', availability: 0.99 }]), ok([sloth]), ok([]), ok([]), { label: 'journey' });
    expect(m['slo.journeys.probed_ratio']).toMatchObject({ status: 'value', value: 1 });
    expect(m['slo.journeys.probed_ratio']!.status === 'value' && m['slo.journeys.probed_ratio']!.notes?.[0]).toMatch(/core_journeys not configured/);
    expect(m['slo.journeys.alerted_ratio']).toMatchObject({ status: 'value', value: 0 });
    // no probes and no core journeys: nothing to divide by, never 0
    const none = measureJourneys(ok([]), ok([]), ok([]), ok([]), { label: 'journey' });
    expect(none['slo.journeys.covered_ratio']!.status).toBe('not_available');
    expect(none['slo.journeys.worst_availability']!.status).toBe('not_available');
  });

  it('finds web-vitals histograms by family, not their other series', () => {
    expect(webVitalsFamilies(['web_vitals_lcp_seconds_bucket', 'web_vitals_lcp_seconds_sum', 'browser_cls_bucket', 'http_request_duration_seconds_bucket', 'rum_inp_milliseconds_bucket']))
      .toEqual(['browser_cls', 'rum_inp_milliseconds', 'web_vitals_lcp_seconds']);
  });
});

const WINDOW_S = 3600;
const missing = missingBinaries();
if (missing.length && integrationRequired()) throw new Error(`integration tests are required here (TECHOPS_REQUIRE_INTEGRATION=1), but missing: ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('slo collector against a real Prometheus with Sloth and Pyrra rules and a probe per journey', () => {
  let stack: SloStack;
  beforeAll(async () => {
    stack = await startSloStack();
  }, 120_000);
  afterAll(async () => stack?.stop());

  it('measures SLOs, budgets, burn-rate alerts, services without an SLO and the core journeys', async () => {
    const end = new Date();
    const window: Window = { start: new Date(end.getTime() - WINDOW_S * 1000), end, seconds: WINDOW_S };
    const r = await scanCollector({
      collector: sloCollector,
      instances: [{ collector: 'slo', name: 'local', config: sloConfigSchema.parse({ url: stack.prometheus, core_journeys: ['login', 'payment', 'search', 'checkout'] }), http: {} }],
      window,
    });
    const v = (id: string) => r.value(`slo.${id}`);
    expect(r.runs[0].status).toBe('ok');
    expect(v('objectives.count')).toBe(2);
    expect(v('services.count')).toBe(2);
    expect(v('services.covered_ratio')).toBe(0.5);
    expect(r.get('slo.services.covered_ratio').notes).toEqual(['without an SLO: blackbox']);
    expect(v('burn_rate_alerts.covered_ratio')).toBe(1);
    // the payment probe always fails: Pyrra's availability 0 against 99 % spends the budget 100 times over
    expect(v('error_budget.min_remaining_ratio')).toBeCloseTo(-99, 5);
    expect(v('error_budget.exhausted_count')).toBe(1);
    expect(v('journeys.count')).toBe(3);
    expect(v('journeys.probed_ratio')).toBe(0.75);
    expect(v('journeys.slo_ratio')).toBe(0.5);
    expect(v('journeys.alerted_ratio')).toBe(0.75);
    expect(v('journeys.covered_ratio')).toBe(0.5);
    expect(v('journeys.worst_availability')).toBe(0);
    expect(r.get('slo.journeys.covered_ratio').objects?.sample[0]).toMatch(/^login: probe 100\.00 %, p95 [\d.]+ s; SLO sloth prometheus\/requests 99\.90 % over 30 d, budget [\d.]+ % left; alerts PrometheusRequestsBurn$/);
    expect(v('journeys.worst_latency_p95_seconds')).toBeGreaterThan(0);
    expect(v('rum.web_vitals_families')).toBe(0);
  });
});

describe('slo collector on errors (nock, Prometheus HTTP API shapes)', () => {
  const BASE = 'http://prometheus.test';
  const NOW = new Date('2026-11-25T00:00:00Z');
  const window: Window = { start: new Date(NOW.getTime() - 30 * 86400_000), end: NOW, seconds: 30 * 86400 };
  afterEach(() => nock.cleanAll());
  const scan = (config: Record<string, unknown> = {}) => scanCollector({
    collector: sloCollector,
    instances: [{ collector: 'slo', name: 'p', config: sloConfigSchema.parse({ url: BASE, bearer_token: 'tok-SECRET-1', ...config }), http: { retries: 0 } }],
    window,
    secrets: ['tok-SECRET-1'],
  });

  it('stops on a refused token (401) without echoing it', async () => {
    nock(BASE).get('/api/v1/rules').reply(401, 'Unauthorized');
    const r = await scan();
    expect(r.runs[0].status).toBe('failed');
    expect(r.runs[0].error_kind).toBe('credentials');
    expect(r.get('slo.objectives.count').status).toBe('failed');
    expect(JSON.stringify(r.get('slo.objectives.count'))).not.toContain('tok-SECRET-1');
  });

  it('fails what rests on a rejected query with Prometheus\' own words and measures the rest', async () => {
    const vector = (result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });
    const scope = nock(BASE);
    scope.get('/api/v1/rules').reply(200, { status: 'success', data: { groups: [] } });
    for (const q of ['sloth_slo_info', 'slo:objective:ratio', 'slo:time_period:days', 'slo:period_error_budget_remaining:ratio', 'pyrra_objective', 'pyrra_window', 'pyrra_availability']) {
      scope.get('/api/v1/query').query((p) => p.query === q).reply(200, vector([]));
    }
    scope.get('/api/v1/query').query((p) => String(p.query).startsWith('min by (journey)')).reply(422, { status: 'error', errorType: 'execution', error: 'query processing would load too many samples into memory' });
    scope.get('/api/v1/query').query((p) => String(p.query).startsWith('max by (journey)')).reply(200, vector([]));
    scope.get('/api/v1/label/__name__/values').reply(200, { status: 'success', data: ['up', 'web_vitals_lcp_seconds_bucket'] });
    const r = await scan({ services: ['shop', 'search'] });
    expect(r.runs[0].status).toBe('partial');
    expect(r.get('slo.journeys.count').status).toBe('failed');
    expect(r.get('slo.journeys.count').reason).toMatch(/too many samples/);
    expect(r.value('slo.objectives.count')).toBe(0);
    expect(r.value('slo.services.covered_ratio')).toBe(0);
    expect(r.get('slo.burn_rate_alerts.covered_ratio').status).toBe('not_available');
    expect(r.value('slo.rum.web_vitals_families')).toBe(1);
  });
});

describe('slo collector against the sample estate\'s Prometheus', () => {
  it('reads the SLOs, journeys and web vitals the demo serves', async () => {
    const { serveLoopback } = await import('../../demo/http.js');
    const { generateEstate } = await import('../../demo/estate.js');
    const { prometheusHandler } = await import('../../demo/systems/prometheus.js');
    const { generateServiceLevels, withServiceLevels } = await import('../../demo/systems/service-levels.js');
    const now = new Date('2026-11-25T00:00:00Z');
    const estate = generateEstate({ factor: 1 }, now);
    const server = await serveLoopback(withServiceLevels(prometheusHandler(estate), generateServiceLevels(), now, estate.prometheus.metricNames));
    try {
      const r = await scanCollector({
        collector: sloCollector,
        instances: [{ collector: 'slo', name: 'demo', config: sloConfigSchema.parse({ url: server.url, core_journeys: ['login', 'search', 'add-to-cart', 'checkout', 'payment'] }), http: {} }],
        window: { start: new Date(now.getTime() - 30 * 86400_000), end: now, seconds: 30 * 86400 },
      });
      expect(r.runs[0].status).toBe('ok');
      expect(r.value('slo.objectives.count')).toBe(5);
      expect(r.value('slo.services.covered_ratio')).toBeCloseTo(5 / 7);
      // payments: Pyrra availability 98.8 % against 99 %
      expect(r.value('slo.error_budget.min_remaining_ratio')).toBeCloseTo(-0.2, 6);
      expect(r.value('slo.journeys.probed_ratio')).toBe(0.8);
      expect(r.value('slo.journeys.covered_ratio')).toBe(0.6);
      expect(r.value('slo.rum.web_vitals_families')).toBe(3);
    } finally {
      await server.close();
    }
  });
});
