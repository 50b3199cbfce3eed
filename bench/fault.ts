/**
 * The fault row of `npm run bench`: peak RSS of a scan whose Prometheus answers one endpoint with
 * 1 GiB (streamed by a server in another process), with the config's defaults (no `http:` block),
 * so the 64 MiB body cap is what bounds the memory. Prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { collectors } from '../collectors/index.js';
import { systemClock } from '../src/clock.js';
import { parseConfig } from '../src/config/load.js';
import { silentLogger } from '../src/log.js';
import { loadModel } from '../src/model/load.js';
import { boundHeapGrowth } from '../src/heap-growth.js';
import { defaultRulesDir, packageVersion } from '../src/package-info.js';
import { Redactor } from '../src/redact.js';
import { scan } from '../src/scan.js';
import { signalCatalog } from '../src/signals/catalog.js';

const bytes = Number(process.argv[2] ?? String(1024 ** 3));
const server = spawn(process.execPath, [fileURLToPath(new URL('./fault-server.js', import.meta.url)), String(bytes)], { stdio: ['pipe', 'pipe', 'inherit'] });
process.on('exit', () => server.kill('SIGTERM'));
const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
const { url } = JSON.parse((await lines.next()).value as string) as { url: string };

const redactor = new Redactor();
const config = parseConfig({ assessment: { name: 'fault: one endpoint answers 1 GiB' }, collectors: { prometheus: [{ name: 'bench', url }] } }, '/bench/fault.yaml', collectors, { env: {}, redactor });
const catalog = signalCatalog(collectors);
const model = loadModel(defaultRulesDir(), { declaredSignals: catalog.ids });
// As the CLI does before a scan.
boundHeapGrowth();
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const report = await scan({ config, registry: collectors, model, attestations: [], claims: new Map(), clock: systemClock, log: silentLogger, redactor, version: packageVersion(), derived: catalog.derived, cross: catalog.cross });
const ms = performance.now() - started;
const peak = process.resourceUsage().maxRSS * 1024;
server.stdin!.write('\n');
const { sent } = JSON.parse((await lines.next()).value as string) as { sent: number };
server.kill('SIGTERM');
await once(server, 'exit');
const rules = report.signals.find((s) => s.id === 'prometheus.rules.alerting_count');
const run = report.collectors[0];
process.stdout.write(JSON.stringify({
  answer_bytes: bytes, sent_before_cut_bytes: sent, peak_rss_bytes: peak, rss_before_bytes: rssBefore, scan_ms: Math.round(ms),
  status: run.status, rules_signal: rules?.status, reason: rules?.reason,
}) + '\n');
