import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliDeps } from '../src/cli/main.js';
import { fixedClock } from '../src/clock.js';
import type { Report } from '../src/report/schema.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { FIXTURE_RULES } from './helpers/engine.js';
import { fixtureCollector } from './helpers/fixture-collector.js';
import { json, startServer, type TestServer } from './helpers/http-server.js';

const TOKEN = 'store-secret-token-5151';
let server: TestServer;
let values: Record<string, unknown> = {};

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { message: 'Bad credentials' });
    json(res, 200, { signals: values });
  });
});
afterAll(() => server.close());

async function cli(argv: string[], at = '2026-11-25T10:00:00Z', deps: Partial<CliDeps> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    registry: [fixtureCollector], stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false,
    clock: fixedClock(at), env: { STORE_TOKEN: TOKEN }, ...deps,
  });
  return { code, stdout, stderr };
}

function workspace(store = ''): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'techops-store-'));
  const config = join(dir, 'techops.yaml');
  writeFileSync(config, `assessment: { name: Store test estate }
rules: ${FIXTURE_RULES}
collectors:
  fixture:
    - name: main
      url: ${server.url}/signals.json
      token: \${STORE_TOKEN}
${store}`);
  return { dir, config };
}

const GOOD = {
  'fixture.alerts.count': 12, 'fixture.channels.count': 3, 'fixture.severity.ratio': 0.95,
  'fixture.grouping.enabled': true, 'fixture.deploys.count': 40, 'fixture.deploys.success_ratio': 0.97,
};

describe('run history', () => {
  it('records every scan beside the config, lists it in history and diffs the last two by the signals that moved', async () => {
    const { dir, config } = workspace();
    values = GOOD;
    expect((await cli(['scan', '-c', config, '-o', join(dir, 'out'), '-q'], '2026-11-24T10:00:00Z')).code).toBe(0);
    values = { ...GOOD, 'fixture.alerts.count': 0 };
    expect((await cli(['scan', '-c', config, '-o', join(dir, 'out'), '-q'], '2026-11-25T10:00:00Z')).code).toBe(0);

    const h = await cli(['history', '-c', config, '--item', '1.1.1']);
    expect(h.code).toBe(0);
    const lines = h.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^20261125T100000Z-[0-9a-f]{6}\s+2026-11-25 10:00:00\s+Store test estate/);
    expect(lines[2]).toMatch(/^20261124T100000Z-/);
    const [newer, older] = JSON.parse((await cli(['history', '-c', config, '--item', '1.1.1', '--json'])).stdout);
    expect(older.levels['1.1.1']).toEqual({ level: 1, ceiling: 5 });
    expect(newer.levels['1.1.1'].level).toBe(0);

    const d = JSON.parse((await cli(['diff', '-c', config, '-f', 'json'])).stdout);
    expect(d.from.id).toBe(older.id);
    expect(d.to.id).toBe(newer.id);
    expect(d.levels).toContainEqual({ item: '1.1.1', from: { level: 1, ceiling: 5 }, to: { level: 0, ceiling: 0 } });
    const flipped = d.criteria.find((c: { id: string }) => c.id === '1.1.1-1.1');
    expect(flipped).toMatchObject({ from: 'met', to: 'not_met' });
    expect(flipped.signals).toContainEqual({ id: 'fixture.alerts.count', from: { status: 'observed', value: 12 }, to: { status: 'observed', value: 0 } });
    expect(d.signals.map((s: { id: string }) => s.id)).toEqual(['fixture.alerts.count']);
    const md = (await cli(['diff', older.id.slice(0, 17), 'latest', '-c', config, '-f', 'md'])).stdout;
    expect(md).toContain('- **1.1.1-1.1** met → not_met');
    expect(md).toContain('- `fixture.alerts.count` 12 → 0');
  });

  it('records nothing with --no-store or store: false, and says where it looked', async () => {
    const { dir, config } = workspace('store: false\n');
    values = GOOD;
    expect((await cli(['scan', '-c', config, '-o', join(dir, 'out'), '-q'])).code).toBe(0);
    const h = await cli(['history', '-c', config]);
    expect(h.code).toBe(1);
    expect(h.stderr).toContain('records no history (store: false)');
    const other = workspace();
    expect((await cli(['scan', '-c', other.config, '-o', join(other.dir, 'out'), '-q', '--no-store'])).code).toBe(0);
    expect((await cli(['history', '-c', other.config])).stderr).toMatch(/no run history at .*\.techops\/runs\.db/);
  });

  it('keeps the runs its retention allows, per scope', async () => {
    const { dir, config } = workspace('store: { keep_runs: 2 }\n');
    values = GOOD;
    for (const day of ['21', '22', '23']) await cli(['scan', '-c', config, '-o', join(dir, 'out'), '-q'], `2026-11-${day}T10:00:00Z`);
    const runs = JSON.parse((await cli(['history', '-c', config, '--json'])).stdout);
    expect(runs.map((r: { started_at: string }) => r.started_at.slice(0, 10))).toEqual(['2026-11-23', '2026-11-22']);
  });
});

describe('the store on disk', () => {
  const report = (at: string, scope = 'a'): Report => ({
    run: { started_at: at, finished_at: at, tool: { name: 'techops', version: 't' }, rules_digest: 'sha256:r', config_digest: 'sha256:c', assessment: { name: scope } },
    summary: { criteria: { met: 1, not_met: 0, unknown: 0 } }, capabilities: [{ id: '5.3.1', level: 2, ceiling: 3 }], criteria: [], signals: [],
  }) as unknown as Report;

  it('a process killed inside the write leaves the earlier runs intact and no half run', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'techops-db-')), 'runs.db');
    const store = SqliteStore.open(file);
    void store.record(report('2026-11-01T00:00:00.000Z'), '{}');
    void store.close();
    // A child records a run whose signal rows are many, and is killed while the transaction is open.
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import Database from 'better-sqlite3';
      const db = new Database(${JSON.stringify(file)});
      db.pragma('journal_mode = WAL');
      db.exec('BEGIN IMMEDIATE');
      db.prepare("INSERT INTO runs VALUES ('half', 'a', '2026-11-02', '2026-11-02', 't', 'r', 'c', 0, 0, 0, '{}', 2)").run();
      for (let i = 0; i < 5000; i++) db.prepare('INSERT INTO signal_values VALUES (?, ?, ?, ?)').run('half', 's' + i, 'observed', '1');
      process.kill(process.pid, 'SIGKILL');
    `], { cwd: process.cwd(), encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT id FROM runs').all()).toHaveLength(1);
    expect(db.prepare("SELECT count(*) AS n FROM signal_values WHERE run_id = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('opens a store twice without applying a step twice, and refuses one from a newer techops', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'techops-db-')), 'runs.db');
    await SqliteStore.open(file).close();
    await SqliteStore.open(file).close();
    const db = new Database(file);
    expect(db.prepare('SELECT version FROM schema_version ORDER BY version').all()).toEqual(MIGRATIONS.map((_, i) => ({ version: i + 1 })));
    db.prepare('INSERT INTO schema_version VALUES (?)').run(MIGRATIONS.length + 1);
    db.close();
    expect(() => SqliteStore.open(file)).toThrow(/written by a newer techops/);
  });

  it('finds runs by prefix, latest~N and scope, and names an ambiguous prefix', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'techops-db-')), 'runs.db');
    const store = SqliteStore.open(file);
    const a = await store.record(report('2026-11-01T00:00:00.000Z', 'x'), '{}');
    const b = await store.record(report('2026-11-02T00:00:00.000Z', 'y'), '{}');
    const c = await store.record(report('2026-11-03T00:00:00.000Z', 'x'), '{}');
    expect((await store.find('latest'))?.id).toBe(c.id);
    expect((await store.find('latest~1'))?.id).toBe(b.id);
    expect((await store.find('latest~1', 'x'))?.id).toBe(a.id);
    expect((await store.find(b.id.slice(0, 10)))?.id).toBe(b.id);
    await expect(store.find('202611')).rejects.toThrow(/ambiguous/);
    expect(await store.find('latest~5')).toBeUndefined();
    // two runs that started in the same millisecond: the later recorded is the latest
    const d = await store.record(report('2026-11-03T00:00:00.000Z', 'x'), '{}');
    expect((await store.find('latest'))?.id).toBe(d.id);
    expect((await store.find('latest~1'))?.id).toBe(c.id);
    await store.close();
  });
});

describe('evidence bundles', () => {
  it('export writes a bundle that verify accepts, and one changed byte anywhere fails it', async () => {
    const { dir, config } = workspace();
    values = GOOD;
    await cli(['scan', '-c', config, '-o', join(dir, 'out'), '-q']);
    const bundle = join(dir, 'run.tar.gz');
    const e = await cli(['export', '--bundle', bundle, '-c', config]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/written to .*run\.tar\.gz: 8 files/);
    const ok = await cli(['verify', bundle]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/intact, 8 files; run 20261125T100000Z-[0-9a-f]{6}/);
    // the recorded report is the one the scan wrote, byte for byte
    const tar = gunzipSync(readFileSync(bundle));
    expect(tar.includes(Buffer.from(readFileSync(join(dir, 'out', 'report.json'))))).toBe(true);
    // reproducible: the same run exports to the same bytes
    await cli(['export', '--bundle', join(dir, 'again.tgz'), '-c', config]);
    expect(readFileSync(join(dir, 'again.tgz')).equals(readFileSync(bundle))).toBe(true);

    // one byte inside a file (the tar re-compressed, so only the content differs)
    const flipped = Buffer.from(tar);
    const at = flipped.indexOf(Buffer.from('"fixture.alerts.count"')) + 2;
    flipped[at] = flipped[at] ^ 0x01;
    writeFileSync(join(dir, 'edited.tar.gz'), gzipSync(flipped));
    const bad = await cli(['verify', join(dir, 'edited.tar.gz')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/NOT intact\n {2}\S+ changed: SHA-256/);
    // one byte of the manifest's own text that no digest covers
    const m = Buffer.from(tar);
    const inManifest = m.indexOf(Buffer.from('"bundle": "techops evidence bundle"')) + 12;
    m[inManifest] = 'T'.charCodeAt(0);
    writeFileSync(join(dir, 'manifest.tar.gz'), gzipSync(m));
    expect((await cli(['verify', join(dir, 'manifest.tar.gz')])).stdout).toContain('manifest.json does not match the report and files it describes');
    // one byte of the compressed file itself
    const raw = readFileSync(bundle);
    raw[raw.length >> 1] ^= 0xff;
    writeFileSync(join(dir, 'raw.tar.gz'), raw);
    expect((await cli(['verify', join(dir, 'raw.tar.gz')])).code).toBe(1);
  });
});
