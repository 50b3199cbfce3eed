import { describe, expect, it } from 'vitest';
import { analyseCapacity, isCpuUtilisationAlert } from './capacity.js';
import { retentionFromFlags, retentionFromRuntimeInfo } from './retention.js';
import { analyseRules, hasCpuThresholdAtMost80 } from './rules.js';
import { analyseConfig } from './running-config.js';

/** The analyses the measures rest on, on plain objects: the rendered config, the rules, retention. */

describe('config analysis', () => {
  const yaml = `
global:
  scrape_interval: 30s
  scrape_timeout: 10s
  body_size_limit: 0B
  external_labels: {cluster: eu1, __replica__: a}
scrape_configs:
- job_name: a
  scrape_interval: 30s
  scrape_timeout: 10s
  oauth2: {client_id: x, client_secret: <secret>, token_url: https://idp/token}
  kubernetes_sd_configs: [{role: pod}]
  tls_config: {insecure_skip_verify: false}
- job_name: b
  scrape_interval: 30s
  scrape_timeout: 20s
  label_limit: 30
  consul_sd_configs: [{server: consul:8500}]
  kubernetes_sd_configs: [{role: node}]
  tls_config: {ca_file: /etc/ca.pem}
- job_name: c
  scrape_interval: 1m
  bearer_token_file: /var/run/token
  static_configs: [{targets: [x:1]}]
remote_write: []
`;
  it('reads intervals, TLS, auth, limits and discovery from the rendered config', () => {
    const c = analyseConfig(yaml);
    expect(c.scrapeJobs).toBe(3);
    expect(c.distinctIntervals).toEqual([30, 60]);
    expect(c.customIntervalJobs).toBe(2); // b: timeout 20s; c: interval 1m
    expect(c.tlsJobs).toBe(1); // a rendered default tls_config is not TLS
    expect(c.authJobs).toBe(2);
    expect(c.limitJobs).toBe(1); // a zero global limit is no limit
    expect(c.sdKinds).toEqual(['consul', 'kubernetes']);
    expect(c.replicaLabels).toEqual(['__replica__']);
    expect(c.remoteWrite).toBe(0);
  });

  it('a global limit covers every job', () => {
    expect(analyseConfig('global: {sample_limit: 1000}\nscrape_configs: [{job_name: a}, {job_name: b}]').limitJobs).toBe(2);
  });

  it('invalid YAML is malformed', () => {
    expect(() => analyseConfig('global: [unclosed')).toThrow(/not valid YAML/);
  });
});

describe('rules analysis', () => {
  const rule = (name: string, query: string, extra: Record<string, unknown> = {}) => ({ type: 'alerting', name, query, health: 'ok', ...extra });
  it('judges CPU thresholds at or below 80 %', () => {
    expect(hasCpuThresholdAtMost80('instance:node_cpu_utilisation:rate5m > 0.8', false)).toBe(true);
    expect(hasCpuThresholdAtMost80('100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))) >= 75', true)).toBe(true);
    expect(hasCpuThresholdAtMost80('avg(rate(node_cpu_seconds_total{mode="idle"}[5m])) < 0.2', true)).toBe(true);
    expect(hasCpuThresholdAtMost80('avg(rate(node_cpu_seconds_total{mode="idle"}[5m])) < 0.05', true)).toBe(false);
    expect(hasCpuThresholdAtMost80('cpu_usage > 0.9', false)).toBe(false);
    expect(hasCpuThresholdAtMost80('cpu_usage > 95', false)).toBe(false);
    expect(hasCpuThresholdAtMost80('cpu_usage > 0', false)).toBe(false);
  });

  it('counts pending alerts apart from firing ones and flags failed rules', () => {
    const facts = analyseRules({
      groups: [
        {
          name: 'g',
          rules: [
            rule('A', 'up == 0', { alerts: [{ state: 'firing' }, { state: 'pending' }], duration: 60, labels: { severity: 'page' } }),
            rule('B', 'holt_winters(x[1d], 0.1, 0.1) > 1', { health: 'unknown' }),
            { type: 'recording', name: 'r', query: 'x', health: 'ok', lastError: 'boom' },
          ],
        },
      ],
    });
    expect(facts.firing).toBe(1);
    expect(facts.unhealthy).toBe(1);
    expect(facts.dynamicThreshold).toEqual(['B']);
    expect(facts.maxEvalSeconds).toBeUndefined();
    expect(facts.withFor).toBe(1);
  });
});

describe('capacity and business analysis (chapters 8-10)', () => {
  const alert = (name: string, query: string) => ({ type: 'alerting', name, query, health: 'ok' });
  const record = (name: string, query: string) => ({ type: 'recording', name, query, health: 'ok' });
  const facts = (...rules: ReturnType<typeof alert>[]) => analyseCapacity({ groups: [{ name: 'g', rules }] });

  it('counts an alert as CPU > 80 % by what its expression computes, not by its name or numbers', () => {
    // load per core: reads node_cpu_seconds_total (to count cores) and compares with 0.8, yet is saturation
    const loadPerCore = 'node_load1 / count without (cpu, mode) (node_cpu_seconds_total{mode="idle"}) > 0.8';
    expect(isCpuUtilisationAlert(loadPerCore, loadPerCore)).toBe(false);
    const throttled = 'sum(increase(container_cpu_cfs_throttled_periods_total[5m])) / sum(increase(container_cpu_cfs_periods_total[5m])) > (25 / 100)';
    expect(isCpuUtilisationAlert(throttled, throttled)).toBe(false);
    const busy = 'sum by (instance) (avg by (mode, instance) (rate(node_cpu_seconds_total{mode!="idle"}[2m]))) > 0.8';
    expect(isCpuUtilisationAlert(busy, busy)).toBe(true);
    const idle = 'avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) < 0.2';
    expect(isCpuUtilisationAlert(idle, idle)).toBe(true);
    const tooHigh = 'sum without(mode) (avg without (cpu) (rate(node_cpu_seconds_total{mode!~"idle|iowait"}[2m]))) * 100 > 90';
    expect(isCpuUtilisationAlert(tooHigh, tooHigh)).toBe(false);
    // a recorded utilisation is judged on what it records
    const f = facts(
      record('instance:node_cpu_utilisation:rate5m', '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))') as never,
      alert('HighCpu', 'instance:node_cpu_utilisation:rate5m > 0.8'),
      record('instance:node_load1_per_cpu:ratio', 'node_load1 / instance:node_num_cpu:sum') as never,
      alert('NodeLoadHigh', 'instance:node_load1_per_cpu:ratio > 0.8'),
      alert('CpuNamedButMemory', 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.2'),
    );
    expect(f.cpuUtilisation).toEqual(['HighCpu']);
  });

  it('tells what a forecast forecasts: the default disk-fill rules are one kind', () => {
    const f = facts(
      alert('NodeFilesystemSpaceFillingUp', 'predict_linear(node_filesystem_avail_bytes{fstype!=""}[6h], 24*60*60) < 0'),
      alert('KubePersistentVolumeFillingUp', 'predict_linear(kubelet_volume_stats_available_bytes[6h], 4 * 24 * 3600) < 0'),
    );
    expect([...f.forecastKinds.keys()]).toEqual(['disk']);
    const g = facts(
      record('job:http_requests:rate5m', 'sum by (job) (rate(http_requests_total[5m]))') as never,
      alert('TrafficWillOutgrow', 'predict_linear(job:http_requests:rate5m[1d], 7 * 86400) > 1000'),
      alert('MemoryWillRunOut', 'predict_linear(node_memory_MemAvailable_bytes[1d], 7 * 86400) < 0'),
    );
    expect([...g.forecastKinds.keys()].sort()).toEqual(['memory', 'requests']);
    expect(g.businessAlerts).toEqual(['TrafficWillOutgrow']);
  });
});

describe('retention', () => {
  it('parses runtimeinfo and the flags', () => {
    expect(retentionFromRuntimeInfo('15d')).toEqual({ seconds: 15 * 86400, text: '15d' });
    expect(retentionFromRuntimeInfo('30d or 10GiB')).toMatchObject({ seconds: 30 * 86400 });
    expect(retentionFromRuntimeInfo('10GiB')).toEqual({ unbounded: 'retention is limited by size only (10GiB)' });
    expect(retentionFromFlags({ 'storage.tsdb.retention.time': '0s', 'storage.tsdb.retention': '0s', 'storage.tsdb.retention.size': '0B' })).toMatchObject({ seconds: 15 * 86400 });
    expect(retentionFromFlags({ 'storage.tsdb.retention.time': '0s', 'storage.tsdb.retention': '6h' })).toMatchObject({ seconds: 6 * 3600 });
    expect(retentionFromFlags({ 'storage.tsdb.retention.time': '0s', 'storage.tsdb.retention.size': '512MB' })).toHaveProperty('unbounded');
  });
});

