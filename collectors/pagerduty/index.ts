import type { CollectContext, Collector } from '../../src/collector/types.js';
import { errorMessage } from '../../src/errors.js';
import { isCollectError, type FailureKind } from '../../src/http/errors.js';
import { emitMeasures, measureIncidents, measureOncall, measureServices, measuresFrom, type IncidentInput, type IncidentMeasure } from '../../src/incidents/index.js';
import { pagerdutyApi } from './api.js';
import { pagerdutyConfigSchema, type PagerdutyConfig } from './config.js';
import { toIncidents, toPolicies, toSchedules, toServices, toTimelines } from './measure.js';
import { pagerdutyReader } from './read.js';
import { PREFIX, SIGNALS } from './signals.js';

type Ctx = CollectContext<PagerdutyConfig>;

const WEEK_MS = 7 * 86_400_000;
const NO_POSTMORTEMS = 'PagerDuty\'s REST API v2 has no postmortem or review objects; import reviews with an incident file';

export const pagerdutyCollector: Collector<PagerdutyConfig> = {
  id: 'pagerduty',
  description: 'PagerDuty (REST API v2, read-only key): services, escalation policies, schedules and on-calls, incidents and their log entries',
  signals: SIGNALS,
  configSchema: pagerdutyConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({
      baseURL: config.api_url,
      headers: { Authorization: `Token token=${config.token}`, Accept: 'application/vnd.pagerduty+json;version=2' },
    });
    const api = pagerdutyApi(http);
    const read = pagerdutyReader(api, config.page_size);
    const attempt = attempter(ctx);

    // A key that is refused, or an API that does not answer, makes every other read pointless.
    const abilities = await attempt([], () => api.abilities(), ['credentials', 'unavailable']);
    if (abilities) ctx.emit('pagerduty.api.reachable', true, [abilities.evidence], `${abilities.data.abilities.length} account abilities`);

    const services = await attempt(['services'], async () => ({ services: await read.services(), policies: await read.escalationPolicies() }));
    if (services) {
      emitMeasures(ctx, PREFIX, measureServices(toServices(services.services.items), toPolicies(services.policies.items)),
        [...services.services.evidence, ...services.policies.evidence]);
    }

    // Coverage of the coming week, from the window's end: the schedule as it stands now.
    const week = { start: ctx.window.end.getTime(), end: ctx.window.end.getTime() + WEEK_MS };
    const oncall = await attempt(['oncall'], async () => {
      const schedules = await read.schedules();
      const oncalls = await read.oncalls({ since: new Date(week.start).toISOString(), until: new Date(week.end).toISOString() });
      return { schedules, oncalls };
    });
    if (oncall) {
      // GET /oncalls lists on-calls through escalation policies: a schedule no policy targets pages
      // nobody and shows no on-call there, so it is left out rather than counted as uncovered.
      const targeted = services ? new Set(services.policies.items.flatMap((p) => p.escalation_rules.flatMap((r) => r.targets.map((t) => t.id)))) : undefined;
      const used = targeted ? oncall.schedules.items.filter((s) => targeted.has(s.id)) : oncall.schedules.items;
      const unused = oncall.schedules.items.filter((s) => !used.includes(s)).map((s) => s.name);
      const note = unused.length ? [`left out, targeted by no escalation policy: ${unused.join(', ')}`] : [];
      const measures = measureOncall(toSchedules(used, oncall.oncalls.items, week), week.start).map((m) => (note.length ? { ...m, notes: [...(m.notes ?? []), ...note] } : m));
      emitMeasures(ctx, PREFIX, measures, [...oncall.schedules.evidence, ...oncall.oncalls.evidence, ...(services?.policies.evidence ?? [])]);
    }

    const span = { since: ctx.window.start.toISOString(), until: ctx.window.end.toISOString() };
    const incidents = await attempt(['incidents', 'timeline', 'reviews'], () => read.incidents(span));
    if (!incidents) return;
    // Accounts without priorities answer 404 or 403 here: incidents are then graded by urgency.
    let priorities: Awaited<ReturnType<typeof read.priorities>> | undefined;
    try {
      priorities = await read.priorities();
    } catch (err) {
      if (isCollectError(err, 'aborted')) throw err;
      ctx.log.info('priorities not read; grading incidents by urgency', { error: errorMessage(err) });
    }
    const timeline = await attempt(['timeline'], () => read.logEntries(span));
    const records = toIncidents(incidents.items, timeline ? toTimelines(timeline.items) : undefined, priorities?.items ?? [], config.major_priorities);
    const evidence = [...incidents.evidence, ...(priorities?.evidence ?? [])];
    const timelineMeasures = new Set(measuresFrom('timeline'));
    const reviewMeasures = new Set(measuresFrom('reviews'));
    const measures: IncidentMeasure[] = measureIncidents(records, { start: ctx.window.start.getTime(), end: ctx.window.end.getTime() })
      .filter((m) => timeline || !timelineMeasures.has(m.measure))
      .map((m) => (reviewMeasures.has(m.measure) ? { measure: m.measure, reason: NO_POSTMORTEMS } : m));
    const withTimeline = [...evidence, ...(timeline?.evidence ?? [])];
    emitMeasures(ctx, PREFIX, measures.filter((m) => !timelineMeasures.has(m.measure)), evidence);
    emitMeasures(ctx, PREFIX, measures.filter((m) => timelineMeasures.has(m.measure)), withTimeline);
  },
};

/**
 * Runs one read; when it fails, fails the measures computed from the inputs it feeds and lets
 * the collection go on. A passed deadline, or a failure named fatal, ends the collection.
 */
function attempter(ctx: Ctx) {
  return async <T>(inputs: IncidentInput[], fetch: () => Promise<T>, fatal: FailureKind[] = []): Promise<T | undefined> => {
    try {
      return await fetch();
    } catch (err) {
      if (isCollectError(err) && (err.kind === 'aborted' || fatal.includes(err.kind))) throw err;
      const reason = errorMessage(err);
      const evidence = isCollectError(err) && err.detail.evidence ? [err.detail.evidence] : [];
      for (const m of inputs.flatMap(measuresFrom)) ctx.failed(`${PREFIX}.${m}`, reason, evidence);
      return undefined;
    }
  };
}
