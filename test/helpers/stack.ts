import { request as httpRequest } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { json, startServer, type TestServer } from './http-server.js';

/**
 * The real monitoring stack from Debian's packages, started on free 127.0.0.1 ports with
 * config and rule files written here: Prometheus, Alertmanager, node_exporter,
 * blackbox_exporter and Pushgateway, plus a webhook receiver that records notifications.
 */
export const BINARIES = {
  prometheus: '/usr/bin/prometheus',
  alertmanager: '/usr/bin/prometheus-alertmanager',
  node: '/usr/bin/prometheus-node-exporter',
  blackbox: '/usr/bin/prometheus-blackbox-exporter',
  pushgateway: '/usr/bin/prometheus-pushgateway',
};

export const missingBinaries = (): string[] => Object.values(BINARIES).filter((b) => !existsSync(b));

/** CI sets this, so a missing binary fails the run instead of skipping the integration tests. */
export const integrationRequired = (): boolean => process.env.TECHOPS_REQUIRE_INTEGRATION === '1';

export interface Stack {
  prometheus: string;
  alertmanager: string;
  node: string;
  blackbox: string;
  pushgateway: string;
  webhook: TestServer & { notifications: WebhookNotification[] };
  dir: string;
  stop(): Promise<void>;
}

export interface WebhookNotification {
  receiver: string;
  status: string;
  groupLabels: Record<string, string>;
  alerts: { labels: Record<string, string>; status: string }[];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${ms} ms: ${last}`);
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'techops-stack-'));
  const procs: ChildProcess[] = [];
  const notifications: WebhookNotification[] = [];
  const webhookServer = await startServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        notifications.push(JSON.parse(body));
      } catch {
        /* not a notification */
      }
      json(res, 200, {});
    });
  });
  const webhook = Object.assign(webhookServer, { notifications });
  const [promPort, amPort, nodePort, bbPort, pgPort, closedPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const url = (port: number) => `http://127.0.0.1:${port}`;

  const start = (bin: string, args: string[], name: string) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
    let err = '';
    p.stderr?.on('data', (d) => (err = (err + d).slice(-4000)));
    p.on('exit', (code) => {
      if (code && code !== 0 && !stopping) process.stderr.write(`${name} exited ${code}: ${err}\n`);
    });
    procs.push(p);
  };
  let stopping = false;

  writeFileSync(join(dir, 'blackbox.yml'), 'modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n    http:\n      preferred_ip_protocol: ip4\n');
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `global:
  resolve_timeout: 1m
route:
  receiver: ops-webhook
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
    - matchers: ['severity="critical"']
      receiver: oncall-webhook
      continue: true
    - matchers: ['severity=~"warning|info"']
      receiver: ops-webhook
receivers:
  - name: ops-webhook
    webhook_configs:
      - url: ${webhook.url}/ops
  - name: oncall-webhook
    webhook_configs:
      - url: ${webhook.url}/oncall
    email_configs:
      - to: oncall@example.invalid
        from: alerts@example.invalid
        smarthost: 127.0.0.1:${closedPort}
        require_tls: false
        send_resolved: false
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [service]
`,
  );
  writeFileSync(
    join(dir, 'rules.yml'),
    `groups:
  - name: availability
    interval: 1s
    rules:
      - alert: ServiceDown
        expr: vector(1)
        labels: { severity: critical, service: checkout }
        annotations: { summary: Checkout is down, runbook_url: "https://runbooks.example.invalid/checkout-down" }
      - alert: ServiceSlow
        expr: vector(1)
        labels: { severity: warning, service: checkout }
        annotations: { summary: Checkout is slow }
      - alert: ProbeFailing
        expr: probe_success == 0
        for: 1s
        labels: { severity: warning, service: probes }
        annotations: { summary: "Probe {{ $labels.instance }} failing", description: Blackbox probe failed }
  - name: capacity
    interval: 5s
    rules:
      - record: instance:node_cpu_utilisation:rate1m
        expr: 1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m]))
      - alert: HighCpu
        expr: instance:node_cpu_utilisation:rate1m > 0.8
        for: 5m
        labels: { severity: warning }
        annotations: { summary: CPU over 80% }
      - alert: DiskWillFill
        expr: predict_linear(node_filesystem_avail_bytes[1h], 4 * 3600) < 0
        for: 10m
        labels: { severity: info }
`,
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels: { cluster: test, replica: a }
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{ targets: ['127.0.0.1:${amPort}'] }]
scrape_configs:
  - job_name: prometheus
    static_configs: [{ targets: ['127.0.0.1:${promPort}'] }]
  - job_name: node
    scrape_interval: 2s
    sample_limit: 100000
    static_configs: [{ targets: ['127.0.0.1:${nodePort}'] }]
  - job_name: alertmanager
    static_configs: [{ targets: ['127.0.0.1:${amPort}'] }]
  - job_name: pushgateway
    honor_labels: true
    static_configs: [{ targets: ['127.0.0.1:${pgPort}'] }]
  - job_name: blackbox
    metrics_path: /probe
    params: { module: [http_2xx] }
    static_configs:
      - targets: ['http://127.0.0.1:${promPort}/-/healthy', 'http://127.0.0.1:${closedPort}/']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:${bbPort}
`,
  );

  start(BINARIES.node, [`--web.listen-address=127.0.0.1:${nodePort}`, '--no-collector.systemd'], 'node_exporter');
  start(BINARIES.blackbox, [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${bbPort}`], 'blackbox_exporter');
  start(BINARIES.pushgateway, [`--web.listen-address=127.0.0.1:${pgPort}`, '--persistence.file='], 'pushgateway');
  start(BINARIES.alertmanager, [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=',
  ], 'alertmanager');
  start(BINARIES.prometheus, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom-data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`, '--rules.alert.resend-delay=1s', '--storage.tsdb.retention.time=15d',
  ], 'prometheus');

  const stack: Stack = {
    prometheus: url(promPort), alertmanager: url(amPort), node: url(nodePort), blackbox: url(bbPort), pushgateway: url(pgPort),
    webhook, dir,
    async stop() {
      stopping = true;
      for (const p of procs) p.kill('SIGTERM');
      await Promise.all(procs.map((p) => (p.exitCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', r)))));
      await webhook.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all([
      waitFor(`${stack.prometheus}/-/ready`), waitFor(`${stack.alertmanager}/-/ready`), waitFor(`${stack.node}/metrics`),
      waitFor(`${stack.blackbox}/metrics`), waitFor(`${stack.pushgateway}/-/ready`),
    ]);
    // A batch job's push: the push path beside pull.
    // (node:http, not fetch: nock's fetch interceptor mishandles a request body in nock 15.0.0)
    const status = await put(`${stack.pushgateway}/metrics/job/nightly_backup`, 'backup_last_success_timestamp_seconds 1.7e9\n');
    if (status < 200 || status >= 300) throw new Error(`pushgateway refused the test push: HTTP ${status}`);
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}

function put(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'PUT', headers: { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}
