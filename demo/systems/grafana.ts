import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply } from '../http.js';
import { seeded } from '../random.js';

/**
 * A fake Grafana organisation for the sample estate, in the shapes of Grafana's HTTP API
 * (grafana/grafana, public/openapi3.json): Hit lists from /api/search (limit/page), dashboard
 * models with meta from /api/dashboards/uid/:uid, folders and their DashboardACLInfoDTO grants,
 * annotations, provisioned alert rules and contact points. A mix an ordinary shop has: its own
 * provisioned service dashboards with variables and drill-down links, imported community boards
 * left in General, a board nobody touched for a year.
 */

const DAY = 86_400_000;
const prom = { type: 'prometheus', uid: 'PBFA97CFB590B2093' };
const loki = { type: 'loki', uid: 'P8E80F9AEF21F6940' };
const tempo = { type: 'tempo', uid: 'P214B5B846CF3925F' };

interface Folder { id: number; uid: string; title: string }
interface Board { folder?: Folder; gnetId?: number; provisioned?: string; updatedDaysAgo: number; model: Record<string, unknown> }

const FOLDERS: Folder[] = [
  { id: 11, uid: 'shop', title: 'Shop services' },
  { id: 12, uid: 'platform', title: 'Platform' },
  { id: 13, uid: 'databases', title: 'Databases' },
];

const stat = (id: number, title: string, expr: string, link?: string) => ({
  id, type: 'stat', title, datasource: prom, targets: [{ refId: 'A', datasource: prom, expr }],
  fieldConfig: { defaults: { unit: 'percentunit', thresholds: { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value: 0.999 }] },
    links: link ? [{ title: 'Details', url: link }] : [] }, overrides: [] },
});
const series = (id: number, title: string, expr: string, extra: Record<string, unknown> = {}) => ({ id, type: 'timeseries', title, datasource: prom, targets: [{ refId: 'A', datasource: prom, expr }], ...extra });
const queryVar = (name: string, q: string) => ({ name, type: 'query', datasource: prom, query: q, refresh: 1, includeAll: true, multi: true });

function service(name: string): Record<string, unknown> {
  return {
    uid: `svc-${name}`, title: `Service: ${name}`, tags: ['service', name], schemaVersion: 39,
    templating: { list: [queryVar('instance', `label_values(up{service="${name}"}, instance)`), { name: 'env', type: 'constant', query: 'prod' }] },
    links: [{ type: 'dashboards', tags: ['service'], asDropdown: true, title: 'Services' }],
    panels: [
      stat(1, 'Availability (30d)', `1 - slo:sli_error:ratio_rate30d{sloth_service="${name}"}`),
      series(2, 'Requests', `sum by (code) (rate(http_requests_total{service="${name}"}[$__rate_interval]))`),
      series(3, 'p95 latency', `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="${name}"}[$__rate_interval])))`),
      { id: 4, type: 'row', title: 'Logs', collapsed: true, panels: [{ id: 5, type: 'logs', title: 'Errors', datasource: loki, targets: [{ refId: 'A', datasource: loki, expr: `{service="${name}"} |= "error"` }] }] },
    ],
  };
}

function boards(): Board[] {
  const [shop, platform, databases] = FOLDERS;
  return [
    { folder: shop, provisioned: 'shop/overview.json', updatedDaysAgo: 6, model: {
      uid: 'shop-overview', title: 'Shop overview', tags: ['business'], schemaVersion: 39,
      templating: { list: [queryVar('service', 'label_values(up, service)')] },
      panels: [
        stat(1, 'Orders per minute', 'sum(rate(orders_total[5m])) * 60', '/d/svc-checkout/service-checkout'),
        stat(2, 'Payment success', 'sum(rate(payments_total{result="ok"}[5m])) / sum(rate(payments_total[5m]))', '/d/svc-payments/service-payments'),
        series(3, 'Orders, this week and last', 'sum(rate(orders_total[$__rate_interval]))', { timeShift: '7d' }),
      ] } },
    ...['checkout', 'payments', 'search', 'accounts', 'catalog'].map((s, i): Board => ({ folder: shop, provisioned: `shop/${s}.json`, updatedDaysAgo: 3 + i * 9, model: service(s) })),
    { folder: shop, provisioned: 'shop/journeys.json', updatedDaysAgo: 12, model: {
      uid: 'user-journeys', title: 'User journeys', tags: ['ux', 'slo'], schemaVersion: 39,
      templating: { list: [queryVar('journey', 'label_values(probe_success, journey)')] },
      panels: [
        stat(1, 'Journey availability', 'avg_over_time(probe_success{journey=~"$journey"}[$__range])'),
        series(2, 'Journey duration', 'probe_duration_seconds{journey=~"$journey"}'),
        stat(3, 'Error budget left', 'slo:period_error_budget_remaining:ratio'),
      ] } },
    { folder: platform, updatedDaysAgo: 40, model: {
      uid: 'service-map', title: 'Service map', schemaVersion: 39,
      panels: [{ id: 1, type: 'nodeGraph', title: 'Calls between services', datasource: tempo, targets: [{ refId: 'A', datasource: tempo, queryType: 'serviceMap' }] }] } },
    { folder: platform, gnetId: 14348, updatedDaysAgo: 95, model: {
      uid: 'slo-detail', title: 'SLO / Detail', schemaVersion: 30,
      templating: { list: [queryVar('service', 'label_values(sloth_slo_info, sloth_service)'), queryVar('slo', 'label_values(sloth_slo_info{sloth_service="$service"}, sloth_slo)')] },
      panels: [stat(1, 'Remaining error budget (month)', 'slo:period_error_budget_remaining:ratio{sloth_service="${service}", sloth_slo="${slo}"}')] } },
    { folder: databases, gnetId: 9628, updatedDaysAgo: 210, model: {
      uid: 'postgres', title: 'PostgreSQL Database', schemaVersion: 27,
      templating: { list: [queryVar('instance', 'label_values(pg_up, instance)')] },
      panels: [series(1, 'Transactions', 'rate(pg_stat_database_xact_commit[5m])', { interval: '1m' })] } },
    { gnetId: 1860, updatedDaysAgo: 400, model: {
      uid: 'rYdddlPWk', title: 'Node Exporter Full', schemaVersion: 16,
      templating: { list: [queryVar('node', 'label_values(node_uname_info, instance)')] },
      rows: [{ title: 'CPU', panels: [{ id: 1, type: 'graph', title: 'CPU busy', datasource: 'Prometheus', targets: [{ expr: 'node_load1', refId: 'A' }] }] }] } },
    { updatedDaysAgo: 380, model: {
      uid: 'capacity-2025', title: 'Capacity plan 2025', schemaVersion: 36,
      panels: [series(1, 'Disk growth', 'sum(node_filesystem_size_bytes - node_filesystem_avail_bytes)')] } },
  ];
}

const grant = (folder: Folder, over: Record<string, unknown>) => ({
  id: 0, folderId: folder.id, folderUid: folder.uid, created: '2025-03-01T08:00:00Z', updated: '2025-03-01T08:00:00Z', userId: 0, userLogin: '', userEmail: '',
  teamId: 0, team: '', role: '', permission: 1, permissionName: 'View', uid: folder.uid, title: folder.title, slug: folder.uid, isFolder: true, url: `/dashboards/f/${folder.uid}/`, inherited: false, ...over,
});
const PERMISSIONS: Record<string, (f: Folder) => unknown[]> = {
  shop: (f) => [grant(f, { role: 'Viewer', permission: 1, permissionName: 'View' }), grant(f, { teamId: 2, team: 'shop-sre', permission: 2, permissionName: 'Edit' }), grant(f, { teamId: 3, team: 'checkout-team', permission: 4, permissionName: 'Admin' })],
  platform: (f) => [grant(f, { role: 'Viewer', permission: 1, permissionName: 'View' }), grant(f, { role: 'Editor', permission: 2, permissionName: 'Edit' })],
  databases: (f) => [grant(f, { role: 'Viewer', permission: 1, permissionName: 'View' }), grant(f, { teamId: 4, team: 'dba', permission: 4, permissionName: 'Admin' })],
};

export interface GrafanaOrg {
  boards: Board[];
  annotations: { id: number; time: number; text: string; tags: string[]; dashboardUID: string }[];
  now: Date;
}

export function generateGrafanaOrg(now: Date, seed = 1756): GrafanaOrg {
  const rand = seeded(seed + 31);
  const annotations = Array.from({ length: 18 }, (_, i) => ({
    id: 100 + i, time: now.getTime() - Math.floor(rand() * 30 * DAY), text: rand() < 0.8 ? `deploy ${['checkout', 'payments', 'search'][i % 3]} v${40 + i}` : 'database failover drill',
    tags: ['deploy'], dashboardUID: i % 2 ? 'shop-overview' : '',
  }));
  return { boards: boards(), annotations, now };
}

const ALERT_RULES = [
  ['Checkout error ratio', 'shop', false], ['Payment provider latency', 'shop', false], ['Search p95 over 1 s', 'shop', false],
  ['Disk filling', 'platform', false], ['Replication lag', 'databases', false], ['Legacy CPU alert', 'platform', true],
].map(([title, folder, paused], i) => ({
  id: i + 1, uid: `gar${i + 1}`, orgID: 1, folderUID: folder, ruleGroup: String(folder), title, condition: 'C', data: [], for: '5m', noDataState: 'NoData',
  execErrState: 'Error', isPaused: paused, labels: { severity: i < 2 ? 'critical' : 'warning' }, annotations: {}, provenance: i < 3 ? 'file' : '', updated: '2026-10-01T08:00:00Z',
}));
const CONTACT_POINTS = [
  { uid: 'cp-oncall', name: 'shop-oncall', type: 'pagerduty', settings: { integrationKey: '[REDACTED]' }, disableResolveMessage: false },
  { uid: 'cp-chat', name: 'shop-chat', type: 'slack', settings: { recipient: '#shop-alerts' }, disableResolveMessage: false },
  { uid: 'cp-mail', name: 'dba-mail', type: 'email', settings: { addresses: 'dba@shop.example.invalid' }, disableResolveMessage: false },
];

export function grafanaHandler(org: GrafanaOrg, token: string): (req: IncomingMessage, res: ServerResponse) => void {
  const iso = (daysAgo: number) => new Date(org.now.getTime() - daysAgo * DAY).toISOString();
  const hit = (b: Board) => ({
    id: 1000 + org.boards.indexOf(b), uid: b.model.uid, title: b.model.title, uri: `db/${b.model.uid}`, url: `/d/${b.model.uid}/${b.model.uid}`, slug: b.model.uid,
    type: 'dash-db', tags: (b.model.tags as string[] | undefined) ?? [], isStarred: false, sortMeta: 0,
    ...(b.folder ? { folderId: b.folder.id, folderUid: b.folder.uid, folderTitle: b.folder.title, folderUrl: `/dashboards/f/${b.folder.uid}/` } : {}),
  });
  const full = (b: Board) => ({
    dashboard: { ...b.model, id: 1000 + org.boards.indexOf(b), version: 3, ...(b.gnetId ? { gnetId: b.gnetId } : {}) },
    meta: {
      type: 'db', canSave: false, canEdit: false, canAdmin: false, canStar: true, canDelete: false, slug: b.model.uid, url: `/d/${b.model.uid}/${b.model.uid}`,
      expires: '0001-01-01T00:00:00Z', created: iso(500), updated: iso(b.updatedDaysAgo), updatedBy: 'admin', createdBy: 'admin', version: 3, hasAcl: false, isFolder: false,
      folderId: b.folder?.id ?? 0, folderUid: b.folder?.uid ?? '', folderTitle: b.folder?.title ?? 'General', folderUrl: b.folder ? `/dashboards/f/${b.folder.uid}/` : '',
      provisioned: Boolean(b.provisioned), provisionedExternalId: b.provisioned ?? '', annotationsPermissions: null,
    },
  });
  return (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return reply(res, 401, { message: 'invalid API key', traceID: '' });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = url.searchParams;
    const page = <T>(items: T[]) => {
      const limit = Math.min(5000, Number(q.get('limit') ?? 1000));
      const p = Math.max(1, Number(q.get('page') ?? 1));
      return items.slice((p - 1) * limit, p * limit);
    };
    const dash = url.pathname.match(/^\/api\/dashboards\/uid\/([^/]+)$/);
    if (dash) {
      const b = org.boards.find((x) => x.model.uid === decodeURIComponent(dash[1]));
      return b ? reply(res, 200, full(b)) : reply(res, 404, { message: 'Dashboard not found', status: 'not-found' });
    }
    const perms = url.pathname.match(/^\/api\/folders\/([^/]+)\/permissions$/);
    if (perms) {
      const f = FOLDERS.find((x) => x.uid === decodeURIComponent(perms[1]));
      return f ? reply(res, 200, PERMISSIONS[f.uid](f)) : reply(res, 404, { message: 'folder not found' });
    }
    switch (url.pathname) {
      case '/api/search': return reply(res, 200, page(org.boards.map(hit)));
      case '/api/folders': return reply(res, 200, page(FOLDERS.map((f) => ({ ...f, url: `/dashboards/f/${f.uid}/` }))));
      case '/api/annotations': {
        const from = Number(q.get('from') ?? 0);
        const to = Number(q.get('to') ?? Infinity);
        const limit = Number(q.get('limit') ?? 100);
        const items = org.annotations.filter((a) => a.time >= from && a.time <= to).slice(0, limit)
          .map((a) => ({ ...a, alertId: 0, panelId: 0, userId: 1, login: 'admin', timeEnd: a.time }));
        return reply(res, 200, items);
      }
      case '/api/v1/provisioning/alert-rules': return reply(res, 200, ALERT_RULES);
      case '/api/v1/provisioning/contact-points': return reply(res, 200, CONTACT_POINTS);
      default: return reply(res, 404, { message: 'Not found' });
    }
  };
}
