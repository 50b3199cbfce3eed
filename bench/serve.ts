/**
 * `npm run bench:serve`: `techops serve` in this process with a one-second schedule against the
 * sample estate, with two collector instances that fail on every scan (one at a closed port, one
 * answering 500), for 200 scans (BENCH_SERVE_SCANS). Prints RSS and heap after a GC at scans 10,
 * 50, 100 and 200 and the scan counts by result from /metrics: memory that stays flat from 50 to
 * 200 is what the figures are for. Printed, not asserted: the machine's speed decides the times.
 * Talks to 127.0.0.1 only.
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { collectors } from '../collectors/index.js';
import { startEstate, writeDemoFiles } from '../demo/index.js';
import { main } from '../src/cli/main.js';

const target = Number(process.env.BENCH_SERVE_SCANS ?? process.argv[2] ?? '200');
const marks = [10, 50, 100, 200, 500, 1000].filter((m) => m <= target);
if (!marks.includes(target)) marks.push(target);
const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const dir = mkdtempSync(join(tmpdir(), 'techops-bench-serve-'));
const estate = await startEstate({ factor: 1 });
const files = writeDemoFiles(dir, estate);

// Injected failures: an Alertmanager that answers 500 to everything, and a Prometheus at a port
// nothing listens on (taken from a server that is closed again at once).
const failing = createServer((_req, res) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('injected failure\n'));
await new Promise<void>((r) => failing.listen(0, '127.0.0.1', r));
const closed = createServer();
await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
const closedPort = (closed.address() as { port: number }).port;
await new Promise((r) => closed.close(r));

const config = parse(readFileSync(files.config, 'utf8'));
config.collectors.prometheus.push({ name: 'injected-down', url: `http://127.0.0.1:${closedPort}`, http: { retries: 0 } });
config.collectors.alertmanager.push({ name: 'injected-500', url: `http://127.0.0.1:${(failing.address() as { port: number }).port}`, http: { retries: 0 } });
// The history grows by one run a scan; retention keeps it to the last 20, as an agent would.
config.store = { path: join(dir, 'runs.db'), keep_runs: 20 };
writeFileSync(files.config, stringify(config));

const ac = new AbortController();
let url: string | undefined;
let failures = '';
const started = Date.now();
const served = main(['serve', '-c', files.config, '-o', join(dir, 'out'), '-f', 'json,md', '--listen', '127.0.0.1:0', '--schedule', '* * * * * *', '--grace', '30s'], {
  registry: collectors, stdout: () => {}, stderrIsTTY: false, env: process.env, shutdown: ac.signal,
  stderr: (s) => {
    url ??= /listening on (http:\/\/\S+)/.exec(s)?.[1];
    if (/"level":"error"/.test(s) && failures.length < 2000) failures += s;
  },
});

const scansByResult = async (): Promise<Record<string, number>> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = { ok: 0, failed: 0, skipped: 0 };
  for (const m of text.matchAll(/^techops_scans_total\{result="(\w+)"\} (\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
};
const collectorUp = async (): Promise<string> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^techops_collector_up\{collector="(\w+)",instance="([\w-]+)"\} (\d)/gm)].filter((m) => m[3] === '0').map((m) => `${m[1]}/${m[2]}`).join(', ');
};

console.log(`techops serve, schedule every second, sample estate + 2 failing instances, ${target} scans${gc ? '' : ' (run with --expose-gc for figures after a GC)'}`);
console.log('scans  ok    failed  skipped  elapsed  RSS         heap used   heap total  external');
const rows: { scans: number; rss: number; heap: number }[] = [];
try {
  while (!url) await new Promise((r) => setTimeout(r, 50));
  for (const mark of marks) {
    let c = await scansByResult();
    while (c.ok + c.failed < mark) {
      await new Promise((r) => setTimeout(r, 100));
      c = await scansByResult();
    }
    gc?.();
    const m = process.memoryUsage();
    rows.push({ scans: mark, rss: m.rss, heap: m.heapUsed });
    console.log([String(mark).padEnd(5), String(c.ok).padEnd(5), String(c.failed).padEnd(7), String(c.skipped).padEnd(8), `${((Date.now() - started) / 1000).toFixed(0)} s`.padEnd(8),
      mib(m.rss).padEnd(11), mib(m.heapUsed).padEnd(11), mib(m.heapTotal).padEnd(11), mib(m.external)].join('  '));
  }
  console.log(`instances down in the latest scan: ${await collectorUp() || 'none'}`);
  const at50 = rows.find((r) => r.scans === 50);
  const last = rows.at(-1)!;
  if (at50 && last.scans > 50) {
    console.log(`from scan 50 to scan ${last.scans}: RSS ${last.rss >= at50.rss ? '+' : ''}${mib(last.rss - at50.rss)}, heap used ${last.heap >= at50.heap ? '+' : ''}${mib(last.heap - at50.heap)}`);
  }
  if (failures) console.log(`scan errors logged (first): ${failures.split('\n')[0].slice(0, 300)}`);
} finally {
  ac.abort();
  await served;
  failing.close();
  await estate.stop();
  rmSync(dir, { recursive: true, force: true });
}
