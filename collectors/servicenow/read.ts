import { attemptRead, mapPool, type Read } from '../../src/collector/kit.js';
import type { HttpResponse } from '../../src/http/client.js';
import { pagingLoop, repeatsPage } from '../../src/collector/paging.js';
import type { Audit, Ci, DictionaryEntry, FetchPage, Params, Relation, ServicenowApi } from './api.js';

const PAGE_CONCURRENCY = 4;

const total = (res: HttpResponse<unknown>): number | undefined => {
  const n = Number(res.headers['x-total-count']);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};
const hasNext = (res: HttpResponse<unknown>) => /<[^>]*>\s*;\s*rel="?next"?/i.test(res.headers.link ?? '');

/**
 * Every record of a query, by sysparm_offset/sysparm_limit. The query orders by sys_id so pages
 * do not shift while they are read. With X-Total-Count the remaining pages are fetched a few at a
 * time; without it the `Link: rel="next"` header is followed page by page (by offset: the link's
 * URL is never requested). A page with the records of the one before (or of the first) is an
 * instance that ignores sysparm_offset: a paging loop, which would otherwise run until the
 * request budget is spent.
 */
export async function readAll<T>(fetchPage: FetchPage<T>, limit: number, params: Params, signal?: AbortSignal): Promise<{ data: T[]; evidence: string[] }> {
  const first = await fetchPage({ ...params, sysparm_limit: limit, sysparm_offset: 0 });
  const data = [...first.data.result];
  const evidence = [first.evidence];
  const where = `GET ${fetchPage.path ?? 'the table'}`;
  const loop = (offset: number, earlier: number, evidence: string) =>
    pagingLoop(where, `answered sysparm_offset=${offset} with the records of sysparm_offset=${earlier} (the instance ignores the offset)`, evidence);
  const count = total(first);
  if (count !== undefined) {
    // an instance may cap the page below the limit asked (glide.json.return_limit): step by what it sent
    const step = Math.min(limit, first.data.result.length);
    const offsets: number[] = [];
    for (let o = step; step > 0 && o < count; o += step) offsets.push(o);
    const pages = await mapPool(offsets, PAGE_CONCURRENCY, (offset) => fetchPage({ ...params, sysparm_limit: step, sysparm_offset: offset }), signal);
    pages.forEach((p, i) => {
      if (repeatsPage(p.data.result, first.data.result)) throw loop(offsets[i], 0, p.evidence);
    });
    for (const p of pages) {
      data.push(...p.data.result);
      evidence.push(p.evidence);
    }
    return { data, evidence };
  }
  let page = first;
  while (hasNext(page) && page.data.result.length > 0) {
    signal?.throwIfAborted();
    const before = page;
    const offset = data.length;
    page = await fetchPage({ ...params, sysparm_limit: limit, sysparm_offset: offset });
    if (repeatsPage(page.data.result, before.data.result)) throw loop(offset, offset - before.data.result.length, page.evidence);
    data.push(...page.data.result);
    evidence.push(page.evidence);
  }
  return { data, evidence };
}

/** ServiceNow's encoded-query date-time, in UTC (the Table API compares raw values in UTC). */
export const glideTime = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');

export interface AuditLog {
  inWindow: Audit[];
  oldest?: Audit;
  kept: number;
}

const CI_TABLES = 'tablenameSTARTSWITHcmdb_ci';

export function servicenowReader(api: ServicenowApi, limit: number, signal?: AbortSignal) {
  const all = <T>(fetchPage: FetchPage<T>, query: string): Promise<Read<T[]>> =>
    attemptRead(() => readAll(fetchPage, limit, { sysparm_query: query }, signal));
  return {
    /** One record, to know the API answers these credentials before reading the rest. */
    probe: (extraFields: readonly string[]) => attemptRead(async () => {
      const r = await api.items(extraFields)({ sysparm_limit: 1, sysparm_offset: 0 });
      return { data: total(r), evidence: [r.evidence] };
    }, { fatal: ['credentials', 'unavailable'] }),
    items: (extraFields: readonly string[]): Promise<Read<Ci[]>> => all(api.items(extraFields) as FetchPage<Ci>, 'ORDERBYsys_id'),
    relations: (): Promise<Read<Relation[]>> => all(api.relations, 'ORDERBYsys_id'),
    customFields: (): Promise<Read<DictionaryEntry[]>> => all(api.dictionary, 'nameSTARTSWITHcmdb_ci^elementSTARTSWITHu_^ORDERBYsys_id'),
    audit: (since: Date, until: Date): Promise<Read<AuditLog>> => attemptRead(async () => {
      const oldest = await api.audit({ sysparm_query: `${CI_TABLES}^ORDERBYsys_created_on`, sysparm_limit: 1, sysparm_offset: 0 });
      const window = await readAll(api.audit, limit, { sysparm_query: `${CI_TABLES}^sys_created_on>=${glideTime(since)}^sys_created_on<${glideTime(until)}^ORDERBYsys_id` }, signal);
      return {
        data: { inWindow: window.data, oldest: oldest.data.result[0], kept: total(oldest) ?? oldest.data.result.length },
        evidence: [oldest.evidence, ...window.evidence],
      };
    }),
  };
}
