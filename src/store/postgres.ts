import pg from 'pg';
import { UserError } from '../errors.js';
import type { Report } from '../report/schema.js';
import { POSTGRES_MIGRATIONS } from './pg-migrations.js';
import { newRunId, parseRelative, summarise } from './summary.js';
import type { Retention, RunStore, RunSummary } from './types.js';

interface RunRow {
  id: string; scope: string; started_at: Date; finished_at: Date; tool_version: string;
  rules_digest: string; config_digest: string; met: number; not_met: number; unknown: number;
}

const RUN_COLUMNS = 'id, scope, started_at, finished_at, tool_version, rules_digest, config_digest, met, not_met, unknown';

/** The advisory lock every agent takes around the migration: "techops\0" as a bigint. */
const MIGRATION_LOCK = BigInt('0x746563686f707300').toString();

/** Where a URL points, for messages and logs: the URL without its password. */
export function postgresLocation(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    return u.toString();
  } catch {
    return 'postgres://(a URL that does not parse)';
  }
}

/** The password a postgres:// URL carries, if any; undefined for anything else. */
export function postgresPassword(url: string): string | undefined {
  if (!/^postgres(ql)?:\/\//i.test(url)) return undefined;
  try {
    const u = new URL(url);
    return (u.password ? decodeURIComponent(u.password) : undefined) ?? u.searchParams.get('password') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The fleet's store: one PostgreSQL database that many agents (one per cluster or business line)
 * write into, with node-postgres. The same tables as the SQLite store; each run is written in one
 * transaction, so a crashed agent leaves no half run; the schema is migrated on open under an
 * advisory lock, so agents starting at once apply each step once.
 */
export class PostgresStore implements RunStore {
  private constructor(private readonly pool: pg.Pool, readonly location: string) {}

  /** `url` may carry the password (from `${ENV}` in the config) or leave it to PGPASSWORD. */
  static async open(url: string): Promise<PostgresStore> {
    const location = postgresLocation(url);
    // Few connections: an agent writes one run at a time and reads little.
    const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 15_000, application_name: 'techops' });
    // An idle connection the server drops must not crash the agent; the next query reconnects.
    pool.on('error', () => {});
    const store = new PostgresStore(pool, location);
    try {
      await store.migrate();
    } catch (err) {
      await pool.end().catch(() => {});
      if (err instanceof UserError) throw err;
      throw new UserError(`cannot open the store ${location}: ${(err as Error).message}`);
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
      await c.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
      const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
      const applied = rows[0].v ?? 0;
      if (applied > POSTGRES_MIGRATIONS.length) throw new UserError(`the store ${this.location} was written by a newer techops (schema ${applied}, this one knows ${POSTGRES_MIGRATIONS.length})`);
      for (let v = applied; v < POSTGRES_MIGRATIONS.length; v++) {
        await c.query(POSTGRES_MIGRATIONS[v]);
        await c.query('INSERT INTO schema_version (version) VALUES ($1)', [v + 1]);
      }
    });
  }

  private async transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await work(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  async record(report: Report, reportJson: string): Promise<RunSummary> {
    const id = newRunId(report);
    const s = summarise(id, report);
    await this.transaction(async (c) => {
      await c.query(`INSERT INTO runs (${RUN_COLUMNS}, report_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [id, s.scope, s.started_at, s.finished_at, s.tool_version, s.rules_digest, s.config_digest, s.criteria.met, s.criteria.not_met, s.criteria.unknown, reportJson]);
      // One statement per table, the rows as arrays: a run of a thousand signals is four round trips.
      const caps = report.capabilities;
      await c.query('INSERT INTO levels (run_id, item, level, ceiling) SELECT $1, * FROM unnest($2::text[], $3::integer[], $4::integer[])',
        [id, caps.map((x) => x.id), caps.map((x) => x.level), caps.map((x) => x.ceiling)]);
      const crit = report.criteria;
      await c.query('INSERT INTO verdicts (run_id, criterion, status, basis) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])',
        [id, crit.map((x) => x.id), crit.map((x) => x.status), crit.map((x) => x.basis ?? null)]);
      const sig = report.signals;
      await c.query('INSERT INTO signal_values (run_id, signal, status, value) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::jsonb[])',
        [id, sig.map((x) => x.id), sig.map((x) => x.status), sig.map((x) => (x.value === undefined ? null : JSON.stringify(x.value)))]);
    });
    return s;
  }

  async list(opts: { scope?: string; limit?: number } = {}): Promise<RunSummary[]> {
    const { rows } = await this.pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE ($1::text IS NULL OR scope = $1)
      ORDER BY started_at DESC, seq DESC LIMIT $2`, [opts.scope ?? null, opts.limit ?? null]);
    return this.summaries(rows);
  }

  async find(ref: string, scope?: string): Promise<RunSummary | undefined> {
    const back = parseRelative(ref);
    if (back !== undefined) return (await this.list({ scope, limit: back + 1 }))[back];
    const { rows } = await this.pool.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id LIKE $1 ESCAPE '\\' AND ($2::text IS NULL OR scope = $2)
      ORDER BY started_at DESC, seq DESC LIMIT 2`, [ref.replace(/[\\%_]/g, (ch) => `\\${ch}`) + '%', scope ?? null]);
    if (rows.length > 1 && rows[0].id !== ref) throw new UserError(`run '${ref}' is ambiguous: it starts ${rows.map((r) => r.id).join(' and ')}; give more of the id`);
    return (await this.summaries(rows.slice(0, 1)))[0];
  }

  async reportJson(id: string): Promise<string> {
    const { rows } = await this.pool.query<{ report_json: string }>('SELECT report_json FROM runs WHERE id = $1', [id]);
    if (!rows[0]) throw new UserError(`no run ${id} in the store ${this.location}`);
    return rows[0].report_json;
  }

  async prune(retention: Retention): Promise<number> {
    if (retention.keepRuns === undefined && retention.keepSeconds === undefined) return 0;
    // Per scope, as the SQLite store does: one agent's retention never trims another scope's runs
    // by its own count, and the age is measured from each scope's newest run.
    const { rowCount } = await this.pool.query(`DELETE FROM runs WHERE id IN (
        SELECT id FROM (
          SELECT id, started_at,
                 row_number() OVER (PARTITION BY scope ORDER BY started_at DESC, seq DESC) AS n,
                 max(started_at) OVER (PARTITION BY scope) AS newest
          FROM runs) r
        WHERE ($1::integer IS NOT NULL AND r.n > $1)
           OR ($2::double precision IS NOT NULL AND r.newest - r.started_at > make_interval(secs => $2)))`,
      [retention.keepRuns ?? null, retention.keepSeconds ?? null]);
    return rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async summaries(rows: RunRow[]): Promise<RunSummary[]> {
    if (!rows.length) return [];
    const { rows: levels } = await this.pool.query<{ run_id: string; item: string; level: number; ceiling: number }>(
      'SELECT run_id, item, level, ceiling FROM levels WHERE run_id = ANY($1::text[]) ORDER BY run_id, item', [rows.map((r) => r.id)]);
    return rows.map((r) => ({
      id: r.id, scope: r.scope, started_at: r.started_at.toISOString(), finished_at: r.finished_at.toISOString(), tool_version: r.tool_version,
      rules_digest: r.rules_digest, config_digest: r.config_digest,
      criteria: { met: r.met, not_met: r.not_met, unknown: r.unknown },
      levels: Object.fromEntries(levels.filter((l) => l.run_id === r.id).map((l) => [l.item, { level: l.level, ceiling: l.ceiling }])),
    }));
  }
}
