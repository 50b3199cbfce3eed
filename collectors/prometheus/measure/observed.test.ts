import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapRead, readOk, type Measured, type Read } from '../../../src/collector/kit.js';
import type { RunningConfig, Rules, Sample, Targets } from '../api.js';
import { annotateCounts } from './annotate.js';
import { measureDelivering, measureNetworkTls, measureSharedServers, sharedScrapePools } from './observed-ha.js';
import { defaultSetNote, isDefaultRuleGroup, measureProvenance, ruleProvenance } from './provenance.js';
import { analyseConfig } from './running-config.js';

const ok = <T>(data: T): Read<T> => readOk(data, ['ev-1']);
const broken: Read<never> = { status: 'failed', reason: 'HTTP 503 after 2 retries', kind: 'unavailable', evidence: [] };

/** An answer of the real Prometheus 2.42 the fixture was captured from, as the collector parses it. */
function vector(name: string): Sample[] {
  const body = JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8')) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

const pool = (instance: string, job: string, targets: number): Sample => ({ metric: { __name__: 'prometheus_target_scrape_pool_targets', instance, job: 'prometheus', scrape_job: job }, value: targets });
const start = (instance: string, t: number): Sample => ({ metric: { __name__: 'process_start_time_seconds', instance, job: 'prometheus' }, value: t });

interface Reads {
  config: Read<RunningConfig>;
  sharedPools: Read<Sample[]>;
  remoteWriteDelivered: Read<Sample[]>;
  targets: Read<Targets>;
  rules: Read<Rules>;
}

/** The observed-HA and provenance measures of a server, from the reads they rest on. */
function measure(over: Partial<Reads> = {}, remoteWrite = 0): Record<string, Measured> {
  const r: Reads = {
    config: ok({ yaml: `global:\n  scrape_interval: 15s\n${remoteWrite ? `remote_write:\n${'  - url: http://127.0.0.1:19191/api/v1/write\n'.repeat(remoteWrite)}` : ''}` }),
    sharedPools: ok(vector('query-shared-pools')),
    remoteWriteDelivered: ok(vector('query-remote-write-delivered')),
    targets: ok({ activeTargets: [] }),
    rules: ok({ groups: [] }),
    ...over,
  };
  return {
    'prometheus.ha.shared_scrape_servers': measureSharedServers(r.sharedPools),
    'prometheus.remote_write.delivering_destinations': measureDelivering(r.remoteWriteDelivered, mapRead(r.config, (c) => analyseConfig(c.yaml))),
    'prometheus.scrape.network_tls_ratio': measureNetworkTls(r.targets, r.config),
    ...measureProvenance(r.rules),
  };
}

describe('observed HA: servers scraping the same targets', () => {
  it('two real servers share the job "node" (same target count), not "prometheus" (2 targets vs 1)', () => {
    expect(sharedScrapePools(vector('query-shared-pools'))).toEqual({ servers: 2, jobs: ['node'], seen: 2 });
  });

  it('one server scraped under two addresses is one server: no HA', () => {
    const samples = [pool('localhost:9090', 'node', 3), pool('127.0.0.1:9090', 'node', 3), start('localhost:9090', 1795992554.28), start('127.0.0.1:9090', 1795992554.28)];
    expect(sharedScrapePools(samples)).toEqual({ servers: 1, jobs: [], seen: 1 });
  });

  it('a replica label on a single server is not a second server', () => {
    const m = measure({ sharedPools: ok([pool('a:9090', 'node', 3), start('a:9090', 1)]) }, 1)['prometheus.ha.shared_scrape_servers'];
    expect(m).toMatchObject({ status: 'value', value: 1 });
  });

  it('without any Prometheus meta-metrics nothing can be seen: not available, not 1', () => {
    expect(measure({ sharedPools: ok([]) }, 1)['prometheus.ha.shared_scrape_servers']).toMatchObject({ status: 'not_available' });
    expect(measure({ sharedPools: broken }, 1)['prometheus.ha.shared_scrape_servers']).toMatchObject({ status: 'failed', reason: 'HTTP 503 after 2 retries' });
  });
});

describe('remote write delivering', () => {
  it('counts destinations that received samples in the window, naming them', () => {
    expect(measure({}, 1)['prometheus.remote_write.delivering_destinations']).toMatchObject({ status: 'value', value: 1, detail: 'http://127.0.0.1:19191/api/v1/write' });
  });

  it('a configured destination that received nothing is 0, and named as idle', () => {
    const idle = ok([{ metric: { url: 'https://mimir.example/api/v1/push' }, value: 0 }]);
    expect(measure({ remoteWriteDelivered: idle }, 1)['prometheus.remote_write.delivering_destinations']).toMatchObject({ status: 'value', value: 0, detail: 'none; 1 destination(s) received nothing in the window' });
  });

  it('no counters: 0 when nothing is configured, not available when remote_write is configured but unseen', () => {
    expect(measure({ remoteWriteDelivered: ok([]) }, 0)['prometheus.remote_write.delivering_destinations']).toMatchObject({ status: 'value', value: 0 });
    expect(measure({ remoteWriteDelivered: ok([]) }, 2)['prometheus.remote_write.delivering_destinations']).toMatchObject({ status: 'not_available' });
    expect(measure({ remoteWriteDelivered: ok([]), config: broken })['prometheus.remote_write.delivering_destinations']).toMatchObject({ status: 'not_available' });
  });
});

describe('TLS on scrapes that cross a network', () => {
  const target = (scrapeUrl: string, scrapePool: string) => ({ scrapeUrl, scrapePool, labels: {}, health: 'up' });
  it('leaves loopback scrapes out and names the jobs scraped over plain http', () => {
    const targets: Targets = {
      activeTargets: [
        target('http://127.0.0.1:9090/metrics', 'prometheus'),
        target('http://localhost:9100/metrics', 'node-local'),
        target('https://10.0.0.5:10250/metrics', 'kubelet'),
        target('https://10.0.0.6:10250/metrics', 'kubelet'),
        target('http://10.0.0.7:8080/metrics', 'shop'),
      ],
    };
    expect(measure({ targets: ok(targets) }, 0)['prometheus.scrape.network_tls_ratio']).toMatchObject({ status: 'value', value: 2 / 3, detail: '2 of 3 network transmissions (scrapes and remote writes) over https; plain http: job shop' });
  });

  it('counts remote_write destinations off loopback too', () => {
    const targets: Targets = { activeTargets: [target('https://10.0.0.5:10250/metrics', 'kubelet')] };
    const config = ok({ yaml: 'remote_write:\n  - url: http://mimir.example:8080/api/v1/push\n  - url: http://127.0.0.1:19191/api/v1/write\n' });
    expect(measure({ targets: ok(targets), config }, 2)['prometheus.scrape.network_tls_ratio']).toMatchObject({ status: 'value', value: 1 / 2, detail: '1 of 2 network transmissions (scrapes and remote writes) over https; plain http: remote_write' });
  });

  it('only loopback: not available; a failed config read fails it', () => {
    const targets: Targets = { activeTargets: [target('http://127.0.0.1:9090/metrics', 'prometheus')] };
    expect(measure({ targets: ok(targets) }, 0)['prometheus.scrape.network_tls_ratio']).toMatchObject({ status: 'not_available' });
    expect(measure({ targets: ok(targets), config: broken }, 0)['prometheus.scrape.network_tls_ratio']).toMatchObject({ status: 'failed' });
  });
});

describe('rule provenance: default rule sets and pipeline alerts', () => {
  const rule = (name: string, query: string) => ({ type: 'alerting', name, query });
  const kubePrometheus: Rules = {
    groups: [
      { name: 'general.rules', rules: [rule('Watchdog', 'vector(1)'), rule('TargetDown', '100 * (count by (job) (up == 0) / count by (job) (up)) > 10')] },
      { name: 'node-exporter', rules: [rule('NodeFilesystemAlmostOutOfSpace', 'node_filesystem_avail_bytes / node_filesystem_size_bytes * 100 < 5')] },
      { name: 'prometheus', rules: [rule('PrometheusRuleFailures', 'increase(prometheus_rule_evaluation_failures_total[5m]) > 0')] },
      { name: 'kubernetes-apps', rules: [rule('KubePodCrashLooping', 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1')] },
    ],
  };

  it('recognises the well-known groups and nothing else', () => {
    for (const g of ['node-exporter', 'kubernetes-apps', 'kube-prometheus-general.rules', 'alertmanager.rules', 'k8s.rules.container_cpu_usage_seconds_total', 'kube-apiserver-slos']) expect(isDefaultRuleGroup(g), g).toBe(true);
    for (const g of ['shop', 'payments.rules', 'node-custom']) expect(isDefaultRuleGroup(g), g).toBe(false);
  });

  it('an estate with kube-prometheus rules only has no custom alerting, and every count says so', () => {
    const p = ruleProvenance(kubePrometheus);
    expect(p.custom).toEqual([]);
    expect(p.pipeline).toEqual(['Watchdog', 'PrometheusRuleFailures']);
    // an always-firing rule not named as a dead-man switch is a test alert, not pipeline monitoring
    expect(ruleProvenance({ groups: [{ name: 'shop', rules: [rule('ServiceDown', 'vector(1)')] }] }).pipeline).toEqual([]);
    expect(defaultSetNote(p)).toBe('every alerting rule comes from a well-known default rule set (groups general.rules, kubernetes-apps, node-exporter, prometheus): installed, not written for this estate');
    const signals = measure({ rules: ok(kubePrometheus) }, 0);
    expect(signals['prometheus.rules.custom_alerting_ratio']).toMatchObject({ status: 'value', value: 0 });
    expect(signals['prometheus.rules.pipeline_alert_rules']).toMatchObject({ status: 'value', value: 2 });
    expect(signals['prometheus.rules.pipeline_alert_rules']).toMatchObject({
      objects: { total: 2, sample: ['Watchdog', 'PrometheusRuleFailures'] },
      notes: [expect.stringContaining('installed, not written for this estate')],
    });
  });

  it('a custom group beside them is counted and named, and the note goes away', () => {
    const withShop: Rules = { groups: [...kubePrometheus.groups, { name: 'shop', rules: [rule('CheckoutErrors', 'sum(rate(http_requests_total{job="shop",code=~"5.."}[5m])) > 1')] }] };
    const signals = measure({ rules: ok(withShop) }, 0);
    expect(signals['prometheus.rules.custom_alerting_ratio']).toMatchObject({ status: 'value', value: 1 / 6 });
    expect((signals['prometheus.rules.custom_alerting_ratio'] as { detail: string }).detail).toContain(': CheckoutErrors;');
    expect(defaultSetNote(ruleProvenance(withShop))).toBeUndefined();
  });

  it('no alerting rules: the custom share is not available; a failed read fails both', () => {
    expect(measure()['prometheus.rules.custom_alerting_ratio']).toMatchObject({ status: 'not_available' });
    expect(measure({ rules: broken }, 0)['prometheus.rules.pipeline_alert_rules']).toMatchObject({ status: 'failed' });
  });
});

describe('objects behind counts, and the default-rule-set note', () => {
  const rule = (name: string, query: string, extra: Record<string, unknown> = {}) => ({ type: 'alerting', name, query, ...extra });
  const count = (v: number) => ({ status: 'value' as const, value: v, evidence: ['ev-1'] });

  it('counts of rules, jobs and targets carry their objects; every alerting-rule signal notes a default-set-only estate', () => {
    const rules: Rules = {
      groups: [
        { name: 'general.rules', rules: [rule('Watchdog', 'vector(1)'), rule('TargetDown', 'up == 0', { health: 'err', lastError: 'boom' })] },
        { name: 'node-exporter', rules: [{ type: 'recording', name: 'instance:node_cpu:rate5m', query: 'rate(node_cpu_seconds_total[5m])' }] },
      ],
    };
    const targets: Targets = { activeTargets: [{ scrapePool: 'node', labels: { instance: '10.0.0.1:9100' }, health: 'up' }, { scrapePool: 'shop', labels: { instance: '10.0.0.2:8080' }, health: 'down' }] };
    const out = annotateCounts(
      { 'prometheus.rules.alerting_count': count(2), 'prometheus.rules.recording_count': count(1), 'prometheus.rules.unhealthy': count(1), 'prometheus.rules.severity_levels': count(0),
        'prometheus.jobs.count': count(2), 'prometheus.targets.count': count(2), 'prometheus.targets.up_ratio': { ...count(0.5), detail: '1 of 2 active targets up' } },
      ok(rules), ok(targets),
    );
    const note = 'every alerting rule comes from a well-known default rule set (groups general.rules): installed, not written for this estate';
    expect(out['prometheus.rules.alerting_count']).toMatchObject({ objects: { total: 2, sample: ['Watchdog', 'TargetDown'] }, notes: [note] });
    expect(out['prometheus.rules.severity_levels']).toMatchObject({ notes: [note] });
    expect(out['prometheus.rules.recording_count']).toMatchObject({ objects: { total: 1, sample: ['instance:node_cpu:rate5m'] } });
    expect(out['prometheus.rules.recording_count']).not.toHaveProperty('notes', [note]);
    expect(out['prometheus.rules.unhealthy']).toMatchObject({ objects: { total: 1, sample: ['TargetDown'] } });
    expect(out['prometheus.jobs.count']).toMatchObject({ objects: { total: 2, sample: ['node', 'shop'] } });
    expect(out['prometheus.targets.count']).toMatchObject({ objects: { total: 2, sample: ['node 10.0.0.1:9100', 'shop 10.0.0.2:8080'] } });
    expect(out['prometheus.targets.up_ratio']).toMatchObject({ detail: '1 of 2 active targets up; down in jobs shop' });
  });

  it('carries at most SAMPLE_MAX names and the whole count; the detail names ten', () => {
    const many: Rules = { groups: [{ name: 'shop', rules: Array.from({ length: 25 }, (_, i) => rule(`A${i}`, 'x > 1')) }] };
    const out = annotateCounts({ 'prometheus.rules.alerting_count': count(25) }, ok(many), broken);
    expect(out['prometheus.rules.alerting_count']).toMatchObject({ objects: { total: 25, sample: Array.from({ length: 20 }, (_, i) => `A${i}`) } });
    expect(out['prometheus.rules.alerting_count']).not.toHaveProperty('notes', expect.anything());
    const p = measure({ rules: ok(many) }, 0)['prometheus.rules.custom_alerting_ratio'] as { detail: string };
    expect(p.detail).toContain('A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, … (25 in all)');
  });
});
