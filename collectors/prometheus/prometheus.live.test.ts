import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { runCollectors } from '../../src/collector/harness.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { silentLogger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import { prometheusCollector } from './index.js';

/**
 * The collector against a real Prometheus and node_exporter started here on loopback, so the
 * schemas are checked on what the server really sends, not only on the captured fixtures.
 * Skipped where the Debian packages are not installed.
 */
const PROMETHEUS = '/usr/bin/prometheus';
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const available = existsSync(PROMETHEUS) && existsSync(NODE_EXPORTER);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!available)('prometheus collector against a real Prometheus', () => {
  const children: ChildProcess[] = [];
  let dir = '';
  let url = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'techops-prom-'));
    const [promPort, nodePort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${promPort}`;
    writeFileSync(join(dir, 'rules.yml'), `groups:
  - name: node
    interval: 1s
    rules:
      - record: instance:node_cpu_utilisation:rate1m
        expr: 1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m]))
      - alert: HighCpu
        expr: instance:node_cpu_utilisation:rate1m > 0.8
        for: 5m
        labels: {severity: warning}
        annotations: {summary: CPU busy, runbook_url: https://runbooks.example/cpu}
      - alert: Watchdog
        expr: vector(1)
`);
    writeFileSync(join(dir, 'prometheus.yml'), `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [${join(dir, 'rules.yml')}]
scrape_configs:
  - job_name: prometheus
    static_configs: [{targets: ['127.0.0.1:${promPort}']}]
  - job_name: node
    scrape_interval: 2s
    static_configs: [{targets: ['127.0.0.1:${nodePort}']}]
`);
    const start = (cmd: string, args: string[]) => {
      const child = spawn(cmd, args, { stdio: 'ignore' });
      children.push(child);
    };
    start(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${nodePort}`, '--collector.disable-defaults', '--collector.cpu', '--collector.meminfo']);
    start(PROMETHEUS, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`, '--storage.tsdb.retention.time=7d',
    ]);
    // Both targets scraped and the rule group evaluated once: everything the collector reads exists.
    await waitFor('targets up', async () => {
      const t = (await (await fetch(`${url}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: { health: string }[] } };
      return t.data.activeTargets.length === 2 && t.data.activeTargets.every((a) => a.health === 'up') ? true : undefined;
    });
    await waitFor('rules evaluated', async () => {
      const r = (await (await fetch(`${url}/api/v1/query?query=ALERTS`)).json()) as { data: { result: unknown[] } };
      return r.data.result.length > 0 ? true : undefined;
    });
  }, 40_000);

  afterAll(() => {
    for (const child of children) child.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('observes what exists, says not available for what does not, and fails nothing', async () => {
    const end = new Date();
    const evidence = new EvidenceLog();
    const { signals, runs } = await runCollectors({
      registry: [prometheusCollector],
      instances: [{ collector: 'prometheus', name: 'live', config: { url }, http: {} }],
      clock: systemClock,
      window: { start: new Date(end.getTime() - 300_000), end, seconds: 300 },
      evidence,
      redactor: new Redactor(),
      log: silentLogger,
      concurrency: 1,
      collectorDeadlineMs: 20_000,
      scanDeadlineMs: 25_000,
    });
    const states = Object.fromEntries([...signals.values()].map((s) => [s.id, s]));
    const failed = Object.values(states).filter((s) => s.status !== 'observed' && s.status !== 'not_available');
    expect(failed.map((s) => `${s.id}: ${s.reason}`)).toEqual([]);
    expect(runs[0]).toMatchObject({ status: 'ok', requests: 17 });

    const v = (id: string) => states[id].value;
    expect(v('prometheus.api.reachable')).toBe(true);
    expect(v('prometheus.node.os_metrics')).toBe(true);
    expect(v('prometheus.node.instances')).toBe(1);
    expect(v('prometheus.targets.count')).toBe(2);
    expect(v('prometheus.targets.up_ratio')).toBe(1);
    expect(v('prometheus.scrape.interval_distinct')).toBe(2);
    expect(v('prometheus.scrape.custom_interval_jobs')).toBe(1);
    expect(v('prometheus.tsdb.retention_seconds')).toBe(7 * 86400);
    expect(v('prometheus.rules.alerting_count')).toBe(2);
    expect(v('prometheus.rules.recording_count')).toBe(1);
    expect(v('prometheus.rules.severity_ratio')).toBe(0.5);
    expect(v('prometheus.capacity.cpu_threshold_rules')).toBe(1);
    expect(v('prometheus.alerts.firing')).toBe(1);
    expect(v('prometheus.alerts.fired_window')).toBe(1);
    expect(v('prometheus.tsdb.head_series')).toBeGreaterThan(0);
    for (const id of ['prometheus.probes.availability', 'prometheus.backup.max_age_seconds', 'prometheus.replication.max_lag_seconds', 'prometheus.alerts.notifications_window']) {
      expect(states[id].status, id).toBe('not_available');
    }
  });
});
