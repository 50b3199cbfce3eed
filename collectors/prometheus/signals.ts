import type { SignalDeclaration } from '../../src/signals/types.js';

const count = (id: string, aggregation: SignalDeclaration['aggregation'], description: string) =>
  ({ id, type: 'number', unit: 'count', description, aggregation }) as const;
const ratio = (id: string, description: string) => ({ id, type: 'ratio', unit: 'ratio', description, aggregation: 'min' }) as const;
const flag = (id: string, description: string) => ({ id, type: 'boolean', description, aggregation: 'any' }) as const;
const seconds = (id: string, description: string) => ({ id, type: 'duration', unit: 'seconds', description, aggregation: 'max' }) as const;

export const PROMETHEUS_SIGNALS = [
  // Collection
  flag('prometheus.api.reachable', 'The HTTP API answers: /api/v1/status/buildinfo and the query vector(1) both succeed'),
  flag('prometheus.node.os_metrics', 'node_exporter (node_cpu_seconds_total + node_memory_MemAvailable_bytes) or windows_exporter (windows_cpu_time_total + physical free memory) series exist'),
  count('prometheus.node.instances', 'sum', 'Distinct instance labels with OS CPU series (node_cpu_seconds_total or windows_cpu_time_total, mode="idle")'),
  count('prometheus.targets.count', 'sum', 'Active scrape targets (/api/v1/targets?state=active)'),
  ratio('prometheus.targets.up_ratio', 'Active targets whose last scrape succeeded (health "up") / active targets'),
  count('prometheus.jobs.count', 'sum', 'Distinct scrape pools among the active targets'),
  count('prometheus.data_kinds.count', 'max', 'Kinds of data collected, judged from metric names present now: os, container, kubernetes, probe, application, logs, traces, database, push'),
  flag('prometheus.logs.pipeline', 'Metrics of a log pipeline are scraped (promtail, fluent-bit, fluentd, vector, loki, filebeat, OpenTelemetry collector log records)'),
  flag('prometheus.ha.replica_label', 'global.external_labels has a replica label (replica, prometheus_replica, __replica__, *_replica): the server runs as one of an HA pair'),
  count('prometheus.servers.count', 'sum', '1 per configured Prometheus whose API is reachable'),
  count('prometheus.remote_write.count', 'sum', 'remote_write entries in the running config'),
  count('prometheus.remote_read.count', 'sum', 'remote_read entries in the running config'),
  flag('prometheus.push.pushgateway', 'A Pushgateway is scraped (a target whose job or scrape pool names a pushgateway, or push_time_seconds series exist): a push path beside pull'),
  flag('prometheus.receiver.remote_write', 'The server accepts remote write (flag web.enable-remote-write-receiver, or enable-feature remote-write-receiver)'),
  count('prometheus.scrape.jobs', 'sum', 'scrape_configs in the running config'),
  count('prometheus.scrape.interval_distinct', 'max', 'Distinct effective scrape intervals across scrape_configs (the job value, else the global one)'),
  seconds('prometheus.scrape.max_interval_seconds', 'Largest effective scrape interval across scrape_configs (the job value, else the global one)'),
  count('prometheus.scrape.custom_interval_jobs', 'sum', 'scrape_configs whose scrape_interval or scrape_timeout differs from the global one'),
  ratio('prometheus.scrape.tls_ratio', 'scrape_configs with scheme https or a tls_config naming a CA, certificate, key or server name / scrape_configs'),
  ratio('prometheus.scrape.auth_ratio', 'scrape_configs with authorization, basic_auth, oauth2, bearer_token or bearer_token_file / scrape_configs'),
  ratio('prometheus.scrape.limits_ratio', 'scrape_configs with a sample, label, target, label-length or body-size limit (their own or global) / scrape_configs'),
  count('prometheus.scrape.relabel_rules', 'sum', 'relabel_configs plus metric_relabel_configs entries across scrape_configs'),
  count('prometheus.sd.kinds', 'max', 'Distinct service-discovery kinds (*_sd_configs keys; static_configs not counted) across scrape_configs'),
  // Data management
  count('prometheus.rules.groups', 'sum', 'Rule groups loaded (/api/v1/rules)'),
  count('prometheus.rules.recording_count', 'sum', 'Recording rules loaded'),
  count('prometheus.rules.alerting_count', 'sum', 'Alerting rules loaded'),
  count('prometheus.rules.unhealthy', 'sum', 'Rules whose last evaluation failed (health "err" or lastError set)'),
  seconds('prometheus.rules.max_eval_seconds', 'Largest evaluationTime of a rule group (seconds its last evaluation took)'),
  seconds('prometheus.rules.max_interval_seconds', 'Largest evaluation interval of a rule group'),
  { id: 'prometheus.rules.max_eval_to_interval', type: 'ratio', unit: 'ratio', description: 'Largest evaluationTime / interval of a rule group, capped at 1 (1 = the group cannot keep up)', aggregation: 'max' },
  seconds('prometheus.tsdb.retention_seconds', 'Time-based retention of the local TSDB (runtimeinfo storageRetention, else the storage.tsdb.retention.time flag)'),
  count('prometheus.tsdb.head_series', 'sum', 'Series in the TSDB head block (/api/v1/status/tsdb headStats.numSeries)'),
  flag('prometheus.storage.remote', 'remote_write or remote_read is configured'),
  // Alerting
  ratio('prometheus.rules.severity_ratio', 'Alerting rules with a non-empty severity or priority label / alerting rules'),
  count('prometheus.rules.severity_levels', 'max', 'Distinct values of the severity label (priority where severity is absent) among alerting rules'),
  ratio('prometheus.rules.runbook_ratio', 'Alerting rules with a runbook_url, runbook, playbook or action annotation / alerting rules'),
  ratio('prometheus.rules.summary_ratio', 'Alerting rules with a summary or description annotation / alerting rules'),
  count('prometheus.rules.dynamic_threshold_count', 'sum', 'Alerting rules whose expression (recording rules it reads included) uses predict_linear, holt_winters, double_exponential_smoothing, stddev_over_time, stdvar_over_time, quantile_over_time or a z-score'),
  ratio('prometheus.rules.for_ratio', 'Alerting rules with a pending duration ("for") above zero / alerting rules'),
  count('prometheus.alertmanagers.count', 'max', 'Alertmanagers the server sends alerts to (/api/v1/alertmanagers activeAlertmanagers)'),
  count('prometheus.alerts.firing', 'sum', 'Alerts firing now (the alerts listed under the alerting rules of /api/v1/rules)'),
  count('prometheus.alerts.fired_window', 'sum', 'Distinct alert series that were firing at some point of the window: count(last_over_time(ALERTS{alertstate="firing"}[W]))'),
  count('prometheus.alerts.notifications_window', 'sum', 'Notifications Alertmanager sent in the window, all integrations: round(sum(increase(alertmanager_notifications_total[W])))'),
  { id: 'prometheus.alerts.notifications_per_alert', type: 'number', unit: 'notifications/alert', description: 'Alert convergence: notifications_window / fired_window (below 1: grouping or inhibition merged alerts into fewer notifications)', aggregation: 'max' },
  // Capacity and availability
  count('prometheus.capacity.alert_rules', 'sum', 'Alerting rules reading CPU, memory, filesystem/disk or network metrics (node_, container_, kube_pod_container_resource_, windows_ families), directly or through recording rules'),
  count('prometheus.capacity.cpu_threshold_rules', 'sum', 'CPU alerting rules with a busy threshold at or below 80 % (> 0.8 or > 80; idle < 0.2 or < 20)'),
  count('prometheus.capacity.forecast_rules', 'sum', 'Rules, alerting or recording, whose expression uses predict_linear'),
  count('prometheus.probes.count', 'sum', 'probe_success series now (blackbox or other synthetic probes)'),
  ratio('prometheus.probes.availability', 'Mean over probes of the share of successful probes in the window: avg(avg_over_time(probe_success[W]))'),
  ratio('prometheus.probes.worst_availability', 'Lowest share of successful probes of any probe in the window: min(avg_over_time(probe_success[W]))'),
  seconds('prometheus.backup.max_age_seconds', 'Age of the oldest of the latest successful backups known from exporter metrics (velero, CloudNativePG, pgBackRest, WAL-G, WAL archiving)'),
  seconds('prometheus.replication.max_lag_seconds', 'Largest database replication lag seen in the window (PostgreSQL, CloudNativePG, MySQL exporters): max(max_over_time(lag[W]))'),

  // chapter 5 (issue 10): what the monitoring estate is observed doing, not how it is configured
  count('prometheus.ha.shared_scrape_servers', 'max', 'Largest number of distinct Prometheus servers (told apart by start time) seen running one scrape job with the same number of targets, from prometheus_target_scrape_pool_targets of every Prometheus this server scrapes; 1 when no other server scrapes the same targets'),
  count('prometheus.remote_write.delivering_destinations', 'max', 'remote_write destinations (url) that received samples in the window: increase of prometheus_remote_storage_samples_total minus failed samples > 0; 0 when no remote_write is configured'),
  ratio('prometheus.scrape.network_tls_ratio', 'Transmissions that cross a network over https: active targets and remote_write destinations not on loopback with an https URL / those not on loopback (a scrape that stays on the host crosses no network)'),
  ratio('prometheus.rules.custom_alerting_ratio', 'Alerting rules outside the groups of well-known default rule sets (kube-prometheus, node/Prometheus/Alertmanager/Kubernetes mixins, prometheus-operator) / alerting rules'),
  count('prometheus.rules.pipeline_alert_rules', 'sum', 'Alerting rules that watch the monitoring pipeline itself: rule evaluation, remote write, TSDB, config reloads, notification delivery, discovery, log/trace pipelines, or a dead-man switch (Watchdog-like rule on vector(1))'),
  // chapters 8-10 (issue 10): what rule expressions mean, application request metrics, lag at a percentile
  count('prometheus.capacity.cpu_utilisation_alerts', 'sum', 'Alerting rules on CPU utilisation (the rate of node_cpu_seconds_total, container_cpu_usage_seconds_total or windows_cpu_time_total, directly or through recording rules) that fire at a busy level of 80 % or less; load per core, CPU pressure, throttling and request/allocatable ratios do not count'),
  count('prometheus.capacity.forecast_kinds', 'max', 'Distinct resources forecast by rules using predict_linear, holt_winters or double_exponential_smoothing: cpu, memory, disk, network, requests, other (the default rule sets forecast only disk)'),
  flag('prometheus.business.request_metrics', 'Applications expose request metrics (http_requests_total, http_server_requests_seconds, http_server_request_duration_seconds, http_request_duration_seconds, grpc_server_handled_total, grpc_server_handling_seconds) outside the monitoring jobs'),
  flag('prometheus.business.per_route_metrics', 'Those request metrics carry a label naming the interface (route, http_route, handler, uri, path, endpoint, grpc_method, operation)'),
  count('prometheus.business.alert_rules', 'sum', 'Alerting rules reading application request metrics, directly or through recording rules'),
  seconds('prometheus.replication.p99_lag_seconds', 'Largest, over the lag metrics, of the 99th percentile of database replication lag in the window: max(quantile_over_time(0.99, lag[W]))'),
] as const satisfies readonly SignalDeclaration[];

export type PrometheusSignalId = (typeof PROMETHEUS_SIGNALS)[number]['id'];
