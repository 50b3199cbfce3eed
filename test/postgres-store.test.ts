import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliDeps } from '../src/cli/main.js';
import { fixedClock } from '../src/clock.js';
import { parseConfig } from '../src/config/load.js';
import type { Report } from '../src/report/schema.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { POSTGRES_MIGRATIONS } from '../src/store/pg-migrations.js';
import { PostgresStore, postgresLocation, postgresPassword } from '../src/store/postgres.js';
import { FIXTURE_RULES } from './helpers/engine.js';
import { fixtureCollector } from './helpers/fixture-collector.js';
import { json, startServer, type TestServer } from './helpers/http-server.js';
import { postgresMissing, startPostgres, type TestPostgres } from './helpers/postgres.js';
import { freePort, integrationRequired, waitUntil } from './helpers/stack.js';

/** Table name → column names, read from CREATE TABLE statements. */
function tables(steps: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of steps.join('\n').matchAll(/CREATE TABLE (\w+) \(([\s\S]*?)\n\s*\);/g)) {
    out[m[1]] = m[2].split(/,\s*(?![^(]*\))/).map((c) => c.trim()).filter((c) => !/^PRIMARY KEY/.test(c)).map((c) => c.split(/\s+/)[0]);
  }
  return out;
}

describe('the PostgreSQL schema', () => {
  it('has the SQLite store\'s tables and columns, one step for each of its steps', () => {
    expect(POSTGRES_MIGRATIONS).toHaveLength(MIGRATIONS.length);
    const sqlite = tables(MIGRATIONS);
    expect(Object.keys(sqlite).sort()).toEqual(['levels', 'runs', 'signal_values', 'verdicts']);
    expect(tables(POSTGRES_MIGRATIONS)).toEqual(sqlite);
  });

  it('store.url takes a postgres:// URL with its password from ${ENV}, and neither another scheme nor a path beside it', () => {
    const load = (store: unknown, env: Record<string, string> = {}) => parseConfig({ assessment: { name: 'x' }, store }, '/etc/techops/techops.yaml', [], { env });
    expect(load({ url: 'postgres://agent:${PGPW}@db:5432/techops' }, { PGPW: 's3cret' }).store?.location).toBe('postgres://agent:s3cret@db:5432/techops');
    expect(() => load({ url: 'mysql://agent@db/techops' })).toThrow(/store\.url: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(() => load({ url: 'postgres://db/techops', path: 'runs.db' })).toThrow(/give either `path` \(a SQLite file\) or `url` \(PostgreSQL\), not both/);
    expect(() => load({ url: 'postgres://agent:${PGPW}@db/techops' })).toThrow(/environment variable PGPW .* is not set/);
  });

  it('shows a URL without its password', () => {
    expect(postgresLocation('postgres://agent:s3cr%40t@db.internal:5432/techops?sslmode=require'))
      .toBe('postgres://agent@db.internal:5432/techops?sslmode=require');
    expect(postgresLocation('postgresql://agent@db/techops?password=hunter2')).toBe('postgresql://agent@db/techops');
    expect(postgresPassword('postgres://agent:s3cr%40t@db/techops')).toBe('s3cr@t');
    expect(postgresPassword('postgresql://agent@db/techops?password=hunter2')).toBe('hunter2');
    expect(postgresPassword('postgres://agent@db/techops')).toBeUndefined();
    expect(postgresPassword('/var/lib/techops/runs.db')).toBeUndefined();
  });
});

const missing = postgresMissing();
if (missing && integrationRequired()) throw new Error('PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin) and TECHOPS_REQUIRE_INTEGRATION=1');

describe.skipIf(missing)('the PostgreSQL store against a real PostgreSQL', () => {
  let db: TestPostgres;
  let server: TestServer;
  let values: Record<string, unknown> = {};
  let n = 0;
  const freshDatabase = () => db.database(`t${++n}`);

  beforeAll(async () => {
    db = await startPostgres();
    server = await startServer((req, res) => json(res, 200, { signals: values }));
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    db?.stop();
  });

  const report = (at: string, scope: string, level = 2, signals: { id: string; status: string; value?: unknown }[] = []): Report => ({
    run: { started_at: at, finished_at: at, tool: { name: 'techops', version: 't' }, rules_digest: 'sha256:r', config_digest: 'sha256:c', assessment: { name: scope } },
    summary: { criteria: { met: 1, not_met: 0, unknown: 0 } },
    capabilities: [{ id: '5.3.1', level, ceiling: 3 }, { id: '5.3.2', level: 1, ceiling: 1 }],
    criteria: [{ id: '5.3.1-1.1', status: 'met', basis: 'measured' }, { id: '5.3.1-2.1', status: 'unknown' }],
    signals,
  }) as unknown as Report;

  it('agents starting at once apply each migration step once', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open(url)));
    await Promise.all(stores.map((s) => s.close()));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query('SELECT version FROM schema_version ORDER BY version')).rows).toEqual(POSTGRES_MIGRATIONS.map((_, i) => ({ version: i + 1 })));
      await c.query('INSERT INTO schema_version VALUES ($1)', [POSTGRES_MIGRATIONS.length + 1]);
    } finally {
      await c.end();
    }
    await expect(PostgresStore.open(url)).rejects.toThrow(/written by a newer techops \(schema 2, this one knows 1\)/);
  });

  it('two agents writing at once each keep all their runs, and history and find work per scope', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([PostgresStore.open(url), PostgresStore.open(url)]);
    const day = (i: number) => `2026-11-${String(i + 1).padStart(2, '0')}T10:00:00.000Z`;
    const signals = Array.from({ length: 300 }, (_, i) => ({ id: `s.${i}`, status: 'observed', value: { n: i, label: `it's "${i}"` } }));
    await Promise.all([
      ...Array.from({ length: 15 }, (_, i) => a.record(report(day(i), 'cluster-a', i % 3, signals), JSON.stringify({ a: i }))),
      ...Array.from({ length: 15 }, (_, i) => b.record(report(day(i), 'cluster-b', 2), JSON.stringify({ b: i }))),
    ]);
    expect(await a.list()).toHaveLength(30);
    const onlyA = await b.list({ scope: 'cluster-a' });
    expect(onlyA).toHaveLength(15);
    expect(onlyA[0]).toMatchObject({ scope: 'cluster-a', started_at: day(14), criteria: { met: 1, not_met: 0, unknown: 0 }, levels: { '5.3.1': { level: 14 % 3, ceiling: 3 }, '5.3.2': { level: 1, ceiling: 1 } } });
    const prev = await a.find('latest~1', 'cluster-b');
    expect(prev).toMatchObject({ scope: 'cluster-b', started_at: day(13) });
    expect(await a.reportJson(prev!.id)).toBe('{"b":13}');
    expect((await a.find(prev!.id.slice(0, 22)))?.id).toBe(prev!.id);
    await expect(a.find('202611')).rejects.toThrow(/ambiguous/);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query("SELECT count(*)::int AS n, count(DISTINCT run_id)::int AS runs FROM signal_values");
      expect(rows[0]).toEqual({ n: 15 * 300, runs: 15 });
      const v = await c.query("SELECT value FROM signal_values WHERE signal = 's.7' LIMIT 1");
      expect(v.rows[0].value).toEqual({ n: 7, label: 'it\'s "7"' });
    } finally {
      await c.end();
    }
    // retention per scope: each scope keeps its own newest runs
    expect(await a.prune({ keepRuns: 4 })).toBe(22);
    expect((await b.list({ scope: 'cluster-a' })).map((r) => r.started_at)).toEqual([day(14), day(13), day(12), day(11)]);
    expect(await b.list({ scope: 'cluster-b' })).toHaveLength(4);
    expect(await a.prune({ keepSeconds: 86_400 })).toBe(4);
    await Promise.all([a.close(), b.close()]);
  });

  it('a run that fails half way is not written at all', async () => {
    const url = await freshDatabase();
    const store = await PostgresStore.open(url);
    await store.record(report('2026-11-01T00:00:00.000Z', 'x'), '{}');
    // two values for one signal break the last insert of the run's transaction
    const broken = report('2026-11-02T00:00:00.000Z', 'x', 2, [{ id: 'dup', status: 'observed', value: 1 }, { id: 'dup', status: 'observed', value: 2 }]);
    await expect(store.record(broken, '{}')).rejects.toThrow(/duplicate key/);
    expect((await store.list()).map((r) => r.started_at)).toEqual(['2026-11-01T00:00:00.000Z']);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query('SELECT count(*)::int AS n FROM levels')).rows[0].n).toBe(2);
    } finally {
      await c.end();
    }
    await store.close();
  });

  it('an agent killed inside the write leaves the earlier runs intact and no half run', async () => {
    const url = await freshDatabase();
    const store = await PostgresStore.open(url);
    await store.record(report('2026-11-01T00:00:00.000Z', 'x'), '{}');
    // Another process writes a run the way the store does, and is killed with the transaction open.
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import pg from 'pg';
      const c = new pg.Client({ connectionString: ${JSON.stringify(url)} });
      await c.connect();
      await c.query('BEGIN');
      await c.query("INSERT INTO runs VALUES ('half', 'x', now(), now(), 't', 'r', 'c', 0, 0, 0, '{}')");
      await c.query("INSERT INTO signal_values SELECT 'half', 's' || i, 'observed', to_jsonb(i) FROM generate_series(1, 5000) i");
      process.kill(process.pid, 'SIGKILL');
    `], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect((await store.list()).map((r) => r.started_at)).toEqual(['2026-11-01T00:00:00.000Z']);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query("SELECT count(*)::int AS n FROM signal_values WHERE run_id = 'half'")).rows[0].n).toBe(0);
    } finally {
      await c.end();
    }
    // and the store goes on recording
    await store.record(report('2026-11-03T00:00:00.000Z', 'x'), '{}');
    expect(await store.list()).toHaveLength(2);
    await store.close();
  });

  it('a wrong password or a server that is not there is one clear message without the password', async () => {
    const wrong = db.url.replace(db.password, 'not-the-password');
    const err = await PostgresStore.open(wrong).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`^cannot open the store postgres://techops@127\\.0\\.0\\.1:${db.port}/techops: password authentication failed`));
    expect((err as Error).message).not.toContain('not-the-password');
    const h = await cli(['history', '--store', wrong], '2026-11-25T11:00:00Z');
    expect(h.code).toBe(1);
    expect(h.stderr).toContain(`techops: cannot open the store postgres://techops@127.0.0.1:${db.port}/techops: password authentication failed`);
    expect(h.stderr).not.toContain('not-the-password');
    const nobody = await freePort();
    const down = await cli(['history', '--store', `postgres://techops:${db.password}@127.0.0.1:${nobody}/techops`], '2026-11-25T11:00:00Z');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`techops: cannot open the store postgres://techops@127.0.0.1:${nobody}/techops: connect ECONNREFUSED`);
  });

  async function cli(argv: string[], at: string, env: CliDeps['env'] = { TECHOPS_PG_PASSWORD: db.password }) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, {
      registry: [fixtureCollector], stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false,
      clock: fixedClock(at), env,
    });
    expect(stdout + stderr).not.toContain(db.password);
    return { code, stdout, stderr };
  }

  it('scans of two agents with their own scopes go into one database, and serve\'s; history --scope and diff read them', async () => {
    const url = await freshDatabase();
    const storeUrl = url.replace(encodeURIComponent(db.password), '${TECHOPS_PG_PASSWORD}');
    const dir = mkdtempSync(join(tmpdir(), 'techops-fleet-'));
    const config = (scope: string) => {
      const file = join(dir, `${scope}.yaml`);
      writeFileSync(file, `assessment: { name: Fleet estate, scope: ${scope} }
rules: ${FIXTURE_RULES}
collectors:
  fixture:
    - name: main
      url: ${server.url}/signals.json
store:
  url: ${storeUrl}
  keep_runs: 10
`);
      return file;
    };
    const [east, west] = [config('east'), config('west')];
    const GOOD = { 'fixture.alerts.count': 12, 'fixture.channels.count': 3, 'fixture.severity.ratio': 0.95, 'fixture.grouping.enabled': true, 'fixture.deploys.count': 40, 'fixture.deploys.success_ratio': 0.97 };
    values = GOOD;
    const scan = (file: string, at: string) => cli(['scan', '-c', file, '-o', join(dir, 'out'), '-f', 'json'], at);
    const [e1, w1] = await Promise.all([scan(east, '2026-11-24T10:00:00Z'), scan(west, '2026-11-24T10:00:00Z')]);
    expect(e1.code, e1.stderr).toBe(0);
    expect(w1.code, w1.stderr).toBe(0);
    expect(e1.stderr).toContain(`"store":"postgres://techops@127.0.0.1:${db.port}/t${n}"`);
    values = { ...GOOD, 'fixture.alerts.count': 0 };
    expect((await scan(east, '2026-11-25T10:00:00Z')).code).toBe(0);

    const all = JSON.parse((await cli(['history', '-c', east, '--json'], '2026-11-25T11:00:00Z')).stdout);
    expect(all.map((r: { scope: string }) => r.scope).sort()).toEqual(['east', 'east', 'west']);
    const h = await cli(['history', '-c', west, '--scope', 'east', '--item', '1.1.1'], '2026-11-25T11:00:00Z');
    expect(h.code, h.stderr).toBe(0);
    const lines = h.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^20261125T100000Z-[0-9a-f]{6}\s+2026-11-25 10:00:00\s+east\s+.*0 \/ 0$/);
    expect(lines[2]).toMatch(/^20261124T100000Z-[0-9a-f]{6}\s+2026-11-24 10:00:00\s+east\s+.*1 \/ 5$/);

    const d = JSON.parse((await cli(['diff', '-c', west, '--scope', 'east', '-f', 'json'], '2026-11-25T11:00:00Z')).stdout);
    expect(d.criteria.find((c: { id: string }) => c.id === '1.1.1-1.1')).toMatchObject({ from: 'met', to: 'not_met' });
    expect(d.signals.map((s: { id: string }) => s.id)).toEqual(['fixture.alerts.count']);
    // across scopes: the west run against the latest east run, by id
    const westRun = all.find((r: { scope: string }) => r.scope === 'west').id;
    const x = JSON.parse((await cli(['diff', westRun, 'latest', '--store', url, '-f', 'json'], '2026-11-25T11:00:00Z')).stdout);
    expect(x.from.id).toBe(westRun);
    expect(x.signals.map((s: { id: string }) => s.id)).toEqual(['fixture.alerts.count']);

    // serve records each of its scans in the same database
    const ac = new AbortController();
    const served = main(['serve', '-c', config('served'), '-o', join(dir, 'served'), '--listen', '127.0.0.1:0', '--schedule', '* * * * * *', '--grace', '5s', '-q'], {
      registry: [fixtureCollector], stdout: () => {}, stderr: () => {}, stderrIsTTY: false, env: { TECHOPS_PG_PASSWORD: db.password }, shutdown: ac.signal,
    });
    const reader = await PostgresStore.open(url);
    try {
      await waitUntil('two served scans in PostgreSQL', async () => ((await reader.list({ scope: 'served' })).length >= 2 ? true : undefined));
    } finally {
      ac.abort();
      expect(await served).toBe(0);
      await reader.close();
    }

    const unset = await cli(['history', '-c', east], '2026-11-25T11:00:00Z', {});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('environment variable TECHOPS_PG_PASSWORD (named by ${TECHOPS_PG_PASSWORD}) is not set');
  }, 90_000);
});
