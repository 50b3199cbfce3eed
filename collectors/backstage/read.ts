import { attemptRead, type Read } from '../../src/collector/kit.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import { ITEM_FIELDS, PRINCIPAL_FIELDS, type BackstageApi, type Entity } from './api.js';

/** The catalogue's kinds techops counts as configuration items, and those that can own them. */
export const ITEM_KINDS = ['component', 'system', 'api', 'resource'] as const;
export const PRINCIPAL_KINDS = ['group', 'user'] as const;

/** A query's pages to the end; more pages than this means a cursor that never ends. */
const MAX_PAGES = 2_000;

/**
 * Every entity of the kinds, by cursor (`/entities/by-query`); a catalogue without that endpoint
 * (404, Backstage before 1.13) is read through `/entities` with offset and limit instead.
 */
export async function readKinds(api: BackstageApi, kinds: readonly string[], fields: readonly string[], limit: number): Promise<{ data: Entity[]; evidence: string[] }> {
  const evidence: string[] = [];
  let first;
  try {
    first = await api.queryFirst(kinds, fields, limit);
  } catch (err) {
    if (!isCollectError(err, 'not_found')) throw err;
    if (err.detail.evidence) evidence.push(err.detail.evidence);
    return readByOffset(api, kinds, fields, limit, evidence);
  }
  evidence.push(first.evidence);
  const items = [...first.data.items];
  const seen = new Set<string>();
  let cursor = first.data.pageInfo.nextCursor;
  for (let page = 1; cursor; page++) {
    // a cursor seen before, or no end in sight, would loop for ever
    if (seen.has(cursor) || page >= MAX_PAGES) throw new CollectError('malformed', `the catalogue's cursor paging does not end (page ${page})`, { evidence: first.evidence });
    seen.add(cursor);
    const next = await api.queryNext(cursor, fields, limit);
    evidence.push(next.evidence);
    items.push(...next.data.items);
    cursor = next.data.items.length ? next.data.pageInfo.nextCursor : undefined;
  }
  return { data: items, evidence };
}

async function readByOffset(api: BackstageApi, kinds: readonly string[], fields: readonly string[], limit: number, evidence: string[]): Promise<{ data: Entity[]; evidence: string[] }> {
  const items: Entity[] = [];
  for (let offset = 0, page = 0; ; offset += limit, page++) {
    if (page >= MAX_PAGES) throw new CollectError('malformed', `the catalogue's offset paging does not end (page ${page})`, {});
    const res = await api.entities(kinds, fields, offset, limit);
    evidence.push(res.evidence);
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
export async function readCatalogue(api: BackstageApi, limit: number): Promise<BackstageReads> {
  const items = await attemptRead(() => readKinds(api, ITEM_KINDS, ITEM_FIELDS, limit), { fatal: ['credentials'] });
  const principals = await attemptRead(() => readKinds(api, PRINCIPAL_KINDS, PRINCIPAL_FIELDS, limit));
  return { items, principals };
}
