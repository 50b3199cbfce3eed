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

/** PagerDuty's classic pagination answers no further than offset + limit = 10,000. */
export const MAX_CLASSIC = 10_000;

/** A listing has more objects than classic pagination can reach; the caller narrows the query. */
export class BeyondClassicPaging extends Error {
  constructor(readonly total: number | undefined, readonly evidence: string[]) {
    super(`more than ${MAX_CLASSIC} objects${total !== undefined ? ` (${total})` : ''}: beyond classic pagination`);
  }
}

type Params = Record<string, string | number | boolean>;
type FetchPage<P> = (params: Params) => Promise<HttpResponse<P>>;

/**
 * Reads every page of a classic-paginated list: `offset` grows by the page's length until
 * `more` is false. The first page asks for `total`, so a listing beyond PagerDuty's 10,000-object
 * reach is known at once and thrown as BeyondClassicPaging rather than cut silently.
 */
export async function readAll<P extends ClassicPage & { total?: number | null }, T>(fetchPage: FetchPage<P>, items: (page: P) => T[], params: Params, limit: number): Promise<Read<T>> {
  const out: T[] = [];
  const evidence: string[] = [];
  let offset = 0;
  for (;;) {
    if (offset + limit > MAX_CLASSIC) throw new BeyondClassicPaging(undefined, evidence);
    const res = await fetchPage({ ...params, limit, offset, ...(offset === 0 ? { total: true } : {}) });
    evidence.push(res.evidence);
    const total = res.data.total ?? undefined;
    if (offset === 0 && total !== undefined && total > MAX_CLASSIC) throw new BeyondClassicPaging(total, evidence);
    const got = items(res.data);
    out.push(...got);
    // a server that says `more` but sends nothing would loop for ever
    if (!res.data.more || got.length === 0) break;
    offset += got.length;
  }
  return { items: out, evidence };
}

/**
 * Reads a time-bounded listing over [since, until): when the span holds more than classic
 * pagination reaches, reads its two halves instead, down to one-minute spans (beyond that the
 * listing fails with the reason).
 */
export async function readSpan<P extends ClassicPage & { total?: number | null }, T>(fetchPage: FetchPage<P>, items: (page: P) => T[], params: Params, limit: number, span: Span): Promise<Read<T>> {
  try {
    return await readAll(fetchPage, items, { ...params, ...span }, limit);
  } catch (err) {
    const since = Date.parse(span.since);
    const until = Date.parse(span.until);
    if (!(err instanceof BeyondClassicPaging) || until - since <= 60_000) throw err;
    const mid = new Date(since + Math.floor((until - since) / 2)).toISOString();
    const first = await readSpan(fetchPage, items, params, limit, { since: span.since, until: mid });
    const second = await readSpan(fetchPage, items, params, limit, { since: mid, until: span.until });
    // the pages that found the span too large are evidence too
    return { items: [...first.items, ...second.items], evidence: [...err.evidence, ...first.evidence, ...second.evidence] };
  }
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
    oncalls: (span: Span): Promise<Read<Oncall>> => readSpan(api.oncalls, (p) => p.oncalls, { time_zone: 'UTC' }, limit, span),
    priorities: (): Promise<Read<Priority>> => readAll(api.priorities, (p) => p.priorities, {}, limit),
    incidents: (span: Span): Promise<Read<Incident>> => readSpan(api.incidents, (p) => p.incidents, { time_zone: 'UTC' }, limit, span),
    // Every entry, not the overview: notes and reassignments are first actions too.
    logEntries: (span: Span): Promise<Read<LogEntry>> => readSpan(api.logEntries, (p) => p.log_entries, { time_zone: 'UTC', is_overview: false }, limit, span),
  };
}
