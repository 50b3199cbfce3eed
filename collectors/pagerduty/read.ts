import type { HttpResponse } from '../../src/http/client.js';
import type { EscalationPolicy, Incident, LogEntry, Oncall, PagerdutyApi, Priority, Schedule, Service } from './api.js';

/** Objects read over every page, with the evidence ids of the pages. */
export interface Read<T> {
  items: T[];
  evidence: string[];
}

interface ClassicPage {
  offset: number;
  more: boolean;
}

/**
 * Reads every page of a classic-paginated list: `offset` grows by the page's length until
 * `more` is false. PagerDuty refuses offsets past 10,000 objects; that limit is reported as the
 * failure it is rather than cut silently.
 */
export async function readAll<P extends ClassicPage, T>(
  fetchPage: (params: Record<string, string | number | boolean>) => Promise<HttpResponse<P>>,
  items: (page: P) => T[],
  params: Record<string, string | number | boolean>,
  limit: number,
): Promise<Read<T>> {
  const out: T[] = [];
  const evidence: string[] = [];
  let offset = 0;
  for (;;) {
    const res = await fetchPage({ ...params, limit, offset });
    evidence.push(res.evidence);
    const got = items(res.data);
    out.push(...got);
    // a server that says `more` but sends nothing would loop for ever
    if (!res.data.more || got.length === 0) break;
    offset += got.length;
  }
  return { items: out, evidence };
}

export interface Span {
  since: string;
  until: string;
}

/** The reads one PagerDuty account needs, each paged to the end. */
export function pagerdutyReader(api: PagerdutyApi, limit: number) {
  return {
    services: (): Promise<Read<Service>> => readAll(api.services, (p) => p.services, {}, limit),
    escalationPolicies: (): Promise<Read<EscalationPolicy>> => readAll(api.escalationPolicies, (p) => p.escalation_policies, {}, limit),
    schedules: (): Promise<Read<Schedule>> => readAll(api.schedules, (p) => p.schedules, {}, limit),
    oncalls: (span: Span): Promise<Read<Oncall>> => readAll(api.oncalls, (p) => p.oncalls, { ...span, time_zone: 'UTC' }, limit),
    priorities: (): Promise<Read<Priority>> => readAll(api.priorities, (p) => p.priorities, {}, limit),
    incidents: (span: Span): Promise<Read<Incident>> => readAll(api.incidents, (p) => p.incidents, { ...span, time_zone: 'UTC' }, limit),
    // Every entry, not the overview: notes and reassignments are first actions too.
    logEntries: (span: Span): Promise<Read<LogEntry>> => readAll(api.logEntries, (p) => p.log_entries, { ...span, time_zone: 'UTC', is_overview: false }, limit),
  };
}
