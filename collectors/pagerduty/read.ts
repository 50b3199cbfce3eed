import { attemptRead, type Read } from '../../src/collector/kit.js';
import type { HttpResponse } from '../../src/http/client.js';
import { pagingLoop, repeatsPage } from '../../src/collector/paging.js';
import type { EscalationPolicy, Incident, LogEntry, Oncall, PagerdutyApi, Priority, Schedule, Service } from './api.js';

/** Objects read over every page, with the evidence ids of the pages: what `attemptRead` settles. */
export interface Paged<T> {
  data: T[];
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
/** One listing's pages; `path` names it in a reason. */
type FetchPage<P> = ((params: Params) => Promise<HttpResponse<P>>) & { path?: string };

/**
 * Reads every page of a classic-paginated list: `offset` grows by the page's length until
 * `more` is false. The first page asks for `total`, so a listing beyond PagerDuty's 10,000-object
 * reach is known at once and thrown as BeyondClassicPaging rather than cut silently. A page with
 * the objects of the page before is a server that ignores `offset` while saying `more`: a paging
 * loop, which would otherwise run to the 10,000-object reach and split the span down to minutes.
 */
export async function readAll<P extends ClassicPage & { total?: number | null }, T>(fetchPage: FetchPage<P>, items: (page: P) => T[], params: Params, limit: number): Promise<Paged<T>> {
  const out: T[] = [];
  const evidence: string[] = [];
  let offset = 0;
  let previous: T[] = [];
  for (;;) {
    if (offset + limit > MAX_CLASSIC) throw new BeyondClassicPaging(undefined, evidence);
    const res = await fetchPage({ ...params, limit, offset, ...(offset === 0 ? { total: true } : {}) });
    evidence.push(res.evidence);
    const total = res.data.total ?? undefined;
    if (offset === 0 && total !== undefined && total > MAX_CLASSIC) throw new BeyondClassicPaging(total, evidence);
    const got = items(res.data);
    if (offset > 0 && repeatsPage(got, previous)) {
      throw pagingLoop(`GET ${fetchPage.path ?? 'the listing'}`, `answered offset ${offset} with the objects of offset ${offset - previous.length} (the server ignores offset)`, res.evidence);
    }
    previous = got;
    out.push(...got);
    // a server that says `more` but sends nothing would loop for ever
    if (!res.data.more || got.length === 0) break;
    offset += got.length;
  }
  return { data: out, evidence };
}

/**
 * Reads a time-bounded listing over [since, until): when the span holds more than classic
 * pagination reaches, reads its two halves instead, down to one-minute spans (beyond that the
 * listing fails with the reason).
 */
export async function readSpan<P extends ClassicPage & { total?: number | null }, T>(fetchPage: FetchPage<P>, items: (page: P) => T[], params: Params, limit: number, span: Span): Promise<Paged<T>> {
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
    return { data: [...first.data, ...second.data], evidence: [...err.evidence, ...first.evidence, ...second.evidence] };
  }
}

export interface Span {
  since: string;
  until: string;
}

/** What the services read holds: the services and the escalation policies they follow. */
export interface ServicesRead {
  services: Paged<Service>;
  policies: Paged<EscalationPolicy>;
}

/** What the on-call read holds: the schedules and who is on call on them over the span. */
export interface OncallRead {
  schedules: Paged<Schedule>;
  oncalls: Paged<Oncall>;
}

/**
 * The reads one PagerDuty account needs, each paged to the end and settled into a kit `Read`: a
 * failed one fails only the signals measured from it; a passed deadline ends the collection.
 */
export function pagerdutyReader(api: PagerdutyApi, limit: number) {
  const settle = <T>(run: () => Promise<{ data: T; evidence: string[] }>): Promise<Read<T>> => attemptRead(run);
  const both = async <A, B>(first: () => Promise<Paged<A>>, second: () => Promise<Paged<B>>) => {
    const a = await first();
    const b = await second();
    return { a, b, evidence: [...a.evidence, ...b.evidence] };
  };
  return {
    /** A refused key or an API that does not answer makes every other read pointless: those end the collection. */
    abilities: () => attemptRead(async () => { const res = await api.abilities(); return { data: res.data.abilities, evidence: [res.evidence] }; }, { fatal: ['credentials', 'unavailable'] }),
    services: (): Promise<Read<ServicesRead>> => settle(async () => {
      const { a, b, evidence } = await both(() => readAll(api.services, (p) => p.services, {}, limit), () => readAll(api.escalationPolicies, (p) => p.escalation_policies, {}, limit));
      return { data: { services: a, policies: b }, evidence };
    }),
    oncall: (span: Span): Promise<Read<OncallRead>> => settle(async () => {
      const { a, b, evidence } = await both(() => readAll(api.schedules, (p) => p.schedules, {}, limit), () => readSpan(api.oncalls, (p) => p.oncalls, { time_zone: 'UTC' }, limit, span));
      return { data: { schedules: a, oncalls: b }, evidence };
    }),
    priorities: (): Promise<Read<Priority[]>> => settle(() => readAll(api.priorities, (p) => p.priorities, {}, limit)),
    incidents: (span: Span): Promise<Read<Incident[]>> => settle(() => readSpan(api.incidents, (p) => p.incidents, { time_zone: 'UTC' }, limit, span)),
    // Every entry, not the overview: notes and reassignments are first actions too.
    logEntries: (span: Span): Promise<Read<LogEntry[]>> => settle(() => readSpan(api.logEntries, (p) => p.log_entries, { time_zone: 'UTC', is_overview: false }, limit, span)),
  };
}
