/**
 * `npm run bench`: scans the sample estate scaled up and prints wall time, peak RSS and the
 * number of requests, beside the time the same requests take as plain sequential GETs (the
 * floor the scan's overhead is measured against). Talks to 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectors } from '../collectors/index.js';
import { BACKSTAGE_DEMO_TOKEN, GRAFANA_DEMO_TOKEN, NETBOX_DEMO_TOKEN, PAGERDUTY_DEMO_TOKEN } from '../demo/index.js';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config/load.js';
import { silentLogger } from '../src/log.js';
import { loadModel } from '../src/model/load.js';
import { defaultRulesDir, packageVersion } from '../src/package-info.js';
import { Redactor } from '../src/redact.js';
import { scan } from '../src/scan.js';
import { signalCatalog } from '../src/signals/catalog.js';

const factor = Number(process.env.BENCH_SCALE ?? process.argv[2] ?? '50');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const server = spawn(process.execPath, [fileURLToPath(new URL('./estate-server.js', import.meta.url)), String(factor)], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = (async function* () {
  let buf = '';
  for await (const chunk of server.stdout!) {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      yield buf.slice(0, i);
      buf = buf.slice(i + 1);
    }
  }
})();
const { githubLogin, ...urls } = JSON.parse((await lines.next()).value as string) as Record<string, string>;
const cacheDir = mkdtempSync(join(tmpdir(), 'techops-bench-cache-'));
process.on('exit', () => server.kill('SIGTERM'));
process.on('uncaughtException', (err) => {
  console.error(`benchmark failed: ${err.message}`);
  process.exit(1);
});

const redactor = new Redactor();
// Every instance's conditional-request cache in the benchmark's temporary folder.
const budget = { request_budget: 1_000_000, cache_dir: join(cacheDir, 'http') };
// Each system's instance as a user would configure it; the estate's fake GitLab takes any token.
const instances: Record<string, Record<string, unknown>> = {
  prometheus: { url: urls.prometheus },
  alertmanager: { url: urls.alertmanager },
  kubernetes: { server: urls.kubernetes },
  gitlab: { url: urls.gitlab, group: 'shop', token: 'bench-token-not-a-secret' },
  github: { api_url: urls.github, org: githubLogin, token: 'bench-token-not-a-secret', max_repositories: 1000 },
  pagerduty: { api_url: urls.pagerduty, token: PAGERDUTY_DEMO_TOKEN },
  opsgenie: { url: urls.opsgenie, api_key: 'bench-key-not-a-secret' },
  grafana: { url: urls.grafana, token: GRAFANA_DEMO_TOKEN },
  netbox: { url: urls.netbox, token: NETBOX_DEMO_TOKEN },
  backstage: { url: urls.backstage, token: BACKSTAGE_DEMO_TOKEN },
  opencost: { url: urls.opencost },
};
const config = parseConfig(
  {
    assessment: { name: `benchmark estate x${factor}` },
    window: '30d',
    limits: { collector_deadline: '30m', scan_deadline: '60m' },
    collectors: Object.fromEntries(Object.entries(urls).map(([id]) => [id, [{ name: 'bench', ...instances[id], http: budget }]])),
  },
  '/bench/techops.yaml',
  collectors,
  { env: {}, redactor },
);
const catalog = signalCatalog(collectors);
const model = loadModel(defaultRulesDir(), { declaredSignals: catalog.ids });

const runScan = () => scan({ config, registry: collectors, model, attestations: [], claims: new Map(), clock: systemClock, log: silentLogger, redactor, version: packageVersion(), derived: catalog.derived, cross: catalog.cross });
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const report = await runScan();
const scanMs = performance.now() - started;
const peakRss = process.resourceUsage().maxRSS * 1024;
// A repeated scan: conditional requests answered 304 from the conditional cache cost no rate limit.
const againStart = performance.now();
const again = await runScan();
const againMs = performance.now() - againStart;
const ghRequests = (r: typeof report) => r.evidence.filter((e) => e.collector === 'github');
/** Per collector: requests of the scan and the share answered 304 from the cache. */
const revalidated = (r: typeof report) => [...new Set(r.evidence.map((e) => e.collector))].sort().map((c) => {
  const all = r.evidence.filter((e) => e.collector === c);
  const hits = all.filter((e) => e.status === 304).length;
  return `${c} ${hits}/${all.length} (${((100 * hits) / Math.max(1, all.length)).toFixed(0)} %)`;
}).join(', ');

// The floor: the same GETs, one after another, with nothing done to the bodies.
const gets = report.evidence.filter((e) => e.attempt === 1 && e.method === 'GET').map((e) => e.url);
const floorStart = performance.now();
let floorBytes = 0;
// NetBox takes its own token scheme
const floorAuth = (url: string) => (url.startsWith(urls.netbox) ? `Token ${NETBOX_DEMO_TOKEN}` : 'Bearer bench-token-not-a-secret');
for (const url of gets) floorBytes += (await (await fetch(url, { headers: { Authorization: floorAuth(url) } })).arrayBuffer()).byteLength;
const floorMs = performance.now() - floorStart;

server.stdin!.write('\n');
const served = JSON.parse((await lines.next()).value as string) as { requests: number };
server.kill('SIGTERM');
await once(server, 'exit');
rmSync(cacheDir, { recursive: true, force: true });

const failed = report.collectors.filter((c) => c.status !== 'ok');

const value = (id: string) => report.signals.find((x) => x.id === id)?.value ?? '?';
// What a real GitHub would make of these requests: GETs cost 1 point of the secondary limit
// (~900 points a minute for REST), a GraphQL query its rateLimit cost (at least 1; 2,000 points a
// minute); the primary limit is 5,000 requests an hour for a personal token (REST and GraphQL apart).
const gh = ghRequests(report);
const ghGets = gh.filter((e) => e.method === 'GET').length;
const ghQueries = gh.filter((e) => e.method === 'POST').length;
const ghRepos = Number(value('github.repos.count')) || 1;
const glRequests = report.evidence.filter((e) => e.collector === 'gitlab').length;
const glProjects = Number(value('gitlab.repos.count')) || 1;
const secondaryMinutes = Math.max(ghGets / 900, ghQueries / 2000);
const fits = ghGets <= 5000 && ghQueries <= 5000;
const rows: [string, string][] = [
  ['estate scale', `x${factor}`],
  ['systems', Object.keys(urls).join(', ')],
  ['targets / rules / alerts firing', `${value('prometheus.targets.count')} / ${Number(value('prometheus.rules.alerting_count')) + Number(value('prometheus.rules.recording_count'))} / ${value('prometheus.alerts.firing')}`],
  ['signals observed', `${report.signals.filter((s) => s.status === 'observed').length} of ${report.signals.length}`],
  ['criteria met / not met / unknown', `${report.summary.criteria.met} / ${report.summary.criteria.not_met} / ${report.summary.criteria.unknown}`],
  ['scan wall time', `${scanMs.toFixed(0)} ms`],
  ...report.collectors.map((c): [string, string] => [`  ${c.collector}`, `${c.duration_ms} ms, ${c.requests} requests${c.status === 'ok' ? '' : `, ${c.status}: ${c.error}`}`]),
  ['scan requests (evidence records)', String(report.evidence.length)],
  ['GitHub: first scan', `${ghRequests(report).length} requests, ${ghRequests(report).filter((e) => e.status === 304).length} answered 304, ${value('github.repos.count')} repositories, ${value('github.deployments.count')} production deployments`],
  ['GitHub: repeated scan', `${ghRequests(again).length} requests, ${ghRequests(again).filter((e) => e.status === 304).length} answered 304 (not counted by GitHub's rate limit), ${againMs.toFixed(0)} ms for the whole scan`],
  ['repeated scan: answered 304, per collector', revalidated(again)],
  ['GitHub: requests per repository', `${(gh.length / ghRepos).toFixed(1)} (${ghGets} REST GETs + ${ghQueries} GraphQL queries for ${ghRepos} repositories)`],
  ['GitHub: at the secondary limit', `${secondaryMinutes.toFixed(1)} min on a real GitHub (900 REST points/min, 2,000 GraphQL points/min, 1 point a query here)`],
  ['GitHub: fits a 5,000/h token', `${fits ? 'yes' : 'no'} (${ghGets} REST requests, ${ghQueries} GraphQL points of 5,000 each an hour)`],
  ['GitLab: requests per project', `${(glRequests / glProjects).toFixed(1)} (${glRequests} requests for ${glProjects} projects)`],
  ['requests served by the estate (scan + floor)', String(served.requests)],
  ['bytes received', mib(report.evidence.reduce((n, e) => n + (e.bytes ?? 0), 0))],
  ['peak RSS', `${mib(peakRss)} (before scan ${mib(rssBefore)})`],
  ['floor: same GETs, sequential, bodies discarded', `${floorMs.toFixed(0)} ms for ${gets.length} GETs, ${mib(floorBytes)}`],
  ['scan overhead over the floor', `${(scanMs - floorMs).toFixed(0)} ms (x${(scanMs / Math.max(1, floorMs)).toFixed(2)})`],
];
// The fault row: one endpoint answering 1 GiB, in a process of its own so its peak RSS is its own.
const faultRun = spawn(process.execPath, [fileURLToPath(new URL('./fault.js', import.meta.url)), process.env.BENCH_FAULT_BYTES ?? String(1024 ** 3)], { stdio: ['ignore', 'pipe', 'inherit'] });
let faultOut = '';
faultRun.stdout!.on('data', (c) => (faultOut += c));
await once(faultRun, 'exit');
try {
  const f = JSON.parse(faultOut) as { answer_bytes: number; sent_before_cut_bytes: number; peak_rss_bytes: number; rss_before_bytes: number; scan_ms: number; status: string; rules_signal: string; reason: string };
  rows.push(['fault: one endpoint answers 1 GiB', `peak RSS ${mib(f.peak_rss_bytes)} (before scan ${mib(f.rss_before_bytes)}), ${f.scan_ms} ms; the server had sent ${mib(f.sent_before_cut_bytes)} when the client cut it off; collector ${f.status}, rule signals ${f.rules_signal}: ${f.reason}`]);
} catch {
  rows.push(['fault: one endpoint answers 1 GiB', `did not report (${faultOut.trim() || 'no output'})`]);
  process.exitCode = 1;
}
// One line for bench/scales.ts, which runs several scales and sets BENCH_SUMMARY.
if (process.env.BENCH_SUMMARY) {
  console.log(`BENCH_SUMMARY ${JSON.stringify({ factor, scanMs: Math.round(scanMs), floorMs: Math.round(floorMs), peakRssMiB: Math.round(peakRss / 1048576), ghRepos, ghRequests: gh.length, ghQueries, glProjects, glRequests, secondaryMinutes: Number(secondaryMinutes.toFixed(1)), fits })}`);
}
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
if (failed.length) {
  console.error(`collectors that did not finish cleanly: ${failed.map((f) => `${f.collector}/${f.instance}: ${f.error}`).join('; ')}`);
  process.exitCode = 1;
}
