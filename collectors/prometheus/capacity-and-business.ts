import { SAMPLE_MAX } from '../../src/signals/types.js';
import type { Rules, Sample } from './api.js';
import { failed, notAvailable, value, type Measured, type Outcome } from './outcome.js';
import { MONITORING_JOBS, maxBySource, range, REPLICATION_LAG_METRICS } from './queries.js';
import type { PrometheusSignalId as Id } from './signals.js';

/**
 * The signals of chapters 8–10 (capacity, application and data high availability, continuity)
 * that need more than the facts the other modules gather: what a rule's expression means (CPU
 * utilisation, what a forecast forecasts), whether applications expose request metrics per
 * route, and replication lag at a percentile rather than its single worst sample.
 */

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

const NAMES = REQUEST_METRICS.join('|');
/** kube-state-metrics and other exporters time their own /metrics handler: those are not applications. */
const APP = `__name__=~"${NAMES}", job!~"${MONITORING_JOBS}"`;

/**
 * One query for both questions, each part marked by a `part` label: which request metrics
 * applications expose, and which of them carry a route label.
 */
export const BUSINESS_METRICS_QUERY =
  `label_replace(count by (__name__) ({${APP}}), "part", "requests", "", "")` +
  ` or label_replace(count by (__name__) (${ROUTE_LABELS.map((l) => `{${APP}, ${l}!=""}`).join(' or ')}), "part", "per_route", "", "")`;

/** The 99th percentile of each source's lag over the window, the largest of them: one spike does not decide. */
export const replicationP99Query = (w: number) =>
  REPLICATION_LAG_METRICS.map((m) => `label_replace(max(quantile_over_time(0.99, ${m}${range(w)})), "source", "${m}", "", "")`).join(' or ');

const IDENTIFIER = /[A-Za-z_:][A-Za-z0-9_:]*/g;
/** CPU time counters: utilisation is their rate. */
const CPU_SECONDS = /\b(?:rate|irate|increase)\s*\(\s*(?:node_cpu_seconds_total|container_cpu_usage_seconds_total|windows_cpu_time_total)\b/;
/** Saturation and throttling read CPU series too, but are not utilisation. */
const NOT_UTILISATION = /\b(node_load(1|5|15)|node_pressure_cpu|container_cpu_cfs_throttled|kube_pod_container_resource_(requests|limits)|kube_node_status_allocatable)/;
const IDLE = /idle/;
const COMPARISON = /(>=?|<=?)\s*(?:bool\s+)?(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.:])/g;
const FORECAST = /\b(predict_linear|holt_winters|double_exponential_smoothing)\s*\(/;
const REQUESTS = new RegExp(`\\b(${REQUEST_METRICS.map((n) => n.replace(/_(count|total)$/, '')).join('|')})`);

/** What a forecast forecasts, by the families it reads. */
const FORECAST_KINDS: [kind: string, families: RegExp][] = [
  ['cpu', /\b(node_cpu_|container_cpu_|windows_cpu_)/],
  ['memory', /\b(node_memory_|container_memory_|windows_memory_|windows_os_physical_memory)/],
  ['disk', /\b(node_filesystem_|node_disk_|kubelet_volume_stats_|container_fs_|windows_logical_disk_)/],
  ['network', /\b(node_network_|container_network_|windows_net_)/],
  ['requests', REQUESTS],
];

export interface CapacityFacts {
  cpuUtilisation: string[];
  forecastKinds: Map<string, string[]>;
  businessAlerts: string[];
}

export function analyseCapacity(rules: Rules): CapacityFacts {
  const all = rules.groups.flatMap((g) => g.rules);
  const recorded = new Map<string, string>();
  for (const r of all) if (r.type === 'recording') recorded.set(r.name, (recorded.get(r.name) ?? '') + '\n' + r.query);
  const expand = (query: string) => {
    const parts = [query];
    const seen = new Set<string>();
    for (let i = 0; i < parts.length; i++) {
      for (const id of parts[i].match(IDENTIFIER) ?? []) {
        const expr = recorded.get(id);
        if (expr === undefined || seen.has(id)) continue;
        seen.add(id);
        parts.push(expr);
      }
    }
    return parts.join('\n');
  };

  const cpuUtilisation: string[] = [];
  const businessAlerts: string[] = [];
  const forecastKinds = new Map<string, string[]>();
  for (const r of all) {
    const text = expand(r.query);
    if (r.type === 'alerting') {
      if (isCpuUtilisationAlert(r.query, text)) cpuUtilisation.push(r.name);
      if (REQUESTS.test(text)) businessAlerts.push(r.name);
    }
    if (!FORECAST.test(text)) continue;
    const kinds = FORECAST_KINDS.filter(([, re]) => re.test(text)).map(([k]) => k);
    for (const k of kinds.length ? kinds : ['other']) forecastKinds.set(k, [...(forecastKinds.get(k) ?? []), r.name]);
  }
  return { cpuUtilisation, forecastKinds, businessAlerts };
}

/**
 * An alert on CPU utilisation — the rate of CPU time, busy or idle, directly or through the
 * recording rules it reads — that fires at a busy level of 80 % or less. Load averages per core,
 * CPU pressure, CFS throttling and request/allocatable ratios read CPU series too but say
 * nothing about utilisation, so an expression that involves them does not count, whatever its
 * name or threshold.
 */
export function isCpuUtilisationAlert(query: string, expanded: string): boolean {
  if (!CPU_SECONDS.test(expanded) || NOT_UTILISATION.test(expanded)) return false;
  const onIdle = IDLE.test(query);
  for (const m of query.matchAll(COMPARISON)) {
    const op = m[1];
    const t = Number(m[2]);
    if (op.startsWith('>') && ((t > 0 && t <= 0.8) || (t > 1 && t <= 80))) return true;
    if (op.startsWith('<') && onIdle && ((t >= 0.2 && t < 1) || (t >= 20 && t < 100))) return true;
  }
  return false;
}

const names = (list: string[]) => list.slice(0, 10).join(', ') + (list.length > 10 ? ` (+${list.length - 10} more)` : '');
/** The rules behind a count, and a note saying what they are. */
const withRules = (m: Measured, rules: string[], what: string): Measured =>
  m.status === 'value' ? { ...m, objects: { total: rules.length, sample: rules.slice(0, SAMPLE_MAX) }, notes: [`objects: ${what}`] } : m;

/** The signals, from the rules response, the business-metrics query and the p99 lag query. */
export function deriveCapacityAndBusiness(
  rules: Outcome<Rules>,
  business: Outcome<Sample[]>,
  lagP99: Outcome<Sample[]>,
  worst: Outcome<Sample[]>,
  windowSeconds: number,
): Partial<Record<Id, Measured>> {
  const out: Partial<Record<Id, Measured>> = {};
  const ruleIds = ['prometheus.capacity.cpu_utilisation_alerts', 'prometheus.capacity.forecast_kinds', 'prometheus.business.alert_rules'] as const;
  if (!rules.ok) for (const id of ruleIds) out[id] = failed(rules.message, rules.evidence);
  else {
    const f = analyseCapacity(rules.data);
    const ev = [rules.evidence];
    out['prometheus.capacity.cpu_utilisation_alerts'] = withRules(value(f.cpuUtilisation.length, ev, f.cpuUtilisation.length ? names(f.cpuUtilisation) : 'no alert on CPU utilisation at or below 80 %'),
      f.cpuUtilisation, 'alerting rules on CPU utilisation at or below 80 %');
    out['prometheus.capacity.forecast_kinds'] = value(f.forecastKinds.size, ev,
      f.forecastKinds.size ? [...f.forecastKinds].map(([k, rs]) => `${k}: ${names(rs)}`).join('; ') : 'no rule uses predict_linear, holt_winters or double_exponential_smoothing');
    out['prometheus.business.alert_rules'] = withRules(value(f.businessAlerts.length, ev, f.businessAlerts.length ? names(f.businessAlerts) : 'no alerting rule reads application request metrics'),
      f.businessAlerts, 'alerting rules reading application request metrics');
    const forecasting = [...new Set([...f.forecastKinds.values()].flat())];
    out['prometheus.capacity.forecast_kinds'] = withRules(out['prometheus.capacity.forecast_kinds'], forecasting, 'rules that forecast (their kinds are in the detail)');
  }

  if (!business.ok) {
    out['prometheus.business.request_metrics'] = failed(business.message, business.evidence);
    out['prometheus.business.per_route_metrics'] = failed(business.message, business.evidence);
  } else {
    const part = (p: string) => business.data.filter((s) => s.metric.part === p && s.value > 0).map((s) => s.metric.__name__ ?? '').sort();
    const requests = part('requests');
    const perRoute = part('per_route');
    const ev = [business.evidence];
    out['prometheus.business.request_metrics'] = value(requests.length > 0, ev, requests.length ? requests.join(', ') : `none of ${REQUEST_METRICS.join(', ')} outside the monitoring jobs`);
    out['prometheus.business.per_route_metrics'] = requests.length === 0
      ? value(false, ev, 'no application request metrics at all')
      : value(perRoute.length > 0, ev, perRoute.length ? `labelled per interface: ${perRoute.join(', ')}` : `${requests.join(', ')} carry none of the labels ${ROUTE_LABELS.join(', ')}`);
  }

  if (!lagP99.ok) out['prometheus.replication.p99_lag_seconds'] = failed(lagP99.message, lagP99.evidence);
  else {
    const found = maxBySource(lagP99.data);
    out['prometheus.replication.p99_lag_seconds'] = found
      ? value(Math.max(0, found.value), [lagP99.evidence], found.detail)
      : notAvailable(`no replication lag metric (${REPLICATION_LAG_METRICS.join(', ')}) in the window`, lagP99.evidence);
  }

  // The worst probe again, with the window it covers said next to it: the standard's figures are per year.
  if (worst.ok && worst.data.length && Number.isFinite(worst.data[0].value)) {
    const days = Math.round(windowSeconds / 86400);
    const year = 365 * 86400;
    const who = Object.entries(worst.data[0].metric).map(([k, v]) => `${k}=${v}`).join(', ');
    out['prometheus.probes.worst_availability'] = value(Math.min(1, Math.max(0, worst.data[0].value)), [worst.evidence],
      `over ${days} days${windowSeconds < year ? ', shorter than the year the standard counts downtime over' : ''}${who ? `; the worst probe: ${who}` : ''}`);
  }
  return out;
}
