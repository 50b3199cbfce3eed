import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Window } from '../../src/collector/types.js';
import { scanCollector } from '../../test/helpers/scan.js';
import { netboxConfigSchema } from './config.js';
import { BASE, CABLES, CHANGES_IN_WINDOW, CLUSTERS, CONTACT_ASSIGNMENTS, CUSTOM_FIELDS, DEVICES, EVENT_RULES, NOW, OLDEST_CHANGE, VMS } from './fixtures/estate.js';
import { netboxCollector } from './index.js';
import { cabledDevices, measureEvents, measureHistory, measureItems, okRead, toInventory, toItems } from './measure.js';
import type { NetboxSignalId } from './signals.js';
import { readAll } from './read.js';
import type { FetchPage, ListPage } from './api.js';

const TOKEN = '0123456789abcdef0123456789abcdef01234567';
const WINDOW: Window = { start: new Date('2026-10-26T00:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };
const PAGE = 3;

afterEach(() => nock.cleanAll());

type Query = Record<string, string>;
type Reply = { status: number; body: unknown; headers?: Record<string, string> };
const list = (results: unknown[], count = results.length, next: string | null = null) => ({ count, next, previous: null, results });

/** One listing: its pages by `limit`/`offset` as NetBox pages them (next is an absolute URL). */
function pages(scope: nock.Scope, path: string, items: unknown[], query: Query = {}, limit = PAGE) {
  for (let offset = 0; offset === 0 || offset < items.length; offset += limit) {
    const next = offset + limit < items.length ? `${BASE}${path}?limit=${limit}&offset=${offset + limit}` : null;
    scope.get(path).query({ ...query, limit: String(limit), offset: String(offset) }).reply(200, list(items.slice(offset, offset + limit), items.length, next));
  }
}
const counted = (scope: nock.Scope, path: string, n: number) =>
  scope.get(path).query({ brief: 'true', limit: '1', offset: '0' }).reply(200, list(n ? [{ id: 1, url: `${BASE}${path}1/`, display: 'x' }] : [], n));

interface Overrides {
  status?: Reply;
  devices?: Reply[];
  contacts?: Reply;
  eventRules?: Reply;
  coreChanges?: Reply;
}

/** The whole NetBox, with the replies a test overrides first (nock answers interceptors in order). */
function serve(o: Overrides = {}) {
  const scope = nock(BASE, { reqheaders: { authorization: `Token ${TOKEN}` } });
  if (o.status) return scope.get('/api/status/').reply(o.status.status, o.status.body as nock.Body, o.status.headers);
  scope.get('/api/status/').reply(200, { 'django-version': '5.1.4', 'installed-apps': {}, 'netbox-version': '4.2.1', plugins: {}, 'python-version': '3.12.3', 'rq-workers-running': 1 });
  for (const r of o.devices ?? []) scope.get('/api/dcim/devices/').query(true).reply(r.status, r.body as nock.Body, r.headers);
  pages(scope, '/api/dcim/devices/', DEVICES, { fields: 'id,name,status,role,tenant,cluster,custom_fields,last_updated' });
  pages(scope, '/api/virtualization/virtual-machines/', VMS, { fields: 'id,name,status,role,tenant,cluster,device,custom_fields,last_updated' });
  pages(scope, '/api/virtualization/clusters/', CLUSTERS, { fields: 'id,name,type' });
  if (o.contacts) scope.get('/api/tenancy/contact-assignments/').query(true).reply(o.contacts.status, o.contacts.body as nock.Body);
  else pages(scope, '/api/tenancy/contact-assignments/', CONTACT_ASSIGNMENTS);
  pages(scope, '/api/dcim/cables/', CABLES, { fields: 'id,a_terminations,b_terminations' });
  pages(scope, '/api/extras/custom-fields/', CUSTOM_FIELDS);
  if (o.eventRules) scope.get('/api/extras/event-rules/').query(true).reply(o.eventRules.status, o.eventRules.body as nock.Body);
  else pages(scope, '/api/extras/event-rules/', EVENT_RULES);
  const oldest = { ordering: 'time', limit: '1', offset: '0' };
  let changes = '/api/core/object-changes/';
  if (o.coreChanges) {
    scope.get(changes).query(oldest).reply(o.coreChanges.status, o.coreChanges.body as nock.Body);
    changes = '/api/extras/object-changes/';
  }
  scope.get(changes).query(oldest).reply(200, list([OLDEST_CHANGE], 120));
  pages(scope, changes, CHANGES_IN_WINDOW, { time_after: WINDOW.start.toISOString(), time_before: WINDOW.end.toISOString() });
  counted(scope, '/api/tenancy/tenants/', 2);
  counted(scope, '/api/ipam/prefixes/', 10);
  counted(scope, '/api/ipam/ip-addresses/', 40);
  counted(scope, '/api/extras/journal-entries/', 5);
  return scope;
}

async function run(config: Record<string, unknown> = {}) {
  return scanCollector<NetboxSignalId>({
    collector: netboxCollector,
    instances: [{ collector: 'netbox', name: 'dc1', config: netboxConfigSchema.parse({ url: BASE, token: TOKEN, page_size: PAGE, ...config }), http: { retries: 1 } }],
    window: WINDOW,
    secrets: [TOKEN],
  });
}

describe('netbox collector', () => {
  it('reads every page of the register and measures owners, lifecycle, relations, freshness, history and events', async () => {
    const scope = serve();
    const r = await run();
    expect(scope.isDone()).toBe(true);
    expect(r.value('netbox.api.reachable')).toBe(true);
    expect(r.detail('netbox.api.reachable')).toBe('NetBox 4.2.1');
    expect(r.value('netbox.items.count')).toBe(6);
    expect(r.value('netbox.devices.count')).toBe(4);
    expect(r.value('netbox.items.infrastructure_count')).toBe(5);
    // tenants on 3 items, a contact on k8s-node-2; spare-1 and legacy-vm have neither
    expect(r.value('netbox.items.owner_ratio')).toBeCloseTo(4 / 6);
    expect(r.get('netbox.items.owner_ratio').objects).toEqual({ total: 2, sample: ['spare-1', 'legacy-vm'] });
    expect(r.value('netbox.items.lifecycle_ratio')).toBe(1);
    // spare-1 has no cable and no cluster; core-sw-1 relates by its cable to k8s-node-1
    expect(r.value('netbox.items.related_ratio')).toBeCloseTo(5 / 6);
    expect(r.value('netbox.items.fresh_ratio')).toBeCloseTo(3 / 6);
    expect(r.value('netbox.relations.count')).toBe(5);
    expect(r.value('netbox.custom_fields.count')).toBe(2);
    expect(r.value('netbox.history.kept')).toBe(true);
    expect(r.value('netbox.history.changes_count')).toBe(3);
    expect(r.value('netbox.history.automated_ratio')).toBeCloseTo(2 / 3);
    expect(r.value('netbox.history.retained_seconds')).toBe((Date.parse(NOW) - Date.parse('2026-06-01T00:00:00Z')) / 1000);
    expect(r.value('netbox.notifications.count')).toBe(1);
    expect(r.value('netbox.consumers.count')).toBe(1);
    expect(r.get('netbox.consumers.count').objects?.sample).toEqual(['device status to monitoring']);
    expect(r.value('netbox.tenants.count')).toBe(2);
    expect(r.value('netbox.ipam.ip_addresses_count')).toBe(40);
    expect(r.value('netbox.journal.entries_count')).toBe(5);
    // both device pages are the evidence of the device-based values
    expect(r.paths('netbox.items.count').filter((p) => p === '/api/dcim/devices/')).toHaveLength(2);
    // the token goes only in the Authorization header and never into the evidence
    expect(JSON.stringify(r.evidence.records)).not.toContain(TOKEN);
  });

  it('publishes the nodes and workloads Kubernetes can confirm, keyed as the live side keys them', async () => {
    serve();
    const r = await run();
    const pub = r.publications.find((p) => p.collector === 'netbox' && p.kind === 'inventory');
    expect(pub?.status).toBe('published');
    const records = pub?.status === 'published' ? pub.records : [];
    expect(records).toEqual([
      { role: 'registered', kind: 'node', key: 'k8s-node-1', name: 'k8s-node-1.dc1.example.com', owner: 'Shop', lifecycle: 'active' },
      { role: 'registered', kind: 'node', key: 'k8s-node-2', name: 'k8s-node-2', lifecycle: 'active' },
      { role: 'registered', kind: 'workload', key: 'shop/cart', name: 'Cart', owner: 'Shop', lifecycle: 'active' },
    ]);
  });

  it('a refused token ends the collection at the first request, naming the status', async () => {
    serve({ status: { status: 403, body: { detail: 'Invalid token' } } });
    const r = await run();
    expect(r.get('netbox.items.count').status).toBe('failed');
    expect(r.runs[0].error).toMatch(/403/);
    expect(r.publications[0].status).toBe('missing');
    expect(r.runs[0].error).not.toContain(TOKEN);
  });

  it('a listing the token may not read fails only the signals measured from it', async () => {
    serve({ contacts: { status: 403, body: { detail: 'You do not have permission to perform this action.' } } });
    const r = await run();
    expect(r.get('netbox.items.owner_ratio').status).toBe('failed');
    expect(r.get('netbox.items.owner_ratio').reason).toMatch(/403/);
    expect(r.value('netbox.items.count')).toBe(6);
    expect(r.value('netbox.items.related_ratio')).toBeCloseTo(5 / 6);
  });

  it('waits for Retry-After on a 429 and then reads the page', async () => {
    serve({ devices: [{ status: 429, body: { detail: 'Request was throttled. Expected available in 1 second.' }, headers: { 'Retry-After': '1' } }] });
    const r = await run();
    expect(r.value('netbox.devices.count')).toBe(4);
  });

  it('a malformed page fails the item signals and publishes nothing: drift over part of the register would flatter', async () => {
    // the malformed first page is answered before the real ones, which are then never asked for
    const scope = serve({ devices: [{ status: 200, body: { count: 4, next: null, results: 'not a list' } }] });
    const r = await run();
    expect(r.get('netbox.items.count').status).toBe('failed');
    expect(r.get('netbox.items.owner_ratio').status).toBe('failed');
    expect(r.publications[0]).toMatchObject({ status: 'missing' });
    expect(r.value('netbox.consumers.count')).toBe(1);
    // the real device pages stay unused: drop them so nock's unused-mock check passes
    expect(scope.pendingMocks().every((m) => m.includes('/api/dcim/devices/'))).toBe(true);
    nock.cleanAll();
  });

  it('reads the change log of NetBox before 4.1 at /api/extras/object-changes/, and no event rules as not available', async () => {
    serve({ coreChanges: { status: 404, body: { detail: 'Not found.' } }, eventRules: { status: 404, body: { detail: 'Not found.' } } });
    const r = await run();
    expect(r.value('netbox.history.changes_count')).toBe(3);
    expect(r.paths('netbox.history.changes_count')).toContain('/api/extras/object-changes/');
    expect(r.get('netbox.consumers.count').status).toBe('not_available');
  });
});

describe('netbox measures (no HTTP)', () => {
  const items = toItems(DEVICES as never, VMS as never);

  it('a cable between two ports of one device relates it to nothing else', () => {
    const self = { id: 9, a_terminations: [{ object_type: 'dcim.interface', object_id: 1, object: { device: { id: 4 } } }], b_terminations: [{ object_type: 'dcim.interface', object_id: 2, object: { device: { id: 4 } } }] };
    expect([...cabledDevices([self])]).toEqual([]);
    expect([...cabledDevices(CABLES as never)].sort()).toEqual([1, 3]);
  });

  it('an empty register gives not available ratios, never 0 or 1', () => {
    const m = measureItems({ items: okRead([]), contacts: okRead([]), cables: okRead([]) }, { workload_roles: [] }, WINDOW.start);
    expect(m['netbox.items.owner_ratio']?.status).toBe('not_available');
    expect(m['netbox.items.count']).toMatchObject({ status: 'value', value: 0 });
  });

  it('NetBox 4.0 event rules (type_update booleans) count like 4.1 event_types', () => {
    const m = measureEvents(okRead([{ id: 1, name: 'old style', enabled: true, object_types: ['dcim.device'], type_update: true, action_type: { value: 'webhook' } }]));
    expect(m['netbox.consumers.count']).toMatchObject({ value: 1 });
    expect(m['netbox.notifications.count']).toMatchObject({ value: 1 });
  });

  it('an empty change log is not kept, and has no retention', () => {
    const m = measureHistory(okRead({ inWindow: [], kept: 0, path: '/api/core/object-changes/' }), ['bot'], WINDOW.end);
    expect(m['netbox.history.kept']).toMatchObject({ value: false });
    expect(m['netbox.history.retained_seconds']?.status).toBe('not_available');
    expect(m['netbox.history.automated_ratio']?.status).toBe('not_available');
  });

  it('reports name a workload machine by <namespace>/<name>', () => {
    const labelled = toItems(DEVICES as never, VMS as never, 'kubernetes_namespace');
    expect(labelled.map((i) => i.label)).toEqual(['k8s-node-1.dc1.example.com', 'k8s-node-2', 'core-sw-1', 'spare-1', 'shop/Cart', 'legacy-vm']);
  });

  it('a workload without its namespace field keeps its bare name, so drift shows it rather than matching it by chance', () => {
    const inv = toInventory(items, CLUSTERS as never, { workload_roles: ['kubernetes-workload'], node_cluster_types: ['kubernetes'], namespace_field: 'missing_field' });
    expect(inv.find((i) => i.kind === 'workload')?.key).toBe('cart');
    // a machine in a VMware cluster is no Kubernetes node
    expect(inv.map((i) => i.name)).not.toContain('legacy-vm');
  });
});

describe('netbox paging', () => {
  const objects = Array.from({ length: 7 }, (_, i) => ({ id: i + 1 }));
  const fetcher = (answer: (offset: number, limit: number) => { id: number }[]): FetchPage<{ id: number }> =>
    Object.assign(async (p: Record<string, string | number | boolean>) => {
      const data: ListPage<{ id: number }> = { count: objects.length, next: 'https://netbox.example.com/api/dcim/devices/?offset=3', results: answer(Number(p.offset), Number(p.limit)) };
      return { data, status: 200, headers: {}, evidence: `e${String(p.offset)}` };
    }, { path: '/api/dcim/devices/' });

  it('reads every page by offset up to the first page\'s count', async () => {
    const got = await readAll(fetcher((o, l) => objects.slice(o, o + l)), 3);
    expect(got.data.map((d) => d.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(got.evidence).toEqual(['e0', 'e3', 'e6']);
  });

  it('a server that ignores offset (every page the first) is a paging loop naming the listing, not objects counted three times', async () => {
    await expect(readAll(fetcher((_o, l) => objects.slice(0, l)), 3)).rejects.toThrow(/^paging loop: GET \/api\/dcim\/devices\/ answered offset 3 with the objects of offset 0/);
  });

  it('a page shifted by a deletion while reading (one object seen twice) is kept as read', async () => {
    const got = await readAll(fetcher((o, l) => objects.slice(Math.max(0, o - 1), Math.max(0, o - 1) + l)), 3);
    expect(got.data.map((d) => d.id)).toEqual([1, 2, 3, 3, 4, 5, 6, 7]);
  });
});
