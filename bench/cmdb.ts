/**
 * `npm run bench` (last part): the NetBox collector against a CMDB of 50,000 configuration items
 * (BENCH_CMDB_ITEMS), served on 127.0.0.1 by another process; prints the wall time, the requests
 * and the collector process's peak RSS, and the drift join over the published inventory.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { netboxCollector } from '../collectors/netbox/index.js';
import { netboxConfigSchema } from '../collectors/netbox/config.js';
import { systemClock } from '../src/clock.js';
import { runCollectors } from '../src/collector/harness.js';
import { EvidenceLog } from '../src/evidence/types.js';
import { silentLogger } from '../src/log.js';
import { Redactor } from '../src/redact.js';
import { computeCross } from '../src/signals/cross.js';
import { crossSignals } from '../src/signals/cross-registry.js';

const items = Number(process.env.BENCH_CMDB_ITEMS ?? process.argv[2] ?? '50000');
const token = 'bench-netbox-token-0000000000';
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const server = spawn(process.execPath, [fileURLToPath(new URL('./cmdb-server.js', import.meta.url)), String(items), token], { stdio: ['pipe', 'pipe', 'inherit'] });
process.on('exit', () => server.kill('SIGTERM'));
// The server answers on stdout, one JSON line per question.
const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
const started = JSON.parse((await lines.next()).value as string) as { url: string; items: number };

const redactor = new Redactor();
redactor.add(token);
const evidence = new EvidenceLog();
const end = new Date();
const window = { start: new Date(end.getTime() - 30 * 86_400_000), end, seconds: 30 * 86_400 };
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const result = await runCollectors({
  registry: [netboxCollector],
  instances: [{ collector: 'netbox', name: 'bench', config: netboxConfigSchema.parse({ url: started.url, token }), http: { budget: 100_000 } }],
  clock: systemClock, window, evidence, redactor, log: silentLogger, concurrency: 1, collectorDeadlineMs: 30 * 60_000, scanDeadlineMs: 60 * 60_000,
});
const scanMs = performance.now() - t0;
const cross = computeCross(crossSignals, result.publications, window);
const peakRss = process.resourceUsage().maxRSS * 1024;
server.stdin!.write('\n');
const served = JSON.parse((await lines.next()).value as string) as { requests: number };
server.kill('SIGTERM');
await once(server, 'exit');

const run = result.runs[0];
const value = (id: string) => result.signals.get(id)?.value ?? result.signals.get(id)?.status;
const rows: [string, string][] = [
  ['CMDB (NetBox) items', `${started.items} (devices ${value('netbox.devices.count')}, virtual machines ${value('netbox.virtual_machines.count')})`],
  ['collector', `${run.status}${run.error ? `: ${run.error}` : ''}`],
  ['wall time', `${scanMs.toFixed(0)} ms`],
  ['requests', `${evidence.size} (served ${served.requests})`],
  ['bytes received', mib(evidence.records.reduce((n, e) => n + (e.bytes ?? 0), 0))],
  ['peak RSS', `${mib(peakRss)} (before ${mib(rssBefore)})`],
  ['owner / related / fresh ratio', `${value('netbox.items.owner_ratio')} / ${value('netbox.items.related_ratio')} / ${value('netbox.items.fresh_ratio')}`],
  ['drift (no live side in this bench)', `${cross.get('cmdb.drift.unrecorded_count')?.status}`],
];
console.log('\n== CMDB ==');
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
if (run.status !== 'ok') process.exitCode = 1;
