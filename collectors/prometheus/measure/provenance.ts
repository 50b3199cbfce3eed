import { fromRead, measuredValue, notAvailable, type Measured, type Read } from '../../../src/collector/kit.js';
import type { Rules } from '../api.js';
import { firstNames, objectsOf } from './names.js';

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

/** prometheus.rules.custom_alerting_ratio and pipeline_alert_rules: who wrote the alerts, and whether they watch the pipeline itself. */
export function measureProvenance(rules: Read<Rules>): Record<string, Measured> {
  const provenance = (measure: (p: RuleProvenance) => Measured) => fromRead(rules, (r) => measure(ruleProvenance(r)));
  return {
    'prometheus.rules.custom_alerting_ratio': provenance((p) => p.alerting.length === 0
      ? notAvailable('no alerting rules are loaded')
      : measuredValue(p.custom.length / p.alerting.length, [], {
        detail: `${p.custom.length} of ${p.alerting.length} alerting rules outside default rule sets${p.custom.length ? `: ${firstNames(p.custom)}` : ''}${p.defaultGroups.length ? `; default groups: ${firstNames(p.defaultGroups)}` : ''}`,
      })),
    'prometheus.rules.pipeline_alert_rules': provenance((p) => {
      const note = defaultSetNote(p);
      return measuredValue(p.pipeline.length, [], { detail: firstNames(p.pipeline), objects: objectsOf(p.pipeline), notes: note ? [note] : undefined });
    }),
  };
}
