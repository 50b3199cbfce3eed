/**
 * `npm run bench`: the benchmark at several scales in one run (x5, x50, x100 unless BENCH_SCALES
 * says otherwise), each scan in a process of its own so that each peak RSS is its own; each
 * scale's table, then one summary line per scale.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCAN_NODE_FLAGS } from '../src/heap-growth.js';

const scales = (process.env.BENCH_SCALES ?? process.argv[2] ?? '5,50,100').split(',').map(Number).filter((n) => n > 0);
const summaries: Record<string, unknown>[] = [];
for (const scale of scales) {
  // Started as the CLI starts a scan (its node flags), so that each peak RSS is what a user's scan would have.
  const child = spawn(process.execPath, [...SCAN_NODE_FLAGS, fileURLToPath(new URL('./run.js', import.meta.url)), String(scale)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // The 1 GiB fault row at every scale: the 64 MiB cap cuts it off in about a second. (It used
    // to be shrunk to 1 MiB after the first scale, under the 1 GiB label, where a megabyte of
    // spaces is invalid JSON rather than too large.)
    env: { ...process.env, BENCH_SUMMARY: '1' },
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const lines = out.split('\n');
  console.log(`\n== x${scale} ==`);
  console.log(lines.filter((l) => !l.startsWith('BENCH_SUMMARY ')).join('\n').trim());
  const line = lines.find((l) => l.startsWith('BENCH_SUMMARY '));
  if (line) summaries.push(JSON.parse(line.slice('BENCH_SUMMARY '.length)));
  if (code !== 0) process.exitCode = 1;
}
console.log('\n== summary ==');
console.log('scale  scan ms  floor ms  ratio  peak RSS  GitHub req/repo  at 900/min  fits 5,000/h  GitLab req/project  repeated from cache GH/GL  evaluate ms');
for (const s of summaries as { factor: number; scanMs: number; floorMs: number; peakRssMiB: number; ghRequests: number; ghRepos: number; secondaryMinutes: number; fits: boolean; glRequests: number; glProjects: number; ghCachePct: number; glCachePct: number; evalMs: number }[]) {
  console.log([`x${s.factor}`.padEnd(5), String(s.scanMs).padStart(7), String(s.floorMs).padStart(8), (s.scanMs / Math.max(1, s.floorMs)).toFixed(2).padStart(5),
    `${s.peakRssMiB} MiB`.padStart(8), (s.ghRequests / s.ghRepos).toFixed(1).padStart(15), `${s.secondaryMinutes} min`.padStart(10), (s.fits ? 'yes' : 'no').padStart(12),
    (s.glRequests / s.glProjects).toFixed(1).padStart(18), `${s.ghCachePct} % / ${s.glCachePct} %`.padStart(25), String(s.evalMs).padStart(11)].join('  '));
}
