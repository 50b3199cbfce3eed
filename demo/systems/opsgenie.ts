import type { IncomingMessage, ServerResponse } from 'node:http';
import { pick, seeded } from '../random.js';

/**
 * A stand-in Opsgenie account for the sample estate and the benchmark: the requests this collector
 * makes, answered in the shapes of opsgenie/opsgenie-oas with generated data (teams, services,
 * escalations, routing rules, schedules and their timelines, alerts over 90 days, declared
 * incidents and their logs). Deterministic for a seed; read-only like the real API key.
 */
type Json = Record<string, unknown>;

export interface FakeOpsgenie {
  teams: Json[];
  services: Json[];
  escalations: Json[];
  routingRules: Map<string, Json[]>;
  schedules: Json[];
  /** Per schedule: on-call shifts as [start hour of the week (UTC, Monday 00:00 = 0), length in hours, who]. */
  shifts: Map<string, [number, number, string][]>;
  alerts: Json[];
  incidents: Json[];
  logs: Map<string, Json[]>;
}

const DAY = 86_400_000;
const id = (rand: () => number) => 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(rand() * 16).toString(16));

export function generateOpsgenie(factor: number, now: Date, seed = 7): FakeOpsgenie {
  const rand = seeded(seed * 7919 + 17);
  const team = (name: string) => ({ id: id(rand), name, description: `${name} team` });
  const [ops, dba, web] = [team('ops'), team('dba'), team('web')];
  const schedule = (name: string, owner: Json, enabled = true) => ({ id: id(rand), name, description: '', timezone: 'Asia/Shanghai', enabled, ownerTeam: { id: owner.id, name: owner.name }, rotations: [] });
  const opsSchedule = schedule('ops_schedule', ops);
  const dbaSchedule = schedule('dba_schedule', dba);
  const webSchedule = schedule('web_business_hours', web);
  const retired = schedule('old_ops_schedule', ops, false);
  const people = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((p) => `${p}@shop.example.invalid`);
  const shifts = new Map<string, [number, number, string][]>([
    [opsSchedule.id, [[0, 84, people[0]], [84, 84, people[1]]]],
    // dba: day and night rotations, with a 2-hour gap every Sunday night nobody covers
    [dbaSchedule.id, [...Array.from({ length: 7 }, (_, d): [number, number, string] => [d * 24 + 1, 12, people[2]]), ...Array.from({ length: 7 }, (_, d): [number, number, string] => [d * 24 + 13, d === 6 ? 10 : 12, people[3]])]],
    // web: weekdays 09–18 in Shanghai (01–10 UTC)
    [webSchedule.id, Array.from({ length: 5 }, (_, d): [number, number, string] => [d * 24 + 1, 9, people[4]])],
  ]);
  const rule = (condition: string, minutes: number, recipient: Json) => ({ condition, notifyType: 'default', delay: { timeAmount: minutes, timeUnit: 'minutes' }, recipient });
  const opsEscalation = { id: id(rand), name: 'ops_escalation', description: 'on-call, then the lead, then the team', ownerTeam: { id: ops.id, name: ops.name },
    rules: [rule('if-not-acked', 0, { type: 'schedule', id: opsSchedule.id, name: opsSchedule.name }), rule('if-not-acked', 10, { type: 'user', id: id(rand), username: people[5] }), rule('if-not-acked', 30, { type: 'team', id: ops.id, name: ops.name })],
    repeat: { waitInterval: 10, count: 2, resetRecipientStates: false, closeAlertAfterAll: false } };
  const dbaEscalation = { id: id(rand), name: 'dba_escalation', description: '', ownerTeam: { id: dba.id, name: dba.name },
    rules: [rule('if-not-acked', 0, { type: 'schedule', id: dbaSchedule.id, name: dbaSchedule.name }), rule('if-not-acked', 15, { type: 'user', id: id(rand), username: people[5] })] };
  const defaultRule = (notify: Json) => [{ id: id(rand), name: 'Default Routing Rule', isDefault: true, order: 0, timezone: 'Asia/Shanghai', criteria: { type: 'match-all' }, notify }];
  const routingRules = new Map<string, Json[]>([
    [ops.id, defaultRule({ type: 'escalation', id: opsEscalation.id, name: opsEscalation.name })],
    [dba.id, defaultRule({ type: 'escalation', id: dbaEscalation.id, name: dbaEscalation.name })],
    [web.id, defaultRule({ type: 'schedule', id: webSchedule.id, name: webSchedule.name })],
  ]);
  const service = (name: string, owner?: Json) => ({ id: id(rand), name, teamId: owner?.id, description: '', visibility: 'OPSGENIE_USERS', tags: [] });
  const services = [service('shop-api', ops), service('checkout', ops), service('payments-db', dba), service('search', web), service('crm-legacy')];

  const alerts: Json[] = [];
  const incidents: Json[] = [];
  const logs = new Map<string, Json[]>();
  const total = Math.round(300 * factor);
  const integrations = [
    { weight: 0.7, integration: { id: id(rand), name: 'Prometheus', type: 'Prometheus' } },
    { weight: 0.15, integration: { id: id(rand), name: 'Web', type: 'Web' } },
    { weight: 0.15, integration: { id: id(rand), name: 'Default API', type: 'API' } },
  ];
  for (let n = 0; n < total; n++) {
    const created = now.getTime() - Math.floor(rand() * 90 * DAY);
    const p = rand();
    const priority = p < 0.05 ? 'P1' : p < 0.2 ? 'P2' : p < 0.6 ? 'P3' : p < 0.9 ? 'P4' : 'P5';
    const w = rand();
    const { integration } = w < 0.7 ? integrations[0] : w < 0.85 ? integrations[1] : integrations[2];
    const urgent = priority === 'P1' || priority === 'P2';
    const ackMs = Math.round((urgent ? 30 + rand() * 420 : 60 + rand() * 3540) * 1000);
    const closeMs = ackMs + Math.round((urgent ? 300 + rand() * 5400 : 600 + rand() * 20_000) * 1000);
    const autoClosed = integration.type === 'Prometheus' && rand() < 0.3;
    const open = now.getTime() - created < 2 * DAY && rand() < 0.5;
    const owner = pick(rand, people);
    const report: Json = {};
    if (!autoClosed || rand() < 0.5) Object.assign(report, { ackTime: ackMs, acknowledgedBy: owner });
    if (!open) Object.assign(report, { closeTime: closeMs, closedBy: autoClosed ? integration.name : owner });
    const tinyId = String(1000 + n);
    const svc = pick(rand, services);
    alerts.push({
      id: id(rand), tinyId, alias: `${svc.name}-${n}`, message: `${priority} ${svc.name}: ${pick(rand, ['error rate high', 'latency high', 'disk filling', 'pod restarts', 'probe failing', 'customer report'])}`,
      status: open ? 'open' : 'closed', acknowledged: report.ackTime !== undefined, isSeen: true, tags: [svc.name], snoozed: false, count: 1 + Math.floor(rand() * 5),
      lastOccurredAt: new Date(created).toISOString(), createdAt: new Date(created).toISOString(), updatedAt: new Date(created + (open ? ackMs : closeMs)).toISOString(),
      source: integration.type === 'Web' ? owner : 'alertmanager', owner: report.ackTime !== undefined ? owner : '', priority,
      responders: [{ type: 'team', id: svc.teamId ?? ops.id }], integration, report,
    });
    if (priority === 'P1') {
      const incidentId = id(rand);
      const resolved = !open;
      incidents.push({ id: incidentId, tinyId: String(incidents.length + 1), message: `Major: ${svc.name} degraded`, status: resolved ? 'resolved' : 'open', isSeen: true, tags: [],
        createdAt: new Date(created + 60_000).toISOString(), updatedAt: new Date(created + closeMs).toISOString(), priority: 'P1', ownerTeam: svc.teamId ?? ops.id,
        responders: [], extraProperties: {}, impactedServices: [svc.id] });
      const entry = (at: number, log: string) => ({ owner, createdAt: new Date(at).toISOString(), log, type: 'system', offset: `${at}_${at}000000` });
      logs.set(incidentId, [entry(created + 60_000, `Incident created by ${owner}`), ...(resolved ? [entry(created + closeMs + 120_000, `Incident resolved by ${owner}`)] : [])]);
    }
  }
  alerts.sort((a, b) => Date.parse(String(a.createdAt)) - Date.parse(String(b.createdAt)));
  incidents.sort((a, b) => Date.parse(String(a.createdAt)) - Date.parse(String(b.createdAt)));
  return { teams: [ops, dba, web], services, escalations: [opsEscalation, dbaEscalation], routingRules, schedules: [opsSchedule, dbaSchedule, webSchedule, retired], shifts, alerts, incidents, logs };
}

/** The on-call periods of a weekly shift pattern over [from, from + days). */
function periods(shifts: [number, number, string][], from: number, days: number): Json[] {
  const monday = from - ((new Date(from).getUTCDay() + 6) % 7) * DAY - (from % DAY);
  const out: Json[] = [];
  for (let week = monday; week < from + days * DAY; week += 7 * DAY) {
    for (const [startHour, hours, who] of shifts) {
      const start = Math.max(from, week + startHour * 3_600_000);
      const end = Math.min(from + days * DAY, week + (startHour + hours) * 3_600_000);
      if (end > start) out.push({ startDate: new Date(start).toISOString(), endDate: new Date(end).toISOString(), type: 'default', recipient: { id: who, type: 'user', name: who } });
    }
  }
  return out;
}

export function opsgenieApiHandler(data: FakeOpsgenie): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://opsgenie.invalid');
    const q = url.searchParams;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-ID': 'demo' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(status < 400 ? { ...(body as Json), took: 0.01, requestId: 'demo' } : body));
    };
    if (!/^GenieKey \S+/.test(req.headers.authorization ?? '')) return send(401, { message: 'Could not authenticate', took: 0, requestId: 'demo' });
    const offsetPage = (items: Json[]) => {
      const offset = Number(q.get('offset') ?? 0);
      const limit = Math.min(100, Number(q.get('limit') ?? 20));
      const next = offset + limit < items.length ? { next: `https://api.opsgenie.com${url.pathname}?offset=${offset + limit}&limit=${limit}` } : {};
      send(200, { data: items.slice(offset, offset + limit), paging: { ...next, first: `https://api.opsgenie.com${url.pathname}?offset=0&limit=${limit}` } });
    };
    const inQuery = (items: Json[]) => {
      const from = /createdAt>=(\d+)/.exec(q.get('query') ?? '')?.[1];
      const to = /createdAt<(\d+)/.exec(q.get('query') ?? '')?.[1];
      return items.filter((x) => { const t = Date.parse(String(x.createdAt)); return (!from || t >= Number(from)) && (!to || t < Number(to)); });
    };
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (path === '/v2/teams') return send(200, { data: data.teams, expandable: ['member'] });
    if ((m = /^\/v2\/teams\/([^/]+)\/routing-rules$/.exec(path))) return send(200, { data: data.routingRules.get(decodeURIComponent(m[1])) ?? [] });
    if (path === '/v1/services') return offsetPage(data.services);
    if (path === '/v2/escalations') return send(200, { data: data.escalations });
    if (path === '/v2/schedules') return send(200, { data: data.schedules, expandable: ['rotation'] });
    if ((m = /^\/v2\/schedules\/([^/]+)\/timeline$/.exec(path))) {
      const s = data.schedules.find((x) => x.id === decodeURIComponent(m![1]));
      if (!s) return send(404, { message: 'Schedule not found', took: 0, requestId: 'demo' });
      const from = Date.parse(q.get('date') ?? new Date().toISOString());
      const days = Number(q.get('interval') ?? 7) * (q.get('intervalUnit') === 'weeks' ? 7 : 1);
      return send(200, { data: { _parent: { id: s.id, name: s.name, enabled: s.enabled }, startDate: new Date(from).toISOString(), endDate: new Date(from + days * DAY).toISOString(),
        finalTimeline: { rotations: [{ id: `${s.id}-r`, name: 'rotation', order: 1, periods: periods(data.shifts.get(String(s.id)) ?? [], from, days) }] } }, expandable: ['base', 'forwarding', 'override'] });
    }
    if (path === '/v2/alerts') return offsetPage(inQuery(data.alerts));
    if (path === '/v1/incidents') return offsetPage(inQuery(data.incidents));
    if ((m = /^\/v1\/incidents\/([^/]+)\/logs$/.exec(path))) {
      const entries = data.logs.get(decodeURIComponent(m[1]));
      if (!entries) return send(404, { message: 'Incident not found', took: 0, requestId: 'demo' });
      const after = q.get('offset');
      const rest = after ? entries.filter((e) => String(e.offset) > after) : entries;
      return send(200, { data: rest.slice(0, 100), paging: { first: 'x' } });
    }
    send(404, { message: 'not found', took: 0, requestId: 'demo' });
  };
}
