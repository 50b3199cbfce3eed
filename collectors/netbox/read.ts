import { attemptRead, mapPool, type Read } from '../../src/collector/kit.js';
import { isCollectError } from '../../src/http/errors.js';
import { pagingLoop, repeatsPage } from '../../src/collector/paging.js';
import type { Cable, Cluster, ContactAssignment, CustomField, Device, EventRule, FetchPage, NetboxApi, ObjectChange, Params, VirtualMachine } from './api.js';

/** Pages fetched at once after the first (which gives the total). */
const PAGE_CONCURRENCY = 4;

/**
 * Every object of a limit/offset listing. The first page gives `count`; the other pages are
 * fetched by offset (not by following `next`, whose host is NetBox's own idea of itself and may
 * not be the configured URL). A listing whose pages disagree with its count (objects created or
 * deleted while reading) is kept as read: the counts measured from it are as of the read. A page
 * with the first page's objects again is a server that ignores the offset: a paging loop, not
 * objects to count twice.
 */
export async function readAll<T>(fetchPage: FetchPage<T>, limit: number, params: Params = {}, signal?: AbortSignal): Promise<{ data: T[]; evidence: string[] }> {
  const first = await fetchPage({ ...params, limit, offset: 0 });
  const data = [...first.data.results];
  const evidence = [first.evidence];
  if (first.data.next === null || first.data.results.length === 0) return { data, evidence };
  const step = first.data.results.length;
  const offsets: number[] = [];
  for (let o = step; o < first.data.count; o += step) offsets.push(o);
  const pages = await mapPool(offsets, PAGE_CONCURRENCY, (offset) => fetchPage({ ...params, limit: step, offset }), signal);
  pages.forEach((p, i) => {
    if (repeatsPage(p.data.results, first.data.results)) {
      throw pagingLoop(`GET ${fetchPage.path ?? 'the listing'}`, `answered offset ${offsets[i]} with the objects of offset 0 (the server ignores offset)`, p.evidence);
    }
  });
  for (const p of pages) {
    data.push(...p.data.results);
    evidence.push(p.evidence);
  }
  return { data, evidence };
}

/** How many objects a listing holds, from one page of one object. */
export async function countOf<T>(fetchPage: FetchPage<T>, params: Params = {}): Promise<{ data: number; evidence: string[] }> {
  const page = await fetchPage({ ...params, limit: 1, offset: 0 });
  return { data: page.data.count, evidence: [page.evidence] };
}

export interface ChangeLog {
  /** Changes in the window, newest first. */
  inWindow: ObjectChange[];
  /** The oldest change kept, if any. */
  oldest?: ObjectChange;
  /** Total changes kept. */
  kept: number;
  path: string;
}

/** The reads one NetBox needs, each settled on its own (one refused listing fails only its signals). */
export function netboxReader(api: NetboxApi, limit: number, signal?: AbortSignal) {
  const all = <T>(fetchPage: FetchPage<T>, params: Params = {}, absent?: string): Promise<Read<T[]>> =>
    attemptRead(() => readAll(fetchPage, limit, params, signal), absent ? { absentOn: ['not_found'], absentReason: absent } : {});
  const counted = <T>(fetchPage: FetchPage<T>): Promise<Read<number>> => attemptRead(() => countOf(fetchPage));
  return {
    devices: (): Promise<Read<Device[]>> => all(api.devices),
    virtualMachines: (): Promise<Read<VirtualMachine[]>> => all(api.virtualMachines),
    clusters: (): Promise<Read<Cluster[]>> => all(api.clusters),
    contactAssignments: (): Promise<Read<ContactAssignment[]>> => all(api.contactAssignments),
    cables: (): Promise<Read<Cable[]>> => all(api.cables),
    customFields: (): Promise<Read<CustomField[]>> => all(api.customFields),
    eventRules: (): Promise<Read<EventRule[]>> => all(api.eventRules, {}, 'this NetBox has no event rules (added in NetBox 3.7)'),
    tenants: () => counted(api.tenants),
    journalEntries: () => counted(api.journalEntries),
    prefixes: () => counted(api.prefixes),
    ipAddresses: () => counted(api.ipAddresses),
    /**
     * The change log: the window's changes and the oldest change kept. NetBox 4.1 moved it to
     * /api/core/; a 404 there means an older NetBox, read at /api/extras/.
     */
    changeLog: (since: Date, until: Date): Promise<Read<ChangeLog>> => attemptRead(async () => {
      const evidence: string[] = [];
      let legacy = false;
      let oldestPage;
      try {
        oldestPage = await api.objectChanges(false)({ ordering: 'time', limit: 1, offset: 0 });
      } catch (err) {
        if (!isCollectError(err, 'not_found')) throw err;
        if (err.detail.evidence) evidence.push(err.detail.evidence);
        legacy = true;
        oldestPage = await api.objectChanges(true)({ ordering: 'time', limit: 1, offset: 0 });
      }
      evidence.push(oldestPage.evidence);
      const inWindow = await readAll(api.objectChanges(legacy), limit, { time_after: since.toISOString(), time_before: until.toISOString() }, signal);
      return {
        data: { inWindow: inWindow.data, oldest: oldestPage.data.results[0], kept: oldestPage.data.count, path: legacy ? '/api/extras/object-changes/' : '/api/core/object-changes/' },
        evidence: [...evidence, ...inWindow.evidence],
      };
    }),
  };
}

export type NetboxReader = ReturnType<typeof netboxReader>;
