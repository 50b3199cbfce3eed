/**
 * `npm run bench`: the benchmark at several scales in one run (x5, x50, x100 unless BENCH_SCALES
 * says otherwise), each scan in a process of its own so that each peak RSS is its own; each
 * scale's table, then one summary line per scale; then the CMDB benchmark (bench/cmdb.ts).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCAN_ENV, SCAN_NODE_FLAGS } from '../src/heap-growth.js';

const scales = (process.env.BENCH_SCALES ?? process.argv[2] ?? '5,50,100').split(',').map(Number).filter((n) => n > 0);
// BENCH_RUNS=3: each scale scanned that many times, each in a process of its own; the summary gives
// the median and the range. On a shared 2-core machine one run's peak RSS moves by ±10 MiB and its
// scan/floor ratio by ±0.3: figures compared with a target want several.
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? '1') || 1);

type Summary = { factor: number; scanMs: number; floorMs: number; peakRssMiB: number; ghRequests: number; ghRepos: number; secondaryMinutes: number; fits: boolean; glRequests: number; glProjects: number; ghCachePct: number; glCachePct: number; evalMs: number };
const summaries = new Map<number, Summary[]>();
for (const scale of scales) {
  for (let run = 1; run <= runs; run++) {
    // Started as the CLI starts a scan (its node flags and malloc setting), so that each peak RSS is what a user's scan would have.
    const child = spawn(process.execPath, [...SCAN_NODE_FLAGS, fileURLToPath(new URL('./run.js', import.meta.url)), String(scale)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      // The 1 GiB fault row at every scale: the 64 MiB cap cuts it off in about a second. (It used
      // to be shrunk to 1 MiB after the first scale, under the 1 GiB label, where a megabyte of
      // spaces is invalid JSON rather than too large.)
      env: { ...process.env, ...SCAN_ENV, BENCH_SUMMARY: '1' },
    });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    const lines = out.split('\n');
    const line = lines.find((l) => l.startsWith('BENCH_SUMMARY '));
    const summary = line ? (JSON.parse(line.slice('BENCH_SUMMARY '.length)) as Summary) : undefined;
    if (run === 1) {
      console.log(`\n== x${scale} ==`);
      console.log(lines.filter((l) => !l.startsWith('BENCH_SUMMARY ')).join('\n').trim());
    } else if (summary) {
      console.log(`x${scale} run ${run} of ${runs}: scan ${summary.scanMs} ms, floor ${summary.floorMs} ms (${ratio(summary)}), peak RSS ${summary.peakRssMiB} MiB`);
    }
    if (summary) summaries.set(scale, [...(summaries.get(scale) ?? []), summary]);
    if (code !== 0) process.exitCode = 1;
  }
}

function ratio(s: Summary): string {
  return (s.scanMs / Math.max(1, s.floorMs)).toFixed(2);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median, and with several runs the range: `205 (203–211)`. */
function spread(values: number[], digits = 0): string {
  const m = median(values).toFixed(digits);
  return values.length > 1 ? `${m} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})` : m;
}

console.log(`\n== summary${runs > 1 ? `: median of ${runs} runs (range)` : ''} ==`);
console.log('scale  scan ms  floor ms  ratio  peak RSS MiB  GitHub req/repo  at 900/min  fits 5,000/h  GitLab req/project  repeated from cache GH/GL  evaluate ms');
for (const [factor, all] of summaries) {
  const s = all[0];
  console.log([`x${factor}`.padEnd(5), String(Math.round(median(all.map((x) => x.scanMs)))).padStart(7), String(Math.round(median(all.map((x) => x.floorMs)))).padStart(8),
    spread(all.map((x) => x.scanMs / Math.max(1, x.floorMs)), 2).padStart(5), spread(all.map((x) => x.peakRssMiB)).padStart(12),
    (s.ghRequests / s.ghRepos).toFixed(1).padStart(15), `${s.secondaryMinutes} min`.padStart(10), (s.fits ? 'yes' : 'no').padStart(12),
    (s.glRequests / s.glProjects).toFixed(1).padStart(18), `${s.ghCachePct} % / ${s.glCachePct} %`.padStart(25), spread(all.map((x) => x.evalMs), 1).padStart(11)].join('  '));
}
// The issue's memory target, as its own figure: the largest scale's peak RSS against the smallest's.
const small = summaries.get(Math.min(...summaries.keys()));
const large = summaries.get(Math.max(...summaries.keys()));
if (small && large && small !== large) {
  const rss = (all: Summary[]) => median(all.map((x) => x.peakRssMiB));
  console.log(`peak RSS x${large[0].factor} / x${small[0].factor}: ${(rss(large) / rss(small)).toFixed(2)} (${rss(large)} / ${rss(small)} MiB, medians)`);
}

// Last, the NetBox collector against a 50,000-item CMDB, started the same way.
console.log('');
const cmdb = spawn(process.execPath, [...SCAN_NODE_FLAGS, fileURLToPath(new URL('./cmdb.js', import.meta.url))], { stdio: 'inherit', env: { ...process.env, ...SCAN_ENV } });
if ((await new Promise<number | null>((r) => cmdb.on('exit', r))) !== 0) process.exitCode = 1;
