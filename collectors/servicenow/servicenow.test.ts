import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Window } from '../../src/collector/types.js';
import { scanCollector } from '../../test/helpers/scan.js';
import { CI_FIELDS } from './api.js';
import { servicenowConfigSchema } from './config.js';
import { servicenowCollector } from './index.js';
import { glideMs, measureItems, toInventory } from './measure.js';
import { readAll } from './read.js';
import { readOk } from '../../src/collector/kit.js';
import type { ServicenowSignalId } from './signals.js';

/*
 * Payloads written by hand in the shape of the ServiceNow Table API (GET /api/now/table/{table}):
 * `{ result: [...] }`, every field a string ("" when empty; references as sys_ids with
 * sysparm_exclude_reference_link=true; date-times "yyyy-MM-dd HH:mm:ss" in UTC), the total in
 * X-Total-Count and the pages in the Link header.
 */

const BASE = 'https://acme.service-now.test';
const USER = 'techops.reader';
const PASSWORD = 'pa55-W0rd!secret';
const NOW = '2026-11-25T00:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-10-26T00:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };
const PAGE = 2;

afterEach(() => nock.cleanAll());

const ci = (sys_id: string, name: string, cls: string, o: Partial<Record<string, string>> = {}) => ({
  sys_id, name, sys_class_name: cls, install_status: '1', owned_by: '', managed_by: '', support_group: '', discovery_source: '', last_discovered: '', sys_updated_on: '2026-03-01 08:00:00', ...o,
});
const ITEMS = [
  ci('a1', 'k8s-node-1.dc1.example.com', 'cmdb_ci_kubernetes_node', { owned_by: 'u1', discovery_source: 'ServiceNow', sys_updated_on: '2026-11-20 08:00:00' }),
  ci('a2', 'k8s-node-9', 'cmdb_ci_kubernetes_node', { discovery_source: 'ServiceNow', last_discovered: '2026-11-24 23:00:00' }),
  ci('a3', 'Checkout', 'cmdb_ci_service', { support_group: 'g1', discovery_source: 'Manual Entry' }),
  ci('a4', 'db-01', 'cmdb_ci_linux_server', { install_status: '7', managed_by: 'u2' }),
  ci('a5', 'mystery', 'cmdb_ci', { install_status: '' }),
];
const RELATIONS = [{ parent: 'a3', child: 'a1' }, { parent: 'a1', child: 'a4' }];
const audit = (user: string, at: string, o: Record<string, string> = {}) => ({ tablename: 'cmdb_ci_linux_server', documentkey: 'a4', fieldname: 'install_status', user, sys_created_on: at, oldvalue: '1', newvalue: '7', ...o });
const AUDIT_IN_WINDOW = [audit('system', '2026-11-01 02:00:00'), audit('system', '2026-11-02 02:00:00'), audit('alice', '2026-11-03 10:00:00')];
const DICTIONARY = [{ name: 'cmdb_ci', element: 'u_cost_center' }, { name: 'cmdb_ci_server', element: 'u_rack_unit' }];

const fields = (f: readonly string[]) => ({ sysparm_fields: f.join(','), sysparm_exclude_reference_link: 'true' });
type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** One query's pages, with X-Total-Count and Link as the Table API sends them (or Link alone). */
function pages(scope: nock.Scope, table: string, f: readonly string[], query: string, rows: unknown[], o: { total?: boolean } = {}) {
  for (let offset = 0; offset === 0 || offset < rows.length; offset += PAGE) {
    const link = [`<${BASE}/api/now/table/${table}?sysparm_limit=${PAGE}&sysparm_offset=0>;rel="first"`];
    if (offset + PAGE < rows.length) link.push(`<${BASE}/api/now/table/${table}?sysparm_limit=${PAGE}&sysparm_offset=${offset + PAGE}>;rel="next"`);
    scope.get(`/api/now/table/${table}`).query({ ...fields(f), sysparm_query: query, sysparm_limit: String(PAGE), sysparm_offset: String(offset) })
      .reply(200, { result: rows.slice(offset, offset + PAGE) }, { Link: link.join(','), ...(o.total === false ? {} : { 'X-Total-Count': String(rows.length) }) });
  }
}

interface Overrides {
  probe?: Reply;
  items?: Reply[];
  audit?: Reply;
  noTotal?: boolean;
}

const AUDIT_FIELDS = ['tablename', 'documentkey', 'fieldname', 'user', 'sys_created_on', 'oldvalue', 'newvalue'];

function serve(o: Overrides = {}, auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`) {
  const scope = nock(BASE, { reqheaders: { authorization: auth } });
  const probe = o.probe ?? { status: 200, body: { result: ITEMS.slice(0, 1) }, headers: { 'X-Total-Count': String(ITEMS.length) } };
  scope.get('/api/now/table/cmdb_ci').query({ ...fields(CI_FIELDS), sysparm_limit: '1', sysparm_offset: '0' }).reply(probe.status, probe.body as nock.Body, probe.headers);
  if (o.probe) return scope;
  for (const r of o.items ?? []) scope.get('/api/now/table/cmdb_ci').query((q) => q.sysparm_query === 'ORDERBYsys_id').reply(r.status, r.body as nock.Body, r.headers);
  if (!o.items?.some((r) => r.status === 200)) pages(scope, 'cmdb_ci', CI_FIELDS, 'ORDERBYsys_id', ITEMS, { total: !o.noTotal });
  pages(scope, 'cmdb_rel_ci', ['parent', 'child'], 'ORDERBYsys_id', RELATIONS);
  pages(scope, 'sys_dictionary', ['name', 'element'], 'nameSTARTSWITHcmdb_ci^elementSTARTSWITHu_^ORDERBYsys_id', DICTIONARY);
  const oldest = scope.get('/api/now/table/sys_audit').query({ ...fields(AUDIT_FIELDS), sysparm_query: 'tablenameSTARTSWITHcmdb_ci^ORDERBYsys_created_on', sysparm_limit: '1', sysparm_offset: '0' });
  if (o.audit) {
    oldest.reply(o.audit.status, o.audit.body as nock.Body);
    return scope;
  }
  oldest.reply(200, { result: [audit('admin', '2026-01-01 00:00:00', { oldvalue: '', newvalue: '1' })] }, { 'X-Total-Count': '500' });
  pages(scope, 'sys_audit', AUDIT_FIELDS, 'tablenameSTARTSWITHcmdb_ci^sys_created_on>=2026-10-26 00:00:00^sys_created_on<2026-11-25 00:00:00^ORDERBYsys_id', AUDIT_IN_WINDOW);
  return scope;
}

async function run(config: Record<string, unknown> = { username: USER, password: PASSWORD }) {
  return scanCollector<ServicenowSignalId>({
    collector: servicenowCollector,
    instances: [{ collector: 'servicenow', name: 'acme', config: servicenowConfigSchema.parse({ url: BASE, page_size: PAGE, ...config }), http: { retries: 1 } }],
    window: WINDOW,
    secrets: [PASSWORD, 'oauth-access-token-123'],
  });
}

describe('servicenow collector', () => {
  it('reads cmdb_ci, cmdb_rel_ci, sys_audit and sys_dictionary page by page and measures the register', async () => {
    const scope = serve();
    const r = await run();
    expect(scope.isDone()).toBe(true);
    expect(r.value('servicenow.api.reachable')).toBe(true);
    expect(r.value('servicenow.items.count')).toBe(5);
    // two Kubernetes nodes and a Linux server; the business service is an application
    expect(r.value('servicenow.items.infrastructure_count')).toBe(3);
    expect(r.value('servicenow.items.application_count')).toBe(1);
    expect(r.value('servicenow.items.owner_ratio')).toBeCloseTo(3 / 5);
    expect(r.get('servicenow.items.owner_ratio').objects).toEqual({ total: 2, sample: ['k8s-node-9', 'mystery'] });
    expect(r.value('servicenow.items.lifecycle_ratio')).toBeCloseTo(4 / 5);
    expect(r.value('servicenow.items.related_ratio')).toBeCloseTo(3 / 5);
    // k8s-node-9 was not edited but was discovered in the window
    expect(r.value('servicenow.items.fresh_ratio')).toBeCloseTo(2 / 5);
    // "Manual Entry" and an empty source are both by hand
    expect(r.value('servicenow.items.discovered_ratio')).toBeCloseTo(2 / 5);
    expect(r.value('servicenow.relations.count')).toBe(2);
    expect(r.value('servicenow.custom_fields.count')).toBe(2);
    expect(r.value('servicenow.history.kept')).toBe(true);
    expect(r.value('servicenow.history.changes_count')).toBe(3);
    expect(r.value('servicenow.history.automated_ratio')).toBeCloseTo(2 / 3);
    expect(r.value('servicenow.history.retained_seconds')).toBe((Date.parse(NOW) - Date.parse('2026-01-01T00:00:00Z')) / 1000);
    expect(r.paths('servicenow.items.count').filter((p) => p === '/api/now/table/cmdb_ci')).toHaveLength(3);
    expect(JSON.stringify(r.evidence.records)).not.toContain(PASSWORD);
  });

  it('publishes the Kubernetes nodes it records, with install_status as their lifecycle', async () => {
    serve();
    const r = await run();
    const pub = r.publications.find((p) => p.collector === 'servicenow');
    expect(pub).toMatchObject({ status: 'published' });
    expect(pub?.status === 'published' ? pub.records : []).toEqual([
      { role: 'registered', kind: 'node', key: 'k8s-node-1', name: 'k8s-node-1.dc1.example.com', lifecycle: 'Installed', owner: 'u1' },
      { role: 'registered', kind: 'node', key: 'k8s-node-9', name: 'k8s-node-9', lifecycle: 'Installed' },
    ]);
  });

  it('sends an OAuth token as a bearer token', async () => {
    const scope = serve({}, 'Bearer oauth-access-token-123');
    const r = await run({ token: 'oauth-access-token-123' });
    expect(scope.isDone()).toBe(true);
    expect(r.value('servicenow.items.count')).toBe(5);
  });

  it('follows Link rel="next" when the instance sends no X-Total-Count', async () => {
    serve({ noTotal: true });
    const r = await run();
    expect(r.value('servicenow.items.count')).toBe(5);
  });

  it('refused credentials end the collection at the first request', async () => {
    serve({ probe: { status: 401, body: { error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' } } });
    const r = await run();
    expect(r.get('servicenow.items.count').status).toBe('failed');
    expect(r.runs[0].error).toMatch(/401/);
    expect(r.runs[0].error).not.toContain(PASSWORD);
    expect(r.publications[0].status).toBe('missing');
  });

  it('sys_audit refused by its ACL fails only the history signals', async () => {
    serve({ audit: { status: 403, body: { error: { message: 'Insufficient rights to query records', detail: 'Field(s) present in the query do not have permission to be read' }, status: 'failure' } } });
    const r = await run();
    expect(r.get('servicenow.history.kept').status).toBe('failed');
    expect(r.get('servicenow.history.kept').reason).toMatch(/403/);
    expect(r.value('servicenow.items.count')).toBe(5);
  });

  it('waits for Retry-After on a 429, then reads the page', async () => {
    serve({ items: [{ status: 429, body: { error: { message: 'Too Many Requests' } }, headers: { 'Retry-After': '1' } }] });
    const r = await run();
    expect(r.value('servicenow.items.count')).toBe(5);
  });

  it('a malformed page fails the item signals and publishes nothing', async () => {
    serve({ items: [{ status: 200, body: { result: { sys_id: 'not a list' } }, headers: { 'X-Total-Count': '5' } }] });
    const r = await run();
    expect(r.get('servicenow.items.owner_ratio').status).toBe('failed');
    expect(r.publications[0].status).toBe('missing');
    expect(r.value('servicenow.history.changes_count')).toBe(3);
  });
});

describe('servicenow measures (no HTTP)', () => {
  it('an instance that caps pages below the limit asked is paged by what it sends, so no record is skipped', async () => {
    const asked: number[] = [];
    const rows = Array.from({ length: 5 }, (_, i) => ({ sys_id: `r${i}` }));
    const page = async (p: Record<string, string | number | boolean>) => {
      const offset = Number(p.sysparm_offset);
      asked.push(offset);
      return { data: { result: rows.slice(offset, offset + 2) }, status: 200, headers: { 'x-total-count': '5' }, evidence: `ev-${offset}` };
    };
    const got = await readAll(page, 3, {});
    expect(got.data.map((r) => r.sys_id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(asked).toEqual([0, 2, 4]);
  });

  it('an instance that ignores sysparm_offset while saying rel="next" is a paging loop naming the table, not a read until the budget is spent', async () => {
    const rows = [{ sys_id: 'r0' }, { sys_id: 'r1' }];
    let asked = 0;
    const page = Object.assign(async () => {
      asked++;
      return { data: { result: rows }, status: 200, headers: { link: '<https://acme.service-now.test/api/now/table/cmdb_rel_ci?sysparm_offset=2>;rel="next"' }, evidence: `ev-${asked}` };
    }, { path: '/api/now/table/cmdb_rel_ci' });
    await expect(readAll(page, 2, {})).rejects.toThrow('paging loop: GET /api/now/table/cmdb_rel_ci answered sysparm_offset=2 with the records of sysparm_offset=0');
    expect(asked).toBe(2);
    // with X-Total-Count the pages are fetched by offset at once; the same records again are the same loop
    const counted = Object.assign(async () => ({ data: { result: rows }, status: 200, headers: { 'x-total-count': '6' }, evidence: 'ev' }), { path: '/api/now/table/cmdb_ci' });
    await expect(readAll(counted, 2, {})).rejects.toThrow(/^paging loop: GET \/api\/now\/table\/cmdb_ci answered sysparm_offset=2/);
  });

  it('reads ServiceNow date-times as UTC', () => {
    expect(glideMs('2026-11-20 08:00:00')).toBe(Date.parse('2026-11-20T08:00:00Z'));
    expect(Number.isNaN(glideMs(''))).toBe(true);
  });

  it('an empty register gives not available ratios, never 0 or 1', () => {
    const m = measureItems({ items: readOk([], []), relations: readOk([], []) }, { infrastructure_classes: ['x'], application_classes: ['y'] }, WINDOW.start);
    expect(m['servicenow.items.owner_ratio']?.status).toBe('not_available');
    expect(m['servicenow.items.count']).toMatchObject({ value: 0 });
  });

  it('workloads are compared only when their classes are configured, as <namespace>/<name>', () => {
    const wl = { ...ci('w1', 'Cart', 'cmdb_ci_kubernetes_deployment'), namespace: 'Shop' };
    expect(toInventory([wl], { node_classes: [], workload_classes: [], namespace_field: 'namespace' })).toEqual([]);
    expect(toInventory([wl], { node_classes: [], workload_classes: ['cmdb_ci_kubernetes_deployment'], namespace_field: 'namespace' })[0].key).toBe('shop/cart');
  });
});
