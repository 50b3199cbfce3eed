import { emitAll, fromRead, measuredValue, notAvailable, type CollectContext, type Collector, type Measured, type Read } from '../../src/collector/kit.js';
import { measuredUnder, measureIncidents, measureOncall, measureServices, median, type IncidentRecord } from '../../src/incidents/index.js';
import { opsgenieApi, type OpsgenieApi, type RoutingRule } from './api.js';
import { baseUrl, opsgenieConfigSchema, type OpsgenieConfig } from './config.js';
import { DEFAULT_GRADES, alertRecord, declaredRecord, policyRecords, resolvedAtFromLogs, scheduleRecord, serviceRecords } from './measure.js';
import { readAlerts, readEscalations, readIncidents, readLogs, readRoutingRules, readSchedules, readServices, readTeams, readTimeline, settler } from './read.js';
import { PREFIX, SIGNALS, signalsFrom, type Source } from './signals.js';

type Ctx = CollectContext<OpsgenieConfig>;
type Settle = ReturnType<typeof settler>;
type Measures = Map<string, Measured>;

/** Days of on-call timeline read: the coming week, as the core measures it. */
const WEEK_DAYS = 7;

export const opsgenieCollector: Collector<OpsgenieConfig> = {
  id: 'opsgenie',
  description: 'Opsgenie (REST v2 and the v1 Incident API): teams, services, escalations, on-call schedules, alerts and declared incidents, read-only',
  signals: SIGNALS,
  publishes: ['incidents'],
  configSchema: opsgenieConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({ baseURL: baseUrl(config), headers: { Authorization: `GenieKey ${config.api_key}` } });
    const api = opsgenieApi(http);
    const settle = settler();
    const measured: Measures = new Map();
    const put = (ms: ReadonlyMap<string, Measured>) => { for (const [id, m] of ms) measured.set(id, m); };

    const services = await readServiceSetup(api, settle);
    put(collectServices(services));
    put(await collectOncall(ctx, api, settle));
    put(await collectAlerts(ctx, api, settle));
    if (config.incidents) put(await collectDeclared(ctx, api, settle, services));
    else for (const id of signalsFrom('declared')) measured.set(id, notAvailable('incidents: false in the config (the Incident API needs a Standard or Enterprise plan)'));
    emitAll(ctx, SIGNALS, measured, 'not measured');
  },
};

/** One source's signals from a read that is not ok: failed (or not available) with its reason. */
function settledFrom(source: Source, read: Read<unknown>): Measures {
  return new Map(signalsFrom(source).map((id) => [id, fromRead(read, () => 0)]));
}

interface ServiceSetup {
  teams: { data: { id: string; name: string }[]; evidence: string[] };
  services: Awaited<ReturnType<typeof readServices>>;
  escalations: Awaited<ReturnType<typeof readEscalations>>;
  rulesByTeam: Map<string, RoutingRule[]>;
}

function readServiceSetup(api: OpsgenieApi, settle: Settle): Promise<Read<ServiceSetup>> {
  return settle(async () => {
    const teams = await readTeams(api);
    const services = await readServices(api);
    const escalations = await readEscalations(api);
    const rulesByTeam = new Map<string, RoutingRule[]>();
    const evidence = [...teams.evidence, ...services.evidence, ...escalations.evidence];
    const teamIds = new Set(services.data.flatMap((s) => (s.teamId ? [s.teamId] : [])));
    for (const team of teams.data.filter((t) => teamIds.has(t.id))) {
      const r = await readRoutingRules(api, team);
      rulesByTeam.set(team.id, r.rules);
      evidence.push(r.evidence);
    }
    return { data: { teams, services, escalations, rulesByTeam }, evidence };
  });
}

function collectServices(got: Read<ServiceSetup>): Measures {
  if (got.status !== 'ok') return settledFrom('services', got);
  const { teams, services, escalations, rulesByTeam } = got.data;
  const out = measuredUnder(PREFIX, measureServices(serviceRecords(services.data, rulesByTeam, escalations.data), policyRecords(escalations.data)), got.evidence);
  out.set('opsgenie.teams.count', measuredValue(teams.data.length, teams.evidence, { objects: { total: teams.data.length, sample: teams.data.slice(0, 20).map((t) => t.name) } }));
  return out;
}

async function collectOncall(ctx: Ctx, api: OpsgenieApi, settle: Settle): Promise<Measures> {
  const weekStart = ctx.clock.now();
  const got = await settle(async () => {
    const schedules = await readSchedules(api);
    const evidence = [...schedules.evidence];
    const enabled = schedules.data.filter((s) => s.enabled !== false);
    const records = [];
    for (const s of enabled) {
      const t = await readTimeline(api, s, weekStart, WEEK_DAYS);
      records.push(scheduleRecord(s, t.timeline));
      evidence.push(t.evidence);
    }
    return { data: { records, disabled: schedules.data.length - enabled.length }, evidence };
  });
  if (got.status !== 'ok') return settledFrom('oncall', got);
  const measures = measureOncall(got.data.records, weekStart.getTime());
  const { disabled } = got.data;
  if (disabled) for (const m of measures) m.notes = [...(m.notes ?? []), `${disabled} disabled schedule(s) left out: they notify nobody`];
  return measuredUnder(PREFIX, measures, got.evidence);
}

async function collectAlerts(ctx: Ctx, api: OpsgenieApi, settle: Settle): Promise<Measures> {
  const translation = { grades: DEFAULT_GRADES, majorPriorities: ['P1'] };
  // Each page translated into records as it arrives: the window's alerts are never held whole.
  // The whole listing as data: its `truncated` says whether it is the whole window.
  const alerts = await settle(async () => {
    const list = await readAlerts(api, ctx.window, (page) => page.map((a) => alertRecord(a, translation)));
    return { data: list, evidence: list.evidence };
  });
  if (alerts.status !== 'ok') return settledFrom('alerts', alerts);
  const { truncated } = alerts.data;
  if (truncated) {
    // A partial list would bias every figure; say so rather than measure part of the window.
    return new Map(signalsFrom('alerts').map((id) => [id, { status: 'failed', reason: `GET /v2/alerts: ${truncated}; shorten the window`, evidence: alerts.evidence }]));
  }
  const records: IncidentRecord[] = [];
  const ungraded = new Map<string, number>();
  for (const r of alerts.data.data) {
    if ('ungraded' in r) ungraded.set(r.ungraded, (ungraded.get(r.ungraded) ?? 0) + 1);
    else records.push(r);
  }
  const window = { start: ctx.window.start.getTime(), end: ctx.window.end.getTime() };
  const measures = measureIncidents(records, window).map((m) =>
    // Opsgenie's API does not show postmortems: the review figures are not measured, never 0.
    /major_review/.test(m.measure) ? { measure: m.measure, reason: 'Opsgenie\'s REST API does not expose postmortems or reviews' } : m,
  );
  if (ungraded.size) {
    const note = `alerts with a priority outside P1–P5 left out: ${[...ungraded].map(([p, n]) => `${n} × ${p}`).join(', ')}`;
    for (const m of measures) m.notes = [...(m.notes ?? []), note];
  }
  return measuredUnder(PREFIX, measures, alerts.evidence);
}

/**
 * Incidents declared through the Incident API: their count and resolution time, and the records
 * published for change failure from incidents. Declared incidents name the services they
 * impacted; alerts (what the incident measures count) carry no service in the list API, so
 * only declared incidents are published.
 */
async function collectDeclared(ctx: Ctx, api: OpsgenieApi, settle: Settle, setup: Read<ServiceSetup>): Promise<Measures> {
  const got = await settle(async () => {
    const incidents = await readIncidents(api, ctx.window);
    const evidence = [...incidents.evidence];
    const times: number[] = [];
    const resolved = new Map<string, number>();
    let open = 0;
    let unread = 0;
    for (const [n, i] of incidents.data.entries()) {
      const created = Date.parse(i.createdAt);
      if (i.status === 'open') {
        open++;
        times.push(ctx.window.end.getTime() - created);
        continue;
      }
      if (n >= ctx.config.max_log_reads) {
        unread++;
        continue;
      }
      const logs = await readLogs(api, i.id);
      evidence.push(...logs.evidence);
      const at = resolvedAtFromLogs(logs.data);
      if (at === undefined) unread++;
      else {
        times.push(at - created);
        resolved.set(i.id, at);
      }
    }
    return { data: { incidents, times, open, unread, resolved }, evidence };
  });
  if (got.status !== 'ok') return settledFrom('declared', got);
  const { evidence } = got;
  const { incidents, times, open, unread, resolved } = got.data;
  if (incidents.truncated) {
    return new Map(signalsFrom('declared').map((id) => [id, { status: 'failed', reason: `GET /v1/incidents: ${incidents.truncated}; shorten the window`, evidence }]));
  }
  const out: Measures = new Map();
  const names = incidents.data.map((i) => (i.tinyId ? `#${i.tinyId} ${i.message ?? ''}`.trim() : i.id));
  out.set('opsgenie.declared_incidents.count', measuredValue(incidents.data.length, incidents.evidence, { objects: { total: names.length, sample: names.slice(0, 20) } }));
  const med = median(times);
  const notes = unread ? [`${unread} resolved incident(s) without a readable resolution in their log (or beyond max_log_reads) left out`] : undefined;
  out.set('opsgenie.declared_incidents.resolve_median_seconds', med === undefined
    ? notAvailable(incidents.data.length ? 'no declared incident has a resolution time in its log' : 'no incident was declared in the window', evidence)
    : measuredValue(med / 1000, evidence, { detail: `over ${times.length} declared incidents${open ? ` (${open} still open, counted at their age: a lower bound)` : ''}`, notes }));
  // Published only when the service names are known: ids alone would match no deployment.
  if (setup.status === 'ok') {
    const serviceNames = new Map(setup.data.services.data.map((s) => [s.id, s.name]));
    const records = incidents.data.map((i) => declaredRecord(i, { names: serviceNames, apps: ctx.config.service_apps, resolvedAt: resolved.get(i.id) }));
    ctx.publish('incidents', records, [...incidents.evidence, ...setup.data.services.evidence]);
  }
  return out;
}
