import type { CollectContext, Collector } from '../../src/collector/types.js';
import { errorMessage } from '../../src/errors.js';
import { isCollectError } from '../../src/http/errors.js';
import { emitMeasures, measureIncidents, measureOncall, measureServices, median, type IncidentRecord } from '../../src/incidents/index.js';
import { opsgenieApi, type OpsgenieApi, type RoutingRule } from './api.js';
import { baseUrl, opsgenieConfigSchema, type OpsgenieConfig } from './config.js';
import { DEFAULT_GRADES, alertRecord, policyRecords, resolvedAtFromLogs, scheduleRecord, serviceRecords } from './measure.js';
import { readAlerts, readEscalations, readIncidents, readLogs, readRoutingRules, readSchedules, readServices, readTeams, readTimeline } from './read.js';
import { PREFIX, SIGNALS, signalsFrom, type Source } from './signals.js';

type Ctx = CollectContext<OpsgenieConfig>;

/** Days of on-call timeline read: the coming week, as the core measures it. */
const WEEK_DAYS = 7;

export const opsgenieCollector: Collector<OpsgenieConfig> = {
  id: 'opsgenie',
  description: 'Opsgenie (REST v2 and the v1 Incident API): teams, services, escalations, on-call schedules, alerts and declared incidents, read-only',
  signals: SIGNALS,
  configSchema: opsgenieConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({ baseURL: baseUrl(config), headers: { Authorization: `GenieKey ${config.api_key}` } });
    const api = opsgenieApi(http);
    const read = reader(ctx);

    await collectServices(ctx, api, read);
    await collectOncall(ctx, api, read);
    await collectAlerts(ctx, api, read);
    if (config.incidents) await collectDeclared(ctx, api, read);
    else for (const id of signalsFrom('declared')) ctx.notAvailable(id, 'incidents: false in the config (the Incident API needs a Standard or Enterprise plan)');
  },
};

type Reader = <T>(source: Source, fetch: () => Promise<T>) => Promise<T | undefined>;

/**
 * Runs the reads of one source; when one fails, fails that source's signals and lets the others
 * go on. A key rejected outright (401) on the first read ends the collection: nothing else would
 * work. A 403 is a missing right for one domain (a key without configuration access may still
 * read alerts), so it fails only that source.
 */
function reader(ctx: Ctx): Reader {
  let first = true;
  return async (source, fetch) => {
    const wasFirst = first;
    first = false;
    try {
      return await fetch();
    } catch (err) {
      if (isCollectError(err, 'aborted') || (wasFirst && isCollectError(err, 'credentials') && err.detail.status === 401)) throw err;
      const evidence = isCollectError(err) && err.detail.evidence ? [err.detail.evidence] : [];
      for (const id of signalsFrom(source)) ctx.failed(id, errorMessage(err), evidence);
      return undefined;
    }
  };
}

async function collectServices(ctx: Ctx, api: OpsgenieApi, read: Reader): Promise<void> {
  const got = await read('services', async () => {
    const teams = await readTeams(api);
    const services = await readServices(api);
    const escalations = await readEscalations(api);
    const rulesByTeam = new Map<string, RoutingRule[]>();
    const evidence = [...teams.evidence, ...services.evidence, ...escalations.evidence];
    const teamIds = new Set(services.items.flatMap((s) => (s.teamId ? [s.teamId] : [])));
    for (const team of teams.items.filter((t) => teamIds.has(t.id))) {
      const r = await readRoutingRules(api, team);
      rulesByTeam.set(team.id, r.rules);
      evidence.push(r.evidence);
    }
    return { teams, services, escalations, rulesByTeam, evidence };
  });
  if (!got) return;
  ctx.emit('opsgenie.teams.count', got.teams.items.length, got.teams.evidence, { objects: { total: got.teams.items.length, sample: got.teams.items.slice(0, 20).map((t) => t.name) } });
  emitMeasures(ctx, PREFIX, measureServices(serviceRecords(got.services.items, got.rulesByTeam, got.escalations.items), policyRecords(got.escalations.items)), got.evidence);
}

async function collectOncall(ctx: Ctx, api: OpsgenieApi, read: Reader): Promise<void> {
  const weekStart = ctx.clock.now();
  const got = await read('oncall', async () => {
    const schedules = await readSchedules(api);
    const evidence = [...schedules.evidence];
    const enabled = schedules.items.filter((s) => s.enabled !== false);
    const records = [];
    for (const s of enabled) {
      const t = await readTimeline(api, s, weekStart, WEEK_DAYS);
      records.push(scheduleRecord(s, t.timeline));
      evidence.push(t.evidence);
    }
    return { records, evidence, disabled: schedules.items.length - enabled.length };
  });
  if (!got) return;
  const measures = measureOncall(got.records, weekStart.getTime());
  if (got.disabled) for (const m of measures) m.notes = [...(m.notes ?? []), `${got.disabled} disabled schedule(s) left out: they notify nobody`];
  emitMeasures(ctx, PREFIX, measures, got.evidence);
}

async function collectAlerts(ctx: Ctx, api: OpsgenieApi, read: Reader): Promise<void> {
  const alerts = await read('alerts', () => readAlerts(api, ctx.window));
  if (!alerts) return;
  if (alerts.truncated) {
    // A partial list would bias every figure; say so rather than measure part of the window.
    for (const id of signalsFrom('alerts')) ctx.failed(id, `GET /v2/alerts: ${alerts.truncated}; shorten the window`, alerts.evidence);
    return;
  }
  const translation = { grades: DEFAULT_GRADES, majorPriorities: ['P1'] };
  const records: IncidentRecord[] = [];
  const ungraded = new Map<string, number>();
  for (const a of alerts.items) {
    const r = alertRecord(a, translation);
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
  emitMeasures(ctx, PREFIX, measures, alerts.evidence);
}

async function collectDeclared(ctx: Ctx, api: OpsgenieApi, read: Reader): Promise<void> {
  const got = await read('declared', async () => {
    const incidents = await readIncidents(api, ctx.window);
    const evidence = [...incidents.evidence];
    const times: number[] = [];
    let open = 0;
    let unread = 0;
    for (const [n, i] of incidents.items.entries()) {
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
      const at = resolvedAtFromLogs(logs.items);
      if (at === undefined) unread++;
      else times.push(at - created);
    }
    return { incidents, evidence, times, open, unread };
  });
  if (!got) return;
  const { incidents, evidence, times, open, unread } = got;
  if (incidents.truncated) {
    for (const id of signalsFrom('declared')) ctx.failed(id, `GET /v1/incidents: ${incidents.truncated}; shorten the window`, evidence);
    return;
  }
  const names = incidents.items.map((i) => (i.tinyId ? `#${i.tinyId} ${i.message ?? ''}`.trim() : i.id));
  ctx.emit('opsgenie.declared_incidents.count', incidents.items.length, incidents.evidence, { objects: { total: names.length, sample: names.slice(0, 20) } });
  const med = median(times);
  const notes = unread ? [`${unread} resolved incident(s) without a readable resolution in their log (or beyond max_log_reads) left out`] : undefined;
  if (med === undefined) ctx.notAvailable('opsgenie.declared_incidents.resolve_median_seconds', incidents.items.length ? 'no declared incident has a resolution time in its log' : 'no incident was declared in the window', evidence);
  else ctx.emit('opsgenie.declared_incidents.resolve_median_seconds', med / 1000, evidence, { detail: `over ${times.length} declared incidents${open ? ` (${open} still open, counted at their age: a lower bound)` : ''}`, notes });
}
