import { fromRead, notAvailable, ratioOf, type Measured, type Read } from '../../../src/collector/kit.js';
import type { Rule, Rules } from '../api.js';

/**
 * Facts read from /api/v1/rules. Expressions are classified by the metric names and functions
 * they mention; an alert that reads a recording rule is judged on what that rule reads too
 * (kube-prometheus and most mixins alert on recorded series, not on raw metrics).
 */
export interface RuleFacts {
  groups: number;
  recording: number;
  alerting: number;
  unhealthy: number;
  /** Undefined when no group reports it (very old servers) or there are no groups. */
  maxEvalSeconds?: number;
  maxIntervalSeconds?: number;
  maxEvalToInterval?: number;
  withSeverity: number;
  severityLevels: string[];
  withRunbook: number;
  withSummary: number;
  dynamicThreshold: string[];
  withFor: number;
  firing: number;
  capacity: string[];
  cpuThreshold: string[];
  forecast: string[];
}

const RUNBOOK_ANNOTATIONS = ['runbook_url', 'runbook', 'playbook', 'action'];
const SUMMARY_ANNOTATIONS = ['summary', 'description'];

/**
 * A z-score, (x - avg_over_time(x[w])) / stddev_over_time(x[w]), is caught by its
 * stddev_over_time, usually inside the recording rule the alert reads.
 */
const DYNAMIC = /\b(predict_linear|holt_winters|double_exponential_smoothing|stddev_over_time|stdvar_over_time|quantile_over_time)\s*\(/;
const FORECAST = /\bpredict_linear\s*\(/;

/** CPU, memory, filesystem/disk and network families of the OS, container and Kubernetes exporters. */
const CAPACITY =
  /\b(node_cpu_|node_memory_|node_filesystem_|node_disk_|node_network_|node_load(1|5|15)\b|container_cpu_|container_memory_|container_fs_|container_network_|kube_pod_container_resource_|kube_node_status_(allocatable|capacity)\b|windows_cpu_|windows_memory_|windows_os_physical_memory|windows_logical_disk_|windows_net_)/;
const CPU = /\b(node_cpu_|container_cpu_|windows_cpu_)|cpu_utili[sz]ation|cpu_usage/;
const IDLE = /idle/;
/** `> 0.8`, `>= bool 80`; not `>=` inside `=~`/`!~` matchers, which never start with `<` or `>`. */
const COMPARISON = /(>=?|<=?)\s*(?:bool\s+)?(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.:])/g;
const IDENTIFIER = /[A-Za-z_:][A-Za-z0-9_:]*/g;

export function analyseRules(rules: Rules): RuleFacts {
  const all = rules.groups.flatMap((g) => g.rules);
  const alerting = all.filter((r) => r.type === 'alerting');
  const recorded = new Map<string, string>();
  for (const r of all) if (r.type === 'recording') recorded.set(r.name, (recorded.get(r.name) ?? '') + '\n' + r.query);
  const expand = expander(recorded);

  const severities = new Set<string>();
  let withSeverity = 0;
  for (const r of alerting) {
    const level = nonEmpty(r.labels?.severity) ?? nonEmpty(r.labels?.priority);
    if (level === undefined) continue;
    withSeverity++;
    severities.add(level.toLowerCase());
  }

  const capacity: string[] = [];
  const cpuThreshold: string[] = [];
  const dynamic: string[] = [];
  for (const r of alerting) {
    const text = expand(r.query);
    if (DYNAMIC.test(text)) dynamic.push(r.name);
    if (!CAPACITY.test(text)) continue;
    capacity.push(r.name);
    // Idle is judged on the alert's own text: a recorded utilisation derived from idle time
    // is busy time again, and `utilisation < 0.2` is a low-use alert, not a saturation one.
    if (CPU.test(text) && hasCpuThresholdAtMost80(r.query, IDLE.test(r.query))) cpuThreshold.push(r.name);
  }

  const evals = rules.groups.filter((g) => g.evaluationTime !== undefined).map((g) => g.evaluationTime as number);
  const intervals = rules.groups.filter((g) => g.interval !== undefined).map((g) => g.interval as number);
  const ratios = rules.groups
    .filter((g) => g.evaluationTime !== undefined && g.interval !== undefined && g.interval > 0)
    .map((g) => Math.min(1, (g.evaluationTime as number) / (g.interval as number)));

  return {
    groups: rules.groups.length,
    recording: all.filter((r) => r.type === 'recording').length,
    alerting: alerting.length,
    unhealthy: all.filter((r) => r.health === 'err' || nonEmpty(r.lastError) !== undefined).length,
    maxEvalSeconds: evals.length ? Math.max(...evals) : undefined,
    maxIntervalSeconds: intervals.length ? Math.max(...intervals) : undefined,
    maxEvalToInterval: ratios.length ? Math.max(...ratios) : undefined,
    withSeverity,
    severityLevels: [...severities].sort(),
    withRunbook: alerting.filter((r) => hasAnnotation(r, RUNBOOK_ANNOTATIONS)).length,
    withSummary: alerting.filter((r) => hasAnnotation(r, SUMMARY_ANNOTATIONS)).length,
    dynamicThreshold: dynamic,
    withFor: alerting.filter((r) => (r.duration ?? 0) > 0).length,
    firing: alerting.reduce((n, r) => n + (r.alerts ?? []).filter((a) => a.state === 'firing').length, 0),
    capacity,
    cpuThreshold,
    forecast: all.filter((r) => FORECAST.test(r.query)).map((r) => r.name),
  };
}

/** The query with the expressions of the recording rules it reads appended, transitively. */
export function expander(recorded: Map<string, string>): (query: string) => string {
  return (query) => {
    const seen = new Set<string>();
    const parts = [query];
    const queue = [query];
    // Bounded by the number of recording rules: each is appended once.
    for (let q = queue.shift(); q !== undefined; q = queue.shift()) {
      for (const id of q.match(IDENTIFIER) ?? []) {
        const expr = recorded.get(id);
        if (expr === undefined || seen.has(id)) continue;
        seen.add(id);
        parts.push(expr);
        queue.push(expr);
      }
    }
    return parts.join('\n');
  };
}

/**
 * Whether the alert fires at a CPU busy level of 80 % or less: `busy > t` with t in (0, 0.8]
 * as a fraction or (1, 80] as a percentage, or, on idle time, `idle < t` with t ≥ 0.2 / 20.
 */
export function hasCpuThresholdAtMost80(query: string, onIdle: boolean): boolean {
  for (const m of query.matchAll(COMPARISON)) {
    const op = m[1];
    const t = Number(m[2]);
    if (op.startsWith('>') && ((t > 0 && t <= 0.8) || (t > 1 && t <= 80))) return true;
    if (op.startsWith('<') && onIdle && ((t >= 0.2 && t < 1) || (t >= 20 && t < 100))) return true;
  }
  return false;
}

function hasAnnotation(rule: Rule, keys: string[]): boolean {
  return keys.some((k) => nonEmpty(rule.annotations?.[k]) !== undefined);
}

function nonEmpty(value: string | undefined | null): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** The signals of the loaded rules, each from the facts above. */
export function measureRules(rules: Read<RuleFacts>): Record<string, Measured> {
  const of = (measure: (r: RuleFacts) => Measured | number, detail?: (r: RuleFacts) => string | undefined) =>
    fromRead(rules, measure, detail && ((r) => ({ detail: detail(r) })));
  // Group timings are missing when there are no groups, or on servers too old to report them.
  const timing = (pick: (r: RuleFacts) => number | undefined) =>
    of((r) => pick(r) ?? notAvailable(r.groups === 0 ? 'no rule groups are loaded' : 'the rule groups do not report it (Prometheus too old)'));
  const ofAlerting = (part: (r: RuleFacts) => number) => of((r) => ratioOf(part(r), r.alerting, [], 'alerting rules'));
  return {
    'prometheus.rules.groups': of((r) => r.groups),
    'prometheus.rules.recording_count': of((r) => r.recording),
    'prometheus.rules.alerting_count': of((r) => r.alerting),
    'prometheus.rules.unhealthy': of((r) => r.unhealthy),
    'prometheus.rules.max_eval_seconds': timing((r) => r.maxEvalSeconds),
    'prometheus.rules.max_interval_seconds': timing((r) => r.maxIntervalSeconds),
    'prometheus.rules.max_eval_to_interval': timing((r) => r.maxEvalToInterval),
    'prometheus.rules.severity_ratio': ofAlerting((r) => r.withSeverity),
    'prometheus.rules.severity_levels': of((r) => (r.alerting === 0 ? notAvailable('no alerting rules') : r.severityLevels.length), (r) => r.severityLevels.join(', ') || undefined),
    'prometheus.rules.runbook_ratio': ofAlerting((r) => r.withRunbook),
    'prometheus.rules.summary_ratio': ofAlerting((r) => r.withSummary),
    'prometheus.rules.dynamic_threshold_count': of((r) => r.dynamicThreshold.length, (r) => ruleNames(r.dynamicThreshold)),
    'prometheus.rules.for_ratio': ofAlerting((r) => r.withFor),
    'prometheus.alerts.firing': of((r) => r.firing),
    'prometheus.capacity.alert_rules': of((r) => r.capacity.length, (r) => ruleNames(r.capacity)),
    'prometheus.capacity.cpu_threshold_rules': of((r) => r.cpuThreshold.length, (r) => ruleNames(r.cpuThreshold)),
    'prometheus.capacity.forecast_rules': of((r) => r.forecast.length, (r) => ruleNames(r.forecast)),
  };
}

function ruleNames(list: string[]): string | undefined {
  return list.length ? list.slice(0, 10).join(', ') + (list.length > 10 ? ', ...' : '') : undefined;
}
