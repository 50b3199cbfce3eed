import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { systemClock, type Clock } from '../clock.js';
import type { Registry } from '../collector/types.js';
import { loadConfig, storeOfConfig } from '../config/load.js';
import { attestationWarnings, attestationWarningsIn, loadAttestations, type Attestation } from '../engine/attestations.js';
import { loadClaims, type Claims } from '../engine/claims.js';
import { resolveParameters } from '../engine/parameters.js';
import { errorMessage, UsageError, UserError } from '../errors.js';
import { boundHeapGrowth } from '../heap-growth.js';
import { createLogger, type Logger, type LogLevel } from '../log.js';
import { loadModel } from '../model/load.js';
import type { Model } from '../model/types.js';
import { defaultRulesDir, packageVersion } from '../package-info.js';
import { Redactor } from '../redact.js';
import { fill, labels, verbatim, type Lang } from '../report/i18n.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderHtml } from '../report/html/page.js';
import { reportSchema, type Report } from '../report/schema.js';
import { renderTable } from '../report/table.js';
import { scan } from '../scan.js';
import { signalCatalog } from '../signals/catalog.js';
import { parseDuration } from '../duration.js';
import { parseListen, runAgent } from '../serve/agent.js';
import { openStore, storeLocation } from '../store/open.js';
import { postgresPassword } from '../store/postgres.js';
import { configJsonSchema } from './config-schema.js';
import { renderExplain } from './explain.js';
import { modelCounts, renderModel, renderSignals } from './model-commands.js';
import { writeAtomic } from './output.js';
import { attestTemplate } from './attest-template.js';
import { registerStoreCommands } from './store-commands.js';
import { registerPlanCommand } from './plan-command.js';
import { registerCompletionCommand } from './completion.js';
import { progressLine, showProgress, type ProgressEvent } from './progress.js';

/**
 * The sample estate the `demo` command scans. The core does not import it (nor any collector):
 * bin/techops.ts wires the registry and the estate in, loading the estate only for `demo`.
 */
export interface RunningDemo {
  systems: Record<string, { url: string }>;
  stop(): Promise<void>;
}
export interface DemoEstate {
  start(scale: { factor: number }, now: Date): Promise<RunningDemo>;
  /** Writes the config (and claims, attestations) that scan the running estate; returns the config's path. */
  writeFiles(out: string, running: RunningDemo, now: Date): { config: string };
}

export interface CliDeps {
  /** The collectors this CLI knows (bin/techops.ts passes collectors/index.ts). */
  registry: Registry;
  /** Loads the sample estate for `demo`; without it `demo` says it is not available. */
  demo?: () => Promise<DemoEstate>;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
  stderrIsTTY?: boolean;
  /** Whether stdout is a terminal (colour in the table); process.stdout.isTTY by default. */
  stdoutIsTTY?: boolean;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** Stops `serve` (tests); without it SIGTERM and SIGINT do. */
  shutdown?: AbortSignal;
}

/**
 * Exit codes: 0 done, 1 error, 2 usage, 3 policy failed (a claim contradicted, a level under
 * --fail-below), 4 a collector was not ok under --fail-on-collector-error (checked before 3:
 * levels from an incomplete collection are not worth gating on).
 */
export const EXIT = { ok: 0, error: 1, usage: 2, policy: 3, collectors: 4 } as const;

const FORMATS = ['table', 'json', 'md', 'junit', 'html'] as const;
type Format = (typeof FORMATS)[number];
const FILE_NAMES: Record<Format, string> = { table: 'report.txt', json: 'report.json', md: 'report.md', junit: 'report.junit.xml', html: 'report.html' };

export async function main(argv: string[], deps: CliDeps): Promise<number> {
  const registry = deps.registry;
  const out = deps.stdout ?? ((s: string) => void process.stdout.write(s));
  const err = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  const clock = deps.clock ?? systemClock;
  const env = deps.env ?? process.env;
  const redactor = new Redactor();
  // A password in a `--store postgres://…` argument is a secret like any other.
  for (const a of argv) redactor.add(postgresPassword(a.replace(/^--store=/, '')));
  let exitCode: number = EXIT.ok;

  // read signals/derived.yaml once per command, however many times it is needed
  let cachedCatalog: ReturnType<typeof signalCatalog> | undefined;
  const catalog = () => (cachedCatalog ??= signalCatalog(registry));
  const model = (dir?: string): Model => loadModel(dir ? resolve(dir) : defaultRulesDir(), { declaredSignals: catalog().ids });
  const lang = (v: string | undefined): Lang => (v === 'zh' ? 'zh' : 'en');
  // --log-level and --log-format are global: read from the parsed root options when a command runs.
  const makeLog = (quiet: boolean): Logger => {
    const g = program.opts<{ logLevel: LogLevel; logFormat: 'auto' | 'json' | 'text' }>();
    const json = g.logFormat === 'auto' ? !(deps.stderrIsTTY ?? process.stderr.isTTY) : g.logFormat === 'json';
    return createLogger({ write: quiet ? () => {} : err, json, level: g.logLevel, redactor, now: () => clock.now() });
  };

  type ScanOptions = { policy?: boolean; config: string; out: string; format: string; lang: string; claims?: string; attestations?: string; rules?: string; failBelow?: string; quiet?: boolean; failOnCollectorError?: boolean; store?: string | false };
  /** One scan: load, collect, evaluate, write the reports, record the run. Shared by `scan`, `demo` and `serve`. */
  const scanOnce = async (o: ScanOptions, log: Logger, progress?: (e: ProgressEvent) => void): Promise<{ report: Report; rendered: (f: Format) => string; config: ReturnType<typeof loadConfig> }> => {
      const formats = parseFormats(o.format);
      const config = loadConfig(o.config, registry, { env, redactor });
      const m = model(o.rules ?? config.rulesDir);
      resolveParameters(m, config.parameters, config.file);
      const attFile = o.attestations ? resolve(o.attestations) : config.attestationsFile;
      const claimsFile = o.claims ? resolve(o.claims) : config.claimsFile;
      const attestations: Attestation[] = attFile ? loadAttestations(attFile, m, config.attestationValiditySeconds, clock.now()) : [];
      const claims: Claims = claimsFile ? loadClaims(claimsFile, m) : new Map();
      for (const w of attestationWarnings(attestations, m, clock.now())) log.warn(`attestation not used: ${w}`);
      if (config.instances.length === 0) log.warn('no collector instances configured: criteria are decided by attestations or stay unknown');
      boundHeapGrowth();
      const report = await scan({
        config, registry, model: m, attestations, claims, clock, log, redactor, version: packageVersion(), derived: catalog().derived, cross: catalog().cross,
        onProgress: (e) => {
          // With a progress line on the terminal the same news as log lines would say it twice.
          const level = progress ? 'debug' : 'info';
          progress?.(e);
          if (e.phase === 'start') log[level]('collecting', { collector: e.collector, instance: e.instance });
          else log[level]('collected', { collector: e.collector, instance: e.instance, status: e.run?.status, requests: e.run?.requests, duration_ms: e.run?.duration_ms, error: e.run?.error });
        },
      });
      const json = JSON.stringify(report, null, 2) + '\n';
      const rendered = (f: Format) => (f === 'json' ? json : f === 'md' ? renderMarkdown(report, lang(o.lang)) : f === 'junit' ? renderJunit(report, lang(o.lang)) : f === 'html' ? renderHtml(report, lang(o.lang)) : renderTable(report, lang(o.lang)));
      for (const f of formats) {
        const path = writeAtomic(resolve(o.out), FILE_NAMES[f], rendered(f));
        log.info('report written', { format: f, path });
      }
      // The reports are written first: a store that cannot be opened loses no scan.
      const storeAt = o.store === false ? undefined : o.store ? storeLocation(o.store) : config.store?.location;
      if (storeAt) {
        const store = await openStore(storeAt);
        try {
          const run = await store.record(report, json);
          const pruned = await store.prune({ keepRuns: config.store?.keepRuns, keepSeconds: config.store?.keepSeconds });
          log.info('run recorded', { run: run.id, store: store.location, ...(pruned ? { pruned } : {}) });
        } finally {
          await store.close();
        }
      }
      return { report, rendered, config };
  };

  const runScan = async (o: ScanOptions): Promise<void> => {
      const formats = parseFormats(o.format);
      const failBelow = o.failBelow === undefined ? undefined : parseLevel(o.failBelow);
      const log = makeLog(!!o.quiet);
      const g = program.opts<{ logLevel: LogLevel; logFormat: 'auto' | 'json' | 'text' }>();
      const onTerminal = showProgress({ stderrIsTTY: (deps.stderrIsTTY ?? process.stderr.isTTY) === true, quiet: !!o.quiet, logFormat: g.logFormat, logLevel: g.logLevel, env });
      const { report, rendered } = await scanOnce(o, log, onTerminal ? (e) => err(redactor.text(progressLine(e, lang(o.lang), !env.NO_COLOR))) : undefined);
      // Colour only for a terminal that has not asked for none (https://no-color.org); files never.
      const colour = (deps.stdoutIsTTY ?? process.stdout.isTTY) === true && !env.NO_COLOR;
      out(formats[0] === 'table' && colour ? renderTable(report, lang(o.lang), { colour }) : rendered(formats[0]));
      const notOk = report.collectors.filter((r) => r.status !== 'ok');
      const t = labels(lang(o.lang));
      if (o.failOnCollectorError && notOk.length) {
        for (const r of notOk) err(`${fill(t.collectorNotOk, { collector: `${r.collector}/${r.instance}`, status: t[r.status] })}: ${verbatim(lang(o.lang), r.status_reason ?? r.error ?? '')}\n`);
        exitCode = EXIT.collectors;
        return;
      }
      const contradicted = report.claims.filter((c) => c.verdict === 'contradicted');
      const below = failBelow === undefined ? [] : report.capabilities.filter((c) => c.level < failBelow);
      if ((contradicted.length || below.length) && o.policy !== false) {
        for (const c of contradicted) err(`${fill(t.policyContradicted, { item: c.capability, claimed: c.claimed, ceiling: c.ceiling })}\n`);
        if (below.length) err(`${fill(t.policyBelow, { n: below.length, level: failBelow!, items: below.map((c) => `${c.id}=${c.level}`).join(', ') })}\n`);
        exitCode = EXIT.policy;
      }
  };

  const program = new Command('techops')
    .description('Measures technical-operations maturity (YD/T 1756 part 4) from live systems, with the evidence behind every level.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError('(run with --help for usage)')
    .addOption(new Option('--log-level <level>', 'least severe log lines written to stderr').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .addOption(new Option('--log-format <format>', 'log lines as JSON (for log shippers) or text; auto: text on a terminal, JSON otherwise').choices(['auto', 'json', 'text']).default('auto'));

  program
    .command('scan')
    .description('collect signals, evaluate every criterion, write reports')
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .option('-o, --out <dir>', 'directory for report files', 'techops-out')
    .option('-f, --format <list>', 'formats, comma separated: table,json,md,junit,html (the first also goes to stdout)', 'table,json,md')
    .addOption(new Option('--lang <lang>', 'report language').choices(['en', 'zh']).default('en'))
    .option('--claims <file>', 'claims file (item → claimed level); overrides the config')
    .option('--attestations <file>', 'attestations file; overrides the config')
    .option('--rules <dir>', 'rule files directory (default: the shipped rules)')
    .option('--fail-below <level>', 'exit 3 when any capability item is below this level')
    .option('--fail-on-collector-error', 'exit 4 when any collector instance is not ok (partial or failed); the reports are still written')
    .option('--store <path|url>', "record the run in this history file or postgres:// database (default: the config's store, .techops/runs.db beside it)")
    .option('--no-store', 'record nothing in the run history')
    .option('-q, --quiet', 'no progress on stderr')
    .action((o) => runScan(o));

  program
    .command('demo')
    .description('start the sample estate on 127.0.0.1, scan it through the real collectors, write the reports')
    .option('-o, --out <dir>', 'directory for the demo config and reports', 'techops-demo')
    .option('-f, --format <list>', 'formats: table,json,md,junit,html (the first also goes to stdout)', 'table,json,md,html')
    .addOption(new Option('--lang <lang>', 'report language').choices(['en', 'zh']).default('en'))
    .option('--scale <factor>', 'multiply the estate (targets, rules, alerts)', '1')
    .option('--serve', 'keep the sample estate running and serve the agent (/metrics, reports) on --listen, scanning every 5 minutes (Ctrl-C stops both)')
    .option('--listen <host:port>', 'where --serve serves the agent', '127.0.0.1:9700')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (o) => {
      const factor = Number(o.scale);
      if (!Number.isFinite(factor) || factor < 1 || factor > 1000) throw new UsageError(`--scale: expected a number from 1 to 1000, got '${o.scale}'`);
      if (!deps.demo) throw new UserError('the sample estate is not part of this build');
      const estate = await deps.demo();
      const running = await estate.start({ factor }, clock.now());
      try {
        const out = resolve(o.out);
        const files = estate.writeFiles(out, running, clock.now());
        for (const [name, s] of Object.entries(running.systems)) err(`sample estate: ${name} at ${s.url}\n`);
        // The demo shows verdicts; it is not a policy gate, so a contradicted claim does not fail it.
        await runScan({ config: files.config, out, format: o.format, lang: o.lang, quiet: o.quiet, policy: false });
        err(`demo config and reports in ${out}\n`);
        if (o.serve) {
          // The sample estate stays up and the agent scans it on a schedule, as `techops serve` would.
          const { host, port } = parseListen(o.listen);
          const ac = new AbortController();
          process.once('SIGINT', () => ac.abort());
          err('serving the sample estate and the agent; Ctrl-C stops both\n');
          await runAgent({
            schedule: '*/5 * * * *', host, port, log: makeLog(!!o.quiet), shutdown: deps.shutdown ?? ac.signal, graceMs: 5_000,
            onListening: (url) => err(`techops agent: ${url}/metrics ${url}/report.json\n`),
            scan: async () => {
              const { report, rendered } = await scanOnce({ config: files.config, out, format: o.format, lang: o.lang, quiet: o.quiet, policy: false }, makeLog(!!o.quiet));
              return { report, json: rendered('json'), markdown: rendered('md'), html: () => rendered('html') };
            },
          });
        }
      } finally {
        await running.stop();
      }
    });

  program
    .command('explain <target>')
    .description("a capability item's or criterion's rules, the signals they read, and the last report's verdicts")
    .option('--report <file>', 'report to take verdicts from', 'techops-out/report.json')
    .option('--rules <dir>', 'rule files directory')
    .addOption(new Option('--lang <lang>').choices(['en', 'zh']).default('en'))
    .action((target: string, o) => {
      const m = model(o.rules);
      out(renderExplain(m, target, lang(o.lang), readReport(o.report)));
    });

  program
    .command('model')
    .description('the catalogue of the standard: items, criteria, checks and attestations')
    .option('--json', 'machine-readable counts')
    .option('--rules <dir>', 'rule files directory')
    .addOption(new Option('--lang <lang>').choices(['en', 'zh']).default('en'))
    .action((o) => {
      const m = model(o.rules);
      out(o.json ? JSON.stringify({ digest: m.digest, ...modelCounts(m) }, null, 2) + '\n' : renderModel(m, lang(o.lang)));
    });

  program
    .command('signals')
    .description('every signal the registered collectors declare, the cross signals the core joins from their records, and the derived ones')
    .option('--json', 'machine-readable')
    .addOption(new Option('--lang <lang>', 'language of the descriptions').choices(['en', 'zh']).default('en'))
    .action((o) => {
      const { derived, cross } = catalog();
      const crossJson = cross.map((c) => ({ ...c.declaration, needs: c.needs }));
      out(o.json
        ? JSON.stringify({ collectors: registry.map((c) => ({ collector: c.id, description: c.description, signals: c.signals })), cross: crossJson, derived }, null, 2) + '\n'
        : renderSignals(registry, derived, cross, lang(o.lang)));
    });

  program
    .command('validate')
    .description('check a config (and the rules, attestations and claims it names) without scanning')
    .requiredOption('-c, --config <file>', 'config file (YAML)')
    .addOption(new Option('--lang <lang>', 'language of the summary').choices(['en', 'zh']).default('en'))
    .action((o) => {
      const config = loadConfig(o.config, registry, { env, redactor });
      const m = model(config.rulesDir);
      const params = resolveParameters(m, config.parameters, config.file);
      const att = config.attestationsFile ? loadAttestations(config.attestationsFile, m, config.attestationValiditySeconds, clock.now()) : [];
      const claims = config.claimsFile ? loadClaims(config.claimsFile, m) : new Map();
      // Warnings, not errors: an expired or stray attestation decides nothing, but breaks nothing.
      const warnings = attestationWarningsIn(att, m, clock.now());
      const t = labels(lang(o.lang));
      for (const w of warnings) err(`techops: ${t.warning}: ${w[lang(o.lang)]}\n`);
      out(fill(t.valid, {
        file: config.file, instances: config.instances.length, overrides: params.overridden.length, attestations: att.length,
        unused: warnings.length ? fill(t.validUnused, { n: warnings.length }) : '', claims: claims.size, digest: m.digest.slice(0, 19),
      }) + '\n');
    });

  program
    .command('serve')
    .description('scan on a schedule and serve /metrics, /healthz, /readyz and the latest report over HTTP')
    .requiredOption('-c, --config <file>', 'config file (YAML), read again before every scan')
    .option('--schedule <cron>', 'when to scan: a cron expression (six fields for seconds); one scan also runs at start', '*/30 * * * *')
    .option('--listen <host:port>', 'where to serve (loopback unless told otherwise)', '127.0.0.1:9700')
    .option('-o, --out <dir>', 'directory for the latest report files', 'techops-out')
    .option('-f, --format <list>', 'report files to write each scan', 'json,md')
    .addOption(new Option('--lang <lang>', 'report language').choices(['en', 'zh']).default('en'))
    .option('--grace <duration>', 'how long a running scan may finish after SIGTERM', '30s')
    .option('--store <path|url>', "record each run in this history file or postgres:// database (default: the config's store)")
    .option('--no-store', 'record nothing in the run history')
    .option('-q, --quiet', 'no logs on stderr')
    .action(async (o) => {
      const { host, port } = parseListen(o.listen);
      const grace = parseDuration(o.grace);
      if (grace === undefined) throw new UsageError(`--grace: expected a duration like 30s or 2m, got '${o.grace}'`);
      parseFormats(o.format);
      const log = makeLog(!!o.quiet);
      let shutdown = deps.shutdown;
      if (!shutdown) {
        const ac = new AbortController();
        for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => ac.abort());
        shutdown = ac.signal;
      }
      const abandoned = await runAgent({
        schedule: o.schedule, host, port, log, shutdown, graceMs: grace * 1000,
        onListening: (url) => err(`techops serve: listening on ${url}\n`),
        scan: async () => {
          // A contradicted claim is a verdict to show, not a reason to stop serving.
          const { report, rendered } = await scanOnce({ ...o, policy: false }, log.child({ scan: clock.now().toISOString() }));
          return { report, json: rendered('json'), markdown: rendered('md'), html: () => rendered('html') };
        },
      });
      // A scan still running holds sockets open; the process has nothing left to do.
      if (abandoned && !deps.shutdown) process.exit(EXIT.ok);
    });

  program
    .command('attest')
    .description('attestation helpers')
    .command('template')
    .description('an attestation skeleton (YAML, comments in Chinese and English) for every criterion an attestation would decide; with a report, those still unknown for want of one')
    .option('--report <file>', 'take the criteria still unknown for want of an attestation from this report (default: techops-out/report.json when it exists; without one, every criterion with an attest part)')
    .option('--item <id>', 'only this capability item (e.g. 6.1.2) or criterion')
    .option('--rules <dir>', 'rule files directory')
    .option('-o, --output <file>', 'write the skeleton to this file instead of stdout (refuses to overwrite)')
    .addOption(new Option('--lang <lang>', 'language of the comments: both (default), en or zh').choices(['both', 'en', 'zh']).default('both'))
    .action((o) => {
      const m = model(o.rules);
      if (o.item && !m.capabilities.some((c) => c.id === o.item) && !m.criteria.has(o.item)) throw new UserError(`--item: no capability item or criterion ${o.item}`);
      const report = readReport(o.report ?? 'techops-out/report.json');
      if (o.report && !report) throw new UserError(`cannot read report ${o.report}: no such file`);
      const text = attestTemplate(m, { report, item: o.item, today: clock.now().toISOString().slice(0, 10), validityDays: 365, lang: o.lang });
      if (!o.output) return out(text);
      if (existsSync(o.output)) throw new UserError(`${o.output} exists: techops attest template does not overwrite attestations`);
      writeFileSync(o.output, text);
      err(`attestation skeleton written to ${o.output}\n`);
    });

  registerPlanCommand(program, { out, readReport });

  registerStoreCommands(program, {
    out,
    storeOfConfig: (file) => storeOfConfig(file, env, redactor),
    setExit: (code) => void (exitCode = code),
  });

  program
    .command('config')
    .description('config helpers')
    .command('schema')
    .description('print the JSON Schema of the config file (for editors)')
    .action(() => out(JSON.stringify(configJsonSchema(registry), null, 2) + '\n'));

  // last, so the script it prints names every command registered above
  registerCompletionCommand(program, out);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof UserError) {
      err(`techops: ${redactor.text(e.message)}\n`);
      return e.exitCode;
    }
    err(`techops: internal error: ${redactor.text(errorMessage(e))}\n`);
    if (env.TECHOPS_DEBUG) err(redactor.text(String((e as Error).stack)) + '\n');
    return EXIT.error;
  }
}

function parseFormats(list: string): Format[] {
  const formats = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = formats.filter((f) => !(FORMATS as readonly string[]).includes(f));
  if (bad.length || formats.length === 0) throw new UsageError(`--format: unknown format ${bad.join(', ') || '(empty)'} (choose from ${FORMATS.join(', ')})`);
  return [...new Set(formats)] as Format[];
}

function parseLevel(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new UsageError(`--fail-below: expected a level from 1 to 5, got '${v}'`);
  return n;
}

function readReport(file: string): Report | undefined {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read report ${file}: ${errorMessage(e)}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`${file} is not a techops report (schema_version 1)`);
  return parsed.data;
}
