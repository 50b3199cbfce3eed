import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../errors.js';
import type { Report } from '../report/schema.js';
import { MIGRATIONS } from './migrations.js';
import { newRunId, parseRelative, summarise } from './summary.js';
import type { Retention, RunStore, RunSummary } from './types.js';

interface RunRow {
  id: string; scope: string; started_at: string; finished_at: string; tool_version: string;
  rules_digest: string; config_digest: string; met: number; not_met: number; unknown: number;
}

/**
 * The embedded store: one SQLite file (better-sqlite3: synchronous, transactional, and the most
 * used SQLite binding for Node; it builds with the machine's toolchain where no prebuilt binary
 * is at hand). WAL journal, so `history` reads while a scan writes, and a busy timeout, so two
 * agents sharing the file wait for each other instead of failing.
 */
export class SqliteStore implements RunStore {
  private constructor(private readonly db: Database.Database, readonly location: string) {}

  static open(file: string): SqliteStore {
    let db: Database.Database;
    try {
      mkdirSync(dirname(file), { recursive: true });
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    } catch (err) {
      throw new UserError(`cannot open the store ${file}: ${(err as Error).message}`);
    }
    const store = new SqliteStore(db, file);
    store.migrate();
    return store;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    // IMMEDIATE takes the write lock first: two agents starting at once apply each step once.
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
      const applied = row.v ?? 0;
      if (applied > MIGRATIONS.length) throw new UserError(`the store ${this.location} was written by a newer techops (schema ${applied}, this one knows ${MIGRATIONS.length})`);
      for (let v = applied; v < MIGRATIONS.length; v++) {
        this.db.exec(MIGRATIONS[v]);
        this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(v + 1);
      }
    }).immediate();
  }

  async record(report: Report, reportJson: string): Promise<RunSummary> {
    const id = newRunId(report);
    const s = summarise(id, report);
    const insertRun = this.db.prepare(`INSERT INTO runs (id, scope, started_at, finished_at, tool_version, rules_digest, config_digest, met, not_met, unknown, report_json, seq)
      VALUES (@id, @scope, @started_at, @finished_at, @tool_version, @rules_digest, @config_digest, @met, @not_met, @unknown, @report_json, (SELECT coalesce(max(seq), 0) + 1 FROM runs))`);
    const insertLevel = this.db.prepare('INSERT INTO levels (run_id, item, level, ceiling) VALUES (?, ?, ?, ?)');
    const insertVerdict = this.db.prepare('INSERT INTO verdicts (run_id, criterion, status, basis) VALUES (?, ?, ?, ?)');
    const insertSignal = this.db.prepare('INSERT INTO signal_values (run_id, signal, status, value) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      insertRun.run({ ...s, ...s.criteria, report_json: reportJson });
      for (const c of report.capabilities) insertLevel.run(id, c.id, c.level, c.ceiling);
      for (const c of report.criteria) insertVerdict.run(id, c.id, c.status, c.basis ?? null);
      for (const sig of report.signals) insertSignal.run(id, sig.id, sig.status, sig.value === undefined ? null : JSON.stringify(sig.value));
    }).immediate();
    return s;
  }

  async list(opts: { scope?: string; limit?: number } = {}): Promise<RunSummary[]> {
    const rows = this.db.prepare(`SELECT id, scope, started_at, finished_at, tool_version, rules_digest, config_digest, met, not_met, unknown
      FROM runs WHERE (@scope IS NULL OR scope = @scope) ORDER BY started_at DESC, seq DESC LIMIT @limit`)
      .all({ scope: opts.scope ?? null, limit: opts.limit ?? -1 }) as RunRow[];
    return rows.map((r) => this.summary(r));
  }

  async find(ref: string, scope?: string): Promise<RunSummary | undefined> {
    const back = parseRelative(ref);
    if (back !== undefined) return (await this.list({ scope, limit: back + 1 }))[back];
    const rows = this.db.prepare(`SELECT id, scope, started_at, finished_at, tool_version, rules_digest, config_digest, met, not_met, unknown
      FROM runs WHERE id LIKE @prefix ESCAPE '\\' AND (@scope IS NULL OR scope = @scope) ORDER BY started_at DESC, seq DESC LIMIT 2`)
      .all({ prefix: ref.replace(/[\\%_]/g, (c) => `\\${c}`) + '%', scope: scope ?? null }) as RunRow[];
    if (rows.length > 1 && rows[0].id !== ref) throw new UserError(`run '${ref}' is ambiguous: it starts ${rows.map((r) => r.id).join(' and ')}; give more of the id`);
    return rows[0] ? this.summary(rows[0]) : undefined;
  }

  async reportJson(id: string): Promise<string> {
    const row = this.db.prepare('SELECT report_json FROM runs WHERE id = ?').get(id) as { report_json: string } | undefined;
    if (!row) throw new UserError(`no run ${id} in the store ${this.location}`);
    return row.report_json;
  }

  async prune(retention: Retention): Promise<number> {
    let removed = 0;
    this.db.transaction(() => {
      const scopes = (this.db.prepare('SELECT DISTINCT scope FROM runs').all() as { scope: string }[]).map((r) => r.scope);
      for (const scope of scopes) {
        const ids = (this.db.prepare('SELECT id, started_at FROM runs WHERE scope = ? ORDER BY started_at DESC, seq DESC').all(scope) as { id: string; started_at: string }[]);
        const newest = ids.length ? Date.parse(ids[0].started_at) : 0;
        const drop = ids.filter((r, i) =>
          (retention.keepRuns !== undefined && i >= retention.keepRuns) ||
          (retention.keepSeconds !== undefined && newest - Date.parse(r.started_at) > retention.keepSeconds * 1000));
        const del = this.db.prepare('DELETE FROM runs WHERE id = ?');
        for (const r of drop) removed += del.run(r.id).changes;
      }
    }).immediate();
    return removed;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private summary(r: RunRow): RunSummary {
    const levels = this.db.prepare('SELECT item, level, ceiling FROM levels WHERE run_id = ?').all(r.id) as { item: string; level: number; ceiling: number }[];
    return {
      id: r.id, scope: r.scope, started_at: r.started_at, finished_at: r.finished_at, tool_version: r.tool_version,
      rules_digest: r.rules_digest, config_digest: r.config_digest,
      criteria: { met: r.met, not_met: r.not_met, unknown: r.unknown },
      levels: Object.fromEntries(levels.map((l) => [l.item, { level: l.level, ceiling: l.ceiling }])),
    };
  }
}
