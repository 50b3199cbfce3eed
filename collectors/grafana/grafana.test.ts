import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Window } from '../../src/collector/types.js';
import { scanCollector } from '../../test/helpers/scan.js';
import { grafanaConfigSchema } from './config.js';
import { dashboardFacts } from './measure.js';
import { grafanaCollector } from './index.js';
import { readPages } from './read.js';
import { ALERT_RULES, ANNOTATIONS, CHECKOUT_DETAIL, CHECKOUT_OVERVIEW, CONTACT_POINTS, DASHBOARDS, FOLDERS, HITS, NODE_EXPORTER, PERMISSIONS } from './fixtures/grafana.js';

const BASE = 'http://grafana.test';
const TOKEN = 'glsa_SeCrEt_0123456789abcdef';
const NOW = '2026-11-25T00:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-10-26T00:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };
const PAGE = 2;

afterEach(() => nock.cleanAll());

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Endpoint = 'search' | 'dashboards' | 'folders' | 'permissions' | 'annotations' | 'alertRules' | 'contactPoints';

/** A Grafana answering every documented read; `replace` swaps an endpoint's answers (null: not requested). */
function serve(replace: Partial<Record<Endpoint, Reply[] | null>> = {}, hits = HITS, folders = FOLDERS) {
  const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
  const json = { 'Content-Type': 'application/json' };
  const answer = (path: string | RegExp, name: Endpoint, normal: () => void, query: Record<string, string> | true = true) => {
    const r = replace[name];
    if (r === null) return;
    if (r) for (const reply of r) scope.get(path).query(query).reply(reply.status, JSON.stringify(reply.body), { ...json, ...reply.headers });
    else normal();
  };
  answer('/api/search', 'search', () => {
    for (let p = 1; p <= Math.floor(hits.length / PAGE) + 1; p++) {
      scope.get('/api/search').query({ type: 'dash-db', limit: String(PAGE), page: String(p) }).reply(200, hits.slice((p - 1) * PAGE, p * PAGE), json);
    }
  });
  answer(/\/api\/dashboards\/uid\/.+/, 'dashboards', () => {
    for (const h of hits) scope.get(`/api/dashboards/uid/${h.uid}`).reply(200, DASHBOARDS.find((d) => d.dashboard.uid === h.uid), json);
  });
  answer('/api/folders', 'folders', () => {
    for (let p = 1; p <= Math.floor(folders.length / PAGE) + 1; p++) {
      scope.get('/api/folders').query({ limit: String(PAGE), page: String(p) }).reply(200, folders.slice((p - 1) * PAGE, p * PAGE), json);
    }
  });
  answer(/\/api\/folders\/[^/]+\/permissions/, 'permissions', () => {
    for (const f of folders) scope.get(`/api/folders/${f.uid}/permissions`).reply(200, PERMISSIONS[f.uid], json);
  });
  answer('/api/annotations', 'annotations', () => {
    scope.get('/api/annotations').query({ from: String(WINDOW.start.getTime()), to: String(WINDOW.end.getTime()), limit: '10000', type: 'annotation' }).reply(200, ANNOTATIONS, json);
  });
  answer('/api/v1/provisioning/alert-rules', 'alertRules', () => scope.get('/api/v1/provisioning/alert-rules').reply(200, ALERT_RULES, json));
  answer('/api/v1/provisioning/contact-points', 'contactPoints', () => scope.get('/api/v1/provisioning/contact-points').reply(200, CONTACT_POINTS, json));
  return scope;
}

async function scan() {
  const r = await scanCollector({
    collector: grafanaCollector,
    instances: [{ collector: 'grafana', name: 'grafana', config: grafanaConfigSchema.parse({ url: BASE, token: TOKEN, page_size: PAGE }), http: { retries: 1 } }],
    window: WINDOW,
    now: NOW,
    secrets: [TOKEN],
  });
  return { ...r, get: (id: string) => r.get(`grafana.${id}`) };
}

describe('grafana dashboard facts', () => {
  it('reads variables, links, panels in rows and data sources from the model', () => {
    const overview = dashboardFacts(CHECKOUT_OVERVIEW);
    expect(overview).toMatchObject({ panels: 2, custom: true, variables: 1, drilldown: true, keyMetric: true, conditionalPanels: 1, topologyPanels: 0, inFolder: true, provisioned: true, datasourceTypes: ['prometheus'] });
    const detail = dashboardFacts(CHECKOUT_DETAIL);
    expect(detail).toMatchObject({ panels: 3, drilldown: false, keyMetric: false, conditionalPanels: 1, topologyPanels: 1, provisioned: false, datasourceTypes: ['loki', 'prometheus', 'tempo'] });
    // pre-5.0 rows, a grafana.com import, a data source named by string
    expect(dashboardFacts(NODE_EXPORTER)).toMatchObject({ panels: 1, custom: false, variables: 0, inFolder: false, datasourceTypes: ['named:Prometheus'] });
  });
});

describe('grafana collector', () => {
  it('reads every page and measures dashboards, folders, permissions, annotations and alerting', async () => {
    const scope = serve();
    const { get, runs, evidence } = await scan();
    expect(scope.pendingMocks()).toEqual([]);
    expect(runs[0].status).toBe('ok');
    expect(get('api.reachable').value).toBe(true);
    expect(get('dashboards.count').value).toBe(3);
    expect(get('dashboards.custom_count').value).toBe(2);
    expect(get('panels.count').value).toBe(6);
    expect(get('dashboards.with_variables').value).toBe(2);
    expect(get('dashboards.with_variables_ratio').value).toBeCloseTo(2 / 3);
    expect(get('dashboards.with_drilldown').value).toBe(1);
    expect(get('dashboards.with_drilldown').objects?.sample).toEqual(['Checkout overview']);
    expect(get('dashboards.with_key_metric_panels').value).toBe(1);
    expect(get('panels.conditional_count').value).toBe(2);
    expect(get('panels.topology_count').value).toBe(1);
    expect(get('dashboards.in_folder_ratio').value).toBeCloseTo(2 / 3);
    expect(get('dashboards.provisioned_ratio').value).toBeCloseTo(1 / 3);
    // Node Exporter Full was last updated 2025-06-01: more than 180 days before NOW
    expect(get('dashboards.stale_ratio').value).toBeCloseTo(1 / 3);
    expect(get('datasources.types_used').value).toBe(4);
    expect(get('folders.count').value).toBe(2);
    expect(get('folders.team_permission_ratio').value).toBe(0.5);
    expect(get('permissions.levels').value).toBe(3);
    expect(get('annotations.count').value).toBe(2);
    expect(get('alert_rules.count').value).toBe(1);
    expect(get('contact_points.count').value).toBe(2);
    expect(JSON.stringify(evidence.records)).not.toContain(TOKEN);
  });

  it('stops on a refused token (401) and fails every signal without echoing the token', async () => {
    serve({ search: [{ status: 401, body: { message: 'invalid API key' } }], dashboards: null, folders: null, permissions: null, annotations: null, alertRules: null, contactPoints: null });
    const { get, runs } = await scan();
    expect(runs[0].status).toBe('failed');
    expect(runs[0].error_kind).toBe('credentials');
    expect(get('dashboards.count').status).toBe('failed');
    expect(get('dashboards.count').reason).not.toContain(TOKEN);
  });

  it('fails only the permission and alerting signals a Viewer token may not read (403), and measures the folders it sees', async () => {
    // the token sees one folder and the dashboards in it and in General
    const hits = HITS.filter((h) => h.uid !== 'checkout-detail');
    serve({
      permissions: [{ status: 403, body: { message: 'You\'ll need additional permissions to perform this action. Permissions needed: folders.permissions:read' } }],
      alertRules: [{ status: 403, body: { message: 'permissions needed: alert.provisioning:read' } }],
    }, hits, [FOLDERS[0]]);
    const { get, runs } = await scan();
    expect(runs[0].status).toBe('partial');
    expect(get('dashboards.count').value).toBe(2);
    expect(get('folders.count').value).toBe(1);
    expect(get('folders.team_permission_ratio').status).toBe('failed');
    expect(get('folders.team_permission_ratio').reason).toMatch(/folders\.permissions:read/);
    expect(get('permissions.levels').status).toBe('failed');
    expect(get('alert_rules.count').status).toBe('failed');
    expect(get('alert_rules.count').reason).toMatch(/alert\.provisioning:read/);
    expect(get('contact_points.count').value).toBe(2);
  });

  it('waits for Retry-After on a 429 and then reads the page', async () => {
    const scope = nock(BASE).get('/api/search').query(true).reply(429, JSON.stringify({ message: 'Too Many Requests' }), { 'Content-Type': 'application/json', 'Retry-After': '1' });
    const normal = serve();
    const { get } = await scan();
    expect(get('dashboards.count').value).toBe(3);
    expect(scope.isDone() && normal.isDone()).toBe(true);
  });

  it('fails the dashboard measures on a malformed dashboard and keeps the listing count', async () => {
    const scope = nock(BASE);
    serve({ dashboards: null });
    scope.get('/api/dashboards/uid/checkout-overview').reply(200, { dashboard: { uid: 'checkout-overview' }, meta: { provisioned: 'yes' } });
    scope.get('/api/dashboards/uid/checkout-detail').optionally().reply(200, CHECKOUT_DETAIL);
    scope.get('/api/dashboards/uid/rYdddlPWk').optionally().reply(200, NODE_EXPORTER);
    const { get } = await scan();
    expect(get('dashboards.count').value).toBe(3);
    expect(get('dashboards.provisioned_ratio').status).toBe('failed');
    expect(get('dashboards.provisioned_ratio').reason).toMatch(/checkout-overview/);
    expect(get('folders.count').value).toBe(2);
  });
});

describe('grafana collector against the sample estate\'s Grafana', () => {
  it('reads the fake organisation the demo serves, with its token only', async () => {
    const { serveLoopback } = await import('../../demo/http.js');
    const { generateGrafanaOrg, grafanaHandler } = await import('../../demo/systems/grafana.js');
    const server = await serveLoopback(grafanaHandler(generateGrafanaOrg(new Date(NOW)), 'demo-token-0123456789'));
    try {
      const run = (token: string) => scanCollector({
        collector: grafanaCollector,
        instances: [{ collector: 'grafana', name: 'demo', config: grafanaConfigSchema.parse({ url: server.url, token }), http: {} }],
        window: WINDOW,
        now: NOW,
        secrets: [token],
      });
      const r = await run('demo-token-0123456789');
      expect(r.runs[0].status).toBe('ok');
      expect(r.value('grafana.dashboards.count')).toBe(12);
      // imported from grafana.com: SLO / Detail, PostgreSQL, Node Exporter Full
      expect(r.value('grafana.dashboards.custom_count')).toBe(9);
      expect(r.value('grafana.dashboards.with_drilldown')).toBeGreaterThanOrEqual(1);
      expect(r.value('grafana.permissions.levels')).toBe(3);
      const refused = await run('wrong-token-0123456789');
      expect(refused.runs[0].error_kind).toBe('credentials');
    } finally {
      await server.close();
    }
  });
});

describe('grafana paging (no HTTP)', () => {
  it('a server that ignores page (every page the first, and full) is a paging loop naming the listing, not a thousand requests', async () => {
    const asked: number[] = [];
    const read = readPages(async (page) => {
      asked.push(page);
      return { data: [{ uid: 'a' }, { uid: 'b' }], status: 200, headers: {}, evidence: `e${page}` };
    }, 2, '/api/search');
    await expect(read).rejects.toThrow('paging loop: GET /api/search answered page 2 with the items of page 1 (the server ignores page)');
    expect(asked).toEqual([1, 2]);
  });

  it('reads pages until one is short', async () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const got = await readPages(async (page) => ({ data: items.slice((page - 1) * 2, page * 2), status: 200, headers: {}, evidence: `e${page}` }), 2, '/api/folders');
    expect(got.data).toEqual(items);
    expect(got.evidence).toEqual(['e1', 'e2', 'e3']);
  });
});
