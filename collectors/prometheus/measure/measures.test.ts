import { describe, expect, it } from 'vitest';
import { readAbsent, readOk, type Read } from '../../../src/collector/kit.js';
import type { Sample, Targets } from '../api.js';
import { firedWindow, perAlert } from './alerts.js';
import { measureCollection, measurePushgateway } from './collection.js';
import { measureRetention } from './retention.js';
import { analyseRules, type RuleFacts } from './rules.js';
import { analyseConfig, measureRunningConfig } from './running-config.js';
import { largestBySource } from './samples.js';
import { measureReachability } from './server.js';

/** The measures on plain reads, no HTTP: what a value, an absence and a failure each become. */

const ok = <T>(data: T, ev = 'ev-1'): Read<T> => readOk(data, [ev]);
const failed = (reason: string, ev = 'ev-x'): Read<never> => ({ status: 'failed', reason, kind: 'unavailable', evidence: [ev] });
const sample = (value: number, metric: Record<string, string> = {}): Sample => ({ metric, value });

describe('reachability', () => {
  it('a server without buildinfo whose query API answers is reachable, and the detail says why the version is missing', () => {
    const m = measureReachability(failed('not found (HTTP 404): GET /api/v1/status/buildinfo', 'ev-b'), ok([sample(1)], 'ev-q'));
    expect(m['prometheus.api.reachable']).toEqual({ status: 'value', value: true, evidence: ['ev-b', 'ev-q'], detail: 'query API answers; not found (HTTP 404): GET /api/v1/status/buildinfo' });
    expect(m['prometheus.servers.count']).toMatchObject({ status: 'value', value: 1 });
  });

  it('a vector(1) that answers anything but [1] is failed, never false', () => {
    const m = measureReachability(ok({ version: '2.42.0' }), ok([sample(0)]));
    expect(m['prometheus.api.reachable']).toMatchObject({ status: 'failed', reason: expect.stringContaining('answered [0], not [1]') });
    expect(m['prometheus.servers.count'].status).toBe('failed');
  });
});

describe('alerts over the window', () => {
  const facts = (alerting: number): RuleFacts => analyseRules({
    groups: [{ name: 'g', rules: Array.from({ length: alerting }, (_, i) => ({ type: 'alerting', name: `A${i}`, query: 'up == 0' })) }],
  });

  it('no ALERTS series is 0 only when alerting rules could have fired', () => {
    expect(firedWindow(ok([], 'ev-f'), ok(facts(3), 'ev-r'))).toEqual({ status: 'value', value: 0, evidence: ['ev-f', 'ev-r'], detail: 'no alert fired in the window; 3 alerting rules loaded' });
    expect(firedWindow(ok([]), ok(facts(0)))).toMatchObject({ status: 'not_available', reason: 'no alerting rules are loaded, so no alert could fire' });
    expect(firedWindow(ok([]), failed('HTTP 503'))).toMatchObject({ status: 'failed', reason: expect.stringContaining('whether alerting rules exist is unknown: HTTP 503') });
    expect(firedWindow(ok([sample(3.6)]), failed('HTTP 503'))).toMatchObject({ status: 'value', value: 4 });
  });

  it('notifications per alert: unknown inputs pass through, none fired is not available', () => {
    const value = (v: number, ev: string) => ({ status: 'value' as const, value: v, evidence: [ev] });
    expect(perAlert(value(93, 'n'), value(4, 'f'))).toEqual({ status: 'value', value: 93 / 4, evidence: ['n', 'f'], detail: '93 notifications / 4 alerts fired' });
    expect(perAlert(value(5, 'n'), value(0, 'f'))).toMatchObject({ status: 'not_available', reason: 'no alert fired in the window' });
    expect(perAlert({ status: 'not_available', reason: 'not scraped', evidence: [] }, { status: 'failed', reason: 'boom', evidence: [] })).toMatchObject({ status: 'failed', reason: 'boom' });
  });
});

describe('running config', () => {
  it('an absent config leaves every config signal not available; one that is not YAML fails them', () => {
    const absent = measureRunningConfig(readAbsent('not found (HTTP 404)', ['ev-c']));
    expect(Object.keys(absent)).toHaveLength(13);
    for (const m of Object.values(absent)) expect(m).toEqual({ status: 'not_available', reason: 'not found (HTTP 404)', evidence: ['ev-c'] });
    const broken = measureRunningConfig({ status: 'failed', reason: 'the config in /api/v1/status/config is not valid YAML', evidence: ['ev-c'] });
    for (const m of Object.values(broken)) expect(m.status).toBe('failed');
  });

  it('with no scrape_configs the shares are not available, not 0, while the counts are a measured 0', () => {
    const m = measureRunningConfig(ok(analyseConfig('global: {scrape_interval: 15s}')));
    expect(m['prometheus.scrape.tls_ratio'].status).toBe('not_available');
    expect(m['prometheus.scrape.max_interval_seconds']).toMatchObject({ status: 'not_available', reason: 'no scrape_configs' });
    expect(m['prometheus.scrape.jobs']).toMatchObject({ status: 'value', value: 0 });
    expect(m['prometheus.storage.remote']).toMatchObject({ status: 'value', value: false, detail: '0 remote_write, 0 remote_read' });
  });
});

describe('what is collected', () => {
  const targets = (...pools: string[]): Targets => ({ activeTargets: pools.map((p, i) => ({ scrapePool: p, labels: { job: p }, health: i === 0 ? 'up' : 'down' })) });
  const inventory = (...names: string[]) => names.map((n) => sample(2, { __name__: n }));

  it('judges kinds of data and OS exporters from the names present; probes need probes to exist', () => {
    const m = measureCollection({ targets: ok(targets('node', 'shop')), inventory: ok(inventory('node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'promtail_read_bytes_total')), nodes: ok([sample(1)]) });
    expect(m['prometheus.node.os_metrics']).toMatchObject({ value: true, detail: 'node_exporter' });
    expect(m['prometheus.data_kinds.count']).toMatchObject({ value: 2, detail: 'logs, os' });
    expect(m['prometheus.logs.pipeline']).toMatchObject({ value: true, detail: 'promtail_read_bytes_total' });
    expect(m['prometheus.probes.count']).toMatchObject({ status: 'not_available', reason: 'no probe_success series' });
    expect(m['prometheus.targets.up_ratio']).toMatchObject({ value: 0.5, detail: '1 of 2 active targets up' });
  });

  it('no Pushgateway is false only when both the targets and the inventory answered', () => {
    expect(measurePushgateway(ok(targets('node'), 'ev-t'), ok(inventory('up'), 'ev-i'))).toEqual({ status: 'value', value: false, evidence: ['ev-t', 'ev-i'] });
    expect(measurePushgateway(failed('HTTP 503'), ok(inventory('up')))).toMatchObject({ status: 'failed', reason: 'HTTP 503' });
    expect(measurePushgateway(failed('HTTP 503'), ok(inventory('push_time_seconds')))).toMatchObject({ status: 'value', value: true, detail: 'push_time_seconds series exist' });
  });
});

describe('retention and ages', () => {
  it('falls back from runtimeinfo to the flags; both unread is failed with both reasons', () => {
    expect(measureRetention(readAbsent('404'), ok({ 'storage.tsdb.retention.time': '30d' }, 'ev-f'))).toEqual({ status: 'value', value: 30 * 86400, evidence: ['ev-f'], detail: 'storage.tsdb.retention.time=30d' });
    expect(measureRetention(failed('timed out'), failed('HTTP 503'))).toMatchObject({ status: 'failed', reason: 'timed out; HTTP 503' });
    expect(measureRetention(ok({ storageRetention: '10GiB' }), ok({}))).toMatchObject({ status: 'not_available', reason: 'retention is limited by size only (10GiB)' });
  });

  it('an age a little in the future is 0, and no source is not available', () => {
    expect(largestBySource(ok([sample(-3, { source: 'velero_backup_last_successful_timestamp' })]), 'none')).toMatchObject({ status: 'value', value: 0, detail: 'velero_backup_last_successful_timestamp: -3s' });
    expect(largestBySource(ok([sample(NaN)]), 'no backup metric')).toMatchObject({ status: 'not_available', reason: 'no backup metric' });
  });
});
