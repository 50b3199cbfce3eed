import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DEFAULT_STORE_PATH } from '../config/load.js';
import { UserError } from '../errors.js';
import { renderMarkdown } from '../report/markdown.js';
import { fill, labels } from '../report/i18n.js';
import type { Report } from '../report/schema.js';
import { renderTable } from '../report/table.js';
import { assertWritableBundleName, bundleFiles, verifyBundle, writeBundle } from '../store/bundle.js';
import { diffRuns, renderDiff } from '../store/diff.js';
import { openStore, storeLocation } from '../store/open.js';
import type { RunStore, RunSummary } from '../store/types.js';

interface StoreDeps {
  out: (s: string) => void;
  /** The store a config names (its `store.path` or `store.url`), or undefined when it says `store: false`. */
  storeOfConfig: (config: string) => string | undefined;
  setExit: (code: number) => void;
}

/** The default store when neither --store nor -c is given: the default path beside a config in the working directory. */
const DEFAULT_LOCATION = DEFAULT_STORE_PATH;

/** history, diff, export and verify: reading the run history a scan records. */
export function registerStoreCommands(program: Command, deps: StoreDeps): void {
  const where = (cmd: Command) =>
    cmd
      .option('--store <path|url>', `the run history (SQLite file or postgres:// URL; default: the config's store, else ${DEFAULT_LOCATION})`)
      .option('-c, --config <file>', "take the store from this config's `store`")
      .option('--scope <scope>', 'only runs of this scope (assessment.scope, else assessment.name)');
  const withStore = async <T>(o: { store?: string; config?: string }, use: (s: RunStore) => Promise<T>): Promise<T> => {
    let location = o.store ? storeLocation(o.store) : undefined;
    if (!location && o.config) {
      location = deps.storeOfConfig(o.config);
      if (!location) throw new UserError(`${o.config} records no history (store: false)`);
    }
    const store = await openStore(location ?? resolve(DEFAULT_LOCATION), { mustExist: true });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  };
  const findRun = async (store: RunStore, ref: string, scope?: string): Promise<RunSummary> => {
    const run = await store.find(ref, scope);
    if (!run) throw new UserError(`no run '${ref}'${scope ? ` in scope '${scope}'` : ''} in ${store.location} (techops history lists them)`);
    return run;
  };
  const loadReport = async (store: RunStore, id: string): Promise<{ json: string; report: Report }> => {
    const json = await store.reportJson(id);
    return { json, report: JSON.parse(json) as Report };
  };

  where(program.command('history'))
    .description('the recorded runs, newest first, with their levels')
    .option('--item <id>', 'show the level of this capability item (e.g. 5.3.1) in each run')
    .option('-n, --limit <n>', 'at most this many runs', '20')
    .option('--json', 'machine-readable')
    .addOption(new Option('--lang <lang>', 'language of the table').choices(['en', 'zh']).default('en'))
    .action(async (o) => {
      const t = labels(o.lang === 'zh' ? 'zh' : 'en');
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit: expected a whole number >= 1, got '${o.limit}'`);
      await withStore(o, async (store) => {
        const runs = await store.list({ scope: o.scope, limit });
        if (o.item && runs.length && !runs.some((r) => r.levels[o.item])) throw new UserError(`no capability item ${o.item} in these runs`);
        if (o.json) {
          deps.out(JSON.stringify(runs.map((r) => (o.item ? { ...r, levels: { [o.item]: r.levels[o.item] } } : r)), null, 2) + '\n');
          return;
        }
        if (runs.length === 0) {
          deps.out(`${fill(t.noRuns, { location: store.location })}\n`);
          return;
        }
        const head = [t.run, t.started, t.scope.toLowerCase(), t.met, t.not_met, t.unknown, o.item ? fill(t.itemLevelCeiling, { item: o.item }) : t.itemsAtLevel3];
        const rows = runs.map((r) => [
          r.id, r.started_at.replace('T', ' ').slice(0, 19), r.scope, String(r.criteria.met), String(r.criteria.not_met), String(r.criteria.unknown),
          o.item ? (r.levels[o.item] ? `${r.levels[o.item].level} / ${r.levels[o.item].ceiling}` : '-') : fill(t.nOfM, { n: Object.values(r.levels).filter((l) => l.level >= 3).length, m: Object.keys(r.levels).length }),
        ]);
        // a CJK character takes two columns on a terminal
        const width = (s: string) => [...s].reduce((n, ch) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
        const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
        const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join('  ').trimEnd();
        deps.out([line(head), ...rows.map(line)].join('\n') + '\n');
      });
    });

  where(program.command('diff [from] [to]'))
    .description('what moved between two runs: levels, flipped criteria and the signal values behind them (default: the last two)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json', 'md']).default('table'))
    .addOption(new Option('--lang <lang>', 'language of the table or Markdown').choices(['en', 'zh']).default('en'))
    .action(async (from: string | undefined, to: string | undefined, o) => {
      await withStore(o, async (store) => {
        const b = await findRun(store, to ?? 'latest', o.scope);
        const a = await findRun(store, from ?? (to ? 'latest' : 'latest~1'), o.scope);
        const d = diffRuns({ id: a.id, report: (await loadReport(store, a.id)).report }, { id: b.id, report: (await loadReport(store, b.id)).report });
        deps.out(o.format === 'json' ? JSON.stringify(d, null, 2) + '\n' : renderDiff(d, o.format === 'md', o.lang === 'zh' ? 'zh' : 'en'));
      });
    });

  where(program.command('export [run]'))
    .description('write one run (default: the latest) as an evidence bundle an auditor can verify')
    .requiredOption('--bundle <file>', 'the bundle to write (.tar.gz)')
    .action(async (ref: string | undefined, o) => {
      assertWritableBundleName(o.bundle);
      await withStore(o, async (store) => {
        const run = await findRun(store, ref ?? 'latest', o.scope);
        const { json, report } = await loadReport(store, run.id);
        const files = bundleFiles(run.id, json, report, [
          { path: 'report.md', content: renderMarkdown(report, 'en') },
          { path: 'report.zh.md', content: renderMarkdown(report, 'zh') },
          { path: 'report.txt', content: renderTable(report, 'en') },
        ]);
        const gz = await writeBundle(files, new Date(report.run.finished_at));
        writeFileSync(resolve(o.bundle), gz);
        deps.out(`run ${run.id} written to ${o.bundle}: ${files.length} files, ${report.evidence.length} evidence records, ${gz.length} bytes\n`);
      });
    });

  program
    .command('verify <bundle>')
    .description('check an evidence bundle: every file against the manifest and SHA256SUMS (exit 1 on any change)')
    .action(async (file: string) => {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (err) {
        throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      const v = await verifyBundle(bytes);
      if (v.ok) {
        deps.out(`${file}: intact, ${v.files} files; run ${v.run?.id} started ${v.run?.started_at}; rules ${v.run?.rules_digest}; config ${v.run?.config_digest}\n`);
        return;
      }
      deps.out(`${file}: NOT intact\n${v.problems.map((p) => `  ${p}`).join('\n')}\n`);
      deps.setExit(1);
    });
}
