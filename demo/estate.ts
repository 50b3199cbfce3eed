import { seeded, pick } from './random.js';

/**
 * The sample estate: one organisation's monitoring, described once and rendered by each system's
 * fake API (demo/systems/*). `scale` multiplies targets, rules and alerts for the benchmark.
 * The shapes follow what the real servers return in the integration tests; the numbers are
 * those of a fairly well-run shop, so the demo shows levels, blockers and unknowns side by side.
 */
export interface Job {
  name: string;
  interval: number;
  timeout: number;
  scheme: 'http' | 'https';
  tls: boolean;
  auth: boolean;
  sampleLimit?: number;
  sd: 'static' | 'kubernetes' | 'file' | 'consul';
  relabels: number;
  metricRelabels: number;
  path: string;
}

export interface Target {
  job: string;
  instance: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeDuration: number;
}

export interface Rule {
  kind: 'alerting' | 'recording';
  name: string;
  expr: string;
  forSeconds: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  firing: number;
}

export interface RuleGroup {
  name: string;
  file: string;
  interval: number;
  evaluationTime: number;
  rules: Rule[];
}

export interface Estate {
  now: Date;
  prometheus: {
    version: string;
    jobs: Job[];
    targets: Target[];
    groups: RuleGroup[];
    externalLabels: Record<string, string>;
    remoteWrite: string[];
    retention: string;
    headSeries: number;
    metricNames: string[];
    /** Per blackbox probe: share of successful probes over the window. */
    probes: { instance: string; availability: number }[];
    /** Distinct alert series that fired over the window, and notifications Alertmanager sent for them. */
    firedInWindow: number;
    notificationsInWindow: number;
    replicationLagSeconds: number;
    backupAgeSeconds: number;
    alertmanagers: string[];
  };
  alertmanager: {
    version: string;
    peers: number;
    receivers: { name: string; integrations: Record<string, number> }[];
    configYaml: string;
    silences: { id: string; state: 'active' | 'expired' | 'pending'; startsAt: string; endsAt: string; matchers: { name: string; value: string }[] }[];
    alertsReceived: number;
    notificationsFailed: number;
  };
}

export interface Scale {
  /** Multiplies targets, rules and alerts; 1 is the demo, 50+ the benchmark. */
  factor: number;
  seed?: number;
}

const HOSTS = ['web', 'api', 'db', 'cache', 'queue', 'batch', 'edge', 'search'];
const SEVERITIES = ['critical', 'warning', 'info'] as const;

export function generateEstate(scale: Scale = { factor: 1 }, now = new Date()): Estate {
  const rand = seeded(scale.seed ?? 1756);
  const f = Math.max(1, Math.round(scale.factor));
  const jobs: Job[] = [
    { name: 'prometheus', interval: 15, timeout: 10, scheme: 'http', tls: false, auth: false, sd: 'static', relabels: 0, metricRelabels: 0, path: '/metrics' },
    { name: 'node', interval: 15, timeout: 10, scheme: 'https', tls: true, auth: true, sampleLimit: 20000, sd: 'file', relabels: 2, metricRelabels: 1, path: '/metrics' },
    { name: 'kubernetes-pods', interval: 30, timeout: 10, scheme: 'http', tls: false, auth: false, sampleLimit: 50000, sd: 'kubernetes', relabels: 6, metricRelabels: 2, path: '/metrics' },
    { name: 'blackbox', interval: 30, timeout: 10, scheme: 'http', tls: false, auth: false, sd: 'static', relabels: 3, metricRelabels: 0, path: '/probe' },
    { name: 'postgres', interval: 30, timeout: 10, scheme: 'http', tls: false, auth: false, sampleLimit: 10000, sd: 'consul', relabels: 1, metricRelabels: 0, path: '/metrics' },
    { name: 'pushgateway', interval: 60, timeout: 10, scheme: 'http', tls: false, auth: false, sd: 'static', relabels: 0, metricRelabels: 0, path: '/metrics' },
    { name: 'alertmanager', interval: 15, timeout: 10, scheme: 'http', tls: false, auth: false, sd: 'static', relabels: 0, metricRelabels: 0, path: '/metrics' },
  ];
  const perJob: Record<string, number> = { prometheus: 2, node: 24 * f, 'kubernetes-pods': 60 * f, blackbox: 12 * f, postgres: 3 * f, pushgateway: 1, alertmanager: 2 };
  const targets: Target[] = [];
  for (const job of jobs) {
    for (let i = 0; i < perJob[job.name]; i++) {
      const down = job.name !== 'prometheus' && rand() < 0.02;
      targets.push({
        job: job.name,
        instance: job.name === 'blackbox' ? `https://${pick(rand, HOSTS)}-${i}.shop.example.invalid/healthz` : `10.20.${Math.floor(i / 200)}.${(i % 200) + 10}:${job.name === 'node' ? 9100 : 8080}`,
        health: down ? 'down' : 'up',
        lastError: down ? 'Get "http://10.20.0.1:8080/metrics": context deadline exceeded' : '',
        scrapeDuration: Math.round(rand() * 200) / 1000,
      });
    }
  }

  const groups: RuleGroup[] = [];
  const ruleFamilies = [
    { metric: 'node_cpu_seconds_total', alert: 'HostHighCpu', expr: 'instance:node_cpu_utilisation:rate5m > 0.8', sev: 'warning' },
    { metric: 'node_memory_MemAvailable_bytes', alert: 'HostLowMemory', expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.1', sev: 'warning' },
    { metric: 'node_filesystem_avail_bytes', alert: 'DiskWillFillIn4h', expr: 'predict_linear(node_filesystem_avail_bytes{fstype!="tmpfs"}[6h], 4 * 3600) < 0', sev: 'critical' },
    { metric: 'http_requests_total', alert: 'HighErrorRate', expr: 'sum by (service) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m])) > 0.05', sev: 'critical' },
    { metric: 'http_request_duration_seconds_bucket', alert: 'LatencyAnomaly', expr: '(job:http_latency_p99:5m - avg_over_time(job:http_latency_p99:5m[1d])) / stddev_over_time(job:http_latency_p99:5m[1d]) > 3', sev: 'warning' },
    { metric: 'probe_success', alert: 'EndpointDown', expr: 'probe_success == 0', sev: 'critical' },
    { metric: 'pg_replication_lag_seconds', alert: 'PostgresReplicationLag', expr: 'pg_replication_lag_seconds > 30', sev: 'warning' },
    { metric: 'up', alert: 'TargetDown', expr: 'up == 0', sev: 'info' },
  ];
  const groupCount = 6 * f;
  for (let g = 0; g < groupCount; g++) {
    const rules: Rule[] = [];
    rules.push({ kind: 'recording', name: `instance:node_cpu_utilisation:rate5m`, expr: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', forSeconds: 0, labels: {}, annotations: {}, firing: 0 });
    for (let r = 0; r < 6; r++) {
      const fam = ruleFamilies[(g * 6 + r) % ruleFamilies.length];
      const labelled = rand() < 0.93;
      const runbook = rand() < 0.6;
      rules.push({
        kind: 'alerting',
        name: `${fam.alert}${g > 0 ? g : ''}`,
        expr: fam.expr,
        forSeconds: rand() < 0.85 ? 300 : 0,
        labels: labelled ? { severity: fam.sev, team: pick(rand, ['sre', 'payments', 'platform']) } : { team: 'legacy' },
        annotations: { summary: `${fam.alert} on {{ $labels.instance }}`, ...(runbook ? { runbook_url: `https://runbooks.shop.example.invalid/${fam.alert}` } : {}) },
        firing: rand() < 0.1 ? 1 + Math.floor(rand() * 3) : 0,
      });
    }
    groups.push({ name: `group-${g}`, file: `/etc/prometheus/rules/group-${g}.yml`, interval: g % 3 === 0 ? 60 : 30, evaluationTime: 0.002 + rand() * 0.05, rules });
  }

  const probes = targets.filter((t) => t.job === 'blackbox').map((t) => ({ instance: t.instance, availability: rand() < 0.1 ? 0.9971 : 0.99985 - rand() * 0.0001 }));
  const fired = Math.round(120 * f * (0.8 + rand() * 0.4));

  const receivers: { name: string; integrations: Record<string, number> }[] = [
    { name: 'default-email', integrations: { email: 42 * f } },
    { name: 'sre-pagerduty', integrations: { pagerduty: 31 * f, webhook: 31 * f } },
    { name: 'payments-wechat', integrations: { wechat: 12 * f } },
  ];
  const configYaml = `global:
  resolve_timeout: 5m
  smtp_smarthost: smtp.shop.example.invalid:587
  smtp_from: alerts@shop.example.invalid
route:
  receiver: default-email
  group_by: [alertname, service]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: ['severity="critical"']
      receiver: sre-pagerduty
      continue: true
    - matchers: ['team="payments"', 'severity=~"warning|critical"']
      receiver: payments-wechat
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity=~"warning|info"']
    equal: [service, instance]
  - source_matchers: ['alertname="ClusterUnreachable"']
    target_matchers: ['alertname=~".+"']
    equal: [cluster]
receivers:
  - name: default-email
    email_configs:
      - to: ops@shop.example.invalid
  - name: sre-pagerduty
    pagerduty_configs:
      - routing_key_file: /etc/alertmanager/secrets/pagerduty
    webhook_configs:
      - url: http://oncall-bridge.shop.example.invalid/alert
  - name: payments-wechat
    wechat_configs:
      - corp_id: shop
        to_party: payments
        api_secret_file: /etc/alertmanager/secrets/wechat
`;
  const day = 86400_000;
  const silences = Array.from({ length: 3 + f }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    state: (i === 0 ? 'active' : 'expired') as 'active' | 'expired',
    startsAt: new Date(now.getTime() - (i + 1) * 3 * day).toISOString(),
    endsAt: new Date(now.getTime() - (i + 1) * 3 * day + (i === 0 ? 10 * day : 2 * 3600_000)).toISOString(),
    matchers: [{ name: 'alertname', value: i % 2 ? 'HostHighCpu' : 'TargetDown' }],
  }));

  return {
    now,
    prometheus: {
      version: '2.42.0',
      jobs,
      targets,
      groups,
      externalLabels: { cluster: 'shop-prod', replica: 'a' },
      remoteWrite: ['https://metrics-lts.shop.example.invalid/api/v1/write'],
      retention: '15d',
      headSeries: 180_000 * f,
      metricNames: [
        'up', 'node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'container_cpu_usage_seconds_total',
        'kube_pod_info', 'probe_success', 'http_requests_total', 'process_cpu_seconds_total', 'pg_up', 'pg_replication_lag_seconds',
        'push_time_seconds', 'promtail_sent_entries_total', 'alertmanager_notifications_total', 'ALERTS',
      ],
      probes,
      firedInWindow: fired,
      notificationsInWindow: Math.round(fired * 0.62),
      replicationLagSeconds: 2.4,
      backupAgeSeconds: 20 * 3600,
      alertmanagers: ['http://alertmanager-0.shop.example.invalid:9093/api/v2/alerts', 'http://alertmanager-1.shop.example.invalid:9093/api/v2/alerts'],
    },
    alertmanager: {
      version: '0.25.0',
      peers: 2,
      receivers,
      configYaml,
      silences,
      alertsReceived: fired * 3,
      notificationsFailed: 2 * f,
    },
  };
}

/** The Prometheus config YAML the estate's server reports at /api/v1/status/config. */
export function prometheusConfigYaml(e: Estate): string {
  const p = e.prometheus;
  const lines = [
    'global:',
    '  scrape_interval: 15s',
    '  scrape_timeout: 10s',
    '  evaluation_interval: 30s',
    '  external_labels:',
    ...Object.entries(p.externalLabels).map(([k, v]) => `    ${k}: ${v}`),
    'alerting:',
    '  alertmanagers:',
    '  - follow_redirects: true',
    '    enable_http2: true',
    '    scheme: http',
    '    timeout: 10s',
    '    api_version: v2',
    '    static_configs:',
    '    - targets:',
    ...p.alertmanagers.map((u) => `      - ${new URL(u).host}`),
    'rule_files:',
    '- /etc/prometheus/rules/*.yml',
    'scrape_configs:',
  ];
  for (const j of p.jobs) {
    lines.push(`- job_name: ${j.name}`, '  honor_timestamps: true', `  scrape_interval: ${j.interval}s`, `  scrape_timeout: ${j.timeout}s`, `  metrics_path: ${j.path}`, `  scheme: ${j.scheme}`);
    if (j.sampleLimit) lines.push(`  sample_limit: ${j.sampleLimit}`);
    if (j.auth) lines.push('  authorization:', '    type: Bearer', '    credentials_file: /etc/prometheus/secrets/node-token');
    if (j.tls) lines.push('  tls_config:', '    ca_file: /etc/prometheus/ca.pem', '    insecure_skip_verify: false');
    lines.push('  follow_redirects: true', '  enable_http2: true');
    if (j.relabels) {
      lines.push('  relabel_configs:');
      for (let i = 0; i < j.relabels; i++) lines.push('  - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]', '    separator: ;', '    regex: "true"', '    replacement: $1', `    action: ${i === 0 ? 'keep' : 'replace'}`);
    }
    if (j.metricRelabels) {
      lines.push('  metric_relabel_configs:');
      for (let i = 0; i < j.metricRelabels; i++) lines.push('  - source_labels: [__name__]', '    separator: ;', '    regex: go_gc_.*', '    replacement: $1', '    action: drop');
    }
    if (j.sd === 'static') lines.push('  static_configs:', '  - targets:', `    - localhost:9090`);
    if (j.sd === 'file') lines.push('  file_sd_configs:', '  - files:', '    - /etc/prometheus/targets/*.json', '    refresh_interval: 5m');
    if (j.sd === 'kubernetes') lines.push('  kubernetes_sd_configs:', '  - role: pod', '    kubeconfig_file: ""', '    follow_redirects: true', '    enable_http2: true');
    if (j.sd === 'consul') lines.push('  consul_sd_configs:', '  - server: consul.shop.example.invalid:8500', '    services: [postgres]');
  }
  lines.push('remote_write:');
  for (const u of p.remoteWrite) {
    lines.push(`- url: ${u}`, '  remote_timeout: 30s', '  follow_redirects: true', '  enable_http2: true', '  queue_config:', '    capacity: 2500', '    max_shards: 200', '    min_shards: 1', '    max_samples_per_send: 500');
  }
  return lines.join('\n') + '\n';
}

export const SEVERITY_NAMES = SEVERITIES;
