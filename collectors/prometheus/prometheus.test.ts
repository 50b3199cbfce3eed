import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { runCollectors, type InstanceConfig } from '../../src/collector/harness.js';
import type { Window } from '../../src/collector/types.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { silentLogger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import type { SignalState } from '../../src/signals/types.js';
import { prometheusConfigSchema } from './config.js';
import { prometheusCollector } from './index.js';
import {
  BACKUP_AGE_QUERY,
  BUSINESS_METRICS_QUERY,
  firedAlertsQuery,
  INVENTORY_QUERY,
  NODE_INSTANCES_QUERY,
  notificationsQuery,
  probesAvailabilityQuery,
  probesWorstQuery,
  remoteWriteDeliveredQuery,
  replicationLagQuery,
  replicationP99Query,
  SHARED_POOLS_QUERY,
  VECTOR_ONE,
} from './queries.js';
import { PROMETHEUS_SIGNALS } from './signals.js';
import { scanCollector } from '../../test/helpers/scan.js';

// The fixtures are answers of a real Prometheus 2.42 (with node_exporter, blackbox exporter,
// Pushgateway and Alertmanager) captured at this moment with a one-day window.
const CAPTURED_AT = 1795610897;
const WINDOW_SECONDS = 86400;
const WINDOW: Window = {
  start: new Date((CAPTURED_AT - WINDOW_SECONDS) * 1000),
  end: new Date(CAPTURED_AT * 1000),
  seconds: WINDOW_SECONDS,
};
const TIME_PARAM = `${CAPTURED_AT}.000`;
const BASE = 'http://prometheus.test:9090';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}

const EMPTY_VECTOR = { status: 'success', data: { resultType: 'vector', result: [] } };
const NOT_READY = 'Service Unavailable'; // what Prometheus' readiness check answers with 503

type Endpoint =
  | 'buildinfo' | 'config' | 'flags' | 'runtimeinfo' | 'tsdb' | 'targets' | 'rules' | 'alertmanagers'
  | 'q.up' | 'q.inventory' | 'q.nodes' | 'q.probesAvailability' | 'q.probesWorst' | 'q.fired' | 'q.notifications' | 'q.backup' | 'q.replication'
  | 'q.sharedPools' | 'q.remoteWriteDelivered'
  | 'q.business' | 'q.replicationP99';

const PATHS: Record<Exclude<Endpoint, `q.${string}`>, [path: string, fixture: string]> = {
  buildinfo: ['/api/v1/status/buildinfo', 'status-buildinfo'],
  config: ['/api/v1/status/config', 'status-config'],
  flags: ['/api/v1/status/flags', 'status-flags'],
  runtimeinfo: ['/api/v1/status/runtimeinfo', 'status-runtimeinfo'],
  tsdb: ['/api/v1/status/tsdb', 'status-tsdb'],
  targets: ['/api/v1/targets', 'targets'],
  rules: ['/api/v1/rules', 'rules'],
  alertmanagers: ['/api/v1/alertmanagers', 'alertmanagers'],
};
const QUERIES: Record<Extract<Endpoint, `q.${string}`>, [expr: string, fixture: string]> = {
  'q.up': [VECTOR_ONE, 'query-up'],
  'q.inventory': [INVENTORY_QUERY, 'query-inventory'],
  'q.nodes': [NODE_INSTANCES_QUERY, 'query-node-instances'],
  'q.probesAvailability': [probesAvailabilityQuery(WINDOW_SECONDS), 'query-probes-availability'],
  'q.probesWorst': [probesWorstQuery(WINDOW_SECONDS), 'query-probes-worst'],
  'q.fired': [firedAlertsQuery(WINDOW_SECONDS), 'query-alerts-fired'],
  'q.notifications': [notificationsQuery(WINDOW_SECONDS), 'query-notifications'],
  'q.backup': [BACKUP_AGE_QUERY, 'query-backup-age'],
  'q.replication': [replicationLagQuery(WINDOW_SECONDS), 'query-replication-lag'],
  // chapter 5: two real Prometheus 2.42 servers, A remote-writing to B, both scraping node_exporter as job "node"
  'q.sharedPools': [SHARED_POOLS_QUERY, 'query-shared-pools'],
  'q.remoteWriteDelivered': [remoteWriteDeliveredQuery(WINDOW_SECONDS), 'query-remote-write-delivered'],
  'q.business': [BUSINESS_METRICS_QUERY, 'query-business-metrics'],
  'q.replicationP99': [replicationP99Query(WINDOW_SECONDS), 'query-replication-p99'],
};

interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * Serves every endpoint from the fixtures, one answer each (so a second request for anything
 * is unmatched), with `replies` replacing an endpoint's answer by one or more others, or
 * leaving it unserved (`null`) for tests where the collector must not get that far.
 */
function serve(replies: Partial<Record<Endpoint, Reply | Reply[] | null>> = {}, base = BASE): nock.Scope {
  const scope = nock(base);
  const add = (endpoint: Endpoint, interceptor: () => nock.Interceptor, fixtureName: string) => {
    const r = replies[endpoint];
    if (r === null) return;
    const list = r === undefined ? [{}] : Array.isArray(r) ? r : [r];
    for (const one of list) {
      let i = interceptor();
      if (one.delayMs) i = i.delay(one.delayMs);
      const body = one.body === undefined ? fixture(fixtureName) : one.body;
      i.reply(one.status ?? 200, typeof body === 'string' ? body : JSON.stringify(body), { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json', ...one.headers });
    }
  };
  for (const [endpoint, [path, name]] of Object.entries(PATHS)) {
    const params = endpoint === 'targets' ? { state: 'active' } : {};
    add(endpoint as Endpoint, () => scope.get(path).query(params), name);
  }
  for (const [endpoint, [expr, name]] of Object.entries(QUERIES)) {
    add(endpoint as Endpoint, () => scope.get('/api/v1/query').query((q) => q.query === expr && q.time === TIME_PARAM), name);
  }
  return scope;
}

let unmatched: string[] = [];
const onNoMatch = (req: { method?: string; path?: string }) => unmatched.push(`${req.method} ${req.path}`);
beforeEach(() => {
  unmatched = [];
  nock.emitter.on('no match', onNoMatch);
});
afterEach(() => {
  nock.emitter.removeListener('no match', onNoMatch);
});

function instance(name = 'main', config: Record<string, unknown> = { url: BASE }, http: InstanceConfig['http'] = { retries: 0 }): InstanceConfig {
  return { collector: 'prometheus', name, config: prometheusConfigSchema.parse(config), http };
}

async function scan(instances: InstanceConfig[] = [instance()]) {
  return scanCollector({ collector: prometheusCollector, instances, window: WINDOW, concurrency: 2 });
}

/** The chapter-5 signals of the fixture server (observed HA and delivery, network TLS, rule provenance). */
function expectChapter5Signals(r: Awaited<ReturnType<typeof scan>>): void {
  expect(r.value('prometheus.ha.shared_scrape_servers')).toBe(2); // job "node" on both servers with 1 target; "prometheus" differs (2 vs 1)
  expect(r.get('prometheus.ha.shared_scrape_servers').instances[0].detail).toContain(': node');
  expect(r.value('prometheus.remote_write.delivering_destinations')).toBe(1);
  expect(r.get('prometheus.remote_write.delivering_destinations').instances[0].detail).toBe('http://127.0.0.1:19191/api/v1/write');
  expect(r.get('prometheus.scrape.network_tls_ratio').status).toBe('not_available'); // every fixture target is on 127.0.0.1
  expect(r.value('prometheus.rules.custom_alerting_ratio')).toBe(1);
  expect(r.value('prometheus.rules.pipeline_alert_rules')).toBe(1); // Watchdog: vector(1)
  // the objects behind counts reach the signal state (and so the report and explain)
  expect(r.get('prometheus.rules.alerting_count').objects).toEqual({ total: 8, sample: expect.arrayContaining(['TargetDown', 'Watchdog', 'HighCpu']) });
  expect(r.get('prometheus.jobs.count').objects?.total).toBe(7);
  expect(r.get('prometheus.remote_write.delivering_destinations').objects).toEqual({ total: 1, sample: ['http://127.0.0.1:19191/api/v1/write'] });
  expect(r.get('prometheus.rules.alerting_count').notes).toBeUndefined(); // custom groups: no default-set note
}

const ALL_IDS = PROMETHEUS_SIGNALS.map((s) => s.id);
const RULE_SIGNALS: string[] = [
  'prometheus.rules.groups', 'prometheus.rules.recording_count', 'prometheus.rules.alerting_count', 'prometheus.rules.unhealthy',
  'prometheus.rules.max_eval_seconds', 'prometheus.rules.max_interval_seconds', 'prometheus.rules.max_eval_to_interval',
  'prometheus.rules.severity_ratio', 'prometheus.rules.severity_levels', 'prometheus.rules.runbook_ratio', 'prometheus.rules.summary_ratio',
  'prometheus.rules.dynamic_threshold_count', 'prometheus.rules.for_ratio', 'prometheus.alerts.firing',
  'prometheus.capacity.alert_rules', 'prometheus.capacity.cpu_threshold_rules', 'prometheus.capacity.forecast_rules',
];
const TARGET_SIGNALS: string[] = ['prometheus.targets.count', 'prometheus.targets.up_ratio', 'prometheus.jobs.count'];

describe('prometheus collector: a healthy server', () => {
  it('measures every signal from the real payloads, with a fixed number of GET requests', async () => {
    const scope = serve();
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);

    const notObserved = ALL_IDS.filter((id) => r.get(id).status !== 'observed').map((id) => `${id}: ${r.get(id).status} ${r.get(id).reason}`);
    // the fixture server's targets are all on 127.0.0.1: no scrape crosses a network
    expect(notObserved).toEqual([expect.stringMatching(/^prometheus\.scrape\.network_tls_ratio: not_available every active target and remote_write destination is on loopback/)]);
    expect(r.runs).toEqual([expect.objectContaining({ status: 'ok', requests: 21, signals_observed: ALL_IDS.length - 1 })]);
    expect(r.evidence.records.every((e) => e.method === 'GET' && e.status === 200)).toBe(true);

    // collection
    expect(r.value('prometheus.api.reachable')).toBe(true);
    expect(r.value('prometheus.servers.count')).toBe(1);
    expect(r.value('prometheus.node.os_metrics')).toBe(true);
    expect(r.value('prometheus.node.instances')).toBe(1);
    expect(r.value('prometheus.targets.count')).toBe(8);
    expect(r.value('prometheus.targets.up_ratio')).toBe(0.75); // 'down' and 'secured' are down
    expect(r.value('prometheus.jobs.count')).toBe(7);
    expect(r.value('prometheus.data_kinds.count')).toBe(4);
    expect(r.get('prometheus.data_kinds.count').instances[0].detail).toBe('application, os, probe, push');
    expect(r.value('prometheus.logs.pipeline')).toBe(false);
    expect(r.value('prometheus.ha.replica_label')).toBe(true);
    expect(r.value('prometheus.remote_write.count')).toBe(1);
    expect(r.value('prometheus.remote_read.count')).toBe(1);
    expect(r.value('prometheus.storage.remote')).toBe(true);
    expect(r.value('prometheus.push.pushgateway')).toBe(true);
    expect(r.value('prometheus.receiver.remote_write')).toBe(true);
    expect(r.value('prometheus.scrape.jobs')).toBe(7);
    expect(r.value('prometheus.scrape.interval_distinct')).toBe(3); // 15s global, node 5s, blackbox 10s
    expect(r.get('prometheus.scrape.interval_distinct').instances[0].detail).toBe('5s, 10s, 15s');
    expect(r.value('prometheus.scrape.max_interval_seconds')).toBe(15);
    expect(r.value('prometheus.scrape.custom_interval_jobs')).toBe(2);
    expect(r.value('prometheus.scrape.tls_ratio')).toBeCloseTo(1 / 7); // 'secured': https + tls_config
    expect(r.value('prometheus.scrape.auth_ratio')).toBeCloseTo(2 / 7); // basic_auth, bearer rendered as authorization
    expect(r.value('prometheus.scrape.limits_ratio')).toBeCloseTo(1 / 7); // node: sample_limit
    expect(r.value('prometheus.scrape.relabel_rules')).toBe(4); // 1 metric_relabel (node) + 3 relabel (blackbox)
    expect(r.value('prometheus.sd.kinds')).toBe(1);
    expect(r.get('prometheus.sd.kinds').instances[0].detail).toBe('file');

    // data management
    expect(r.value('prometheus.rules.groups')).toBe(4);
    expect(r.value('prometheus.rules.recording_count')).toBe(4);
    expect(r.value('prometheus.rules.alerting_count')).toBe(8);
    expect(r.value('prometheus.rules.unhealthy')).toBe(1); // broken:bad, many-to-many matching
    expect(r.value('prometheus.rules.max_eval_seconds')).toBe(0.001752905);
    expect(r.value('prometheus.rules.max_interval_seconds')).toBe(60);
    expect(r.value('prometheus.rules.max_eval_to_interval')).toBeCloseTo(0.001752905 / 5, 12);
    expect(r.value('prometheus.tsdb.retention_seconds')).toBe(30 * 86400);
    expect(r.value('prometheus.tsdb.head_series')).toBe(1685);

    // alerting: 8 alerting rules, 6 with severity or priority
    expect(r.value('prometheus.rules.severity_ratio')).toBe(0.75);
    expect(r.value('prometheus.rules.severity_levels')).toBe(4);
    expect(r.get('prometheus.rules.severity_levels').instances[0].detail).toBe('critical, info, p1, warning');
    expect(r.value('prometheus.rules.runbook_ratio')).toBe(3 / 8);
    expect(r.value('prometheus.rules.summary_ratio')).toBe(0.75);
    expect(r.value('prometheus.rules.dynamic_threshold_count')).toBe(2); // predict_linear; z-score via recording rule
    expect(r.value('prometheus.rules.for_ratio')).toBe(5 / 8);
    expect(r.value('prometheus.alertmanagers.count')).toBe(1);
    expect(r.value('prometheus.alerts.firing')).toBe(4); // TargetDown ×2, InstanceRestarted, Watchdog
    expect(r.value('prometheus.alerts.fired_window')).toBe(4);
    expect(r.value('prometheus.alerts.notifications_window')).toBe(93); // 92.74 rounded
    expect(r.value('prometheus.alerts.notifications_per_alert')).toBe(93 / 4);

    // capacity and availability
    expect(r.value('prometheus.capacity.alert_rules')).toBe(4);
    expect(r.get('prometheus.capacity.alert_rules').instances[0].detail).toBe('HighCpu, CpuSaturated, DiskFillingUp, MemoryLow');
    expect(r.value('prometheus.capacity.cpu_threshold_rules')).toBe(1); // HighCpu > 0.8; CpuSaturated > 95 is not
    expect(r.value('prometheus.capacity.forecast_rules')).toBe(1);
    expect(r.value('prometheus.probes.count')).toBe(2);
    expect(r.value('prometheus.probes.availability')).toBe(0.5);
    expect(r.value('prometheus.probes.worst_availability')).toBe(0);
    expect(r.value('prometheus.backup.max_age_seconds')).toBe(86521);
    expect(r.get('prometheus.backup.max_age_seconds').instances[0].detail).toContain('velero_backup_last_successful_timestamp');
    expect(r.value('prometheus.replication.max_lag_seconds')).toBe(3.5);

    expectChapter5Signals(r); // chapter 5: observed HA and delivery, network TLS, rule provenance
    // chapters 8-10
    expect(r.value('prometheus.capacity.cpu_utilisation_alerts')).toBe(1); // HighCpu on recorded utilisation > 0.8
    expect(r.get('prometheus.capacity.cpu_utilisation_alerts').objects).toEqual({ total: 1, sample: ['HighCpu'] });
    expect(r.get('prometheus.capacity.forecast_kinds').objects).toEqual({ total: 1, sample: ['DiskFillingUp'] });
    expect(r.value('prometheus.capacity.forecast_kinds')).toBe(1); // DiskFillingUp forecasts disk only
    expect(r.get('prometheus.capacity.forecast_kinds').instances[0].detail).toBe('disk: DiskFillingUp');
    expect(r.value('prometheus.business.alert_rules')).toBe(1); // TrafficAnomaly, through the z-score of http_requests_total
    expect(r.value('prometheus.business.request_metrics')).toBe(true);
    expect(r.value('prometheus.business.per_route_metrics')).toBe(false);
    expect(r.value('prometheus.replication.p99_lag_seconds')).toBe(2.1);
    expect(r.get('prometheus.probes.worst_availability').instances[0].detail).toBe(
      'over 1 days, shorter than the year the standard counts downtime over; the worst probe: instance=http://127.0.0.1:19999/nothing, job=blackbox');
  });

  it('points every value at the requests it came from', async () => {
    serve();
    const r = await scan();
    const ids = new Set(r.evidence.records.map((e) => e.id));
    for (const id of ALL_IDS) {
      const s = r.get(id);
      expect(s.evidence.length, id).toBeGreaterThan(0);
      for (const e of s.evidence) expect(ids.has(e), `${id} → ${e}`).toBe(true);
    }
    const urls = (id: string) => r.get(id).evidence.map(r.urlOf);
    expect(urls('prometheus.rules.severity_ratio')).toEqual([`${BASE}/api/v1/rules`]);
    expect(urls('prometheus.targets.up_ratio')).toEqual([`${BASE}/api/v1/targets?state=active`]);
    expect(urls('prometheus.scrape.tls_ratio')).toEqual([`${BASE}/api/v1/status/config`]);
    expect(urls('prometheus.api.reachable')).toEqual([`${BASE}/api/v1/status/buildinfo`, expect.stringContaining('query=vector%281%29')]);
    expect(urls('prometheus.alerts.notifications_per_alert')).toHaveLength(2);
    // every query is evaluated at the end of the window
    const queries = r.evidence.records.filter((e) => e.url.includes('/api/v1/query'));
    expect(queries).toHaveLength(13);
    for (const q of queries) expect(new URL(q.url).searchParams.get('time')).toBe(TIME_PARAM);
    expect(new URL(r.urlOf(r.get('prometheus.probes.availability').evidence[0])).searchParams.get('query')).toBe('avg(avg_over_time(probe_success[86400s]))');
  });

  it('sends the bearer token and keeps it out of the evidence', async () => {
    const token = 'sekret-token-123';
    const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${token}` } })
      .get('/api/v1/status/buildinfo')
      .reply(401, 'Unauthorized');
    const r = await scan([instance('main', { url: BASE, bearer_token: token })]);
    expect(scope.isDone()).toBe(true);
    expect(JSON.stringify(r.evidence.records)).not.toContain(token);
    expect(r.get('prometheus.api.reachable').status).toBe('failed');
  });

  it('adds up the servers of several instances', async () => {
    serve();
    serve({}, 'http://prometheus-b.test:9090');
    const r = await scan([instance('a'), instance('b', { url: 'http://prometheus-b.test:9090', basic_auth: { username: 'u', password: 'p4ssword' } })]);
    expect(r.value('prometheus.servers.count')).toBe(2);
    expect(r.value('prometheus.targets.count')).toBe(16);
    expect(r.value('prometheus.scrape.interval_distinct')).toBe(3); // max, not sum
    expect(r.value('prometheus.rules.severity_ratio')).toBe(0.75);
  });
});

describe('prometheus collector: failures', () => {
  it('401 on the first request fails every signal with the credentials message', async () => {
    serve({ buildinfo: { status: 401, body: 'Unauthorized' }, ...unserved(['buildinfo']) });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'credentials', requests: 1 });
    for (const id of ALL_IDS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toContain('credentials rejected (HTTP 401)');
      expect(r.get(id).reason).toContain(`${BASE}/api/v1/status/buildinfo`);
    }
  });

  it('403 on the first request fails every signal as permission denied', async () => {
    serve({ buildinfo: { status: 403, body: 'forbidden by policy' }, ...unserved(['buildinfo']) });
    const r = await scan();
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'credentials' });
    for (const id of ALL_IDS) expect(r.get(id)).toMatchObject({ status: 'failed', reason: expect.stringContaining('permission denied (HTTP 403)') });
    expect(r.get('prometheus.rules.alerting_count').reason).toContain('forbidden by policy');
  });

  it('429 with Retry-After is waited for, then everything is measured', async () => {
    const scope = serve({ buildinfo: [{ status: 429, body: 'slow down', headers: { 'Retry-After': '1' } }, {}] });
    const t0 = Date.now();
    const r = await scan([instance('main', { url: BASE }, { retries: 1 })]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(scope.isDone()).toBe(true);
    expect(r.value('prometheus.api.reachable')).toBe(true);
    expect(r.value('prometheus.rules.severity_ratio')).toBe(0.75);
    const build = r.evidence.records.filter((e) => e.url.endsWith('/buildinfo'));
    expect(build.map((e) => [e.status, e.attempt])).toEqual([[429, 1], [200, 2]]);
    expect(r.runs[0]).toMatchObject({ status: 'ok', requests: 22 });
  });

  it('503 on /api/v1/rules fails only the rule signals; targets are still measured', async () => {
    serve({ rules: [{ status: 503, body: NOT_READY }, { status: 503, body: NOT_READY }] });
    const r = await scan([instance('main', { url: BASE }, { retries: 1 })]);
    expect(unmatched).toEqual([]);
    for (const id of RULE_SIGNALS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toContain(`server error (HTTP 503) from GET ${BASE}/api/v1/rules after 2 attempts: Service Unavailable`);
    }
    expect(r.value('prometheus.targets.count')).toBe(8);
    expect(r.value('prometheus.targets.up_ratio')).toBe(0.75);
    expect(r.value('prometheus.scrape.jobs')).toBe(7);
    // ALERTS series were found, so the window count does not need the rules
    expect(r.value('prometheus.alerts.fired_window')).toBe(4);
    expect(r.value('prometheus.alerts.notifications_per_alert')).toBe(93 / 4);
    expect(r.runs[0].status).toBe('partial');
  });

  it('a query answered with status "error" (HTTP 422) fails its signals with the server\'s words', async () => {
    const error = fixture('query-error-execution') as { errorType: string; error: string };
    expect(error.errorType).toBe('execution'); // what the real server said
    serve({ 'q.inventory': { status: 422, body: error } });
    const r = await scan();
    for (const id of ['prometheus.node.os_metrics', 'prometheus.data_kinds.count', 'prometheus.logs.pipeline', 'prometheus.probes.count'] as const) {
      const s = r.get(id);
      expect(s.status, id).toBe('failed');
      expect(s.reason).toContain('(HTTP 422, execution)');
      expect(s.reason).toContain('found duplicate series for the match group {} on the right hand-side');
    }
    // the pushgateway is still seen among the targets
    expect(r.value('prometheus.push.pushgateway')).toBe(true);
    expect(r.value('prometheus.probes.availability')).toBe(0.5);
  });

  it('a bad query (HTTP 400, bad_data) fails only that signal', async () => {
    const body = { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:15: parse error: unclosed left parenthesis' };
    serve({ 'q.backup': { status: 400, body } });
    const r = await scan();
    expect(r.get('prometheus.backup.max_age_seconds')).toMatchObject({ status: 'failed', reason: expect.stringContaining('(HTTP 400, bad_data): invalid parameter "query"') });
    expect(r.value('prometheus.replication.max_lag_seconds')).toBe(3.5);

    expectChapter5Signals(r); // chapter 5: observed HA and delivery, network TLS, rule provenance
  });

  it('a truncated body fails the signals of that response as malformed', async () => {
    const full = JSON.stringify(fixture('targets'));
    serve({ targets: { body: full.slice(0, 700) } });
    const r = await scan();
    for (const id of TARGET_SIGNALS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toContain(`invalid JSON from GET ${BASE}/api/v1/targets?state=active`);
    }
    // push_time_seconds still shows the pushgateway
    expect(r.value('prometheus.push.pushgateway')).toBe(true);
    expect(r.value('prometheus.rules.alerting_count')).toBe(8);
  });

  it('a response of the wrong shape names the field', async () => {
    serve({ tsdb: { body: { status: 'success', data: { headStats: { numSeries: 'many' } } } } });
    const r = await scan();
    expect(r.get('prometheus.tsdb.head_series')).toMatchObject({ status: 'failed', reason: expect.stringContaining('data.headStats.numSeries') });
  });

  it('a config that is not YAML fails only the config signals', async () => {
    serve({ config: { body: { status: 'success', data: { yaml: 'global: [unclosed' } } } });
    const r = await scan();
    for (const id of ['prometheus.scrape.jobs', 'prometheus.scrape.tls_ratio', 'prometheus.remote_write.count', 'prometheus.ha.replica_label'] as const) {
      expect(r.get(id)).toMatchObject({ status: 'failed', reason: expect.stringContaining('/api/v1/status/config is not valid YAML') });
    }
    expect(r.value('prometheus.receiver.remote_write')).toBe(true);
    expect(r.value('prometheus.targets.count')).toBe(8);
  });

  it('a body over max_body_bytes fails only its signals', async () => {
    const rules = fixture('rules') as { data: { groups: unknown[] } };
    const huge = { ...rules, data: { groups: Array.from({ length: 40 }, () => rules.data.groups).flat() } };
    expect(JSON.stringify(huge).length).toBeGreaterThan(64 * 1024);
    serve({ rules: { body: huge } });
    const r = await scan([instance('main', { url: BASE }, { retries: 0, maxBodyBytes: 64 * 1024 })]);
    for (const id of RULE_SIGNALS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toContain('larger than 65536 bytes');
    }
    expect(r.value('prometheus.targets.count')).toBe(8);
  });

  it('a timeout fails the signals of the request that timed out', async () => {
    serve({ targets: { delayMs: 1500 } });
    const r = await scan([instance('main', { url: BASE }, { retries: 0, timeoutMs: 300 })]);
    for (const id of TARGET_SIGNALS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toContain('timed out after 300 ms');
    }
    expect(r.value('prometheus.rules.alerting_count')).toBe(8);
  });

  it('a timeout on the first request fails every signal', async () => {
    serve({ buildinfo: { delayMs: 1500 }, ...unserved(['buildinfo']) });
    const r = await scan([instance('main', { url: BASE }, { retries: 0, timeoutMs: 300 })]);
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'unavailable' });
    for (const id of ALL_IDS) expect(r.get(id).reason).toContain('timed out after 300 ms');
  });
});

describe('prometheus collector: data that does not exist', () => {
  it('without probes the probe signals are not available, never 0', async () => {
    const inventory = fixture('query-inventory') as { data: { result: { metric: { __name__: string } }[] } };
    const withoutProbes = { ...inventory, data: { ...inventory.data, result: inventory.data.result.filter((s) => s.metric.__name__ !== 'probe_success') } };
    serve({ 'q.inventory': { body: withoutProbes }, 'q.probesAvailability': { body: EMPTY_VECTOR }, 'q.probesWorst': { body: EMPTY_VECTOR } });
    const r = await scan();
    for (const id of ['prometheus.probes.count', 'prometheus.probes.availability', 'prometheus.probes.worst_availability'] as const) {
      const s = r.get(id);
      expect(s.status, id).toBe('not_available');
      expect(s.value).toBeUndefined();
      expect(s.reason).toContain('probe_success');
    }
    expect(r.value('prometheus.data_kinds.count')).toBe(3);
  });

  it('without backup, replication, OS or Alertmanager metrics those signals are not available', async () => {
    serve({
      'q.backup': { body: EMPTY_VECTOR },
      'q.replication': { body: EMPTY_VECTOR },
      'q.nodes': { body: EMPTY_VECTOR },
      'q.notifications': { body: EMPTY_VECTOR },
    });
    const r = await scan();
    expect(r.get('prometheus.backup.max_age_seconds')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('velero') });
    expect(r.get('prometheus.replication.max_lag_seconds')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('pg_replication_lag_seconds') });
    expect(r.get('prometheus.node.instances').status).toBe('not_available');
    expect(r.get('prometheus.alerts.notifications_window')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('alertmanager_notifications_total') });
    expect(r.get('prometheus.alerts.notifications_per_alert').status).toBe('not_available');
    expect(r.value('prometheus.alerts.fired_window')).toBe(4);
  });

  it('no ALERTS in the window is 0 when alerting rules exist', async () => {
    serve({ 'q.fired': { body: EMPTY_VECTOR } });
    const r = await scan();
    expect(r.value('prometheus.alerts.fired_window')).toBe(0);
    expect(r.get('prometheus.alerts.fired_window').evidence).toHaveLength(2);
    expect(r.get('prometheus.alerts.notifications_per_alert')).toMatchObject({ status: 'not_available', reason: 'no alert fired in the window' });
  });

  it('no ALERTS and no alerting rules is not available; rule counts are a measured 0', async () => {
    serve({ rules: { body: { status: 'success', data: { groups: [] } } }, 'q.fired': { body: EMPTY_VECTOR } });
    const r = await scan();
    expect(r.get('prometheus.alerts.fired_window')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('no alerting rules') });
    expect(r.value('prometheus.rules.alerting_count')).toBe(0);
    expect(r.value('prometheus.rules.groups')).toBe(0);
    expect(r.value('prometheus.alerts.firing')).toBe(0);
    for (const id of ['prometheus.rules.severity_ratio', 'prometheus.rules.runbook_ratio', 'prometheus.rules.for_ratio', 'prometheus.rules.severity_levels', 'prometheus.rules.max_eval_seconds'] as const) {
      expect(r.get(id).status, id).toBe('not_available');
    }
  });

  it('no ALERTS while /api/v1/rules failed cannot be told from zero: failed', async () => {
    serve({ rules: { status: 503, body: NOT_READY }, 'q.fired': { body: EMPTY_VECTOR } });
    const r = await scan();
    expect(r.get('prometheus.alerts.fired_window')).toMatchObject({ status: 'failed', reason: expect.stringContaining('HTTP 503') });
  });

  it('a 404 on /api/v1/status/tsdb (older Prometheus) is not available', async () => {
    serve({ tsdb: { status: 404, body: '404 page not found' } });
    const r = await scan();
    expect(r.get('prometheus.tsdb.head_series')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('not found (HTTP 404)') });
    expect(r.value('prometheus.tsdb.retention_seconds')).toBe(30 * 86400);
  });

  it('retention falls back to the flags when runtimeinfo is missing', async () => {
    serve({ runtimeinfo: { status: 404, body: '404 page not found' } });
    const r = await scan();
    expect(r.value('prometheus.tsdb.retention_seconds')).toBe(30 * 86400);
    expect(r.get('prometheus.tsdb.retention_seconds').evidence.map(r.urlOf)).toEqual([`${BASE}/api/v1/status/flags`]);
  });

  it('without buildinfo (a query-only proxy) the query API is still reachable and the rest is measured', async () => {
    serve({ buildinfo: { status: 404, body: '404 page not found' } });
    const r = await scan();
    expect(r.value('prometheus.api.reachable')).toBe(true);
    expect(r.get('prometheus.api.reachable').instances[0].detail).toContain('not found (HTTP 404)');
    expect(r.value('prometheus.servers.count')).toBe(1);
    expect(r.value('prometheus.rules.alerting_count')).toBe(8);
  });

  it('a non-fatal failure of vector(1) (503 after retries) leaves reachability unknown, never false', async () => {
    serve({ 'q.up': { status: 503, body: NOT_READY } });
    const r = await scan();
    expect(r.get('prometheus.api.reachable').status).toBe('failed');
    expect(r.get('prometheus.api.reachable').reason).toContain('the query vector(1) failed');
    expect(r.get('prometheus.servers.count').status).toBe('failed');
    expect(r.value('prometheus.rules.alerting_count')).toBe(8);
  });

  it('a vector(1) that answers something else is no working query API: failed, not false', async () => {
    serve({ 'q.up': { body: EMPTY_VECTOR } });
    const r = await scan();
    expect(r.get('prometheus.api.reachable')).toMatchObject({ status: 'failed', reason: expect.stringContaining('answered [], not [1]') });
  });

  it('when neither buildinfo nor a query answers, the URL is wrong: every signal fails', async () => {
    serve({ buildinfo: { status: 404, body: '404 page not found' }, 'q.up': { status: 404, body: '404 page not found' }, ...unserved(['buildinfo', 'q.up']) });
    const r = await scan();
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'not_found', requests: 2 });
    for (const id of ALL_IDS) expect(r.get(id).reason).toContain('not found (HTTP 404)');
  });
});

describe('prometheus collector: declarations', () => {
  it('declares unique ids under prometheus., none a prefix of another, with a README naming permissions', () => {
    const ids = prometheusCollector.signals.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^prometheus\.[a-z0-9_]+(\.[a-z0-9_]+)+$/);
      expect(ids.filter((o) => o.startsWith(id + '.'))).toEqual([]);
    }
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    expect(readme).toMatch(/permission/i);
    for (const id of ids) expect(readme, id).toContain(`\`${id}\``);
  });
});

describe('prometheus collector: config', () => {
  it('accepts the documented keys and rejects the rest', () => {
    expect(prometheusConfigSchema.safeParse({ url: 'http://127.0.0.1:9090', tls: { insecure_skip_verify: true } }).success).toBe(true);
    expect(prometheusConfigSchema.safeParse({ url: 'http://127.0.0.1:9090', token: 'x' }).success).toBe(false);
    expect(prometheusConfigSchema.safeParse({ url: 'not a url' }).success).toBe(false);
    const both = prometheusConfigSchema.safeParse({ url: 'http://x:9090', bearer_token: 't', basic_auth: { username: 'u', password: 'p' } });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0].message).toContain('either bearer_token or basic_auth');
  });

  it('an unreadable ca_file fails the instance with a clear message', async () => {
    const r = await scan([instance('main', { url: 'https://prometheus.test:9090', tls: { ca_file: '/nonexistent/ca.pem' } })]);
    expect(r.runs[0].error).toBe('cannot read tls.ca_file /nonexistent/ca.pem: no such file');
  });
});

/** Leaves these endpoints unserved: the collector must stop before it asks for them. */
function unserved(except: Endpoint[]): Partial<Record<Endpoint, null>> {
  const all = [...Object.keys(PATHS), ...Object.keys(QUERIES)] as Endpoint[];
  return Object.fromEntries(all.filter((e) => !except.includes(e)).map((e) => [e, null]));
}
