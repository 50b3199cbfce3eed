import { attemptRead, type Read } from '../../src/collector/kit.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import { pagingLoop, repeatsPage } from '../../src/collector/paging.js';
import { ITEM_FIELDS, PRINCIPAL_FIELDS, type BackstageApi, type Entity } from './api.js';

/** The catalogue's kinds techops counts as configuration items, and those that can own them. */
export const ITEM_KINDS = ['component', 'system', 'api', 'resource'] as const;
export const PRINCIPAL_KINDS = ['group', 'user'] as const;

/** A query's pages to the end; more pages than this means a cursor that never ends. */
const MAX_PAGES = 2_000;

/**
 * Every entity of the kinds, by cursor (`/entities/by-query`); a catalogue without that endpoint
 * (404, Backstage before 1.13) is read through `/entities` with offset and limit instead.
 * `catalogPath` names the requests in a reason.
 */
export async function readKinds(api: BackstageApi, kinds: readonly string[], fields: readonly string[], limit: number, catalogPath = '/api/catalog'): Promise<{ data: Entity[]; evidence: string[] }> {
  const evidence: string[] = [];
  let first;
  try {
    first = await api.queryFirst(kinds, fields, limit);
  } catch (err) {
    if (!isCollectError(err, 'not_found')) throw err;
    if (err.detail.evidence) evidence.push(err.detail.evidence);
    return readByOffset(api, kinds, fields, limit, evidence, catalogPath);
  }
  evidence.push(first.evidence);
  const items = [...first.data.items];
  const where = `GET ${catalogPath}/entities/by-query`;
  const seen = new Map<string, number>();
  let cursor = first.data.pageInfo.nextCursor;
  for (let page = 1; cursor; page++) {
    // a cursor seen before, or no end in sight, would loop for ever
    if (seen.has(cursor)) throw pagingLoop(where, `page ${page} gave the same next cursor as page ${seen.get(cursor)}`, evidence.at(-1));
    if (page >= MAX_PAGES) throw new CollectError('malformed', `${where}: more than ${MAX_PAGES} pages, the cursor paging does not end`, { evidence: evidence.at(-1) });
    seen.set(cursor, page);
    const next = await api.queryNext(cursor, fields, limit);
    evidence.push(next.evidence);
    items.push(...next.data.items);
    cursor = next.data.items.length ? next.data.pageInfo.nextCursor : undefined;
  }
  return { data: items, evidence };
}

async function readByOffset(api: BackstageApi, kinds: readonly string[], fields: readonly string[], limit: number, evidence: string[], catalogPath: string): Promise<{ data: Entity[]; evidence: string[] }> {
  const items: Entity[] = [];
  const where = `GET ${catalogPath}/entities`;
  let before: Entity[] = [];
  for (let offset = 0, page = 0; ; offset += limit, page++) {
    if (page >= MAX_PAGES) throw new CollectError('malformed', `${where}: more than ${MAX_PAGES} pages, the offset paging does not end`, { evidence: evidence.at(-1) });
    const res = await api.entities(kinds, fields, offset, limit);
    evidence.push(res.evidence);
    if (repeatsPage(res.data, before)) throw pagingLoop(where, `answered offset ${offset} with the entities of offset ${offset - limit} (the catalogue ignores the offset)`, res.evidence);
    before = res.data;
    items.push(...res.data);
    if (res.data.length < limit) return { data: items, evidence };
  }
}

export interface BackstageReads {
  /** Components, systems, APIs and resources. */
  items: Read<Entity[]>;
  /** Groups and users: who an owner can be. */
  principals: Read<Entity[]>;
}

/** The two listings; a refused token on the first ends the collection (the second would be refused alike). */
export async function readCatalogue(api: BackstageApi, limit: number, catalogPath?: string): Promise<BackstageReads> {
  const items = await attemptRead(() => readKinds(api, ITEM_KINDS, ITEM_FIELDS, limit, catalogPath), { fatal: ['credentials'] });
  const principals = await attemptRead(() => readKinds(api, PRINCIPAL_KINDS, PRINCIPAL_FIELDS, limit, catalogPath));
  return { items, principals };
}
