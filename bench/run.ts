/**
 * `npm run bench`: scans the sample estate scaled up and prints wall time, peak RSS and the
 * number of requests, beside the time the same requests take as plain sequential GETs (the
 * floor the scan's overhead is measured against). Talks to 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { createInterface } from 'node:readline';
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
import { boundHeapGrowth, SCAN_ENV, SCAN_NODE_FLAGS } from '../src/heap-growth.js';
import { defaultRulesDir, packageVersion } from '../src/package-info.js';
import { Redactor } from '../src/redact.js';
import { scan } from '../src/scan.js';
import { evaluate } from '../src/engine/evaluate.js';
import { resolveParameters } from '../src/engine/parameters.js';
import type { SignalState } from '../src/signals/types.js';
import { signalCatalog } from '../src/signals/catalog.js';

const factor = Number(process.env.BENCH_SCALE ?? process.argv[2] ?? '50');
// BENCH_ONLY=gitlab,opsgenie: scan only those systems of the estate (to see what one system's memory and time grow with).
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const server = spawn(process.execPath, [fileURLToPath(new URL('./estate-server.js', import.meta.url)), String(factor)], { stdio: ['pipe', 'pipe', 'inherit'] });
// The server answers on stdout, one JSON line per question.
const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
const { githubLogin, ...urls } = JSON.parse((await lines.next()).value as string) as Record<string, string>;
const cacheDir = mkdtempSync(join(tmpdir(), 'techops-bench-cache-'));
// The cache folder (~470 MiB at x100) goes with the process however it ends: a run piped into
// `head` dies of EPIPE before the end, and left one behind each time.
process.on('exit', () => {
  server.kill('SIGTERM');
  rmSync(cacheDir, { recursive: true, force: true });
});
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
    collectors: Object.fromEntries(Object.entries(urls).filter(([id]) => only === undefined || only.includes(id)).map(([id]) => [id, [{ name: 'bench', ...instances[id], http: budget }]])),
  },
  '/bench/techops.yaml',
  collectors,
  { env: {}, redactor },
);
const catalog = signalCatalog(collectors);
const model = loadModel(defaultRulesDir(), { declaredSignals: catalog.ids });

// The GraphQL queries the first scan posts, for the floor to send again (the evidence keeps no request bodies).
const posted: { url: string; body: string; headers: Headers }[] = [];
const realFetch = globalThis.fetch;
let capturing = true;
globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
  if (capturing && init?.method === 'POST' && typeof init.body === 'string') posted.push({ url: String(input instanceof Request ? input.url : input), body: init.body, headers: new Headers(init.headers) });
  return realFetch(input, init);
}) as typeof fetch;
// The heap and the memory outside it (bodies in Buffers) through the first scan, sampled every 20 ms.
const peaks = { heapUsed: 0, heapTotal: 0, external: 0 };
const sampler = setInterval(() => {
  // V8's heap statistics, not process.memoryUsage(): that one reads the RSS from /proc at every call,
  // ~150 ms of a 17 s scan at x50 in a profile, charged to the scan being measured.
  const h = getHeapStatistics();
  peaks.heapUsed = Math.max(peaks.heapUsed, h.used_heap_size);
  peaks.heapTotal = Math.max(peaks.heapTotal, h.total_heap_size);
  peaks.external = Math.max(peaks.external, h.external_memory); // Buffers' memory is a part of it
}, 20);

const runScan = () => scan({ config, registry: collectors, model, attestations: [], claims: new Map(), clock: systemClock, log: silentLogger, redactor, version: packageVersion(), derived: catalog.derived, cross: catalog.cross });
// As the CLI does before a scan.
boundHeapGrowth();
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const report = await runScan();
const scanMs = performance.now() - started;
const peakRss = process.resourceUsage().maxRSS * 1024;
clearInterval(sampler);
capturing = false;
// With --expose-gc: the heap still live once the scan is over (the report and what it holds), against the peak above.
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const liveAfter = gc ? process.memoryUsage().heapUsed : undefined;
// Evaluating every criterion on the first scan's signals, alone (the scan does it once, inside its
// wall time): five times, the slowest and the median; the verdicts must be the report's.
const states = new Map(report.signals.map((sig) => [sig.id, {
  ...sig, declaration: { id: sig.id, type: sig.type, unit: sig.unit, description: sig.description, aggregation: sig.aggregation }, instances: sig.instances ?? [],
} as unknown as SignalState]));
const parameters = resolveParameters(model, config.parameters, config.file);
const evalMs: number[] = [];
let evalSame = true;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  const evaluation = evaluate({ model, signals: states, parameters, attestations: [], claims: new Map(), now: new Date() });
  evalMs.push(performance.now() - t);
  evalSame &&= evaluation.criteria.filter((c) => c.status === 'met').length === report.summary.criteria.met;
}
evalMs.sort((a, b) => a - b);
// A repeated scan: conditional requests answered 304 from the conditional cache cost no rate limit.
const againStart = performance.now();
const again = await runScan();
const againMs = performance.now() - againStart;
/** The GitHub answers of a scan (an answer reused without a request included: see `fromCache`). */
const ghRequests = (r: typeof report) => r.evidence.filter((e) => e.collector === 'github');
type Ev = (typeof report)['evidence'][number];
/** Answered from the cache: a 304 (the server confirmed the kept body) or, for GraphQL, an answer reused without any request because what it depends on answered unchanged. */
const fromCache = (e: Ev) => e.status === 304 || e.reused_because !== undefined;
const sentOf = (list: Ev[]) => list.filter((e) => e.reused_because === undefined);
/** Per collector: answers of the scan and the share answered from the cache. */
const cacheShare = (r: typeof report, c: string) => {
  const all = r.evidence.filter((e) => e.collector === c);
  return { hits: all.filter(fromCache).length, all: all.length, reused: all.filter((e) => e.reused_because !== undefined).length };
};
const revalidated = (r: typeof report) => [...new Set(r.evidence.map((e) => e.collector))].sort().map((c) => {
  const { hits, all } = cacheShare(r, c);
  return `${c} ${hits}/${all} (${((100 * hits) / Math.max(1, all)).toFixed(0)} %)`;
}).join(', ');

// BENCH_MISSES=1: what the repeated scan did not answer from the cache, by collector, method, status and path shape.
if (process.env.BENCH_MISSES) {
  const misses = new Map<string, number>();
  for (const e of again.evidence.filter((x) => !fromCache(x))) {
    const shape = new URL(e.url).pathname.replace(/\/\d+/g, '/N').replace(/\/repos\/[^/]+\/[^/]+/, '/repos/X');
    const k = `${e.collector} ${e.method} ${e.status ?? e.error} ${shape}`;
    misses.set(k, (misses.get(k) ?? 0) + 1);
  }
  for (const [k, n] of [...misses].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.error(`miss ${String(n).padStart(5)}  ${k}`);
}
// BENCH_LARGEST=1: the largest answers of the first scan (a body is held whole while it is parsed).
if (process.env.BENCH_LARGEST) {
  for (const e of [...report.evidence].sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0)).slice(0, 15)) console.error(`largest ${mib(e.bytes ?? 0).padStart(10)}  ${e.collector} ${e.method} ${new URL(e.url).pathname}`);
}
// The floor: the same requests, one after another, with nothing done to the bodies: every first
// attempt's GET and every GraphQL query posted (until this session the floor left the POSTs out,
// so the scan was measured against less work than it did).
const firstScan = report.evidence.filter((e) => e.attempt === 1);
const gets = firstScan.filter((e) => e.method === 'GET');
const floorStart = performance.now();
let floorBytes = 0;
/** Answers of the floor whose status is not the scan's (a floor answered 401 or 404 would be too cheap). */
let floorOtherStatus = 0;
// Each system's own credential scheme, as its collector sends it (the floor used to send a Bearer
// token to every system, and Opsgenie, PagerDuty, Grafana and Backstage answered it with a short
// 401 where the scan got the full answer: a floor too cheap by hundreds of requests' work).
const schemes: [string, Record<string, string>][] = [
  [urls.netbox, { Authorization: `Token ${NETBOX_DEMO_TOKEN}` }],
  [urls.opsgenie, { Authorization: 'GenieKey bench-key-not-a-secret' }],
  [urls.pagerduty, { Authorization: `Token token=${PAGERDUTY_DEMO_TOKEN}`, Accept: 'application/vnd.pagerduty+json;version=2' }],
  [urls.grafana, { Authorization: `Bearer ${GRAFANA_DEMO_TOKEN}` }],
  [urls.backstage, { Authorization: `Bearer ${BACKSTAGE_DEMO_TOKEN}` }],
];
const floorHeaders = (url: string) => schemes.find(([base]) => url.startsWith(base))?.[1] ?? { Authorization: 'Bearer bench-token-not-a-secret' };
for (const e of gets) {
  const res = await realFetch(e.url, { headers: floorHeaders(e.url) });
  floorBytes += (await res.arrayBuffer()).byteLength;
  if (e.status !== undefined && res.status !== e.status) floorOtherStatus++;
}
for (const p of posted) {
  const res = await realFetch(p.url, { method: 'POST', headers: p.headers, body: p.body });
  floorBytes += (await res.arrayBuffer()).byteLength;
  if (res.status !== 200) floorOtherStatus++;
}
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
  ['systems', Object.keys(urls).filter((id) => only === undefined || only.includes(id)).join(', ')],
  ['targets / rules / alerts firing', `${value('prometheus.targets.count')} / ${Number(value('prometheus.rules.alerting_count')) + Number(value('prometheus.rules.recording_count'))} / ${value('prometheus.alerts.firing')}`],
  ['signals observed', `${report.signals.filter((s) => s.status === 'observed').length} of ${report.signals.length}`],
  ['criteria met / not met / unknown', `${report.summary.criteria.met} / ${report.summary.criteria.not_met} / ${report.summary.criteria.unknown}`],
  ['scan wall time', `${scanMs.toFixed(0)} ms`],
  ...report.collectors.map((c): [string, string] => [`  ${c.collector}`, `${c.duration_ms} ms, ${c.requests} requests${c.status === 'ok' ? '' : `, ${c.status}: ${c.error ?? c.status_reason}`}`]),
  ['evaluating all criteria', `${evalMs[2].toFixed(1)} ms median, ${evalMs[4].toFixed(1)} ms slowest of 5 (${model.criteria.size} criteria${evalSame ? '' : '; VERDICTS DIFFER FROM THE REPORT'})`],
  ['scan requests (evidence records)', String(report.evidence.length)],
  ['GitHub: first scan', `${ghRequests(report).length} requests, ${ghRequests(report).filter((e) => e.status === 304).length} answered 304, ${value('github.repos.count')} repositories, ${value('github.deployments.count')} production deployments`],
  ['GitHub: repeated scan', `${ghRequests(again).length} answers: ${sentOf(ghRequests(again)).length} requests sent, ${ghRequests(again).filter((e) => e.status === 304).length} answered 304 (not counted by GitHub's rate limit), ${cacheShare(again, 'github').reused} GraphQL answers reused without a request; ${againMs.toFixed(0)} ms for the whole scan`],
  ['GitLab: repeated scan', `${cacheShare(again, 'gitlab').all} answers: ${cacheShare(again, 'gitlab').all - cacheShare(again, 'gitlab').reused} requests sent, ${again.evidence.filter((e) => e.collector === 'gitlab' && e.status === 304).length} answered 304, ${cacheShare(again, 'gitlab').reused} GraphQL answers reused without a request`],
  ['repeated scan: answered from the cache (304, or GraphQL reused unchanged), per collector', revalidated(again)],
  ['GitHub: requests per repository', `${(gh.length / ghRepos).toFixed(1)} (${ghGets} REST GETs + ${ghQueries} GraphQL queries for ${ghRepos} repositories)`],
  ['GitHub: at the secondary limit', `${secondaryMinutes.toFixed(1)} min on a real GitHub (900 REST points/min, 2,000 GraphQL points/min, 1 point a query here)`],
  ['GitHub: fits a 5,000/h token', `${fits ? 'yes' : 'no'} (${ghGets} REST requests, ${ghQueries} GraphQL points of 5,000 each an hour)`],
  ['GitLab: requests per project', `${(glRequests / glProjects).toFixed(1)} (${glRequests} requests for ${glProjects} projects)`],
  ['requests served by the estate (scan + floor)', String(served.requests)],
  ['bytes received', mib(report.evidence.reduce((n, e) => n + (e.bytes ?? 0), 0))],
  ['peak RSS', `${mib(peakRss)} (before scan ${mib(rssBefore)})`],
  ['peak heap used / heap / outside the heap', `${mib(peaks.heapUsed)} / ${mib(peaks.heapTotal)} / ${mib(peaks.external)} (sampled every 20 ms)${liveAfter === undefined ? '' : `; live heap after the scan ${mib(liveAfter)}`}`],
  ['floor: same requests, sequential, bodies discarded', `${floorMs.toFixed(0)} ms for ${gets.length} GETs and ${posted.length} GraphQL POSTs, ${mib(floorBytes)}${floorOtherStatus ? `; ${floorOtherStatus} answered another status than in the scan` : ''}`],
  ['scan overhead over the floor', `${(scanMs - floorMs).toFixed(0)} ms (x${(scanMs / Math.max(1, floorMs)).toFixed(2)})`],
];
// The fault row: one endpoint answering 1 GiB, in a process of its own so its peak RSS is its own.
const faultBytes = Number(process.env.BENCH_FAULT_BYTES ?? String(1024 ** 3));
const faultLabel = `fault: one endpoint answers ${faultBytes >= 1024 ** 3 ? `${(faultBytes / 1024 ** 3).toFixed(0)} GiB` : mib(faultBytes)}`;
const faultRun = spawn(process.execPath, [...SCAN_NODE_FLAGS, fileURLToPath(new URL('./fault.js', import.meta.url)), String(faultBytes)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...SCAN_ENV } });
let faultOut = '';
faultRun.stdout!.on('data', (c) => (faultOut += c));
await once(faultRun, 'exit');
try {
  const f = JSON.parse(faultOut) as { answer_bytes: number; sent_before_cut_bytes: number; peak_rss_bytes: number; rss_before_bytes: number; scan_ms: number; status: string; rules_signal: string; reason: string };
  rows.push([faultLabel, `peak RSS ${mib(f.peak_rss_bytes)} (before scan ${mib(f.rss_before_bytes)}), ${f.scan_ms} ms; the server had sent ${mib(f.sent_before_cut_bytes)} when the client cut it off; collector ${f.status}, rule signals ${f.rules_signal}: ${f.reason}`]);
} catch {
  rows.push([faultLabel, `did not report (${faultOut.trim() || 'no output'})`]);
  process.exitCode = 1;
}
// One line for bench/scales.ts, which runs several scales and sets BENCH_SUMMARY.
if (process.env.BENCH_SUMMARY) {
  console.log(`BENCH_SUMMARY ${JSON.stringify({ factor, evalMs: Number(evalMs[4].toFixed(1)), scanMs: Math.round(scanMs), floorMs: Math.round(floorMs), peakRssMiB: Math.round(peakRss / 1048576), ghRepos, ghRequests: gh.length, ghQueries, glProjects, glRequests, ghCachePct: Math.round((100 * cacheShare(again, 'github').hits) / Math.max(1, cacheShare(again, 'github').all)), glCachePct: Math.round((100 * cacheShare(again, 'gitlab').hits) / Math.max(1, cacheShare(again, 'gitlab').all)), secondaryMinutes: Number(secondaryMinutes.toFixed(1)), fits })}`);
}
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
if (failed.length) {
  console.error(`collectors that did not finish cleanly: ${failed.map((f) => `${f.collector}/${f.instance}: ${f.error ?? f.status_reason}`).join('; ')}`);
  process.exitCode = 1;
}
