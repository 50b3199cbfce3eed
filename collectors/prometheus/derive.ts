import { errorMessage } from '../../src/errors.js';
import type { BuildInfo, Rules, Sample, Targets } from './api.js';
import { annotateCounts, deriveChapter5 } from './chapter5.js';
import { analyseConfig } from './config-analysis.js';
import { failed, mapOutcome, notAvailable, value, type Measured, type Outcome } from './outcome.js';
import { classifyMetric, maxBySource, OS_CPU_METRICS, OS_MEMORY_METRICS, REPLICATION_LAG_METRICS, type DataKind } from './queries.js';
import { retentionFromFlags, retentionFromRuntimeInfo, type Retention } from './retention.js';
import { analyseRules, type RuleFacts } from './rules-analysis.js';
import type { PrometheusSignalId as Id } from './signals.js';

/** Every response the collector asks for; each one may have failed on its own. */
export interface Responses {
  build: Outcome<BuildInfo>;
  up: Outcome<Sample[]>;
  config: Outcome<{ yaml: string }>;
  flags: Outcome<Record<string, string>>;
  runtime: Outcome<{ storageRetention?: string }>;
  tsdb: Outcome<{ headStats: { numSeries: number } }>;
  targets: Outcome<Targets>;
  rules: Outcome<Rules>;
  alertmanagers: Outcome<{ activeAlertmanagers: { url: string }[] }>;
  inventory: Outcome<Sample[]>;
  nodes: Outcome<Sample[]>;
  probesAvailability: Outcome<Sample[]>;
  probesWorst: Outcome<Sample[]>;
  fired: Outcome<Sample[]>;
  notifications: Outcome<Sample[]>;
  backup: Outcome<Sample[]>;
  replication: Outcome<Sample[]>;
  sharedPools: Outcome<Sample[]>;
  remoteWriteDelivered: Outcome<Sample[]>;
}

type Signals = Partial<Record<Id, Measured>>;

/**
 * Turns the responses into one result per signal. A failed response fails only the signals
 * built from it; a 404 on a status endpoint means this server (version, or a compatible
 * backend) does not offer it, which is "not available", not an error.
 */
export function deriveSignals(res: Responses): Signals {
  const rules = mapOutcome(res.rules, analyseRules);
  const fired = firedWindow(res.fired, rules);
  const config = mapOutcome(res.config, (d) => analyseConfig(d.yaml));
  const notifications = fromScalar(res.notifications, 'alertmanager_notifications_total is not scraped by this Prometheus (no such series in the window)', Math.round);
  return annotateCounts({
    ...reachability(res.build, res.up),
    ...fromResponse(res.config, CONFIG_IDS, (d, ev) => configSignals(d.yaml, ev)),
    ...fromResponse(res.flags, ['prometheus.receiver.remote_write'], (flags, ev) => ({ 'prometheus.receiver.remote_write': value(acceptsRemoteWrite(flags), [ev]) })),
    'prometheus.tsdb.retention_seconds': retention(res.runtime, res.flags),
    ...fromResponse(res.tsdb, ['prometheus.tsdb.head_series'], (d, ev) => ({ 'prometheus.tsdb.head_series': value(d.headStats.numSeries, [ev]) })),
    ...fromResponse(res.targets, TARGET_IDS, targetSignals),
    'prometheus.push.pushgateway': pushgateway(res.targets, res.inventory),
    ...fromResponse(res.inventory, INVENTORY_IDS, inventorySignals, 'failed'),
    'prometheus.node.instances': fromScalar(res.nodes, `no OS CPU series (${OS_CPU_METRICS.join(', ')})`),
    ...fromResponse(rules, RULE_IDS, ruleSignals),
    ...fromResponse(res.alertmanagers, ['prometheus.alertmanagers.count'], (d, ev) => ({ 'prometheus.alertmanagers.count': value(d.activeAlertmanagers.length, [ev]) })),
    'prometheus.alerts.fired_window': fired,
    'prometheus.alerts.notifications_window': notifications,
    'prometheus.alerts.notifications_per_alert': perAlert(notifications, fired),
    'prometheus.probes.availability': fromScalar(res.probesAvailability, 'no probe_success series in the window', clampRatio),
    'prometheus.probes.worst_availability': fromScalar(res.probesWorst, 'no probe_success series in the window', clampRatio),
    'prometheus.backup.max_age_seconds': bySource(res.backup, 'no backup metric from velero, CloudNativePG, pgBackRest, WAL-G or postgres_exporter (pg_stat_archiver)'),
    'prometheus.replication.max_lag_seconds': bySource(res.replication, `no replication lag metric (${REPLICATION_LAG_METRICS.join(', ')}) in the window`),
    ...deriveChapter5(res, config.ok ? config.data.remoteWrite : undefined),
  }, res.rules, res.targets);
}

/**
 * Runs `derive` on a successful response; otherwise gives each of `ids` the failure. A 404 is
 * "not available" for a status endpoint (a feature this version lacks), but a query endpoint
 * that is not found is a broken path, not a missing feature.
 */
function fromResponse<T>(o: Outcome<T>, ids: readonly Id[], derive: (data: T, evidence: string) => Signals, missing: 'not_available' | 'failed' = 'not_available'): Signals {
  let out: Signals;
  if (!o.ok) {
    const m = o.kind === 'not_found' && missing === 'not_available' ? notAvailable(o.message, o.evidence) : failed(o.message, o.evidence);
    out = {};
    for (const id of ids) out[id] = m;
    return out;
  }
  try {
    out = derive(o.data, o.evidence);
  } catch (err) {
    out = {};
    for (const id of ids) out[id] = failed(errorMessage(err));
  }
  return out;
}

/** A query answering one number: no sample means the data does not exist here. */
function fromScalar(o: Outcome<Sample[]>, whenEmpty: string, map: (v: number) => number = (v) => v): Measured {
  if (!o.ok) return failed(o.message, o.evidence);
  if (o.data.length === 0) return notAvailable(whenEmpty, o.evidence);
  const v = o.data[0].value;
  if (!Number.isFinite(v)) return failed(`the query returned ${v}, not a number`);
  return value(map(v), [o.evidence]);
}

function bySource(o: Outcome<Sample[]>, whenEmpty: string): Measured {
  if (!o.ok) return failed(o.message);
  const found = maxBySource(o.data);
  if (!found) return notAvailable(whenEmpty);
  // A timestamp slightly in the future (clock skew between exporter and server) is no age at all.
  return value(Math.max(0, found.value), [o.evidence], found.detail);
}

const clampRatio = (v: number) => Math.min(1, Math.max(0, v));
const ratio = (n: number, d: number, ev: string[], what: string): Measured =>
  d === 0 ? notAvailable(`no ${what}`) : value(n / d, ev, `${n} of ${d} ${what}`);

/**
 * The API is reachable when the query API evaluates vector(1): that is the data API every check
 * reading "reachable" relies on. buildinfo only names the version; a compatible backend or proxy
 * without it is still reachable. A query that failed without ending the scan (a 5xx after retries,
 * a malformed answer) leaves reachability unknown (failed), never false: the fatal failures that
 * would show the server unreachable end the collection before this point.
 */
function reachability(build: Outcome<BuildInfo>, up: Outcome<Sample[]>): Signals {
  const evidence = [build, up].flatMap((o) => (o.ok ? [o.evidence] : o.evidence ? [o.evidence] : []));
  const detail = build.ok ? `Prometheus ${build.data.version}` : `query API answers; ${build.message}`;
  if (!up.ok) {
    const m: Measured = { status: 'failed', reason: `the query vector(1) failed: ${up.message}`, evidence: evidence.length ? evidence : undefined };
    return { 'prometheus.api.reachable': m, 'prometheus.servers.count': m };
  }
  if (up.data.length !== 1 || up.data[0].value !== 1) {
    const m: Measured = { status: 'failed', reason: `the query vector(1) answered ${JSON.stringify(up.data.map((s) => s.value))}, not [1]: not a working PromQL engine`, evidence };
    return { 'prometheus.api.reachable': m, 'prometheus.servers.count': m };
  }
  return {
    'prometheus.api.reachable': value(true, evidence, detail),
    'prometheus.servers.count': value(1, evidence, detail),
  };
}

const CONFIG_IDS = [
  'prometheus.ha.replica_label', 'prometheus.remote_write.count', 'prometheus.remote_read.count', 'prometheus.storage.remote',
  'prometheus.scrape.jobs', 'prometheus.scrape.interval_distinct', 'prometheus.scrape.max_interval_seconds', 'prometheus.scrape.custom_interval_jobs', 'prometheus.scrape.tls_ratio',
  'prometheus.scrape.auth_ratio', 'prometheus.scrape.limits_ratio', 'prometheus.scrape.relabel_rules', 'prometheus.sd.kinds',
] as const satisfies readonly Id[];

function configSignals(yaml: string, evidence: string): Signals {
  const c = analyseConfig(yaml);
  const ev = [evidence];
  const jobs = c.scrapeJobs;
  return {
    'prometheus.ha.replica_label': value(c.replicaLabels.length > 0, ev, c.replicaLabels.length ? `external_labels: ${c.replicaLabels.join(', ')}` : 'no replica label in global.external_labels'),
    'prometheus.remote_write.count': value(c.remoteWrite, ev),
    'prometheus.remote_read.count': value(c.remoteRead, ev),
    'prometheus.storage.remote': value(c.remoteWrite + c.remoteRead > 0, ev, `${c.remoteWrite} remote_write, ${c.remoteRead} remote_read`),
    'prometheus.scrape.jobs': value(jobs, ev),
    'prometheus.scrape.interval_distinct': value(c.distinctIntervals.length, ev, c.distinctIntervals.map((s) => `${s}s`).join(', ')),
    'prometheus.scrape.max_interval_seconds': jobs === 0 ? notAvailable('no scrape_configs') : value(Math.max(...c.distinctIntervals), ev),
    'prometheus.scrape.custom_interval_jobs': value(c.customIntervalJobs, ev),
    'prometheus.scrape.tls_ratio': ratio(c.tlsJobs, jobs, ev, 'scrape_configs'),
    'prometheus.scrape.auth_ratio': ratio(c.authJobs, jobs, ev, 'scrape_configs'),
    'prometheus.scrape.limits_ratio': ratio(c.limitJobs, jobs, ev, 'scrape_configs'),
    'prometheus.scrape.relabel_rules': value(c.relabelRules, ev),
    'prometheus.sd.kinds': value(c.sdKinds.length, ev, c.sdKinds.join(', ') || 'static_configs only'),
  };
}

function acceptsRemoteWrite(flags: Record<string, string>): boolean {
  if (flags['web.enable-remote-write-receiver']?.toLowerCase() === 'true') return true;
  return (flags['enable-feature'] ?? '').split(',').some((f) => f.trim() === 'remote-write-receiver');
}

function retention(runtime: Outcome<{ storageRetention?: string }>, flags: Outcome<Record<string, string>>): Measured {
  const emit = (r: Retention, ev: string): Measured => ('seconds' in r ? value(r.seconds, [ev], r.text) : notAvailable(r.unbounded));
  if (runtime.ok && runtime.data.storageRetention !== undefined) {
    const r = retentionFromRuntimeInfo(runtime.data.storageRetention);
    if (r) return emit(r, runtime.evidence);
  }
  if (flags.ok) return emit(retentionFromFlags(flags.data), flags.evidence);
  return failed(runtime.ok ? flags.message : `${runtime.message}; ${flags.message}`);
}

const TARGET_IDS = ['prometheus.targets.count', 'prometheus.targets.up_ratio', 'prometheus.jobs.count'] as const satisfies readonly Id[];

function targetSignals(t: Targets, evidence: string): Signals {
  const ev = [evidence];
  const active = t.activeTargets;
  const up = active.filter((a) => a.health === 'up').length;
  const pools = new Set(active.map((a) => a.scrapePool ?? a.labels.job ?? ''));
  return {
    'prometheus.targets.count': value(active.length, ev),
    'prometheus.targets.up_ratio': ratio(up, active.length, ev, 'active targets up'),
    'prometheus.jobs.count': value(pools.size, ev),
  };
}

const PUSHGATEWAY = /push-?gateway/i;

function pushgateway(targets: Outcome<Targets>, inventory: Outcome<Sample[]>): Measured {
  const byTarget = targets.ok ? targets.data.activeTargets.some((a) => PUSHGATEWAY.test(a.scrapePool ?? '') || PUSHGATEWAY.test(a.labels.job ?? '')) : undefined;
  const byMetric = inventory.ok ? inventory.data.some((s) => s.metric.__name__ === 'push_time_seconds') : undefined;
  if (byTarget && targets.ok) return value(true, [targets.evidence], 'a pushgateway scrape target');
  if (byMetric && inventory.ok) return value(true, [inventory.evidence], 'push_time_seconds series exist');
  if (targets.ok && inventory.ok) return value(false, [targets.evidence, inventory.evidence]);
  return failed(!targets.ok ? targets.message : (inventory as { message: string }).message);
}

const INVENTORY_IDS = ['prometheus.node.os_metrics', 'prometheus.data_kinds.count', 'prometheus.logs.pipeline', 'prometheus.probes.count'] as const satisfies readonly Id[];

/**
 * Presence is judged from the one inventory query: a name absent from its answer has no
 * series now, so the booleans and the number of kinds are measured (false, 0), while the
 * number of probes needs probes to exist.
 */
function inventorySignals(samples: Sample[], evidence: string): Signals {
  const ev = [evidence];
  const names = new Map(samples.map((s) => [s.metric.__name__ ?? '', s.value] as const));
  const has = (n: string) => (names.get(n) ?? 0) > 0;
  const linux = has('node_cpu_seconds_total') && has('node_memory_MemAvailable_bytes');
  const windows = has('windows_cpu_time_total') && OS_MEMORY_METRICS.filter((m) => m.startsWith('windows_')).some(has);
  const kinds = new Set<DataKind>();
  for (const name of names.keys()) {
    const kind = classifyMetric(name);
    if (kind) kinds.add(kind);
  }
  const logNames = [...names.keys()].filter((n) => classifyMetric(n) === 'logs');
  const probes = names.get('probe_success');
  return {
    'prometheus.node.os_metrics': value(linux || windows, ev, [linux && 'node_exporter', windows && 'windows_exporter'].filter(Boolean).join(', ') || undefined),
    'prometheus.data_kinds.count': value(kinds.size, ev, [...kinds].sort().join(', ') || 'none of the known kinds'),
    'prometheus.logs.pipeline': value(logNames.length > 0, ev, logNames.length ? logNames.sort().slice(0, 5).join(', ') : undefined),
    'prometheus.probes.count': probes ? value(probes, ev) : notAvailable('no probe_success series'),
  };
}

const RULE_IDS = [
  'prometheus.rules.groups', 'prometheus.rules.recording_count', 'prometheus.rules.alerting_count', 'prometheus.rules.unhealthy',
  'prometheus.rules.max_eval_seconds', 'prometheus.rules.max_interval_seconds', 'prometheus.rules.max_eval_to_interval',
  'prometheus.rules.severity_ratio', 'prometheus.rules.severity_levels', 'prometheus.rules.runbook_ratio', 'prometheus.rules.summary_ratio',
  'prometheus.rules.dynamic_threshold_count', 'prometheus.rules.for_ratio', 'prometheus.alerts.firing',
  'prometheus.capacity.alert_rules', 'prometheus.capacity.cpu_threshold_rules', 'prometheus.capacity.forecast_rules',
] as const satisfies readonly Id[];

function ruleSignals(r: RuleFacts, evidence: string): Signals {
  const ev = [evidence];
  const optional = (v: number | undefined, why: string) => (v === undefined ? notAvailable(why) : value(v, ev));
  const noGroups = r.groups === 0 ? 'no rule groups are loaded' : 'the rule groups do not report it (Prometheus too old)';
  const names = (list: string[]) => (list.length ? list.slice(0, 10).join(', ') + (list.length > 10 ? ', ...' : '') : undefined);
  const a = r.alerting;
  return {
    'prometheus.rules.groups': value(r.groups, ev),
    'prometheus.rules.recording_count': value(r.recording, ev),
    'prometheus.rules.alerting_count': value(a, ev),
    'prometheus.rules.unhealthy': value(r.unhealthy, ev),
    'prometheus.rules.max_eval_seconds': optional(r.maxEvalSeconds, noGroups),
    'prometheus.rules.max_interval_seconds': optional(r.maxIntervalSeconds, noGroups),
    'prometheus.rules.max_eval_to_interval': optional(r.maxEvalToInterval, noGroups),
    'prometheus.rules.severity_ratio': ratio(r.withSeverity, a, ev, 'alerting rules'),
    'prometheus.rules.severity_levels': a === 0 ? notAvailable('no alerting rules') : value(r.severityLevels.length, ev, r.severityLevels.join(', ') || undefined),
    'prometheus.rules.runbook_ratio': ratio(r.withRunbook, a, ev, 'alerting rules'),
    'prometheus.rules.summary_ratio': ratio(r.withSummary, a, ev, 'alerting rules'),
    'prometheus.rules.dynamic_threshold_count': value(r.dynamicThreshold.length, ev, names(r.dynamicThreshold)),
    'prometheus.rules.for_ratio': ratio(r.withFor, a, ev, 'alerting rules'),
    'prometheus.alerts.firing': value(r.firing, ev),
    'prometheus.capacity.alert_rules': value(r.capacity.length, ev, names(r.capacity)),
    'prometheus.capacity.cpu_threshold_rules': value(r.cpuThreshold.length, ev, names(r.cpuThreshold)),
    'prometheus.capacity.forecast_rules': value(r.forecast.length, ev, names(r.forecast)),
  };
}

/**
 * ALERTS series only exist while an alert is pending or firing, so an empty answer is a
 * measured zero only when this server has alerting rules that could have fired; without
 * any, nothing could be seen either way.
 */
function firedWindow(o: Outcome<Sample[]>, rules: Outcome<RuleFacts>): Measured {
  if (!o.ok) return failed(o.message);
  if (o.data.length > 0) return fromScalar(o, '', Math.round);
  if (!rules.ok) return failed(`no ALERTS series in the window, and whether alerting rules exist is unknown: ${rules.message}`);
  if (rules.data.alerting > 0) {
    return value(0, [o.evidence, rules.evidence], `no alert fired in the window; ${rules.data.alerting} alerting rules loaded`);
  }
  return notAvailable('no alerting rules are loaded, so no alert could fire');
}

/** Alert convergence: notifications sent per alert that fired, both over the window. */
function perAlert(notifications: Measured, fired: Measured): Measured {
  for (const m of [notifications, fired]) if (m.status === 'failed') return m;
  for (const m of [notifications, fired]) if (m.status === 'not_available') return m;
  if (notifications.status !== 'value' || fired.status !== 'value') return failed('unreachable');
  const n = notifications.value as number;
  const f = fired.value as number;
  if (f === 0) return notAvailable('no alert fired in the window');
  return value(n / f, [...notifications.evidence, ...fired.evidence], `${n} notifications / ${f} alerts fired`);
}
