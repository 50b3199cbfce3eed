import { attemptRead, mapPool, readFailed, readOk, type Read } from '../../src/collector/kit.js';
import type { HttpResponse } from '../../src/http/client.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import { pagingLoop, repeatsPage } from '../../src/collector/paging.js';
import type { AlertRule, ContactPoint, DashboardFull, Folder, GrafanaApi, Hit, Permission } from './api.js';

/** A page-numbered listing stops here even if every page is full: a server that never ends. */
const MAX_PAGES = 1000;
/** Dashboards and folder permissions read at once (the instance's cap bounds requests further). */
const CONCURRENCY = 4;

/**
 * Reads a `limit`/`page` listing (Grafana's search and folders, pages numbered from 1) until a
 * page comes back shorter than the limit. A full page with the items of the page before is a
 * server that ignores `page`: a paging loop, named by `path`.
 */
export async function readPages<T>(fetchPage: (page: number) => Promise<HttpResponse<T[]>>, limit: number, path: string): Promise<{ data: T[]; evidence: string[] }> {
  const data: T[] = [];
  const evidence: string[] = [];
  let previous: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await fetchPage(page);
    evidence.push(res.evidence);
    if (repeatsPage(res.data, previous)) throw pagingLoop(`GET ${path}`, `answered page ${page} with the items of page ${page - 1} (the server ignores page)`, res.evidence);
    previous = res.data;
    data.push(...res.data);
    if (res.data.length < limit) return { data, evidence };
  }
  throw new CollectError('malformed', `GET ${path}: more than ${MAX_PAGES} full pages of ${limit}, the listing does not end`, { evidence: evidence.at(-1) });
}

/** 403 on a read the token's role may not make: the reason names what is missing. */
function denied(err: unknown, needs: string): unknown {
  if (isCollectError(err, 'credentials') && err.detail.status === 403) {
    return new CollectError('credentials', `the token may not read this (${needs}): ${err.message}`, err.detail);
  }
  return err;
}

export function grafanaReader(api: GrafanaApi, o: { limit: number; maxDashboards: number; signal: AbortSignal }) {
  return {
    /** The search listing; a refused token here ends the collection (every other read would be refused too). */
    search: (): Promise<Read<Hit[]>> => attemptRead(() => readPages((p) => api.search(p, o.limit), o.limit, '/api/search'), { fatal: ['credentials'] }),

    /** The model of each of the first `maxDashboards` dashboards listed; one that fails fails the read. */
    dashboards: (hits: readonly Hit[]): Promise<Read<DashboardFull[]>> => {
      const evidence: string[] = [];
      return attemptRead(async () => {
        const full = await mapPool(hits.slice(0, o.maxDashboards), CONCURRENCY, async (h) => {
          try {
            const res = await api.dashboard(h.uid);
            evidence.push(res.evidence);
            return res.data;
          } catch (err) {
            throw isCollectError(err) ? new CollectError(err.kind, `dashboard ${h.uid} ('${h.title}'): ${err.message}`, err.detail) : err;
          }
        }, o.signal);
        return { data: full, evidence };
      }).then((r) => (r.status === 'ok' ? r : { ...r, evidence: [...new Set([...evidence, ...r.evidence])] }));
    },

    folders: (): Promise<Read<Folder[]>> => attemptRead(() => readPages((p) => api.folders(p, o.limit), o.limit, '/api/folders')),

    /** Each folder's grants; one folder refused fails the whole read (a ratio over the rest would flatter). */
    permissions: async (folders: readonly Folder[]): Promise<Read<Map<string, Permission[]>>> => {
      const evidence: string[] = [];
      try {
        const all = await mapPool(folders, CONCURRENCY, async (f) => {
          const res = await api.folderPermissions(f.uid);
          evidence.push(res.evidence);
          return [f.uid, res.data] as const;
        }, o.signal);
        return readOk(new Map(all), evidence);
      } catch (err) {
        if (isCollectError(err, 'aborted')) throw err;
        return readFailed(denied(err, 'folders.permissions:read, e.g. Admin on the folders'), evidence);
      }
    },

    annotations: (from: number, to: number, limit: number): Promise<Read<number>> => attemptRead(async () => {
      try {
        const res = await api.annotations(from, to, limit);
        return { data: res.data.length, evidence: [res.evidence] };
      } catch (err) {
        throw denied(err, 'annotations:read');
      }
    }),

    alertRules: (): Promise<Read<AlertRule[]>> => attemptRead(async () => {
      try {
        const res = await api.alertRules();
        return { data: res.data, evidence: [res.evidence] };
      } catch (err) {
        throw denied(err, 'alert.provisioning:read, e.g. the Admin role');
      }
    }),

    contactPoints: (): Promise<Read<ContactPoint[]>> => attemptRead(async () => {
      try {
        const res = await api.contactPoints();
        return { data: res.data, evidence: [res.evidence] };
      } catch (err) {
        throw denied(err, 'alert.provisioning:read, e.g. the Admin role');
      }
    }),
  };
}
