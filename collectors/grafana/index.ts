import { emitAll, mapRead, type Collector } from '../../src/collector/kit.js';
import { grafanaApi } from './api.js';
import { grafanaConfigSchema, type GrafanaConfig } from './config.js';
import { dashboardFacts, measureAlerting, measureAnnotations, measureDashboards, measureFolders } from './measure.js';
import { grafanaReader } from './read.js';
import { SIGNALS } from './signals.js';

export { grafanaConfigSchema, type GrafanaConfig } from './config.js';

export const grafanaCollector: Collector<GrafanaConfig> = {
  id: 'grafana',
  description: 'Grafana (HTTP API, read-only service-account token): dashboards and their panels, variables, links and data sources, folders and their permissions, annotations, Grafana-managed alert rules and contact points',
  signals: SIGNALS,
  configSchema: grafanaConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({ baseURL: config.url.replace(/\/+$/, ''), auth: { bearer: config.token } });
    const read = grafanaReader(grafanaApi(http), { limit: config.page_size, maxDashboards: config.max_dashboards, signal: ctx.signal });

    const hits = await read.search();
    const models = hits.status === 'ok' ? await read.dashboards(hits.data) : hits;
    const folders = await read.folders();
    const permissions = folders.status === 'ok' ? await read.permissions(folders.data) : undefined;
    const annotations = await read.annotations(ctx.window.start.getTime(), ctx.window.end.getTime(), config.annotations_limit);
    const rules = await read.alertRules();
    const contactPoints = await read.contactPoints();

    const measured = {
      ...measureDashboards({
        hits,
        dashboards: mapRead(models, (ds) => ds.map(dashboardFacts)),
        unread: hits.status === 'ok' ? Math.max(0, hits.data.length - config.max_dashboards) : 0,
        now: ctx.clock.now().getTime(),
        staleDays: config.stale_days,
      }),
      ...measureFolders(folders, permissions),
      ...measureAnnotations(annotations, config.annotations_limit),
      ...measureAlerting(rules, contactPoints),
    };
    emitAll(ctx, SIGNALS, measured, folders.status === 'ok' ? 'not measured' : `folders not read: ${folders.reason}`);
  },
};
