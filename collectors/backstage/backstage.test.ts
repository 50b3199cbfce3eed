import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Window } from '../../src/collector/types.js';
import { scanCollector } from '../../test/helpers/scan.js';
import { CollectError } from '../../src/http/errors.js';
import type { BackstageApi, Entity } from './api.js';
import { readKinds } from './read.js';
import { backstageConfigSchema } from './config.js';
import { backstageCollector } from './index.js';
import { completeRef, measureItems, measureOwners, ownerOf, toInventory } from './measure.js';

/*
 * Payloads are written by hand in the shape of Backstage's catalogue API (backstage/backstage,
 * plugins/catalog-backend/src/schema/openapi.yaml): `GET /entities/by-query` answers
 * `{ items, totalItems, pageInfo: { nextCursor?, prevCursor? } }` with each entity pruned to the
 * requested `fields`; next pages are asked for by `cursor` alone (no filter); `GET /entities`
 * answers a plain array; errors are `{ error: { name, message }, request, response: { statusCode } }`.
 */

const BASE = 'http://backstage.test:7007';
const TOKEN = 'bs-static-SeCrEt-9f2c1d7a';
const NOW = '2026-11-25T00:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-10-26T00:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };
const ITEM_FIELDS = 'kind,metadata.name,metadata.namespace,metadata.annotations,spec.owner,spec.lifecycle,spec.type,relations';
const PRINCIPAL_FIELDS = 'kind,metadata.name,metadata.namespace';

afterEach(() => nock.cleanAll());

const rel = (type: string, targetRef: string) => ({ type, targetRef });
function component(name: string, o: { owner: string; lifecycle?: string; ns?: string; k8s?: string; k8sNs?: string; system?: string; orphan?: boolean; relations?: { type: string; targetRef: string }[] }): Entity {
  const annotations: Record<string, string> = { 'backstage.io/managed-by-location': `url:https://git.example/shop/${name}/catalog-info.yaml` };
  if (o.k8s) annotations['backstage.io/kubernetes-id'] = o.k8s;
  if (o.k8sNs) annotations['backstage.io/kubernetes-namespace'] = o.k8sNs;
  if (o.orphan) annotations['backstage.io/orphan'] = 'true';
  return {
    kind: 'Component', metadata: { name, namespace: o.ns ?? 'default', annotations },
    spec: { type: 'service', owner: o.owner, ...(o.lifecycle !== undefined ? { lifecycle: o.lifecycle } : {}) },
    relations: [
      rel('ownedBy', completeRef(o.owner, 'group', o.ns ?? 'default')),
      ...(o.system ? [rel('partOf', `system:default/${o.system}`)] : []),
      ...(o.relations ?? []),
    ],
  };
}
const ITEMS: Entity[] = [
  component('checkout', { owner: 'payments', lifecycle: 'production', k8s: 'checkout', k8sNs: 'orders', system: 'shop', relations: [rel('dependsOn', 'resource:default/orders-db'), rel('providesApi', 'api:default/checkout-api')] }),
  component('cart', { owner: 'group:default/web', lifecycle: 'production', k8s: 'cart', k8sNs: 'shop-api', system: 'shop' }),
  // its owner's group is not in the catalogue: no owner
  component('report-export', { owner: 'legacy-team', lifecycle: 'deprecated', k8s: 'report-export' }),
  component('pricing-v0', { owner: 'user:default/jdoe', lifecycle: 'experimental', orphan: true }),
  { kind: 'System', metadata: { name: 'shop', namespace: 'default' }, spec: { owner: 'web' }, relations: [rel('ownedBy', 'group:default/web'), rel('hasPart', 'component:default/checkout'), rel('hasPart', 'component:default/cart')] },
  { kind: 'API', metadata: { name: 'checkout-api', namespace: 'default' }, spec: { type: 'openapi', lifecycle: 'production', owner: 'payments' }, relations: [rel('ownedBy', 'group:default/payments'), rel('apiProvidedBy', 'component:default/checkout')] },
  { kind: 'Resource', metadata: { name: 'orders-db', namespace: 'default' }, spec: { type: 'database', owner: 'payments' }, relations: [rel('ownedBy', 'group:default/payments'), rel('dependencyOf', 'component:default/checkout')] },
];
const PRINCIPALS: Entity[] = [
  { kind: 'Group', metadata: { name: 'payments', namespace: 'default' } },
  { kind: 'Group', metadata: { name: 'web', namespace: 'default' } },
  { kind: 'User', metadata: { name: 'jdoe', namespace: 'default' } },
];

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
const error = (status: number, name: string, message: string) => ({ error: { name, message }, request: { method: 'GET', url: '/api/catalog/entities/by-query' }, response: { statusCode: status } });
const kinds = (q: Record<string, unknown>) => [q.filter].flat().map(String).sort().join('|');
const ITEM_FILTER = 'kind=api|kind=component|kind=resource|kind=system';
const PRINCIPAL_FILTER = 'kind=group|kind=user';

/** The catalogue by cursor, `limit` entities a page; `replace.items` / `replace.principals` answer the first page instead. */
function serve(limit: number, replace: { items?: Reply[]; principals?: Reply[] | null } = {}) {
  const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
  const listing = (filter: string, fields: string, all: Entity[], tag: string, first?: Reply[] | null) => {
    if (first === null) return;
    for (const r of first ?? []) {
      scope.get('/api/catalog/entities/by-query').query((q) => kinds(q) === filter).reply(r.status, JSON.stringify(r.body), { 'Content-Type': 'application/json', ...r.headers });
    }
    if (first && first.at(-1)!.status !== 200 && first.at(-1)!.status !== 429) return;
    if (first && first.at(-1)!.status === 200) return;
    for (let offset = 0; offset < Math.max(all.length, 1); offset += limit) {
      const next = offset + limit < all.length ? `${tag}-${offset + limit}` : undefined;
      const body = { items: all.slice(offset, offset + limit), totalItems: all.length, pageInfo: { ...(next ? { nextCursor: next } : {}), ...(offset ? { prevCursor: `${tag}-prev` } : {}) } };
      const match = offset === 0
        ? (q: Record<string, unknown>) => kinds(q) === filter && q.fields === fields && q.limit === String(limit) && q.cursor === undefined
        : (q: Record<string, unknown>) => q.cursor === `${tag}-${offset}` && q.filter === undefined && q.fields === fields && q.limit === String(limit);
      scope.get('/api/catalog/entities/by-query').query(match).reply(200, body);
    }
  };
  listing(ITEM_FILTER, ITEM_FIELDS, ITEMS, 'items', replace.items);
  listing(PRINCIPAL_FILTER, PRINCIPAL_FIELDS, PRINCIPALS, 'principals', replace.principals);
  return scope;
}

async function scan(pageSize = 3) {
  const r = await scanCollector({
    collector: backstageCollector,
    instances: [{ collector: 'backstage', name: 'shop', config: backstageConfigSchema.parse({ url: BASE, token: TOKEN, page_size: pageSize }), http: { retries: 1 } }],
    window: WINDOW,
    now: NOW,
    secrets: [TOKEN],
  });
  return { ...r, get: (id: string) => r.get(`backstage.${id}`), value: (id: string) => r.value(`backstage.${id}`) };
}

describe('backstage collector', () => {
  it('reads every cursor page and measures owners, lifecycle, relations; publishes the workloads components name', async () => {
    const scope = serve(3);
    const { value, get, runs, publications, evidence } = await scan(3);
    expect(scope.pendingMocks()).toEqual([]);
    expect(runs[0].status).toBe('ok');
    expect(value('api.reachable')).toBe(true);
    expect(value('items.count')).toBe(7);
    expect(get('items.count').instances[0].detail).toBe('1 api, 4 component, 1 resource, 1 system');
    expect(value('items.application_count')).toBe(6);
    expect(value('resources.count')).toBe(1);
    // report-export's owner group is not in the catalogue
    expect(value('items.owner_ratio')).toBeCloseTo(6 / 7);
    expect(get('items.owner_ratio').objects?.sample).toEqual(['component:default/report-export (owner group:default/legacy-team)']);
    expect(value('items.lifecycle_ratio')).toBe(1);
    expect(value('lifecycle.stages_count')).toBe(3);
    // report-export and pricing-v0 relate to nothing but their owner
    expect(value('items.related_ratio')).toBeCloseTo(5 / 7);
    // checkout partOf shop, dependsOn orders-db, providesApi checkout-api; cart partOf shop
    expect(value('relations.count')).toBe(4);
    expect(value('items.orphan_count')).toBe(1);
    expect(value('groups.count')).toBe(2);
    expect(value('components.kubernetes_ratio')).toBe(0.75);
    expect(get('components.kubernetes_ratio').notes?.[0]).toMatch(/^1 name a workload without backstage.io\/kubernetes-namespace/);
    const inv = publications.find((p) => p.kind === 'inventory');
    expect(inv?.status).toBe('published');
    expect(inv?.status === 'published' && inv.records).toEqual([
      { role: 'registered', kind: 'workload', key: 'orders/checkout', name: 'component:default/checkout', owner: 'group:default/payments', lifecycle: 'production' },
      { role: 'registered', kind: 'workload', key: 'shop-api/cart', name: 'component:default/cart', owner: 'group:default/web', lifecycle: 'production' },
    ]);
    expect(JSON.stringify(evidence.records)).not.toContain(TOKEN);
  });

  it('reads a catalogue without /entities/by-query (404) through /entities with offset and limit', async () => {
    const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
    for (const [filter, fields, all] of [[ITEM_FILTER, ITEM_FIELDS, ITEMS], [PRINCIPAL_FILTER, PRINCIPAL_FIELDS, PRINCIPALS]] as const) {
      scope.get('/api/catalog/entities/by-query').query((q) => kinds(q) === filter).reply(404, error(404, 'NotFoundError', 'Not Found'));
      for (let offset = 0; offset <= all.length; offset += 4) {
        scope.get('/api/catalog/entities').query((q) => kinds(q) === filter && q.fields === fields && q.offset === String(offset) && q.limit === '4').reply(200, all.slice(offset, offset + 4));
      }
    }
    const { value } = await scan(4);
    expect(scope.pendingMocks()).toEqual([]);
    expect(value('items.count')).toBe(7);
    expect(value('items.owner_ratio')).toBeCloseTo(6 / 7);
  });

  it('waits for Retry-After on a 429 and then reads the page', async () => {
    const scope = serve(10, { items: [{ status: 429, body: error(429, 'TooManyRequests', 'rate limited'), headers: { 'Retry-After': '1' } }] });
    const { value } = await scan(10);
    expect(value('items.count')).toBe(7);
    expect(scope.isDone()).toBe(true);
  });

  it('stops on a refused token (401): every signal failed, no inventory published', async () => {
    serve(10, { items: [{ status: 401, body: error(401, 'AuthenticationError', 'Missing credentials') }], principals: null });
    const { get, runs, publications } = await scan(10);
    expect(runs[0].status).toBe('failed');
    expect(runs[0].error_kind).toBe('credentials');
    expect(get('items.owner_ratio').status).toBe('failed');
    expect(publications.find((p) => p.kind === 'inventory')?.status).toBe('missing');
  });

  it('fails only the owner share and the group count when users and groups may not be read (403)', async () => {
    serve(10, { principals: [{ status: 403, body: error(403, 'NotAllowedError', 'Forbidden') }] });
    const { get, value, runs } = await scan(10);
    expect(runs[0].status).toBe('partial');
    expect(get('items.owner_ratio').status).toBe('failed');
    expect(get('groups.count').status).toBe('failed');
    expect(value('items.lifecycle_ratio')).toBe(1);
  });

  it('fails the item signals on a malformed page and publishes nothing', async () => {
    serve(10, { items: [{ status: 200, body: { items: [{ metadata: { name: 'x' } }], totalItems: 1, pageInfo: {} } }] });
    const { get, publications } = await scan(10);
    expect(get('items.count').status).toBe('failed');
    expect(get('items.count').reason).toMatch(/by-query/);
    expect(publications.find((p) => p.kind === 'inventory')?.status).toBe('missing');
  });
});

describe('backstage paging (no HTTP)', () => {
  const entity = (name: string): Entity => ({ kind: 'Component', metadata: { name } });
  const answer = <T>(data: T) => Promise.resolve({ data, status: 200, headers: {}, evidence: 'ev' });
  const notFound = () => Promise.reject(new CollectError('not_found', 'not found (HTTP 404)', { status: 404 }));

  it('a cursor handed out twice is a paging loop naming the request, not a read for ever', async () => {
    const api: BackstageApi = {
      queryFirst: () => answer({ items: [entity('a')], totalItems: 9, pageInfo: { nextCursor: 'c1' } }),
      queryNext: () => answer({ items: [entity('b')], totalItems: 9, pageInfo: { nextCursor: 'c1' } }),
      entities: () => notFound(),
    };
    await expect(readKinds(api, ['component'], [], 1, '/catalog')).rejects.toThrow('paging loop: GET /catalog/entities/by-query page 2 gave the same next cursor as page 1');
  });

  it('an older catalogue that ignores offset is a paging loop naming /entities', async () => {
    const api: BackstageApi = {
      queryFirst: () => notFound(),
      queryNext: () => notFound(),
      entities: () => answer([entity('a'), entity('b')]),
    };
    await expect(readKinds(api, ['component'], [], 2)).rejects.toThrow('paging loop: GET /api/catalog/entities answered offset 2 with the entities of offset 0');
  });
});

describe('backstage measures (no HTTP)', () => {
  it('completes refs the catalogue way', () => {
    expect(completeRef('team-a', 'group', 'default')).toBe('group:default/team-a');
    expect(completeRef('User:Ops/JDoe', 'group', 'default')).toBe('user:ops/jdoe');
    expect(completeRef('infra/sre', 'group', 'default')).toBe('group:infra/sre');
  });

  it('takes the owner from the resolved relation before spec.owner', () => {
    expect(ownerOf({ kind: 'Component', metadata: { name: 'a', namespace: 'x' }, spec: { owner: 'team' } })).toBe('group:x/team');
    expect(ownerOf({ kind: 'Component', metadata: { name: 'a' }, spec: { owner: 'team' }, relations: [{ type: 'ownedBy', targetRef: 'user:default/ann' }] })).toBe('user:default/ann');
    expect(ownerOf({ kind: 'Component', metadata: { name: 'a' }, spec: {} })).toBeUndefined();
  });

  it('gives no ratio for an empty catalogue (not 0) and counts an item without owner as unowned', () => {
    expect(measureItems([])['backstage.items.related_ratio'].status).toBe('not_available');
    expect(measureOwners([], []).status).toBe('not_available');
    expect(measureOwners([{ kind: 'Resource', metadata: { name: 'db' }, spec: {} }], PRINCIPALS)).toMatchObject({ status: 'value', value: 0 });
  });

  it('publishes only components that place their workload (namespace and id), lower-cased', () => {
    const { records, unplaced } = toInventory([
      component('A', { owner: 'web', k8s: 'Cart', k8sNs: 'Shop-API' }),
      component('b', { owner: 'web', k8s: 'b' }),
      { kind: 'Resource', metadata: { name: 'c', annotations: { 'backstage.io/kubernetes-id': 'c', 'backstage.io/kubernetes-namespace': 'x' } } },
    ]);
    expect(records.map((r) => r.key)).toEqual(['shop-api/cart']);
    expect(unplaced).toEqual(['component:default/b']);
  });
});
