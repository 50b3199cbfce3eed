import { measureFailed, measuredValue, type Measured, type Read } from '../../../src/collector/kit.js';
import { SAMPLE_MAX } from '../../../src/signals/types.js';
import type { Rules } from '../api.js';
import { REQUEST_METRICS } from '../queries.js';
import { expander, hasCpuThresholdAtMost80 } from './rules.js';

/**
 * The capacity signals of chapter 8 that need what a rule's expression means, not only which
 * families it reads: CPU utilisation alerts, what a forecast forecasts, alerts on application
 * request metrics.
 */

/** CPU time counters: utilisation is their rate. */
const CPU_SECONDS = /\b(?:rate|irate|increase)\s*\(\s*(?:node_cpu_seconds_total|container_cpu_usage_seconds_total|windows_cpu_time_total)\b/;
/** Saturation and throttling read CPU series too, but are not utilisation. */
const NOT_UTILISATION = /\b(node_load(1|5|15)|node_pressure_cpu|container_cpu_cfs_throttled|kube_pod_container_resource_(requests|limits)|kube_node_status_allocatable)/;
const IDLE = /idle/;
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
  const expand = expander(recorded);

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
  return hasCpuThresholdAtMost80(query, IDLE.test(query));
}

const names = (list: string[]) => list.slice(0, 10).join(', ') + (list.length > 10 ? ` (+${list.length - 10} more)` : '');
/** A count of rules, with the rules behind it and a note saying what they are. */
const rulesCount = (value: number, rules: string[], evidence: string[], detail: string, what: string): Measured =>
  measuredValue(value, evidence, { detail, objects: { total: rules.length, sample: rules.slice(0, SAMPLE_MAX) }, notes: [`objects: ${what}`] });

/**
 * The three signals from the rules. Unlike the rule counts, a server without the rules API
 * (404) fails them rather than leaving them not available.
 */
export function measureCapacity(rules: Read<Rules>): Record<string, Measured> {
  if (rules.status !== 'ok') {
    const m = measureFailed(rules.reason, rules.evidence);
    return { 'prometheus.capacity.cpu_utilisation_alerts': m, 'prometheus.capacity.forecast_kinds': m, 'prometheus.business.alert_rules': m };
  }
  const f = analyseCapacity(rules.data);
  const ev = rules.evidence;
  const forecasting = [...new Set([...f.forecastKinds.values()].flat())];
  return {
    'prometheus.capacity.cpu_utilisation_alerts': rulesCount(f.cpuUtilisation.length, f.cpuUtilisation, ev, f.cpuUtilisation.length ? names(f.cpuUtilisation) : 'no alert on CPU utilisation at or below 80 %',
      'alerting rules on CPU utilisation at or below 80 %'),
    'prometheus.capacity.forecast_kinds': rulesCount(f.forecastKinds.size, forecasting, ev,
      f.forecastKinds.size ? [...f.forecastKinds].map(([k, rs]) => `${k}: ${names(rs)}`).join('; ') : 'no rule uses predict_linear, holt_winters or double_exponential_smoothing',
      'rules that forecast (their kinds are in the detail)'),
    'prometheus.business.alert_rules': rulesCount(f.businessAlerts.length, f.businessAlerts, ev, f.businessAlerts.length ? names(f.businessAlerts) : 'no alerting rule reads application request metrics',
      'alerting rules reading application request metrics'),
  };
}
