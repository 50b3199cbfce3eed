import { attemptRead, readFailed, type Read, type Window } from '../../src/collector/kit.js';
import { isCollectError } from '../../src/http/errors.js';
import { pagingLoop, repeatsPage } from '../../src/collector/paging.js';
import type { HttpResponse } from '../../src/http/client.js';
import type { Alert, Escalation, Incident, LogEntry, OpsgenieApi, RoutingRule, Schedule, Service, Team, Timeline } from './api.js';

/** A list read to its end (or to a stated limit), with every response it came from: what `attemptRead` settles. */
export interface Paged<T> {
  data: T[];
  evidence: string[];
  /** Why the list stops short of everything the API holds, when it does. */
  truncated?: string;
}

/** Opsgenie's page size maximum for offset-paged lists. */
export const PAGE_LIMIT = 100;
/** Opsgenie refuses offset + limit beyond 20,000 on list endpoints: a longer list needs a narrower query. */
export const MAX_OFFSET = 20_000;

type Page<T> = { data: T[]; paging?: { next?: string } };

/**
 * Offset paging: `offset`/`limit` until the response carries no `paging.next` (or an empty page).
 * The `next` URL itself is not followed: it names the vendor's host, and the key goes only to
 * the configured base URL. A page with the items of the page before is a server that ignores the
 * offset while saying `next`: a paging loop (named by `path`), not items to count again.
 *
 * `translate`, when given, turns each page into what the caller keeps as it arrives, so that a
 * long list (thousands of alerts) is never held whole as parsed objects; only the page before is
 * kept as read, to recognise a repeated page.
 */
export function readOffsetPaged<T>(fetch: (offset: number, limit: number) => Promise<HttpResponse<Page<T>>>, limit?: number, path?: string): Promise<Paged<T>>;
export function readOffsetPaged<T, U>(fetch: (offset: number, limit: number) => Promise<HttpResponse<Page<T>>>, limit: number, path: string, translate: (page: T[]) => U[]): Promise<Paged<U>>;
export async function readOffsetPaged<T, U>(
  fetch: (offset: number, limit: number) => Promise<HttpResponse<Page<T>>>,
  limit = PAGE_LIMIT,
  path = 'the list',
  translate: (page: T[]) => (T | U)[] = (page) => page,
): Promise<Paged<T | U>> {
  const items: (T | U)[] = [];
  const evidence: string[] = [];
  let previous: T[] = [];
  for (let offset = 0; ; offset += limit) {
    if (offset + limit > MAX_OFFSET) {
      return { data: items, evidence, truncated: `Opsgenie lists at most ${MAX_OFFSET} items per query; ${items.length} read` };
    }
    const res = await fetch(offset, limit);
    if (offset > 0 && sameFirstItem(res.data.data, previous) && repeatsPage(res.data.data, previous)) {
      throw pagingLoop(`GET ${path}`, `answered offset ${offset} with the items of offset ${offset - limit} (the server ignores offset)`, res.evidence);
    }
    previous = res.data.data;
    for (const item of translate(res.data.data)) items.push(item);
    evidence.push(res.evidence);
    if (!res.data.paging?.next || res.data.data.length === 0) return { data: items, evidence };
  }
}

/**
 * Whether two pages start with the same item: what a repeated page must do, tested before the
 * whole pages are compared (two ~70 KB strings per page of alerts, 12 MiB of garbage over the
 * benchmark's x100 window, for lists that almost never repeat).
 */
function sameFirstItem(page: readonly unknown[], earlier: readonly unknown[]): boolean {
  return page.length > 0 && page.length === earlier.length && JSON.stringify(page[0]) === JSON.stringify(earlier[0]);
}

/** Cursor paging of log lists: the last entry's `offset` is the cursor of the next page. */
export async function readLogs(api: OpsgenieApi, incidentId: string, maxPages = 10): Promise<Paged<LogEntry>> {
  const items: LogEntry[] = [];
  const evidence: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await api.incidentLogs(incidentId, cursor, PAGE_LIMIT);
    items.push(...res.data.data);
    evidence.push(res.evidence);
    const last = res.data.data.at(-1)?.offset;
    if (!res.data.paging?.next || res.data.data.length === 0 || !last || last === cursor) return { data: items, evidence };
    cursor = last;
  }
  return { data: items, evidence, truncated: `logs of incident ${incidentId} longer than ${maxPages} pages` };
}

/** Opsgenie's search query for things created within the scan window (epoch milliseconds). */
export function windowQuery(window: Window): string {
  return `createdAt>=${window.start.getTime()} AND createdAt<${window.end.getTime()}`;
}

export const readTeams = async (api: OpsgenieApi): Promise<Paged<Team>> => one(await api.teams());
export const readEscalations = async (api: OpsgenieApi): Promise<Paged<Escalation>> => one(await api.escalations());
export const readSchedules = async (api: OpsgenieApi): Promise<Paged<Schedule>> => one(await api.schedules());
export const readServices = (api: OpsgenieApi): Promise<Paged<Service>> => readOffsetPaged((o, l) => api.services(o, l), PAGE_LIMIT, '/v1/services');
/** The window's alerts, each page given to `translate` as it arrives (8,700 alerts at the benchmark's x100: only what the caller keeps of them is held). */
export const readAlerts = <U>(api: OpsgenieApi, window: Window, translate: (page: Alert[]) => U[]): Promise<Paged<U>> =>
  readOffsetPaged((o, l) => api.alerts(windowQuery(window), o, l), PAGE_LIMIT, '/v2/alerts', translate);
export const readIncidents = (api: OpsgenieApi, window: Window): Promise<Paged<Incident>> => readOffsetPaged((o, l) => api.incidents(windowQuery(window), o, l), PAGE_LIMIT, '/v1/incidents');

export async function readRoutingRules(api: OpsgenieApi, team: Team): Promise<{ rules: RoutingRule[]; evidence: string }> {
  const res = await api.routingRules(team.id);
  return { rules: res.data.data, evidence: res.evidence };
}

/** The final on-call timeline of a schedule over the `days` from `start`. */
export async function readTimeline(api: OpsgenieApi, schedule: Schedule, start: Date, days: number): Promise<{ timeline: Timeline; evidence: string }> {
  const res = await api.timeline(schedule.id, start, days);
  return { timeline: res.data.data, evidence: res.evidence };
}

function one<T>(res: HttpResponse<{ data: T[] }>): Paged<T> {
  return { data: res.data.data, evidence: [res.evidence] };
}

/**
 * Settles the reads of the account into kit `Read`s: a failed one fails only its source's
 * signals. A key rejected outright (401) on the first read ends the collection: nothing else
 * would work. A 403 is a missing right for one domain (a key without configuration access may
 * still read alerts), so it fails only that read.
 */
export function settler() {
  let first = true;
  return async <T>(run: () => Promise<{ data: T; evidence: string[] }>): Promise<Read<T>> => {
    const fatal = first;
    first = false;
    try {
      return await attemptRead(run, { fatal: fatal ? ['credentials'] : [] });
    } catch (err) {
      if (isCollectError(err, 'credentials') && err.detail.status !== 401) return readFailed(err);
      throw err;
    }
  };
}
