import { parse as parseYaml } from 'yaml';
import { SAMPLE_MAX, type SignalObjects } from '../../src/signals/types.js';
import type { Rules, Sample, Targets } from './api.js';
import { failed, notAvailable, value, type Measured, type Outcome } from './outcome.js';
import { range } from './queries.js';
import type { PrometheusSignalId as Id } from './signals.js';

/**
 * Measurements added for chapter 5 (issue 10): what the monitoring estate is observed doing,
 * not what it is configured to do. High availability is two servers seen scraping the same
 * targets, or samples seen delivered to another server; a one-server estate with a `replica`
 * external label is not HA.
 */

const NAMES_SHOWN = 10;
/** The first names behind a count, for the detail an auditor reads. */
export function firstNames(list: readonly string[], n = NAMES_SHOWN): string | undefined {
  if (list.length === 0) return undefined;
  return list.slice(0, n).join(', ') + (list.length > n ? `, … (${list.length} in all)` : '');
}

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

export interface SharedPools {
  /** Largest number of distinct servers running one scrape job with the same number of targets. */
  servers: number;
  /** The scrape jobs run by that many servers. */
  jobs: string[];
  /** Servers whose scrape pools were seen at all. */
  seen: number;
}

/**
 * Two servers running a scrape job of the same name with the same number of targets scrape the
 * same targets (the usual HA pair, each with an identical config). A server is known by its start
 * time; two servers started within the same 10 ms count as one, which can only under-count.
 */
export function sharedScrapePools(samples: Sample[]): SharedPools | undefined {
  const startOf = new Map<string, string>();
  for (const s of samples) {
    if (s.metric.__name__ === 'process_start_time_seconds') startOf.set(`${s.metric.job}\u0000${s.metric.instance}`, s.value.toFixed(2));
  }
  const pools = new Map<string, Map<string, number>>();
  for (const s of samples) {
    if (s.metric.__name__ !== 'prometheus_target_scrape_pool_targets' || !(s.value > 0)) continue;
    const key = `${s.metric.job}\u0000${s.metric.instance}`;
    const server = startOf.get(key) ?? key;
    const job = s.metric.scrape_job ?? '';
    const servers = pools.get(job) ?? new Map<string, number>();
    servers.set(server, s.value);
    pools.set(job, servers);
  }
  if (pools.size === 0) return undefined;
  const allServers = new Set([...pools.values()].flatMap((m) => [...m.keys()]));
  let best = 1;
  let jobs: string[] = [];
  for (const [job, servers] of pools) {
    const counts = new Set(servers.values());
    const n = counts.size === 1 ? servers.size : 1;
    if (n > best) [best, jobs] = [n, [job]];
    else if (n === best && n > 1) jobs.push(job);
  }
  return { servers: best, jobs: jobs.sort(), seen: allServers.size };
}

function sharedServersSignal(o: Outcome<Sample[]>): Measured {
  if (!o.ok) return failed(o.message, o.evidence);
  const found = sharedScrapePools(o.data);
  if (!found) return notAvailable('no prometheus_target_scrape_pool_targets series: this server scrapes no Prometheus server\'s own metrics (itself included), so no second server could be seen', o.evidence);
  const detail = found.servers > 1
    ? `${found.servers} servers run the same scrape jobs with the same number of targets: ${firstNames(found.jobs)}`
    : `${found.seen} Prometheus server(s) seen; none runs a scrape job another runs with the same targets`;
  return value(found.servers, [o.evidence], detail);
}

function deliveringSignal(o: Outcome<Sample[]>, remoteWriteConfigured: number | undefined): Measured {
  if (!o.ok) return failed(o.message, o.evidence);
  const delivering = o.data.filter((s) => Number.isFinite(s.value) && s.value > 0).map((s) => s.metric.url ?? '(no url label)').sort();
  if (o.data.length === 0) {
    if (remoteWriteConfigured === 0) return value(0, [o.evidence], 'no remote_write in the running config');
    return notAvailable('no prometheus_remote_storage samples counters in the window: this server\'s own metrics are not scraped, so delivery cannot be seen', o.evidence);
  }
  const idle = o.data.length - delivering.length;
  return counted(delivering.length, [o.evidence], `${firstNames(delivering) ?? 'none'}${idle ? `; ${idle} destination(s) received nothing in the window` : ''}`, { objects: objectsOf(delivering) });
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * Transmissions that cross a network over TLS: active targets not on loopback whose scrapeUrl is
 * https, and remote_write destinations of the running config not on loopback with an https url.
 * A scrape that stays on the host crosses no network that encryption would protect.
 */
function networkTlsSignal(targets: Outcome<Targets>, config: Outcome<{ yaml: string }>): Measured {
  for (const o of [targets, config]) if (!o.ok) return o.kind === 'not_found' ? notAvailable(o.message, o.evidence) : failed(o.message, o.evidence);
  if (!targets.ok || !config.ok) return failed('unreachable');
  const hops: { url: URL; what: string }[] = [];
  const add = (text: string | undefined, what: string) => {
    if (!text) return;
    try {
      const url = new URL(text);
      if (!LOOPBACK.test(url.hostname)) hops.push({ url, what });
    } catch {
      /* not a URL: nothing crosses a network we can name */
    }
  };
  for (const t of targets.data.activeTargets) add(t.scrapeUrl, `job ${t.scrapePool ?? t.labels.job ?? ''}`);
  let writes: unknown;
  try {
    writes = (parseYaml(config.data.yaml) as { remote_write?: unknown } | null)?.remote_write;
  } catch (err) {
    return failed(`the running config is not YAML: ${(err as Error).message.split('\n')[0]}`, config.evidence);
  }
  for (const w of Array.isArray(writes) ? writes : []) add(typeof (w as { url?: unknown })?.url === 'string' ? (w as { url: string }).url : undefined, 'remote_write');
  const ev = [targets.evidence, config.evidence];
  if (hops.length === 0) return { status: 'not_available', reason: 'every active target and remote_write destination is on loopback (or names no URL): nothing crosses a network', evidence: ev };
  const plain = [...new Set(hops.filter((h) => h.url.protocol !== 'https:').map((h) => h.what))].sort();
  const secured = hops.filter((h) => h.url.protocol === 'https:').length;
  const detail = `${secured} of ${hops.length} network transmissions (scrapes and remote writes) over https${plain.length ? `; plain http: ${firstNames(plain)}` : ''}`;
  return value(secured / hops.length, ev, detail);
}

/**
 * Rule groups shipped by widely used rule sets (kube-prometheus / kube-prometheus-stack, the
 * node, Prometheus, Alertmanager and Kubernetes mixins, prometheus-operator). An estate whose
 * alerting consists of these alone has installed alerts, not designed them.
 */
const DEFAULT_GROUPS = new Set([
  'alertmanager.rules', 'config-reloaders', 'etcd', 'general.rules', 'kube-prometheus-general.rules', 'kube-prometheus-node-recording.rules',
  'kube-state-metrics', 'kubelet.rules', 'kubernetes-apps', 'kubernetes-resources', 'kubernetes-storage', 'kubernetes-system',
  'kubernetes-system-apiserver', 'kubernetes-system-controller-manager', 'kubernetes-system-kube-proxy', 'kubernetes-system-kubelet',
  'kubernetes-system-scheduler', 'kube-scheduler.rules', 'kube-apiserver-slos', 'kube-apiserver-availability.rules',
  'kube-apiserver-burnrate.rules', 'kube-apiserver-histogram.rules', 'node-exporter', 'node-exporter.rules', 'node-network', 'node.rules',
  'prometheus', 'prometheus-operator', 'k8s.rules',
]);
const DEFAULT_GROUP_PREFIXES = ['k8s.rules.', 'kube-apiserver-', 'kubernetes-system-'];

export function isDefaultRuleGroup(name: string): boolean {
  return DEFAULT_GROUPS.has(name) || DEFAULT_GROUP_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * The monitoring pipeline's own metrics: rule evaluation, remote write, TSDB, config reloads,
 * notification delivery, service discovery and the log/trace pipelines; plus a dead-man switch
 * (an alert named Watchdog, DeadMansSwitch … on vector(1)) that fires while the chain works.
 */
const PIPELINE = /\b(prometheus_(rule_|remote_storage_|tsdb_|config_last_reload|notifications_|sd_|target_)|alertmanager_(notifications_failed|config_last_reload|cluster_)|thanos_|cortex_|mimir_|loki_|promtail_|fluentbit_|fluentd_|vector_|otelcol_)\w*/;
const ALWAYS_FIRING = /^\s*vector\s*\(\s*1\s*\)\s*$/;
/** An always-firing alert is a dead-man switch only when named as one; otherwise it is a test or a mistake. */
const DEAD_MAN_NAME = /watchdog|dead.?man|heartbeat|always.?firing/i;

export interface RuleProvenance {
  alerting: { name: string; group: string }[];
  custom: string[];
  defaultGroups: string[];
  pipeline: string[];
}

export function ruleProvenance(rules: Rules): RuleProvenance {
  const alerting = rules.groups.flatMap((g) => g.rules.filter((r) => r.type === 'alerting').map((r) => ({ name: r.name, group: g.name, query: r.query })));
  const defaults = new Set(alerting.filter((a) => isDefaultRuleGroup(a.group)).map((a) => a.group));
  return {
    alerting: alerting.map(({ name, group }) => ({ name, group })),
    custom: alerting.filter((a) => !isDefaultRuleGroup(a.group)).map((a) => a.name),
    defaultGroups: [...defaults].sort(),
    pipeline: alerting.filter((a) => PIPELINE.test(a.query) || (ALWAYS_FIRING.test(a.query) && DEAD_MAN_NAME.test(a.name))).map((a) => a.name),
  };
}

/** Said of every count of alerting rules when all of them come from default rule sets. */
export function defaultSetNote(p: RuleProvenance): string | undefined {
  if (p.alerting.length === 0 || p.custom.length > 0) return undefined;
  return `every alerting rule comes from a well-known default rule set (groups ${firstNames(p.defaultGroups)}): installed, not written for this estate`;
}

function provenanceSignals(o: Outcome<Rules>): Partial<Record<Id, Measured>> {
  if (!o.ok) {
    const m = o.kind === 'not_found' ? notAvailable(o.message, o.evidence) : failed(o.message, o.evidence);
    return { 'prometheus.rules.custom_alerting_ratio': m, 'prometheus.rules.pipeline_alert_rules': m };
  }
  const p = ruleProvenance(o.data);
  const ev = [o.evidence];
  const note = defaultSetNote(p);
  const custom = p.alerting.length === 0
    ? notAvailable('no alerting rules are loaded', o.evidence)
    : value(p.custom.length / p.alerting.length, ev, `${p.custom.length} of ${p.alerting.length} alerting rules outside default rule sets${p.custom.length ? `: ${firstNames(p.custom)}` : ''}${p.defaultGroups.length ? `; default groups: ${firstNames(p.defaultGroups)}` : ''}`);
  const pipeline = counted(p.pipeline.length, ev, firstNames(p.pipeline), { objects: objectsOf(p.pipeline), notes: note ? [note] : undefined });
  return {
    'prometheus.rules.custom_alerting_ratio': custom,
    'prometheus.rules.pipeline_alert_rules': pipeline,
  };
}

export interface Chapter5Responses {
  config: Outcome<{ yaml: string }>;
  sharedPools: Outcome<Sample[]>;
  remoteWriteDelivered: Outcome<Sample[]>;
  targets: Outcome<Targets>;
  rules: Outcome<Rules>;
}

export function deriveChapter5(res: Chapter5Responses, remoteWriteConfigured: number | undefined): Partial<Record<Id, Measured>> {
  return {
    'prometheus.ha.shared_scrape_servers': sharedServersSignal(res.sharedPools),
    'prometheus.remote_write.delivering_destinations': deliveringSignal(res.remoteWriteDelivered, remoteWriteConfigured),
    'prometheus.scrape.network_tls_ratio': networkTlsSignal(res.targets, res.config),
    ...provenanceSignals(res.rules),
  };
}

/** A measured value with the objects behind it and notes for the auditor. */
function counted(v: number, evidence: string[], detail: string | undefined, annotations: { objects?: SignalObjects; notes?: string[] }): Measured {
  return { status: 'value', value: v, evidence, detail, ...annotations };
}

/** The objects behind a count, as the report carries them: how many, and the first names. */
export function objectsOf(names: readonly string[]): SignalObjects {
  return { total: names.length, sample: names.slice(0, SAMPLE_MAX) };
}

/**
 * Counts about rules and targets carry the objects behind them, and every signal computed over
 * alerting rules carries a note when those rules all come from default rule sets, so that a
 * measured `met` resting only on installed rules reads as such in the report and in
 * `techops explain`.
 */
export function annotateCounts(signals: Partial<Record<Id, Measured>>, rules: Outcome<Rules>, targets: Outcome<Targets>): Partial<Record<Id, Measured>> {
  const out = { ...signals };
  const annotate = (id: Id, extra: { objects?: SignalObjects; notes?: string[]; detail?: string }) => {
    const m = out[id];
    if (!m || m.status !== 'value') return;
    const notes = [...(m.notes ?? []), ...(extra.notes ?? [])];
    out[id] = {
      ...m,
      objects: extra.objects ?? m.objects,
      notes: notes.length ? notes : undefined,
      detail: extra.detail ? (m.detail ? `${m.detail}; ${extra.detail}` : extra.detail) : m.detail,
    };
  };
  if (rules.ok) {
    const all = rules.data.groups.flatMap((g) => g.rules);
    const named = (type: string) => all.filter((r) => r.type === type).map((r) => r.name);
    annotate('prometheus.rules.alerting_count', { objects: objectsOf(named('alerting')) });
    annotate('prometheus.rules.recording_count', { objects: objectsOf(named('recording')) });
    annotate('prometheus.rules.groups', { objects: objectsOf(rules.data.groups.map((g) => g.name)) });
    annotate('prometheus.rules.unhealthy', { objects: objectsOf(all.filter((r) => r.health === 'err' || (r.lastError ?? '').trim() !== '').map((r) => r.name)) });
    const note = defaultSetNote(ruleProvenance(rules.data));
    if (note) for (const id of ALERTING_RULE_SIGNALS) annotate(id, { notes: [note] });
  }
  if (targets.ok) {
    const poolOf = (t: Targets['activeTargets'][number]) => t.scrapePool ?? t.labels.job ?? '';
    annotate('prometheus.jobs.count', { objects: objectsOf([...new Set(targets.data.activeTargets.map(poolOf))].sort()) });
    annotate('prometheus.targets.count', { objects: objectsOf(targets.data.activeTargets.map((t) => `${poolOf(t)} ${t.labels.instance ?? t.scrapeUrl ?? ''}`.trim())) });
    const down = [...new Set(targets.data.activeTargets.filter((t) => t.health !== 'up').map(poolOf))].sort();
    if (down.length) annotate('prometheus.targets.up_ratio', { detail: `down in jobs ${firstNames(down)}` });
  }
  return out;
}

/** Signals computed over alerting rules, whose `met` can rest on a default rule set alone. */
const ALERTING_RULE_SIGNALS: readonly Id[] = [
  'prometheus.rules.alerting_count', 'prometheus.rules.severity_ratio', 'prometheus.rules.severity_levels',
  'prometheus.rules.runbook_ratio', 'prometheus.rules.summary_ratio', 'prometheus.rules.dynamic_threshold_count',
  'prometheus.rules.for_ratio', 'prometheus.capacity.alert_rules', 'prometheus.capacity.cpu_threshold_rules',
];
