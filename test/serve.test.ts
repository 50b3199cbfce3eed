import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { FIXTURE_RULES } from './helpers/engine.js';
import { fixtureCollector } from './helpers/fixture-collector.js';
import { json, startServer, type TestServer } from './helpers/http-server.js';
import { BINARIES, freePort, integrationRequired, waitUntil } from './helpers/stack.js';

const TOKEN = 'serve-secret-token-7373';
const GOOD = {
  'fixture.alerts.count': 12, 'fixture.channels.count': 3, 'fixture.severity.ratio': 0.95,
  'fixture.grouping.enabled': true, 'fixture.deploys.count': 40, 'fixture.deploys.success_ratio': 0.97,
};
let server: TestServer;
let healthy = true;
let delayMs = 0;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { message: 'Bad credentials' });
    if (!healthy) return json(res, 503, { message: 'down for the test' });
    setTimeout(() => json(res, 200, { signals: GOOD }), delayMs);
  });
});
afterAll(() => server.close());

function workspace(): { dir: string; config: string; write: (text?: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'techops-serve-'));
  const config = join(dir, 'techops.yaml');
  const good = `assessment: { name: Served estate }
rules: ${FIXTURE_RULES}
collectors:
  fixture:
    - name: main
      url: ${server.url}/signals.json
      token: \${SERVE_TOKEN}
      http: { retries: 0 }
`;
  const write = (text = good) => writeFileSync(config, text);
  write();
  return { dir, config, write };
}

/** Starts `techops serve` in-process on a free loopback port; returns its URL and a stop. */
async function serve(config: string, dir: string, schedule = '* * * * * *') {
  const ac = new AbortController();
  let stderr = '';
  let url: string | undefined;
  const done = main(['serve', '-c', config, '-o', join(dir, 'out'), '--listen', '127.0.0.1:0', '--schedule', schedule, '--grace', '5s'], {
    registry: [fixtureCollector], stdout: () => {}, stderrIsTTY: false, env: { SERVE_TOKEN: TOKEN }, shutdown: ac.signal,
    stderr: (s) => {
      stderr += s;
      url ??= /listening on (http:\/\/\S+)/.exec(s)?.[1];
    },
  });
  await waitUntil('serve listening', async () => url);
  return { url: url!, stop: async () => { ac.abort(); return done; }, log: () => stderr };
}

const text = async (url: string) => {
  const r = await fetch(url);
  return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
};
const scans = (metrics: string, result: string) => Number(new RegExp(`^techops_scans_total\\{result="${result}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN);

describe('techops serve', () => {
  it('scans on its schedule, never two at once, and serves metrics, health and the latest report', async () => {
    const { dir, config, write } = workspace();
    healthy = true;
    const agent = await serve(config, dir);
    try {
      await waitUntil('ready', async () => ((await text(`${agent.url}/readyz`)).status === 200 ? true : undefined));
      expect((await text(`${agent.url}/healthz`)).body).toBe('ok\n');
      const m = await text(`${agent.url}/metrics`);
      expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(m.body).toMatch(/^techops_item_level\{item="1\.1\.1",domain="[^"]+"\} 1$/m);
      expect(m.body).toMatch(/^techops_item_criteria\{item="1\.1\.1",status="met"\} \d+$/m);
      expect(m.body).toMatch(/^techops_collector_up\{collector="fixture",instance="main"\} 1$/m);
      expect(m.body).toMatch(/^techops_last_successful_scan_timestamp_seconds \d+/m);
      expect(m.body).toMatch(/^techops_scan_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
      expect(m.body).not.toContain(TOKEN);
      if (existsSync('/usr/bin/promtool')) {
        // the exposition format as Prometheus' own linter reads it
        const lint = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: m.body, encoding: 'utf8' });
        expect(lint.status, lint.stdout + lint.stderr).toBe(0);
      }
      const report = JSON.parse((await text(`${agent.url}/report.json`)).body);
      expect(report.run.assessment.name).toBe('Served estate');
      expect((await text(`${agent.url}/report.md`)).body).toContain('# ');
      const page = await text(`${agent.url}/report.html`);
      expect(page.type).toBe('text/html; charset=utf-8');
      expect(page.body).toMatch(/^<!DOCTYPE html>[\s\S]*<title>techops maturity report: Served estate<\/title>[\s\S]*<svg id="radar"[\s\S]*<svg id="heatmap"/);
      expect((await fetch(`${agent.url}/metrics`, { method: 'POST' })).status).toBe(405);

      // a scan slower than the schedule: the ticks that find it running are skipped, not stacked
      delayMs = 2500;
      await waitUntil('a skipped tick', async () => (scans((await text(`${agent.url}/metrics`)).body, 'skipped') > 0 ? true : undefined));
      delayMs = 0;
      expect(agent.log()).toContain('scan skipped: the previous one is still running');

      // the collected system goes down: scans still finish, the collector shows as down
      healthy = false;
      await waitUntil('collector down', async () => (/^techops_collector_up\{collector="fixture",instance="main"\} 0$/m.test((await text(`${agent.url}/metrics`)).body) ? true : undefined));
      // the config breaks: the scan fails, the last report is still served
      write('assessment: [not, a, mapping\n');
      const before = scans((await text(`${agent.url}/metrics`)).body, 'failed');
      await waitUntil('a failed scan', async () => (scans((await text(`${agent.url}/metrics`)).body, 'failed') > before ? true : undefined));
      expect((await text(`${agent.url}/report.json`)).status).toBe(200);
      expect(agent.log()).toMatch(/"msg":"scan failed".*not valid YAML/);
    } finally {
      write();
      healthy = true;
      delayMs = 0;
      expect(await agent.stop()).toBe(0);
    }
    const final = SqliteStore.open(join(dir, '.techops', 'runs.db'));
    const runs = await final.list();
    await final.close();
    expect(runs.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a schedule that is not a cron expression and a listen address it cannot parse', async () => {
    const { dir, config } = workspace();
    let stderr = '';
    const run = (args: string[]) => main(['serve', '-c', config, '-o', join(dir, 'out'), ...args], {
      registry: [fixtureCollector], stdout: () => {}, stderr: (s) => void (stderr += s), stderrIsTTY: false, env: { SERVE_TOKEN: TOKEN },
      shutdown: AbortSignal.abort(),
    });
    expect(await run(['--schedule', 'every minute', '--listen', '127.0.0.1:0'])).toBe(2);
    expect(stderr).toContain("--schedule: 'every minute' is not a cron expression");
    expect(await run(['--listen', 'nowhere'])).toBe(2);
    expect(stderr).toContain("--listen: expected host:port");
  });

  const prometheusMissing = !existsSync(BINARIES.prometheus);
  it.skipIf(prometheusMissing && !integrationRequired())('is scraped by a real Prometheus, which then answers techops_item_level', async () => {
    const { dir, config } = workspace();
    healthy = true;
    const agent = await serve(config, dir);
    const promDir = mkdtempSync(join(tmpdir(), 'techops-serve-prom-'));
    const port = await freePort();
    writeFileSync(join(promDir, 'prometheus.yml'), `global: { scrape_interval: 1s }
scrape_configs:
  - job_name: techops
    static_configs: [{ targets: ['${new URL(agent.url).host}'] }]
`);
    const prom = spawn(BINARIES.prometheus, [`--config.file=${join(promDir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    try {
      const result = await waitUntil('Prometheus has techops_item_level', async () => {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('techops_item_level{item="1.1.1"}')}`);
          const body = (await r.json()) as { data?: { result?: { metric: Record<string, string>; value: [number, string] }[] } };
          return body.data?.result?.length ? body.data.result : undefined;
        } catch {
          return undefined;
        }
      }, 30_000);
      expect(result[0].metric).toMatchObject({ job: 'techops', item: '1.1.1' });
      expect(result[0].value[1]).toBe('1');
    } finally {
      prom.kill('SIGTERM');
      await new Promise((r) => (prom.exitCode !== null ? r(null) : prom.once('exit', r)));
      rmSync(promDir, { recursive: true, force: true });
      await agent.stop();
    }
  }, 60_000);
});
