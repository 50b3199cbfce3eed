import { httpAuthOptions } from '../../src/config/http-auth.js';
import type { CollectContext, Collector } from '../../src/collector/types.js';
import type { FailureKind } from '../../src/http/errors.js';
import {
  alertmanagersSchema,
  buildInfoSchema,
  configSchema,
  flagsSchema,
  PrometheusApi,
  rulesSchema,
  runtimeInfoSchema,
  targetsSchema,
  tsdbSchema,
} from './api.js';
import { prometheusConfigSchema, type PrometheusConfig } from './config.js';
import { BUSINESS_METRICS_QUERY, deriveCapacityAndBusiness, replicationP99Query } from './capacity-and-business.js';
import { deriveSignals, type Responses } from './derive.js';
import { settle, settleAll } from './outcome.js';
import {
  BACKUP_AGE_QUERY,
  firedAlertsQuery,
  INVENTORY_QUERY,
  NODE_INSTANCES_QUERY,
  notificationsQuery,
  probesAvailabilityQuery,
  probesWorstQuery,
  replicationLagQuery,
  VECTOR_ONE,
} from './queries.js';
import { PROMETHEUS_SIGNALS } from './signals.js';
import { remoteWriteDeliveredQuery, SHARED_POOLS_QUERY } from './chapter5.js';

export type { PrometheusConfig } from './config.js';

/** Failures of the first request that no other request could get past. */
const FATAL: ReadonlySet<FailureKind | undefined> = new Set<FailureKind | undefined>(['credentials', 'unavailable', 'aborted', 'budget', undefined]);
const CONCURRENCY = 4;

export const prometheusCollector: Collector<PrometheusConfig> = {
  id: 'prometheus',
  description: 'Prometheus HTTP API: targets, rules, alerts, running config, runtime and TSDB status, and PromQL over the scan window',
  signals: [...PROMETHEUS_SIGNALS],
  configSchema: prometheusConfigSchema,
  collect,
};

async function collect(ctx: CollectContext<PrometheusConfig>): Promise<void> {
  const api = new PrometheusApi(ctx.http({ baseURL: ctx.config.url, ...httpAuthOptions(ctx.config, ctx.resolvePath) }), ctx.window.end);
  const w = ctx.window.seconds;

  const build = await settle(() => api.get('/api/v1/status/buildinfo', buildInfoSchema));
  if (!build.ok && FATAL.has(build.kind)) throw build.error;
  const up = await settle(() => api.query(VECTOR_ONE));
  // Neither the status API nor the query API answers: the URL leads to no Prometheus.
  if (!build.ok && !up.ok) throw build.error;

  const rest = await settleAll(
    {
      config: () => api.get('/api/v1/status/config', configSchema),
      flags: () => api.get('/api/v1/status/flags', flagsSchema),
      runtime: () => api.get('/api/v1/status/runtimeinfo', runtimeInfoSchema),
      tsdb: () => api.get('/api/v1/status/tsdb', tsdbSchema),
      targets: () => api.get('/api/v1/targets', targetsSchema, { state: 'active' }),
      rules: () => api.get('/api/v1/rules', rulesSchema),
      alertmanagers: () => api.get('/api/v1/alertmanagers', alertmanagersSchema),
      inventory: () => api.query(INVENTORY_QUERY),
      nodes: () => api.query(NODE_INSTANCES_QUERY),
      probesAvailability: () => api.query(probesAvailabilityQuery(w)),
      probesWorst: () => api.query(probesWorstQuery(w)),
      fired: () => api.query(firedAlertsQuery(w)),
      notifications: () => api.query(notificationsQuery(w)),
      backup: () => api.query(BACKUP_AGE_QUERY),
      replication: () => api.query(replicationLagQuery(w)),
      sharedPools: () => api.query(SHARED_POOLS_QUERY),
      remoteWriteDelivered: () => api.query(remoteWriteDeliveredQuery(w)),
      business: () => api.query(BUSINESS_METRICS_QUERY),
      replicationP99: () => api.query(replicationP99Query(w)),
    },
    CONCURRENCY,
  );

  const signals = { ...deriveSignals({ build, up, ...rest } satisfies Responses), ...deriveCapacityAndBusiness(rest.rules, rest.business, rest.replicationP99, rest.probesWorst, w) };
  for (const decl of PROMETHEUS_SIGNALS) {
    const m = signals[decl.id];
    if (!m) continue;
    if (m.status === 'value') ctx.emit(decl.id, m.value, m.evidence, { detail: m.detail, objects: m.objects, notes: m.notes });
    else if (m.status === 'not_available') ctx.notAvailable(decl.id, m.reason, m.evidence);
    else ctx.failed(decl.id, m.reason, m.evidence);
  }
}

