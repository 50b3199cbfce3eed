import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { type InstanceConfig } from '../../src/collector/harness.js';
import type { Window } from '../../src/collector/types.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { createHttpClient } from '../../src/http/client.js';
import { Redactor } from '../../src/redact.js';
import { serveLoopback } from '../../demo/http.js';
import { opsgenieApi } from './api.js';
import { generateOpsgenie, opsgenieApiHandler } from '../../demo/systems/opsgenie.js';
import { opsgenieCollector } from './index.js';
import { opsgenieConfigSchema } from './config.js';
import { readOffsetPaged, windowQuery } from './read.js';
import { scanCollector } from '../../test/helpers/scan.js';
import type { IncidentRecord } from '../../src/incidents/records.js';

/*
 * Fixtures under fixtures/ are written by hand in the shapes of opsgenie/opsgenie-oas
 * (definitions/{team,service,escalation,schedule,alert,incident,teamRoutingRule}.yaml, with the
 * envelope of BaseResponse: data, took, requestId, paging). The tests serve them with nock and run
 * the collector through the real harness, HTTP client and evidence log.
 */

const BASE = 'http://opsgenie.test';
const KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';
const NOW = '2026-11-25T12:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-10-26T12:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };
const OPS = '6fa8e1d2-1c7b-4f6e-9a43-0d2c6b1f5e01';
const DBA = '8b1d9c3e-5a2f-4d7b-b8e0-7e6f4a3c2d10';
const OPS_SCHEDULE = 'c0ffee00-1111-4222-8333-444455556666';
const DBA_SCHEDULE = 'dba00000-2222-4333-8444-555566667777';
const INCIDENT_14 = '1c222f7f-9d5d-4c3e-8e1e-5a8e2f1d0c9b';

const fixture = (file: string) => readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8');
const json = { 'Content-Type': 'application/json' };

type Endpoint = 'teams' | 'services' | 'escalations' | 'rulesOps' | 'rulesDba' | 'schedules' | 'timelineOps' | 'timelineDba' | 'alerts' | 'incidents' | 'logs14';
const ENDPOINTS: Record<Endpoint, { path: string; file: string }> = {
  teams: { path: '/v2/teams', file: 'teams.json' },
  services: { path: '/v1/services', file: 'services.json' },
  escalations: { path: '/v2/escalations', file: 'escalations.json' },
  rulesOps: { path: `/v2/teams/${OPS}/routing-rules`, file: 'routing-rules-ops.json' },
  rulesDba: { path: `/v2/teams/${DBA}/routing-rules`, file: 'routing-rules-dba.json' },
  schedules: { path: '/v2/schedules', file: 'schedules.json' },
  timelineOps: { path: `/v2/schedules/${OPS_SCHEDULE}/timeline`, file: 'timeline-ops.json' },
  timelineDba: { path: `/v2/schedules/${DBA_SCHEDULE}/timeline`, file: 'timeline-dba.json' },
  alerts: { path: '/v2/alerts', file: 'alerts.json' },
  incidents: { path: '/v1/incidents', file: 'incidents.json' },
  logs14: { path: `/v1/incidents/${INCIDENT_14}/logs`, file: 'incident-logs-14.json' },
};

type Reply = { status: number; body: string; headers?: Record<string, string> };
/** Every endpoint answers from its fixture (only with the key), unless a test replaces or drops its reply. */
function serve(replace: Partial<Record<Endpoint, Reply | Reply[] | null>> = {}, base = BASE) {
  const scope = nock(base, { reqheaders: { authorization: `GenieKey ${KEY}` } });
  for (const [name, ep] of Object.entries(ENDPOINTS) as [Endpoint, (typeof ENDPOINTS)[Endpoint]][]) {
    const r = replace[name];
    if (r === null) continue;
    const replies = r === undefined ? [{ status: 200, body: fixture(ep.file) }] : Array.isArray(r) ? r : [r];
    for (const reply of replies) scope.get(ep.path).query(true).reply(reply.status, reply.body, { ...json, ...reply.headers });
  }
  return scope;
}

async function scan(config: Record<string, unknown> = { api_key: KEY, url: BASE }, http: InstanceConfig['http'] = { retries: 0 }) {
  const r = await scanCollector({
    collector: opsgenieCollector,
    instances: [{ collector: 'opsgenie', name: 'main', config: opsgenieConfigSchema.parse(config), http }],
    window: WINDOW,
    now: NOW,
    secrets: [KEY], // as config interpolation registers a ${ENV} value
    collectorDeadlineMs: 10_000,
    scanDeadlineMs: 20_000,
  });
  return { signals: r.signals, runs: r.runs, evidence: r.evidence, publications: r.publications, get: r.get, value: (id: string) => r.get(id).value };
}

describe('opsgenie incidents published for change failure from incidents', () => {
  it('publishes the declared incidents with their impacted services by name and the apps service_apps maps them to', async () => {
    serve();
    const { publications } = await scan({ api_key: KEY, url: BASE, service_apps: { 'shop-api': ['acme/shop-api', 'acme/storefront'] } });
    expect(publications).toHaveLength(1);
    const p = publications[0];
    if (p.status !== 'published') throw new Error(`not published: ${p.reason}`);
    const records = p.records as IncidentRecord[];
    expect(records.map((r) => [r.id, r.serviceNames, r.apps, r.grade, r.major])).toEqual([
      ['#14', ['shop-api'], ['acme/shop-api', 'acme/storefront'], 'critical', true],
      ['#15', ['payments-db'], undefined, 'critical', false],
    ]);
    // #14's resolution from its log; #15 is open
    expect(records.map((r) => r.resolvedAt)).toEqual([Date.parse('2026-11-10T10:05:00.000Z'), undefined]);
  });
  it('publishes nothing without the Incident API (alerts name no service), so the cross figure is failed rather than computed without Opsgenie', async () => {
    serve({ incidents: null, logs14: null });
    const { publications } = await scan({ api_key: KEY, url: BASE, incidents: false });
    expect(publications).toEqual([expect.objectContaining({ status: 'missing', reason: expect.stringMatching(/published no incidents records/) })]);
  });
});

describe('opsgenie collector on an account of documented shape', () => {
  it('translates services, escalations, schedules and alerts into the shared incident measures', async () => {
    const scope = serve();
    const { value, get, runs } = await scan();
    expect(runs[0]).toMatchObject({ status: 'ok' });
    scope.done();

    expect(value('opsgenie.teams.count')).toBe(2);
    // shop-api's team routes by default to a 3-level escalation; payments-db's team to a schedule directly; legacy-crm has no team
    expect(value('opsgenie.services.count')).toBe(3);
    expect(value('opsgenie.services.escalation_policy_ratio')).toBeCloseTo(1 / 3);
    expect(get('opsgenie.services.escalation_policy_ratio').objects?.sample).toEqual(['shop-api']);
    expect(value('opsgenie.escalation.levels_min')).toBe(3);
    expect(value('opsgenie.escalation.schedule_targets_ratio')).toBe(1);

    // the disabled schedule is left out; dba is on call 5 × 9 h of the week (a "none" period is a gap)
    expect(value('opsgenie.oncall.schedules.count')).toBe(2);
    expect(value('opsgenie.oncall.week_coverage_min_ratio')).toBeCloseTo(45 / 168);
    expect(value('opsgenie.oncall.week_coverage_any_ratio')).toBe(1);
    expect(get('opsgenie.oncall.week_coverage_min_ratio').notes?.join()).toMatch(/1 disabled schedule/);

    expect(value('opsgenie.incidents.count')).toBe(4);
    expect(value('opsgenie.incidents.critical_count')).toBe(2); // P1, P2
    expect(value('opsgenie.incidents.high_count')).toBe(1); // P3
    expect(value('opsgenie.incidents.low_count')).toBe(1); // P4
    expect(value('opsgenie.incidents.resolved_ratio')).toBe(0.75);
    // Prometheus ×2 monitoring, Web human, API unknown
    expect(value('opsgenie.incidents.monitoring_ratio')).toBeCloseTo(2 / 3);
    // closed by its own integration (closedBy "Prometheus")
    expect(value('opsgenie.incidents.auto_resolved_ratio')).toBeCloseTo(1 / 3);
    // ack 120, 300, 600 s and the open P4 at its age (5.5 days)
    expect(value('opsgenie.incidents.ack_median_seconds')).toBe(450);
    expect(value('opsgenie.incidents.ack_p90_seconds')).toBe(475_200);
    expect(value('opsgenie.incidents.urgent.ack_median_seconds')).toBe(300);
    expect(value('opsgenie.incidents.resolve_median_seconds')).toBe(5400);
    expect(value('opsgenie.incidents.major_count')).toBe(1);
    expect(get('opsgenie.incidents.major_reviewed_ratio')).toMatchObject({ status: 'not_available', reason: expect.stringMatching(/postmortem/) });
    expect(get('opsgenie.incidents.reopened_ratio').status).toBe('not_available');

    // declared incidents: #14 resolved 2 h after creation (from its log), #15 open for 1 day
    expect(value('opsgenie.declared_incidents.count')).toBe(2);
    expect(value('opsgenie.declared_incidents.resolve_median_seconds')).toBe((7200 + 86_400) / 2);
  });

  it('finds the escalation a routing rule names by name only', async () => {
    const rules = JSON.parse(fixture('routing-rules-ops.json'));
    delete rules.data[1].notify.id;
    serve({ rulesOps: { status: 200, body: JSON.stringify(rules) } });
    const { value } = await scan();
    expect(value('opsgenie.services.escalation_policy_ratio')).toBeCloseTo(1 / 3);
    expect(value('opsgenie.escalation.levels_min')).toBe(3);
  });

  it('asks for the window, the coming week and the documented page size', async () => {
    serve();
    const { evidence } = await scan();
    const seen = evidence.records.map((r) => new URL(r.url));
    const alerts = seen.find((u) => u.pathname === '/v2/alerts')!;
    expect(alerts.searchParams.get('query')).toBe(windowQuery(WINDOW));
    expect(alerts.searchParams.get('query')).toBe(`createdAt>=${WINDOW.start.getTime()} AND createdAt<${WINDOW.end.getTime()}`);
    expect(alerts.searchParams.get('limit')).toBe('100');
    const timeline = seen.find((u) => u.pathname.endsWith('/timeline'))!;
    expect(Object.fromEntries(timeline.searchParams)).toMatchObject({ interval: '7', intervalUnit: 'days', date: NOW, identifierType: 'id' });
  });

  it('pages alerts by offset until paging.next is gone', async () => {
    const template = JSON.parse(fixture('alerts.json')).data[0];
    const page = (n: number, from: number, next: boolean) => JSON.stringify({
      data: Array.from({ length: n }, (_, i) => ({ ...template, id: `alert-${from + i}`, tinyId: String(from + i) })),
      paging: next ? { next: `https://api.opsgenie.com/v2/alerts?offset=${from + n}&limit=100`, first: 'https://api.opsgenie.com/v2/alerts?offset=0&limit=100' } : { first: 'x' },
      took: 0.1, requestId: 'r',
    });
    serve({ alerts: null });
    const paged = nock(BASE)
      .get('/v2/alerts').query((q) => q.offset === '0' && q.limit === '100').reply(200, page(100, 0, true), json)
      .get('/v2/alerts').query((q) => q.offset === '100').reply(200, page(100, 100, true), json)
      .get('/v2/alerts').query((q) => q.offset === '200').reply(200, page(37, 200, false), json);
    const { value, get } = await scan();
    paged.done();
    expect(value('opsgenie.incidents.count')).toBe(237);
    expect(get('opsgenie.incidents.count').evidence).toHaveLength(3);
  });

  it('refuses to measure a list longer than Opsgenie will page (offset + limit ≤ 20,000)', async () => {
    const calls: number[] = [];
    const res = await readOffsetPaged(async (offset, limit) => {
      calls.push(offset);
      return { data: { data: Array.from({ length: limit }, () => offset), paging: { next: 'more' } }, status: 200, headers: {}, evidence: `ev${offset}` };
    }, 5000);
    expect(calls).toEqual([0, 5000, 10_000, 15_000]);
    expect(res.truncated).toMatch(/at most 20000/);
  });

  it('translates each page as it arrives; a repeated page is still recognised among the items as read, a page that only starts alike is not one', async () => {
    const pages: Record<number, number[]> = { 0: [1, 2], 2: [1, 3], 4: [5] };
    const given: number[][] = [];
    const serve = (offset: number) => ({ data: { data: pages[offset], paging: offset < 4 ? { next: 'more' } : {} }, status: 200, headers: {}, evidence: `ev${offset}` });
    const res = await readOffsetPaged(async (offset) => serve(offset), 2, '/v2/alerts', (page) => {
      given.push(page);
      return page.map((n) => `#${n}`);
    });
    expect(given).toEqual([[1, 2], [1, 3], [5]]);
    expect(res).toEqual({ data: ['#1', '#2', '#1', '#3', '#5'], evidence: ['ev0', 'ev2', 'ev4'] });
    pages[2] = [1, 2];
    const loop = readOffsetPaged(async (offset) => serve(offset), 2, '/v2/alerts', (page) => page.map((n) => `#${n}`));
    await expect(loop).rejects.toThrow('paging loop: GET /v2/alerts answered offset 2 with the items of offset 0');
  });

  it('a server that ignores offset while giving paging.next is a paging loop naming the list, not alerts counted again', async () => {
    const calls: number[] = [];
    const read = readOffsetPaged(async (offset, limit) => {
      calls.push(offset);
      return { data: { data: ['x', 'y'].slice(0, limit), paging: { next: 'https://api.opsgenie.com/v2/alerts?offset=2' } }, status: 200, headers: {}, evidence: `ev${offset}` };
    }, 2, '/v2/alerts');
    await expect(read).rejects.toThrow('paging loop: GET /v2/alerts answered offset 2 with the items of offset 0 (the server ignores offset)');
    expect(calls).toEqual([0, 2]);
  });

  it('waits out a 429 with Retry-After, then reads on', async () => {
    const scope = serve({ teams: [{ status: 429, body: '{"message":"Rate limit exceeded","took":0.0,"requestId":"x"}', headers: { 'Retry-After': '0', 'X-RateLimit-State': 'THROTTLED' } }, { status: 200, body: fixture('teams.json') }] });
    const { value, evidence } = await scan({ api_key: KEY, url: BASE }, { retries: 2 });
    scope.done();
    expect(value('opsgenie.teams.count')).toBe(2);
    expect(evidence.records.filter((r) => r.url.includes('/v2/teams?') || r.url.endsWith('/v2/teams')).map((r) => r.status)).toEqual([429, 200]);
  });

  it('fails only the alert signals when alerts stay rate limited, naming the 429', async () => {
    serve({ alerts: { status: 429, body: '{"message":"Rate limit exceeded"}', headers: { 'Retry-After': '3600' } } });
    const { get, value, runs } = await scan({ api_key: KEY, url: BASE }, { retries: 2, maxRetryAfterMs: 1000 });
    expect(get('opsgenie.incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/rate limited \(HTTP 429\)/) });
    expect(value('opsgenie.services.count')).toBe(3);
    expect(value('opsgenie.declared_incidents.count')).toBe(2);
    expect(runs[0].status).toBe('partial');
  });

  it('stops on a rejected key (401) with every signal failed, and never shows the key', async () => {
    nock(BASE).get('/v2/teams').query(true).reply(401, '{"message":"Could not authenticate","took":0.0,"requestId":"x"}', json);
    const { get, runs, evidence, signals } = await scan();
    expect(runs[0]).toMatchObject({ status: 'failed', error_kind: 'credentials' });
    expect(get('opsgenie.incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/HTTP 401/) });
    expect(get('opsgenie.oncall.schedules.count').status).toBe('failed');
    expect(evidence.records).toHaveLength(1);
    expect(JSON.stringify([runs, evidence.records, [...signals.values()]])).not.toContain(KEY);
  });

  it('goes on past a 403 on the first read: a key without configuration access still reads alerts', async () => {
    serve({ teams: { status: 403, body: '{"message":"You are not authorized for this operation","took":0.0,"requestId":"x"}' }, services: null, escalations: null, rulesOps: null, rulesDba: null });
    const { get, value, runs } = await scan();
    expect(runs[0].status).toBe('partial');
    expect(get('opsgenie.services.escalation_policy_ratio')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/permission denied \(HTTP 403\).*\/v2\/teams/) });
    expect(get('opsgenie.teams.count').status).toBe('failed');
    expect(value('opsgenie.incidents.count')).toBe(4);
    expect(value('opsgenie.oncall.schedules.count')).toBe(2);
  });

  it('fails only the signals of a read the key may not make (403 on schedules)', async () => {
    serve({ schedules: { status: 403, body: '{"message":"You are not authorized for this operation","took":0.0,"requestId":"x"}' }, timelineOps: null, timelineDba: null });
    const { get, value } = await scan();
    expect(get('opsgenie.oncall.week_coverage_min_ratio')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/permission denied \(HTTP 403\)/) });
    expect(value('opsgenie.incidents.count')).toBe(4);
  });

  it('talks to the EU API when region is eu, and only there', async () => {
    const scope = serve({}, 'https://api.eu.opsgenie.com');
    const { value } = await scan({ api_key: KEY, region: 'eu' });
    scope.done();
    expect(value('opsgenie.incidents.count')).toBe(4);
    expect(opsgenieConfigSchema.parse({ api_key: KEY }).region).toBe('us');
  });

  it('fails the signals of a malformed response, naming the request and the field', async () => {
    serve({ escalations: { status: 200, body: '{"data":[{"id":"e1","name":"x","rules":"none"}],"took":0,"requestId":"x"}' }, incidents: { status: 200, body: '<html>proxy login</html>' }, logs14: null, rulesOps: null, rulesDba: null }); // no routing rules are read once the escalations are unreadable
    const { get, value } = await scan();
    expect(get('opsgenie.escalation.levels_min')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/\/v2\/escalations.*rules/) });
    expect(get('opsgenie.declared_incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/invalid JSON.*\/v1\/incidents/) });
    expect(value('opsgenie.incidents.count')).toBe(4);
  });

  it('sends only GETs with the GenieKey header', async () => {
    const evidence = new EvidenceLog();
    const http = createHttpClient({ collector: 'opsgenie', instance: 't', baseURL: BASE, evidence, redactor: new Redactor(), headers: { Authorization: `GenieKey ${KEY}` }, retries: 0 });
    const scope = nock(BASE, { reqheaders: { authorization: `GenieKey ${KEY}` } }).get('/v2/teams').reply(200, fixture('teams.json'), json);
    const res = await opsgenieApi(http).teams();
    scope.done();
    expect(res.data.data.map((t) => t.name)).toEqual(['ops', 'dba']);
    expect(evidence.records.every((r) => r.method === 'GET')).toBe(true);
  });
});

describe('opsgenie collector against the sample estate\'s stand-in account (loopback)', () => {
  it('reads a few hundred alerts over offset pages and measures them', async () => {
    const account = generateOpsgenie(2, new Date(NOW), 1);
    const server = await serveLoopback(opsgenieApiHandler(account));
    // 90 days of alerts: the scan reads the 30-day window, over more than one page of 100
    try {
      const { value, runs } = await scan({ api_key: KEY, url: server.url });
      expect(runs[0]).toMatchObject({ status: 'ok' });
      const inWindow = account.alerts.filter((a) => Date.parse(String(a.createdAt)) >= WINDOW.start.getTime()).length;
      expect(account.alerts).toHaveLength(600);
      const { value: wide, evidence } = await scan({ api_key: KEY, url: server.url });
      expect(evidence.records.filter((r) => new URL(r.url).pathname === '/v2/alerts')).toHaveLength(Math.ceil(inWindow / 100));
      expect(wide('opsgenie.incidents.count')).toBe(inWindow);
      expect(inWindow).toBeGreaterThan(100);
      expect(value('opsgenie.incidents.count')).toBe(inWindow);
      // shop-api, checkout and payments-db route to an escalation; search to a schedule; crm-legacy has no team
      expect(value('opsgenie.services.escalation_policy_ratio')).toBeCloseTo(3 / 5);
      expect(value('opsgenie.oncall.schedules.count')).toBe(3);
      expect(value('opsgenie.oncall.week_coverage_min_ratio')).toBeCloseTo(45 / 168);
      expect(value('opsgenie.oncall.week_coverage_any_ratio')).toBe(1);
      // P1/P2 (critical) alerts are acknowledged within 30–450 s in the stand-in
      expect(value('opsgenie.incidents.critical.ack_median_seconds')).toBeLessThanOrEqual(450);
    } finally {
      await server.close();
    }
  });
});
