import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Window } from '../../src/collector/types.js';
import type { IncidentRecord } from '../../src/incidents/records.js';
import { pagerdutyCollector, } from './index.js';
import { pagerdutyConfigSchema } from './config.js';
import { scanCollector } from '../../test/helpers/scan.js';

/*
 * Payloads are written by hand in the shape of PagerDuty REST API v2 (PagerDuty/api-schema,
 * reference/REST/openapiv3.json): list bodies wrapped in their plural key with classic
 * `limit/offset/more/total`, references as `{ id, type, summary }`, log entries with `agent`,
 * `channel` and `incident`.
 */

const BASE = 'http://pagerduty.test';
const TOKEN = 'u+SeCrEtKeY_123';
const NOW = '2026-11-25T00:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-10-26T00:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };
const WEEK_END = '2026-12-02T00:00:00.000Z';

afterEach(() => nock.cleanAll());

const ref = (type: string, id: string) => ({ id, type, summary: id, self: `${BASE}/${type}/${id}` });
const page = (key: string, items: unknown[], offset = 0, more = false) => ({ [key]: items, limit: 100, offset, more, total: null });
const at = (minutes: number) => new Date(Date.parse('2026-11-10T10:00:00Z') + minutes * 60_000).toISOString();

const SERVICES = [
  { id: 'PSVC1', type: 'service', name: 'checkout', status: 'active', escalation_policy: ref('escalation_policy_reference', 'PEP1') },
  { id: 'PSVC2', type: 'service', name: 'search', status: 'active', escalation_policy: ref('escalation_policy_reference', 'PEP2') },
  { id: 'PSVC3', type: 'service', name: 'batch', status: 'disabled', escalation_policy: ref('escalation_policy_reference', 'PEP2') },
];
const POLICIES = [
  { id: 'PEP1', type: 'escalation_policy', name: 'Checkout', escalation_rules: [
    { id: 'R1', escalation_delay_in_minutes: 10, targets: [ref('schedule_reference', 'PSCH1')] },
    { id: 'R2', escalation_delay_in_minutes: 15, targets: [ref('user_reference', 'PUSR1')] },
  ] },
  { id: 'PEP2', type: 'escalation_policy', name: 'Default', escalation_rules: [
    { id: 'R3', escalation_delay_in_minutes: 30, targets: [ref('user_reference', 'PUSR2'), ref('schedule_reference', 'PSCH2')] },
  ] },
];
const SCHEDULES = [{ id: 'PSCH1', type: 'schedule', name: 'Primary' }, { id: 'PSCH2', type: 'schedule', name: 'Office hours' }, { id: 'PSCH3', type: 'schedule', name: 'Unused' }];
const ONCALLS = [
  { escalation_level: 1, schedule: ref('schedule_reference', 'PSCH1'), user: ref('user_reference', 'PUSR1'), start: '2026-11-20T00:00:00Z', end: '2026-11-28T00:00:00Z' },
  { escalation_level: 1, schedule: ref('schedule_reference', 'PSCH1'), user: ref('user_reference', 'PUSR2'), start: '2026-11-28T00:00:00Z', end: '2026-12-05T00:00:00Z' },
  { escalation_level: 1, schedule: ref('schedule_reference', 'PSCH2'), user: ref('user_reference', 'PUSR3'), start: '2026-11-25T09:00:00Z', end: '2026-11-25T17:00:00Z' },
  // someone on call permanently, not through a schedule
  { escalation_level: 2, schedule: null, user: ref('user_reference', 'PUSR1'), start: null, end: null },
];
const PRIORITIES = [{ id: 'PPRI1', type: 'priority', name: 'P1', description: 'Critical' }, { id: 'PPRI2', type: 'priority', name: 'P3', description: 'Minor' }];

function incident(n: number, over: Record<string, unknown>) {
  return { id: `PINC${n}`, type: 'incident', incident_number: n, title: `incident ${n}`, status: 'resolved', urgency: 'high', created_at: at(0),
    resolved_at: null, service: ref('service_reference', 'PSVC1'), priority: null, ...over };
}
const INCIDENTS = [
  // P1, opened by monitoring, acknowledged after 2 min, note at 4, resolved at 30
  incident(1, { priority: { id: 'PPRI1', type: 'priority', summary: 'P1' }, resolved_at: at(30) }),
  // high, opened by a person, acknowledged after 6 min, still open
  incident(2, { status: 'acknowledged' }),
  // high, resolved by the integration with nobody acting: auto-resolved after 5 min
  incident(3, { resolved_at: at(5) }),
  // low, resolved by a person after 60 min without acknowledgement
  incident(4, { urgency: 'low', priority: { id: 'PPRI2', type: 'priority', summary: 'P3' }, resolved_at: at(60) }),
];
function entry(id: string, type: string, incidentId: string, minutes: number, agent: { id: string; type: string }, channel = 'api') {
  return { id, type, summary: type, created_at: at(minutes), agent: { ...agent, summary: agent.id }, channel: { type: channel }, incident: ref('incident_reference', incidentId) };
}
const integration = { id: 'PINT1', type: 'generic_events_api_inbound_integration_reference' };
const user = { id: 'PUSR1', type: 'user_reference' };
const LOG_ENTRIES = [
  entry('L1', 'trigger_log_entry', 'PINC1', 0, integration),
  entry('L2', 'notify_log_entry', 'PINC1', 0, { id: 'PSVC1', type: 'service_reference' }),
  entry('L3', 'acknowledge_log_entry', 'PINC1', 2, user, 'mobile'),
  entry('L4', 'annotate_log_entry', 'PINC1', 4, user, 'note'),
  entry('L5', 'resolve_log_entry', 'PINC1', 30, user, 'web_ui'),
  entry('L6', 'trigger_log_entry', 'PINC2', 0, user, 'web_trigger'),
  entry('L7', 'acknowledge_log_entry', 'PINC2', 6, user, 'web_ui'),
  entry('L8', 'trigger_log_entry', 'PINC3', 0, integration),
  entry('L9', 'resolve_log_entry', 'PINC3', 5, integration),
  entry('L10', 'trigger_log_entry', 'PINC4', 0, integration),
  entry('L11', 'resolve_log_entry', 'PINC4', 60, user, 'web_ui'),
];

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Endpoint = 'abilities' | 'services' | 'escalation_policies' | 'schedules' | 'oncalls' | 'priorities' | 'incidents' | 'log_entries';

/** Serves the account; lists of more than one object come in pages of two (offset/more). */
function serve(replace: Partial<Record<Endpoint, Reply[] | null>> = {}) {
  const scope = nock(BASE, { reqheaders: { authorization: `Token token=${TOKEN}`, accept: 'application/vnd.pagerduty+json;version=2' } });
  const lists: Record<Exclude<Endpoint, 'abilities'>, unknown[]> = {
    services: SERVICES, escalation_policies: POLICIES, schedules: SCHEDULES, oncalls: ONCALLS, priorities: PRIORITIES, incidents: INCIDENTS, log_entries: LOG_ENTRIES,
  };
  const queries: Partial<Record<Endpoint, Record<string, string>>> = {
    oncalls: { since: NOW, until: WEEK_END, time_zone: 'UTC' },
    incidents: { since: WINDOW.start.toISOString(), until: NOW, time_zone: 'UTC' },
    log_entries: { since: WINDOW.start.toISOString(), until: NOW, time_zone: 'UTC', is_overview: 'false' },
  };
  for (const name of ['abilities', ...Object.keys(lists)] as Endpoint[]) {
    const r = replace[name];
    if (r === null) continue;
    for (const reply of r ?? []) scope.get(`/${name}`).query(true).reply(reply.status, typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), { 'Content-Type': 'application/json', ...reply.headers });
    if (r) continue;
    if (name === 'abilities') {
      scope.get('/abilities').reply(200, { abilities: ['teams', 'read_only_users'] });
      continue;
    }
    const items = lists[name as Exclude<Endpoint, 'abilities'>];
    for (let offset = 0; offset < Math.max(items.length, 1); offset += 2) {
      const expected = { ...queries[name], limit: '100', offset: String(offset) };
      scope.get(`/${name}`).query((q) => Object.entries(expected).every(([k, v]) => q[k] === v) && (name !== 'incidents' || String(q['statuses[]']) === 'triggered,acknowledged,resolved'))
        .reply(200, page(name, items.slice(offset, offset + 2), offset, offset + 2 < items.length));
    }
  }
  return scope;
}

async function scan(extra: Record<string, unknown> = {}) {
  const r = await scanCollector({
    collector: pagerdutyCollector,
    instances: [{ collector: 'pagerduty', name: 'pd', config: pagerdutyConfigSchema.parse({ token: TOKEN, api_url: BASE, ...extra }), http: { retries: 1 } }],
    window: WINDOW,
    now: NOW,
  });
  return { signals: r.signals, runs: r.runs, evidence: r.evidence, publications: r.publications, get: (id: string) => r.get(`pagerduty.${id}`) };
}

describe('pagerduty collector', () => {
  it('reads every page of a healthy account and measures escalation, on-call and incidents', async () => {
    const scope = serve();
    const { get, runs, evidence } = await scan();
    expect(scope.pendingMocks()).toEqual([]);
    expect(runs[0].status).toBe('ok');
    expect(get('api.reachable').value).toBe(true);
    expect(get('services.count').value).toBe(3);
    expect(get('services.escalation_policy_ratio').value).toBe(1);
    expect(get('services.multi_level_escalation_ratio').value).toBeCloseTo(1 / 3);
    expect(get('escalation.levels_min').value).toBe(1);
    expect(get('escalation.schedule_targets_ratio').value).toBe(1);
    // Primary covers the whole week from NOW; Office hours 8 of 168 hours.
    expect(get('oncall.week_coverage_any_ratio').value).toBe(1);
    expect(get('oncall.week_coverage_min_ratio').value).toBeCloseTo(8 / 168);
    // a schedule no escalation policy targets has no on-calls in GET /oncalls: left out, with a note
    expect(get('oncall.schedules.count').value).toBe(2);
    expect(get('oncall.week_coverage_min_ratio').notes).toEqual(['left out, targeted by no escalation policy: Unused']);
    expect(get('incidents.count').value).toBe(4);
    expect([get('incidents.critical_count').value, get('incidents.high_count').value, get('incidents.low_count').value]).toEqual([1, 2, 1]);
    expect(get('incidents.major_count').value).toBe(1);
    expect(get('incidents.monitoring_ratio').value).toBe(0.75);
    // acks: 2 min, 6 min, 60 min (resolved by a person without acknowledging); #3 healed alone
    expect(get('incidents.ack_median_seconds').value).toBe(360);
    expect(get('incidents.critical.first_action_median_seconds').value).toBe(120);
    expect(get('incidents.auto_resolved_ratio').value).toBeCloseTo(1 / 3);
    expect(get('incidents.reopened_ratio').status).toBe('not_available');
    expect(get('incidents.major_reviewed_ratio').status).toBe('not_available');
    expect(get('incidents.major_reviewed_ratio').reason).toMatch(/no postmortem/);
    // the key never reaches the evidence
    expect(JSON.stringify(evidence.records)).not.toContain(TOKEN);
  });

  it('waits for Retry-After on a 429 and then reads the page', async () => {
    const scope = serve({ incidents: [{ status: 429, body: { error: { message: 'Rate Limit Exceeded', code: 2020 } }, headers: { 'Retry-After': '1', 'ratelimit-reset': '1' } }] });
    // the 429 reply is consumed first; then the normal pages answer
    const normal = serve({ abilities: null, services: null, escalation_policies: null, schedules: null, oncalls: null, priorities: null, log_entries: null });
    const { get } = await scan();
    expect(get('incidents.count').value).toBe(4);
    expect(scope.isDone() && normal.isDone()).toBe(true);
  });

  it('stops on a refused key (401) and fails every signal with the reason', async () => {
    serve({ abilities: [{ status: 401, body: { error: { message: 'Unauthorized', code: 2006 } } }], services: null, escalation_policies: null, schedules: null, oncalls: null, priorities: null, incidents: null, log_entries: null });
    const { get, runs } = await scan();
    expect(runs[0].status).toBe('failed');
    expect(runs[0].error_kind).toBe('credentials');
    expect(get('incidents.count').status).toBe('failed');
    expect(get('incidents.count').reason).not.toContain(TOKEN);
  });

  it('fails only the timeline measures when the key may not read log entries (403)', async () => {
    serve({ log_entries: [{ status: 403, body: { error: { message: 'Access Denied', code: 2010 } } }] });
    const { get, runs } = await scan();
    expect(runs[0].status).toBe('partial');
    expect(get('incidents.ack_p90_seconds').status).toBe('failed');
    expect(get('incidents.monitoring_ratio').status).toBe('failed');
    expect(get('incidents.resolve_median_seconds').status).toBe('observed');
    expect(get('incidents.count').value).toBe(4);
  });

  it('grades by urgency when the account has no priorities (404)', async () => {
    serve({ priorities: [{ status: 404, body: { error: { message: 'Not Found', code: 2100 } } }] });
    const { get } = await scan();
    // #1 is named P1 on the incident itself; #4's priority has no name there and none is known
    expect(get('incidents.critical_count').value).toBe(1);
    expect(get('incidents.low_count').value).toBe(1);
    expect(get('incidents.count').status).toBe('observed');
  });

  it('fails the service measures on a malformed body and measures the rest', async () => {
    serve({ services: [{ status: 200, body: { services: [{ id: 'PSVC1' }], limit: 100, offset: 0, more: false } }] });
    const { get } = await scan();
    expect(get('services.escalation_policy_ratio').status).toBe('failed');
    expect(get('services.escalation_policy_ratio').reason).toMatch(/unexpected response from GET .*\/services/);
    expect(get('oncall.week_coverage_any_ratio').status).toBe('observed');
    expect(get('incidents.count').value).toBe(4);
  });

  it('reports no incidents in the window as a count of 0 and times not available', async () => {
    serve({ incidents: [{ status: 200, body: page('incidents', []) }], log_entries: [{ status: 200, body: page('log_entries', []) }] });
    const { get } = await scan();
    expect(get('incidents.count').value).toBe(0);
    expect(get('incidents.ack_median_seconds').status).toBe('not_available');
    expect(get('incidents.monitoring_ratio').status).toBe('not_available');
  });
});

describe('classic pagination beyond 10,000 objects', () => {
  it('reads the two halves of a span whose total is beyond reach', async () => {
    const { readSpan } = await import('./read.js');
    const calls: string[] = [];
    // 12,000 objects evenly over 12 hours: one per 3.6 s
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const fetchPage = async (p: Record<string, string | number | boolean>) => {
      const since = Date.parse(String(p.since));
      const until = Date.parse(String(p.until));
      const all = Array.from({ length: 12_000 }, (_, i) => t0 + i * 3600).filter((t) => t >= since && t < until);
      const offset = Number(p.offset);
      const limit = Number(p.limit);
      calls.push(`${p.since}..${p.until}@${offset}`);
      if (offset + limit > 10_000) throw new Error('offset beyond 10,000 requested');
      return { data: { items: all.slice(offset, offset + limit), limit, offset, more: offset + limit < all.length, total: p.total ? all.length : null }, status: 200, headers: {}, evidence: `e${calls.length}` };
    };
    const read = await readSpan(fetchPage, (page) => page.items, {}, 100, { since: new Date(t0).toISOString(), until: new Date(t0 + 12 * 3_600_000).toISOString() });
    expect(read.data).toHaveLength(12_000);
    expect(new Set(read.data).size).toBe(12_000);
    // one refused first page of the whole span, then 60 pages for each half
    expect(calls[0]).toMatch(/@0$/);
    expect(read.evidence).toHaveLength(1 + 60 + 60);
  });

  it('a server that ignores offset while saying more is a paging loop naming the listing, not a read to the 10,000-object reach', async () => {
    const { readAll } = await import('./read.js');
    let asked = 0;
    const fetchPage = Object.assign(async (p: Record<string, string | number | boolean>) => {
      asked++;
      return { data: { items: ['a', 'b'], limit: Number(p.limit), offset: 0, more: true, total: null }, status: 200, headers: {}, evidence: `e${asked}` };
    }, { path: '/incidents' });
    await expect(readAll(fetchPage, (page) => page.items, {}, 2)).rejects.toThrow('paging loop: GET /incidents answered offset 2 with the objects of offset 0 (the server ignores offset)');
    expect(asked).toBe(2);
  });

  it('publishes the window\'s incidents with their service by name, and the apps service_apps maps it to', async () => {
    serve();
    const { publications } = await scan({ service_apps: { Checkout: 'acme/shop-checkout' } });
    expect(publications).toHaveLength(1);
    const p = publications[0];
    expect(p).toMatchObject({ kind: 'incidents', collector: 'pagerduty', instance: 'pd', status: 'published' });
    if (p.status !== 'published') throw new Error('not published');
    const records = p.records as IncidentRecord[];
    expect(records.map((i) => i.id)).toEqual(['#1', '#2', '#3', '#4']);
    // the service's name from GET /services, not its id; the mapping matches it without case
    expect(records[0]).toMatchObject({ service: 'PSVC1', serviceNames: ['checkout'], apps: ['acme/shop-checkout'], grade: 'critical' });
    expect(p.evidence.length).toBeGreaterThan(0);
  });

  it('publishes nothing when the incidents cannot be read, so change failure from incidents is failed, not computed on none', async () => {
    serve({ incidents: [{ status: 403, body: { error: { message: 'Access Denied', code: 2010 } } }], log_entries: null });
    const { publications, get } = await scan();
    expect(get('incidents.count').status).toBe('failed');
    expect(publications).toEqual([expect.objectContaining({ kind: 'incidents', status: 'missing', reason: expect.stringMatching(/published no incidents records/) })]);
  });
});
