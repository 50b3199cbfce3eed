import { emitAll, type Collector } from '../../src/collector/kit.js';
import { httpAuthOptions } from '../../src/config/http-auth.js';
import { alertmanagerApi } from './api.js';
import { alertmanagerConfigSchema, type AlertmanagerConfig } from './config.js';
import { measureAlertmanager } from './measure.js';
import { readAlertmanager } from './read.js';
import { SIGNALS } from './signals.js';

export { alertmanagerConfigSchema, type AlertmanagerConfig } from './config.js';

export const alertmanagerCollector: Collector<AlertmanagerConfig> = {
  id: 'alertmanager',
  description: 'Prometheus Alertmanager: routing configuration, receivers, alerts, silences and notification counters (API v2 and /metrics)',
  signals: SIGNALS,
  configSchema: alertmanagerConfigSchema,
  async collect(ctx) {
    const api = alertmanagerApi(ctx.http({ baseURL: ctx.config.url, ...httpAuthOptions(ctx.config, ctx.resolvePath) }));
    const reads = await readAlertmanager(api);
    emitAll(ctx, SIGNALS, measureAlertmanager(reads, ctx.window), 'not measured: a collector bug');
  },
};
