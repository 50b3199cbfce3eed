import { emitAll, fromRead, type Collector, type Measured } from '../../src/collector/kit.js';
import { measuredFrom, measureIncidents, measureOncall, measureServices, measuresFrom, notAvailableUnder } from '../../src/incidents/index.js';
import { pagerdutyApi } from './api.js';
import { pagerdutyConfigSchema, type PagerdutyConfig } from './config.js';
import { toIncidents, toPolicies, toSchedules, toServices, toTimelines } from './measure.js';
import { pagerdutyReader } from './read.js';
import { PREFIX, SIGNALS } from './signals.js';

const WEEK_MS = 7 * 86_400_000;
const NO_POSTMORTEMS = 'PagerDuty\'s REST API v2 has no postmortem or review objects; import reviews with an incident file';

export const pagerdutyCollector: Collector<PagerdutyConfig> = {
  id: 'pagerduty',
  description: 'PagerDuty (REST API v2, read-only key): services, escalation policies, schedules and on-calls, incidents and their log entries',
  signals: SIGNALS,
  publishes: ['incidents'],
  configSchema: pagerdutyConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({
      baseURL: config.api_url,
      headers: { Authorization: `Token token=${config.token}`, Accept: 'application/vnd.pagerduty+json;version=2' },
    });
    const read = pagerdutyReader(pagerdutyApi(http), config.page_size);
    const measured = new Map<string, Measured>();
    const put = (ms: ReadonlyMap<string, Measured>) => { for (const [id, m] of ms) measured.set(id, m); };

    const abilities = await read.abilities();
    measured.set('pagerduty.api.reachable', fromRead(abilities, () => true, (a) => ({ detail: `${a.length} account abilities` })));

    const services = await read.services();
    put(measuredFrom(PREFIX, services, ['services'], (s) => measureServices(toServices(s.services.data), toPolicies(s.policies.data))));

    // Coverage of the coming week, from the window's end: the schedule as it stands now.
    const week = { start: ctx.window.end.getTime(), end: ctx.window.end.getTime() + WEEK_MS };
    const oncall = await read.oncall({ since: new Date(week.start).toISOString(), until: new Date(week.end).toISOString() });
    // GET /oncalls lists on-calls through escalation policies: a schedule no policy targets pages
    // nobody and shows no on-call there, so it is left out rather than counted as uncovered.
    const policies = services.status === 'ok' ? services.data.policies : undefined;
    const withPolicies = oncall.status === 'ok' ? { ...oncall, evidence: [...oncall.evidence, ...(policies?.evidence ?? [])] } : oncall;
    put(measuredFrom(PREFIX, withPolicies, ['oncall'], ({ schedules, oncalls }) => {
      const targeted = policies ? new Set(policies.data.flatMap((p) => p.escalation_rules.flatMap((r) => r.targets.map((t) => t.id)))) : undefined;
      const used = targeted ? schedules.data.filter((s) => targeted.has(s.id)) : schedules.data;
      const unused = schedules.data.filter((s) => !used.includes(s)).map((s) => s.name);
      const note = unused.length ? [`left out, targeted by no escalation policy: ${unused.join(', ')}`] : [];
      return measureOncall(toSchedules(used, oncalls.data, week), week.start).map((m) => (note.length ? { ...m, notes: [...(m.notes ?? []), ...note] } : m));
    }));

    const span = { since: ctx.window.start.toISOString(), until: ctx.window.end.toISOString() };
    const incidents = await read.incidents(span);
    if (incidents.status !== 'ok') {
      put(measuredFrom(PREFIX, incidents, ['incidents', 'timeline', 'reviews'], () => []));
      emitAll(ctx, SIGNALS, measured, 'not measured');
      return;
    }
    // Accounts without priorities answer 404 or 403 here: incidents are then graded by urgency.
    const priorities = await read.priorities();
    if (priorities.status !== 'ok') ctx.log.info('priorities not read; grading incidents by urgency', { error: priorities.reason });
    const timeline = await read.logEntries(span);
    const names = services.status === 'ok' ? new Map(services.data.services.data.map((s) => [s.id, s.name])) : undefined;
    const records = toIncidents(incidents.data, timeline.status === 'ok' ? toTimelines(timeline.data) : undefined, priorities.status === 'ok' ? priorities.data : [],
      config.major_priorities, { names, apps: config.service_apps });
    const evidence = [...incidents.evidence, ...(priorities.status === 'ok' ? priorities.evidence : [])];
    const timelineMeasures = new Set(measuresFrom('timeline'));
    const reviewMeasures = new Set(measuresFrom('reviews'));
    const all = measureIncidents(records, { start: ctx.window.start.getTime(), end: ctx.window.end.getTime() });
    put(measuredFrom(PREFIX, { ...incidents, evidence }, [], () => all.filter((m) => !timelineMeasures.has(m.measure) && !reviewMeasures.has(m.measure))));
    put(measuredFrom(PREFIX, timeline.status === 'ok' ? { ...timeline, evidence: [...evidence, ...timeline.evidence] } : timeline, ['timeline'], () => all.filter((m) => timelineMeasures.has(m.measure))));
    put(notAvailableUnder(PREFIX, ['reviews'], NO_POSTMORTEMS, evidence));
    // The whole window's incidents for change failure from incidents (src/incidents/change-failure.ts).
    ctx.publish('incidents', records, evidence);
    emitAll(ctx, SIGNALS, measured, 'not measured');
  },
};
