import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { runCollectors, type InstanceConfig } from '../../src/collector/harness.js';
import type { Window } from '../../src/collector/types.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { silentLogger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import type { SignalState } from '../../src/signals/types.js';
import { alertmanagerCollector, alertmanagerConfigSchema } from './index.js';
import { SIGNALS } from './signals.js';
import { scanCollector } from '../../test/helpers/scan.js';

/*
 * Fixtures under fixtures/ were fetched with curl from Alertmanager 0.25 (fixtures/README.md says
 * how); the tests serve them with nock exactly as returned and run the collector through the
 * real harness, HTTP client and evidence log.
 */

const BASE = 'http://alertmanager.test:9093';
// The fixtures were captured on 2026-11-25 around 12:44 UTC.
const NOW = '2026-11-25T13:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-10-26T13:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };

type Endpoint = 'status' | 'receivers' | 'alerts' | 'groups' | 'silences' | 'metrics';
const PATHS: Record<Endpoint, { path: string; query?: Record<string, string>; file: string; type: string }> = {
  status: { path: '/api/v2/status', file: 'status.json', type: 'application/json' },
  receivers: { path: '/api/v2/receivers', file: 'receivers.json', type: 'application/json' },
  alerts: { path: '/api/v2/alerts', query: { active: 'true', silenced: 'true', inhibited: 'true', unprocessed: 'true' }, file: 'alerts.json', type: 'application/json' },
  groups: { path: '/api/v2/alerts/groups', query: { active: 'true', silenced: 'false', inhibited: 'false' }, file: 'groups.json', type: 'application/json' },
  silences: { path: '/api/v2/silences', file: 'silences.json', type: 'application/json' },
  metrics: { path: '/metrics', file: 'metrics.txt', type: 'text/plain; version=0.0.4; charset=utf-8' },
};

const fixture = (set: 'well' | 'bare', file: string) => readFileSync(join(import.meta.dirname, 'fixtures', set, file), 'utf8');

/** Each endpoint answers from the fixture set, unless a test replaces its reply. */
type Reply = { status: number; body: string; delayMs?: number; times?: number };
function serve(set: 'well' | 'bare', replace: Partial<Record<Endpoint, Reply | null>> = {}, base = BASE, prefix = '') {
  const scope = nock(base);
  for (const [name, ep] of Object.entries(PATHS) as [Endpoint, (typeof PATHS)[Endpoint]][]) {
    const r = replace[name];
    if (r === null) continue; // not expected to be requested
    let interceptor = scope.get(prefix + ep.path);
    interceptor = ep.query ? interceptor.query(ep.query) : interceptor;
    if (r?.times) interceptor = interceptor.times(r.times);
    if (r?.delayMs) interceptor = interceptor.delay(r.delayMs);
    if (r) interceptor.reply(r.status, r.body, { 'Content-Type': ep.type });
    else interceptor.reply(200, fixture(set, ep.file), { 'Content-Type': ep.type });
  }
  return scope;
}

async function scan(config: Record<string, unknown> = { url: BASE }, http: InstanceConfig['http'] = { retries: 0 }) {
  const r = await scanCollector({
    collector: alertmanagerCollector, instances: [{ collector: 'alertmanager', name: 'main', config: alertmanagerConfigSchema.parse(config), http }],
    window: WINDOW, now: NOW, collectorDeadlineMs: 10_000, scanDeadlineMs: 20_000,
  });
  /** The request paths a signal's evidence points at. */
  return { ...r, sources: r.paths };
}

const ids = SIGNALS.map((s) => s.id);
const CONFIG_SIGNALS = [
  'alertmanager.receivers.integration_types', 'alertmanager.route.grouping', 'alertmanager.route.severity_routing',
  'alertmanager.route.count', 'alertmanager.route.escalation', 'alertmanager.inhibit_rules.count',
];
const METRIC_SIGNALS = [
  'alertmanager.notifications.total', 'alertmanager.notifications.failed_ratio', 'alertmanager.alerts.received',
  'alertmanager.notifications.per_alert', 'alertmanager.integrations.used',
];
const ALERT_SIGNALS = ['alertmanager.alerts.active', 'alertmanager.alerts.suppressed', 'alertmanager.alerts.inhibited', 'alertmanager.alerts.per_group'];

function expectObservedExcept(get: (id: string) => SignalState, except: string[]) {
  for (const id of ids.filter((i) => !except.includes(i))) {
    expect({ id, status: get(id).status, reason: get(id).reason }).toEqual({ id, status: 'observed', reason: undefined });
  }
}

describe('alertmanager collector: a well-configured server (0.25, two-node cluster)', () => {
  it('measures every signal from the fixtures', async () => {
    const scope = serve('well');
    const { get, runs, evidence } = await scan();
    expect(scope.isDone()).toBe(true);
    expect(runs[0]).toMatchObject({ status: 'ok', requests: 6, signals_observed: 22 });
    const values = Object.fromEntries(ids.map((id) => [id, get(id).value]));
    expect(values).toEqual({
      'alertmanager.api.reachable': true,
      'alertmanager.receivers.count': 5,
      // unused-slack is configured but no route names it, so slack does not count
      'alertmanager.receivers.integration_types': 3,
      'alertmanager.route.grouping': true,
      'alertmanager.route.severity_routing': true,
      'alertmanager.route.count': 5,
      'alertmanager.route.escalation': true,
      'alertmanager.inhibit_rules.count': 2,
      'alertmanager.cluster.peers': 2,
      'alertmanager.cluster.ready': true,
      'alertmanager.silences.active': 1,
      // the active and the expired silence started on 2026-11-25; the pending one starts the next day
      'alertmanager.silences.window': 2,
      'alertmanager.alerts.active': 5,
      'alertmanager.alerts.suppressed': 3,
      'alertmanager.alerts.inhibited': 2,
      'alertmanager.alerts.groups': 7,
      'alertmanager.alerts.per_group': 5 / 7,
      'alertmanager.notifications.total': 10,
      'alertmanager.notifications.failed_ratio': 0.6,
      'alertmanager.alerts.received': 8,
      'alertmanager.notifications.per_alert': 1.25,
      'alertmanager.integrations.used': 3,
    });
    expect(evidence.records.every((r) => r.method === 'GET')).toBe(true);
  });

  it('explains the values in detail and points each at the requests it came from', async () => {
    serve('well');
    const { get, sources } = await scan();
    const detail = (id: string) => get(id).instances[0].detail;
    expect(detail('alertmanager.receivers.integration_types')).toBe(
      'email, pagerduty, webhook (routed receivers: automation-webhook, chat-webhook, oncall-pager, team-email; not routed: unused-slack)',
    );
    expect(detail('alertmanager.route.escalation')).toContain('continue: true on route.routes[0] with paging receiver oncall-pager');
    expect(detail('alertmanager.route.escalation')).toContain('route.routes[0] routes on severity to oncall-pager instead of team-email');
    expect(detail('alertmanager.route.grouping')).toBe('route by alertname, cluster; route.routes[1] by alertname, service');
    expect(detail('alertmanager.integrations.used')).toBe('email, pagerduty, webhook since the process started at 2026-11-25T12:42:48.600Z');
    expect(detail('alertmanager.notifications.failed_ratio')).toContain('6 of 10 notifications failed');
    expect(detail('alertmanager.api.reachable')).toBe('Alertmanager 0.25.0');

    expect(sources('alertmanager.route.count')).toEqual(['/api/v2/status']);
    expect(sources('alertmanager.receivers.count')).toEqual(['/api/v2/receivers']);
    expect(sources('alertmanager.alerts.per_group')).toEqual(['/api/v2/alerts', '/api/v2/alerts/groups']);
    expect(sources('alertmanager.silences.window')).toEqual(['/api/v2/silences']);
    expect(sources('alertmanager.notifications.per_alert')).toEqual(['/metrics']);
    for (const id of ids) expect(get(id).evidence.length, id).toBeGreaterThan(0);
  });

  it('a cluster still settling is not ready (observed false, not unknown)', async () => {
    serve('well', { status: { status: 200, body: fixture('well', 'status-settling.json') } });
    const { get } = await scan();
    expect(get('alertmanager.cluster.ready')).toMatchObject({ status: 'observed', value: false });
    expect(get('alertmanager.cluster.peers')).toMatchObject({ status: 'observed', value: 2 });
  });

  it('sends the bearer token, keeps it out of evidence, and honours a path prefix', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: 'Bearer am-s3cret-token' } });
    scope.get('/am/api/v2/status').reply(200, fixture('well', 'status.json'));
    scope.get('/am/api/v2/receivers').reply(401, 'token expired am-s3cret-token');
    scope.get('/am/api/v2/alerts').query(true).reply(200, '[]');
    scope.get('/am/api/v2/alerts/groups').query(true).reply(200, '[]');
    scope.get('/am/api/v2/silences').reply(200, '[]');
    scope.get('/am/metrics').reply(200, fixture('well', 'metrics.txt'));
    const { get, evidence } = await scan({ url: `${BASE}/am/`, bearer_token: 'am-s3cret-token' });
    expect(scope.isDone()).toBe(true);
    expect(get('alertmanager.route.count')).toMatchObject({ status: 'observed', value: 5 });
    // a 401 on one endpoint other than the status fails only what comes from it
    expect(get('alertmanager.receivers.count').status).toBe('failed');
    expect(get('alertmanager.receivers.count').reason).toContain('credentials rejected (HTTP 401)');
    expect(get('alertmanager.receivers.count').reason).not.toContain('am-s3cret-token');
    expect(JSON.stringify(evidence.records)).not.toContain('am-s3cret-token');
    expect(get('alertmanager.alerts.per_group')).toMatchObject({ status: 'not_available', reason: 'no alert group holds an unsuppressed alert now' });
  });

  it('sends basic auth', async () => {
    const auth = 'Basic ' + Buffer.from('techops:pa55word').toString('base64');
    const scope = nock(BASE, { reqheaders: { authorization: auth } });
    scope.get('/api/v2/status').reply(200, fixture('bare', 'status.json'));
    scope.get('/api/v2/receivers').reply(200, fixture('bare', 'receivers.json'));
    scope.get('/api/v2/alerts').query(true).reply(200, '[]');
    scope.get('/api/v2/alerts/groups').query(true).reply(200, '[]');
    scope.get('/api/v2/silences').reply(200, '[]');
    scope.get('/metrics').reply(200, fixture('bare', 'metrics.txt'));
    const { get } = await scan({ url: BASE, basic_auth: { username: 'techops', password: 'pa55word' } });
    expect(scope.isDone()).toBe(true);
    expect(get('alertmanager.receivers.count')).toMatchObject({ status: 'observed', value: 1 });
  });
});

describe('alertmanager collector: a bare server (one receiver, no grouping, no inhibition, no cluster)', () => {
  it('measures false and zero, not unknown, and says what has nothing to measure', async () => {
    const scope = serve('bare');
    const { get } = await scan();
    expect(scope.isDone()).toBe(true);
    const observed = {
      'alertmanager.api.reachable': true,
      'alertmanager.receivers.count': 1,
      'alertmanager.receivers.integration_types': 1,
      'alertmanager.route.grouping': false,
      'alertmanager.route.severity_routing': false,
      'alertmanager.route.count': 1,
      'alertmanager.route.escalation': false,
      'alertmanager.inhibit_rules.count': 0,
      'alertmanager.cluster.peers': 0,
      'alertmanager.silences.active': 0,
      'alertmanager.silences.window': 0,
      'alertmanager.alerts.active': 0,
      'alertmanager.alerts.suppressed': 0,
      'alertmanager.alerts.inhibited': 0,
      'alertmanager.alerts.groups': 0,
      'alertmanager.notifications.total': 0,
      'alertmanager.alerts.received': 0,
      'alertmanager.integrations.used': 0,
    };
    for (const [id, value] of Object.entries(observed)) expect({ ...get(id), id }).toMatchObject({ id, status: 'observed', value });
    expect(get('alertmanager.cluster.ready')).toMatchObject({ status: 'not_available' });
    expect(get('alertmanager.cluster.ready').reason).toContain('clustering is disabled');
    expect(get('alertmanager.alerts.per_group')).toMatchObject({ status: 'not_available', reason: 'no alert group holds an unsuppressed alert now' });
    expect(get('alertmanager.notifications.failed_ratio')).toMatchObject({ status: 'not_available' });
    expect(get('alertmanager.notifications.failed_ratio').reason).toMatch(/^no notification attempted since the process started at /);
    expect(get('alertmanager.notifications.per_alert')).toMatchObject({ status: 'not_available' });
    expect(get('alertmanager.notifications.per_alert').reason).toMatch(/^no firing alert received since the process started/);
    expect(get('alertmanager.route.grouping').instances[0].detail).toBe('no route has a group_by');
  });
});

describe('alertmanager collector: failures', () => {
  for (const [code, text] of [[401, 'credentials rejected (HTTP 401)'], [403, 'permission denied (HTTP 403)']] as const) {
    it(`${code} on the status fails every signal with a credentials message`, async () => {
      const scope = serve('well', {
        status: { status: code, body: 'Unauthorized' },
        receivers: null, alerts: null, groups: null, silences: null, metrics: null,
      });
      const { get, runs, evidence } = await scan();
      expect(scope.isDone()).toBe(true);
      expect(runs[0]).toMatchObject({ status: 'failed', error_kind: 'credentials' });
      expect(evidence.records).toHaveLength(1);
      for (const id of ids) {
        expect(get(id).status, id).toBe('failed');
        expect(get(id).reason, id).toContain(text);
        expect(get(id).reason, id).toContain(`${BASE}/api/v2/status`);
      }
    });
  }

  it('a 503 on /api/v2/silences fails only the silence signals', async () => {
    const scope = serve('well', { silences: { status: 503, body: 'overloaded', times: 2 } });
    const { get, runs } = await scan({ url: BASE }, { retries: 1 });
    expect(scope.isDone()).toBe(true);
    expect(runs[0]).toMatchObject({ status: 'partial' });
    for (const id of ['alertmanager.silences.active', 'alertmanager.silences.window']) {
      expect(get(id).status).toBe('failed');
      expect(get(id).reason).toContain('server error (HTTP 503)');
      expect(get(id).reason).toContain('/api/v2/silences after 2 attempts');
    }
    expectObservedExcept(get, ['alertmanager.silences.active', 'alertmanager.silences.window']);
    expect(get('alertmanager.silences.active').value).toBeUndefined();
  });

  it('a 503 on the status ends the collection: every signal failed', async () => {
    serve('well', { status: { status: 503, body: 'down' }, receivers: null, alerts: null, groups: null, silences: null, metrics: null });
    const { get, runs } = await scan();
    expect(runs[0]).toMatchObject({ status: 'failed', error_kind: 'unavailable' });
    for (const id of ids) expect(get(id).reason, id).toContain('server error (HTTP 503)');
  });

  it('/metrics not found: the metric signals are not available, the rest observed', async () => {
    serve('well', { metrics: { status: 404, body: '404 page not found' } });
    const { get } = await scan();
    for (const id of METRIC_SIGNALS) {
      expect(get(id).status, id).toBe('not_available');
      expect(get(id).reason, id).toBe(`not found (HTTP 404): GET ${BASE}/metrics`);
    }
    expectObservedExcept(get, METRIC_SIGNALS);
  });

  it('/metrics that is not the exposition format (a login page) fails the metric signals', async () => {
    serve('well', { metrics: { status: 200, body: '<!doctype html>\n<html><body>Sign in</body></html>\n' } });
    const { get } = await scan();
    for (const id of METRIC_SIGNALS) {
      expect(get(id).status, id).toBe('failed');
      expect(get(id).reason, id).toBe('GET /metrics did not return the Prometheus text format (HTTP 200): line 1: expected a metric name: <!doctype html>');
    }
    expectObservedExcept(get, METRIC_SIGNALS);
  });

  it('/metrics without the notification counters: those signals are not available', async () => {
    const onlyReceived = fixture('well', 'metrics.txt').split('\n').filter((l) => !l.includes('alertmanager_notifications')).join('\n');
    serve('well', { metrics: { status: 200, body: onlyReceived } });
    const { get } = await scan();
    expect(get('alertmanager.alerts.received')).toMatchObject({ status: 'observed', value: 8 });
    for (const id of METRIC_SIGNALS.filter((i) => i !== 'alertmanager.alerts.received')) {
      expect(get(id)).toMatchObject({ status: 'not_available', reason: 'GET /metrics does not expose alertmanager_notifications_total' });
    }
  });

  it('malformed JSON from /api/v2/alerts fails the alert signals only', async () => {
    serve('well', { alerts: { status: 200, body: '[{"fingerprint":"0111db91' } });
    const { get } = await scan();
    for (const id of ALERT_SIGNALS) {
      expect(get(id).status, id).toBe('failed');
      // the tail is V8's own wording, which changes between Node versions
      expect(get(id).reason, id).toMatch(/^invalid JSON from GET http:\/\/alertmanager\.test:9093\/api\/v2\/alerts\?active=true\S* \(HTTP 200, 25 bytes\): \S/);
    }
    expectObservedExcept(get, ALERT_SIGNALS);
    // groups come from their own request
    expect(get('alertmanager.alerts.groups')).toMatchObject({ status: 'observed', value: 7 });
  });

  it('a status of the wrong shape fails the status and config signals, the rest goes on', async () => {
    serve('well', { status: { status: 200, body: JSON.stringify({ cluster: { status: 'ready', peers: [] }, config: {} }) } });
    const { get, runs } = await scan();
    expect(runs[0]).toMatchObject({ status: 'partial' });
    const statusSignals = ['alertmanager.api.reachable', 'alertmanager.cluster.peers', 'alertmanager.cluster.ready', ...CONFIG_SIGNALS];
    for (const id of statusSignals) {
      expect(get(id).status, id).toBe('failed');
      expect(get(id).reason, id).toBe(`unexpected response from GET ${BASE}/api/v2/status: config.original: Invalid input: expected string, received undefined`);
    }
    expectObservedExcept(get, statusSignals);
  });

  it('a config.original that is not valid YAML fails the config signals with the parser\'s reason', async () => {
    const status = JSON.parse(fixture('well', 'status.json'));
    status.config.original = 'route:\n  receiver: team-email\n  routes: [\n    - receiver: x\n';
    serve('well', { status: { status: 200, body: JSON.stringify(status) } });
    const { get } = await scan();
    for (const id of CONFIG_SIGNALS) {
      expect(get(id).status, id).toBe('failed');
      expect(get(id).reason, id).toMatch(/^GET \/api\/v2\/status: config\.original is not valid YAML: .+ at line \d+, column \d+:$/);
    }
    expectObservedExcept(get, CONFIG_SIGNALS);
    expect(get('alertmanager.api.reachable').value).toBe(true);
  });

  it('a config.original without a route is not an Alertmanager configuration', async () => {
    const status = JSON.parse(fixture('well', 'status.json'));
    status.config.original = 'global:\n  resolve_timeout: 5m\nreceivers:\n- name: x\n';
    serve('well', { status: { status: 200, body: JSON.stringify(status) } });
    const { get } = await scan();
    for (const id of CONFIG_SIGNALS) {
      expect(get(id)).toMatchObject({ status: 'failed', reason: 'GET /api/v2/status: config.original is not an Alertmanager configuration: route: Invalid input: expected object, received undefined' });
    }
  });

  it('a status that times out ends the collection: every signal failed with the timeout', async () => {
    serve('well', { status: { status: 200, body: fixture('well', 'status.json'), delayMs: 1000 }, receivers: null, alerts: null, groups: null, silences: null, metrics: null });
    const t0 = Date.now();
    const { get, runs } = await scan({ url: BASE }, { retries: 0, timeoutMs: 100 });
    expect(Date.now() - t0).toBeLessThan(900);
    expect(runs[0]).toMatchObject({ status: 'failed', error_kind: 'unavailable' });
    for (const id of ids) expect(get(id).reason, id).toContain(`cannot reach GET ${BASE}/api/v2/status: timed out after 100 ms`);
  });

  it('a /metrics that times out fails only the metric signals', async () => {
    serve('well', { metrics: { status: 200, body: fixture('well', 'metrics.txt'), delayMs: 1000 } });
    const { get } = await scan({ url: BASE }, { retries: 0, timeoutMs: 100 });
    for (const id of METRIC_SIGNALS) {
      expect(get(id).status, id).toBe('failed');
      expect(get(id).reason, id).toContain('timed out after 100 ms');
    }
    expectObservedExcept(get, METRIC_SIGNALS);
  });

  it('an unreadable tls.ca_file fails the instance with the path named', async () => {
    const { get, runs } = await scan({ url: 'https://alertmanager.test:9093', tls: { ca_file: '/nonexistent/ca.pem' } });
    expect(runs[0]).toMatchObject({ status: 'failed', requests: 0 });
    expect(get('alertmanager.api.reachable').reason).toContain('cannot read tls.ca_file /nonexistent/ca.pem');
  });
});

describe('alertmanager config schema', () => {
  it('accepts the documented keys', () => {
    expect(alertmanagerConfigSchema.parse({
      url: 'https://am.example:9093', basic_auth: { username: 'u', password: 'p' }, tls: { insecure_skip_verify: true, ca_file: '/etc/ca.pem' },
    })).toMatchObject({ url: 'https://am.example:9093', tls: { insecure_skip_verify: true } });
  });
  it('rejects unknown keys, other schemes and two kinds of credentials', () => {
    expect(alertmanagerConfigSchema.safeParse({ url: BASE, token: 'x' }).success).toBe(false);
    expect(alertmanagerConfigSchema.safeParse({ url: 'ftp://am.example' }).success).toBe(false);
    expect(alertmanagerConfigSchema.safeParse({}).success).toBe(false);
    const both = alertmanagerConfigSchema.safeParse({ url: BASE, bearer_token: 't', basic_auth: { username: 'u', password: 'p' } });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0].message).toBe('set either bearer_token or basic_auth, not both');
  });
});
