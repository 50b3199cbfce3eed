/**
 * The PromQL the collector runs, each once per scan whatever the size of the server: every
 * query aggregates on the server, so thousands of targets still cost one request per query.
 */

/** The scan window as a PromQL range, in whole seconds (`[2592000s]`). */
export function range(windowSeconds: number): string {
  return `[${Math.max(1, Math.round(windowSeconds))}s]`;
}

export type DataKind = 'os' | 'container' | 'kubernetes' | 'probe' | 'application' | 'logs' | 'traces' | 'database' | 'push';

/** Metric names (PromQL regex alternatives, anchored by PromQL) that show each kind of data. */
export const KIND_METRICS: Record<DataKind, string[]> = {
  os: ['node_cpu_seconds_total', 'windows_cpu_time_total'],
  container: ['container_cpu_usage_seconds_total'],
  kubernetes: ['kube_pod_info'],
  probe: ['probe_success'],
  application: ['http_requests_total', 'http_server_requests_seconds_count', 'http_server_request_duration_seconds_count', 'grpc_server_handled_total'],
  logs: ['promtail_.*', 'fluentbit_.*', 'fluentd_.*', 'loki_.*', 'vector_.*', 'filebeat_.*', 'otelcol_receiver_accepted_log_records.*'],
  traces: ['otelcol_receiver_accepted_spans.*', 'tempo_.*', 'jaeger_.*'],
  database: ['pg_up', 'mysql_up', 'redis_up', 'mongodb_up'],
  push: ['push_time_seconds'],
};

/** Free-memory series that, beside the CPU ones, make an OS exporter complete. */
export const OS_MEMORY_METRICS = ['node_memory_MemAvailable_bytes', 'windows_os_physical_memory_free_bytes', 'windows_memory_physical_free_bytes'];
export const OS_CPU_METRICS = ['node_cpu_seconds_total', 'windows_cpu_time_total'];

/**
 * Every Prometheus and exporter exposes process_cpu_seconds_total about itself, so it only
 * shows an application when it comes from a job outside the monitoring stack.
 */
export const MONITORING_JOBS = '(?i).*(prometheus|alertmanager|pushgateway|exporter|node|blackbox|grafana|loki|promtail|tempo|thanos|mimir|cortex|victoria|vmagent|otel|kube-state|kubelet|cadvisor).*';
export const APP_PROCESS_METRIC = 'process_cpu_seconds_total';

const inventoryNames = [...new Set([...Object.values(KIND_METRICS).flat(), ...OS_MEMORY_METRICS])];

/** Which of the interesting metric names exist now, with their series counts. */
export const INVENTORY_QUERY =
  `count by (__name__) ({__name__=~"${inventoryNames.join('|')}"})` +
  ` or count by (__name__) (${APP_PROCESS_METRIC}{job!~"${MONITORING_JOBS}"})`;

/** mode="idle" keeps it to one series per CPU core, not eight. */
export const NODE_INSTANCES_QUERY = `count(count by (instance) ({__name__=~"${OS_CPU_METRICS.join('|')}", mode="idle"}))`;

export const VECTOR_ONE = 'vector(1)';

export const probesAvailabilityQuery = (w: number) => `avg(avg_over_time(probe_success${range(w)}))`;
/** bottomk rather than min: the answer keeps the worst probe's labels, so the detail can name it. */
export const probesWorstQuery = (w: number) => `bottomk(1, avg_over_time(probe_success${range(w)}))`;
export const firedAlertsQuery = (w: number) => `count(last_over_time(ALERTS{alertstate="firing"}${range(w)}))`;
export const notificationsQuery = (w: number) => `sum(increase(alertmanager_notifications_total${range(w)}))`;

/**
 * One expression per source, each labelled `source="<metric>"` so one query answers for all of
 * them and the detail can say which exporter the value came from.
 */
function perSource(terms: [source: string, expr: string][]): string {
  return terms.map(([source, expr]) => `label_replace(${expr}, "source", "${source}", "", "")`).join(' or ');
}

/**
 * Timestamps of the latest successful backup per backup set: the oldest of them gives the
 * age. A zero timestamp means the exporter knows of no backup at all, not one from 1970.
 */
const BACKUP_TIMESTAMPS: [string, string][] = [
  ['velero_backup_last_successful_timestamp', 'velero_backup_last_successful_timestamp'],
  ['cnpg_collector_last_available_backup_timestamp', 'cnpg_collector_last_available_backup_timestamp'],
  ['walg_last_upload', 'walg_last_upload{type="basebackup"}'],
];
/** Exporters that already publish an age. */
const BACKUP_AGES: [string, string][] = [
  // one value per backup type; the most recent of any type is the stanza's latest backup
  ['pgbackrest_backup_since_last_completion_seconds', 'min without (backup_type) (pgbackrest_backup_since_last_completion_seconds)'],
  ['pg_stat_archiver_last_archive_age', 'pg_stat_archiver_last_archive_age'],
  ['cnpg_pg_stat_archiver_seconds_since_last_archival', 'cnpg_pg_stat_archiver_seconds_since_last_archival'],
];
export const BACKUP_AGE_QUERY = perSource([
  ...BACKUP_TIMESTAMPS.map(([s, sel]): [string, string] => [s, `time() - min(${sel} > 0)`]),
  ...BACKUP_AGES.map(([s, expr]): [string, string] => [s, `max(${expr})`]),
]);

export const REPLICATION_LAG_METRICS = [
  'pg_replication_lag_seconds',
  'pg_replication_lag',
  'cnpg_pg_replication_lag',
  'mysql_slave_status_seconds_behind_master',
  'mysql_replica_status_seconds_behind_source',
];
/** Per metric, so two names for one lag on the same exporter cannot collide once names are dropped. */
export const replicationLagQuery = (w: number) => perSource(REPLICATION_LAG_METRICS.map((m): [string, string] => [m, `max(max_over_time(${m}${range(w)}))`]));

/** The 99th percentile of each source's lag over the window, the largest of them: one spike does not decide. */
export const replicationP99Query = (w: number) =>
  REPLICATION_LAG_METRICS.map((m) => `label_replace(max(quantile_over_time(0.99, ${m}${range(w)})), "source", "${m}", "", "")`).join(' or ');

/**
 * Scrape pools as every Prometheus this server scrapes reports them, and each such server's
 * start time: a server scraped under two addresses is still one server.
 */
export const SHARED_POOLS_QUERY = 'prometheus_target_scrape_pool_targets or (process_start_time_seconds and on (instance, job) prometheus_build_info)';

/**
 * Samples each remote_write queue delivered in the window (sent minus failed), per destination.
 * Prometheus before 2.24 named the counter succeeded_samples_total.
 */
export const remoteWriteDeliveredQuery = (w: number) => {
  const r = range(w);
  const sent = `(sum by (url) (increase(prometheus_remote_storage_samples_total${r})) or sum by (url) (increase(prometheus_remote_storage_succeeded_samples_total${r})))`;
  const failedSamples = `(sum by (url) (increase(prometheus_remote_storage_samples_failed_total${r})) or sum by (url) (increase(prometheus_remote_storage_failed_samples_total${r})))`;
  return `${sent} - (${failedSamples} or ${sent} * 0)`;
};

/** Request metrics of applications: HTTP and gRPC servers as the common client libraries name them. */
export const REQUEST_METRICS = [
  'http_requests_total',
  'http_server_requests_seconds_count', // Micrometer (Spring)
  'http_server_request_duration_seconds_count', // OpenTelemetry semantic conventions
  'http_request_duration_seconds_count', // Prometheus client libraries' usual histogram
  'grpc_server_handled_total',
  'grpc_server_handling_seconds_count',
];
/** Labels that name the interface a request went to. */
export const ROUTE_LABELS = ['route', 'http_route', 'handler', 'uri', 'path', 'endpoint', 'grpc_method', 'operation'];

/** kube-state-metrics and other exporters time their own /metrics handler: those are not applications. */
const APP = `__name__=~"${REQUEST_METRICS.join('|')}", job!~"${MONITORING_JOBS}"`;

/**
 * One query for both questions, each part marked by a `part` label: which request metrics
 * applications expose, and which of them carry a route label.
 */
export const BUSINESS_METRICS_QUERY =
  `label_replace(count by (__name__) ({${APP}}), "part", "requests", "", "")` +
  ` or label_replace(count by (__name__) (${ROUTE_LABELS.map((l) => `{${APP}, ${l}!=""}`).join(' or ')}), "part", "per_route", "", "")`;
