import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../../src/http/client.js';

/**
 * The parts of Backstage's catalogue API techops reads (backstage/backstage,
 * plugins/catalog-backend/src/schema/openapi.yaml): `GET /entities/by-query` (cursor paging:
 * `items`, `totalItems`, `pageInfo.nextCursor`) and, on catalogues older than it,
 * `GET /entities` (a plain array, `offset`/`limit`). Only the fields named in `fields` come
 * back, so `apiVersion` and most of `spec` are optional here; what is read must have its
 * documented type.
 */

export const relationSchema = z.object({ type: z.string(), targetRef: z.string() });

export const entitySchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string(),
  metadata: z.object({
    name: z.string(),
    namespace: z.string().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.object({
    owner: z.string().optional(),
    lifecycle: z.string().optional(),
    type: z.string().optional(),
  }).passthrough().optional(),
  relations: z.array(relationSchema).optional(),
});

export const queryResponse = z.object({
  items: z.array(entitySchema),
  totalItems: z.number(),
  pageInfo: z.object({ nextCursor: z.string().optional(), prevCursor: z.string().optional() }),
});

export type Entity = z.infer<typeof entitySchema>;
export type QueryPage = z.infer<typeof queryResponse>;

/** The fields every catalogue request asks for: what the measures and the inventory need. */
export const ITEM_FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.annotations', 'spec.owner', 'spec.lifecycle', 'spec.type', 'relations'];
export const PRINCIPAL_FIELDS = ['kind', 'metadata.name', 'metadata.namespace'];

/** Repeated `filter` parameters go in the path: the client's params take one value per key. */
const filters = (kinds: readonly string[]) => kinds.map((k) => `filter=${encodeURIComponent(`kind=${k}`)}`).join('&');

/** The requests techops makes, one function per endpoint; all GET. */
export function backstageApi(http: HttpClient) {
  return {
    /** The first page of a query: the filter sets name the kinds. */
    queryFirst: (kinds: readonly string[], fields: readonly string[], limit: number): Promise<HttpResponse<QueryPage>> =>
      http.getJson(`/entities/by-query?${filters(kinds)}`, queryResponse, { params: { fields: fields.join(','), limit } }),
    /** A next page: the cursor carries the filter (filter and cursor are mutually exclusive). */
    queryNext: (cursor: string, fields: readonly string[], limit: number): Promise<HttpResponse<QueryPage>> =>
      http.getJson('/entities/by-query', queryResponse, { params: { cursor, fields: fields.join(','), limit } }),
    /** The older listing, offset-paged. */
    entities: (kinds: readonly string[], fields: readonly string[], offset: number, limit: number): Promise<HttpResponse<Entity[]>> =>
      http.getJson(`/entities?${filters(kinds)}`, z.array(entitySchema), { params: { fields: fields.join(','), offset, limit } }),
  };
}

export type BackstageApi = ReturnType<typeof backstageApi>;
