import { emitAll, type Collector } from '../../src/collector/kit.js';
import { httpAuthOptions } from '../../src/config/http-auth.js';
import { PrometheusApi } from './api.js';
import { prometheusConfigSchema, type PrometheusConfig } from './config.js';
import { measurePrometheus } from './measure.js';
import { readPrometheus } from './read.js';
import { PROMETHEUS_SIGNALS } from './signals.js';

export type { PrometheusConfig } from './config.js';

export const prometheusCollector: Collector<PrometheusConfig> = {
  id: 'prometheus',
  description: 'Prometheus HTTP API: targets, rules, alerts, running config, runtime and TSDB status, and PromQL over the scan window',
  signals: PROMETHEUS_SIGNALS,
  configSchema: prometheusConfigSchema,
  async collect(ctx) {
    const api = new PrometheusApi(ctx.http({ baseURL: ctx.config.url, ...httpAuthOptions(ctx.config, ctx.resolvePath) }), ctx.window.end);
    const reads = await readPrometheus(api, ctx.window.seconds, ctx.signal);
    emitAll(ctx, PROMETHEUS_SIGNALS, measurePrometheus(reads, ctx.window.seconds), 'not measured: a collector bug');
  },
};
