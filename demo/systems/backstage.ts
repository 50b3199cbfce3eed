import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply } from '../http.js';
import { seeded } from '../random.js';
import type { KubeCluster, KubeObject } from './kubernetes.js';

/**
 * A Backstage software catalogue for the sample estate, drawn from the sample cluster so the two
 * agree where they should and drift where real catalogues do: one Component per application
 * workload (annotated with its Kubernetes id and namespace), a System per namespace, an API for
 * the front services, a Resource per PostgreSQL cluster, a Group per team. Deliberate drift: a
 * few workloads nobody catalogued, two components whose workload is gone (one orphaned by its
 * source), and the legacy components owned by a team that no longer exists in the catalogue.
 * Served as the catalogue API serves it: `/api/catalog/entities/by-query` with filter sets,
 * `fields` pruning and cursor pages, `/api/catalog/entities` with offset/limit, a static token.
 */

export interface BackstageEntity {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string; etag: string; title?: string; description?: string; annotations?: Record<string, string>; tags?: string[] };
  spec?: Record<string, unknown>;
  relations?: { type: string; targetRef: string }[];
}

export interface BackstageCatalogue {
  entities: BackstageEntity[];
}

const APP_NAMESPACES = new Set(['shop-web', 'shop-api', 'payments', 'orders', 'catalog', 'search', 'data', 'legacy']);
const teamOf = (ns: string) => (ns === 'legacy' ? 'legacy-team' : ns.split('-')[0]);
const INVERSE: Record<string, string> = { ownedBy: 'ownerOf', partOf: 'hasPart', dependsOn: 'dependencyOf', providesApi: 'apiProvidedBy', consumesApi: 'apiConsumedBy', memberOf: 'hasMember' };

export function generateCatalogue(cluster: KubeCluster, seed = 1756): BackstageCatalogue {
  const rand = seeded(seed + 7);
  let n = 0;
  const uid = () => `0b5e${(n++).toString(16).padStart(4, '0')}-0000-4000-8000-${Math.floor(rand() * 1e12).toString(16).padStart(12, '0')}`;
  const byRef = new Map<string, BackstageEntity>();
  const add = (kind: string, name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}, repo = name) => {
    const e: BackstageEntity = {
      apiVersion: 'backstage.io/v1alpha1', kind,
      metadata: {
        name, namespace: 'default', uid: uid(), etag: Math.floor(rand() * 1e16).toString(16),
        annotations: { 'backstage.io/managed-by-location': `url:https://git.shop.example.invalid/shop/${repo}/blob/main/catalog-info.yaml`, 'backstage.io/managed-by-origin-location': `url:https://git.shop.example.invalid/shop/${repo}/blob/main/catalog-info.yaml`, ...annotations },
      },
      spec, relations: [],
    };
    byRef.set(`${kind.toLowerCase()}:default/${name}`, e);
    return e;
  };
  const items = (resource: string) => cluster.resources.find((r) => r.resource === resource && (r.group === 'apps' || r.group === 'postgresql.cnpg.io'))?.items ?? [];
  const workloads: KubeObject[] = [...items('deployments'), ...items('statefulsets')].filter((w) => APP_NAMESPACES.has(w.metadata.namespace ?? ''));

  for (const team of ['shop', 'payments', 'orders', 'catalog', 'search', 'data', 'platform']) add('Group', team, { type: 'team', children: [] });
  for (const [user, team] of [['li.wei', 'platform'], ['zhang.min', 'platform'], ['chen.jie', 'data'], ['wang.fang', 'payments']]) add('User', user, { memberOf: [team], profile: { displayName: user } });
  for (const ns of APP_NAMESPACES) add('System', ns, { owner: teamOf(ns) === 'legacy-team' ? 'platform' : teamOf(ns), domain: 'shop' });

  // A few workloads nobody catalogued: the first in every third namespace, and a legacy StatefulSet.
  const uncatalogued = new Set<string>();
  [...APP_NAMESPACES].forEach((ns, i) => {
    const first = workloads.find((w) => w.metadata.namespace === ns);
    if (first && i % 3 === 2) uncatalogued.add(`${ns}/${first.metadata.name}`);
  });
  uncatalogued.add('legacy/redis');
  for (const w of workloads) {
    const ns = w.metadata.namespace!;
    const key = `${ns}/${w.metadata.name}`;
    if (uncatalogued.has(key)) continue;
    const name = `${ns}-${w.metadata.name}`;
    const lifecycle = ns === 'legacy' ? 'deprecated' : rand() < 0.1 ? 'experimental' : 'production';
    add('Component', name, { type: 'service', lifecycle, owner: teamOf(ns), system: ns }, { 'backstage.io/kubernetes-id': w.metadata.name, 'backstage.io/kubernetes-namespace': ns });
  }
  // Workloads that are gone: one retired service still listed, one whose source dropped it (orphaned).
  add('Component', 'search-indexer', { type: 'service', lifecycle: 'production', owner: 'search', system: 'search' }, { 'backstage.io/kubernetes-id': 'indexer', 'backstage.io/kubernetes-namespace': 'search' });
  add('Component', 'orders-invoice-pdf', { type: 'service', lifecycle: 'production', owner: 'orders', system: 'orders' }, { 'backstage.io/kubernetes-id': 'invoice-pdf', 'backstage.io/kubernetes-namespace': 'orders', 'backstage.io/orphan': 'true' });
  // A library: software, but no workload.
  add('Component', 'shop-ui-kit', { type: 'library', lifecycle: 'production', owner: 'shop', system: 'shop-web' });

  for (const c of items('clusters')) {
    add('Resource', c.metadata.name, { type: 'database', owner: teamOf(c.metadata.namespace!), system: c.metadata.namespace, dependencyOf: [] });
  }
  for (const ns of ['shop-api', 'payments', 'orders']) {
    const provider = [...byRef.values()].find((e) => e.kind === 'Component' && (e.spec?.system as string) === ns && (e.metadata.annotations?.['backstage.io/kubernetes-id'] ?? '') !== '');
    if (provider) add('API', `${ns}-api`, { type: 'openapi', lifecycle: 'production', owner: teamOf(ns), system: ns, definition: 'openapi: 3.0.3' }).spec!.provider = provider.metadata.name;
  }

  // Relations as the catalogue's processors emit them, both directions.
  const relate = (from: BackstageEntity, type: string, targetRef: string) => {
    from.relations!.push({ type, targetRef });
    const target = byRef.get(targetRef);
    if (target && INVERSE[type]) target.relations!.push({ type: INVERSE[type], targetRef: `${from.kind.toLowerCase()}:default/${from.metadata.name}` });
  };
  for (const e of [...byRef.values()]) {
    const spec = e.spec ?? {};
    if (typeof spec.owner === 'string') relate(e, 'ownedBy', `group:default/${spec.owner}`);
    if (typeof spec.system === 'string' && e.kind !== 'System') relate(e, 'partOf', `system:default/${spec.system}`);
    if (e.kind === 'API' && typeof spec.provider === 'string') {
      const provider = byRef.get(`component:default/${spec.provider}`)!;
      relate(provider, 'providesApi', `api:default/${e.metadata.name}`);
      delete spec.provider;
    }
    if (e.kind === 'User') for (const g of spec.memberOf as string[]) relate(e, 'memberOf', `group:default/${g}`);
  }
  // Each database is a dependency of the namespace's first catalogued component.
  for (const r of [...byRef.values()].filter((e) => e.kind === 'Resource')) {
    const user = [...byRef.values()].find((e) => e.kind === 'Component' && e.spec?.system === r.spec?.system);
    if (user) relate(user, 'dependsOn', `resource:default/${r.metadata.name}`);
  }
  return { entities: [...byRef.values()] };
}

/** Keeps only the dotted paths `fields` names, as the catalogue prunes entities. */
function prune(e: BackstageEntity, fields: string[] | undefined): unknown {
  if (!fields?.length) return e;
  const out: Record<string, unknown> = {};
  for (const path of fields) {
    const parts = path.split('.');
    let src: unknown = e;
    for (const p of parts) src = src && typeof src === 'object' ? (src as Record<string, unknown>)[p] : undefined;
    if (src === undefined) continue;
    let dst = out;
    parts.slice(0, -1).forEach((p) => {
      dst[p] = (dst[p] as Record<string, unknown>) ?? {};
      dst = dst[p] as Record<string, unknown>;
    });
    dst[parts.at(-1)!] = src;
  }
  return out;
}

const error = (status: number, name: string, message: string, url: string) => ({ error: { name, message }, request: { method: 'GET', url }, response: { statusCode: status } });
const encodeCursor = (c: { kinds: string[]; offset: number }) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string): { kinds: string[]; offset: number } | undefined {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { kinds?: unknown; offset?: unknown };
    return Array.isArray(c.kinds) && typeof c.offset === 'number' ? { kinds: c.kinds.map(String), offset: c.offset } : undefined;
  } catch {
    return undefined;
  }
}

export function backstageHandler(catalogue: BackstageCatalogue, token: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${token}`) return reply(res, 401, error(401, 'AuthenticationError', 'Missing credentials', url.pathname));
    const kindsOf = (filters: string[]) => filters.map((f) => /^kind=(.+)$/i.exec(f)?.[1]?.toLowerCase()).filter((k): k is string => !!k);
    const select = (kinds: string[]) => catalogue.entities.filter((e) => kinds.length === 0 || kinds.includes(e.kind.toLowerCase()));
    const fields = url.searchParams.get('fields')?.split(',').filter(Boolean);
    const limit = Math.max(1, Number(url.searchParams.get('limit') ?? 20));
    if (url.pathname === '/api/catalog/entities/by-query') {
      const cursor = url.searchParams.get('cursor');
      let state = { kinds: kindsOf(url.searchParams.getAll('filter')), offset: 0 };
      if (cursor) {
        const decoded = decodeCursor(cursor);
        if (!decoded) return reply(res, 400, error(400, 'InputError', 'Malformed cursor', url.pathname));
        state = decoded;
      }
      const all = select(state.kinds);
      const page = all.slice(state.offset, state.offset + limit);
      const next = state.offset + limit < all.length ? encodeCursor({ kinds: state.kinds, offset: state.offset + limit }) : undefined;
      const prev = state.offset > 0 ? encodeCursor({ kinds: state.kinds, offset: Math.max(0, state.offset - limit) }) : undefined;
      return reply(res, 200, { items: page.map((e) => prune(e, fields)), totalItems: all.length, pageInfo: { ...(next ? { nextCursor: next } : {}), ...(prev ? { prevCursor: prev } : {}) } });
    }
    if (url.pathname === '/api/catalog/entities') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      return reply(res, 200, select(kindsOf(url.searchParams.getAll('filter'))).slice(offset, offset + limit).map((e) => prune(e, fields)));
    }
    return reply(res, 404, error(404, 'NotFoundError', `No route for ${url.pathname}`, url.pathname));
  };
}
