import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './stack.js';

/**
 * A real PostgreSQL from Debian's packages, started for a test on a free 127.0.0.1 port with a
 * password (scram-sha-256), in a temporary folder that is removed on stop. PostgreSQL refuses to
 * run as root: as root the cluster is made and run as the `postgres` user the package creates.
 */
export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const postgresMissing = (): boolean => !existsSync(join(PG_BIN, 'pg_ctl')) || !existsSync(join(PG_BIN, 'initdb'));

export interface TestPostgres {
  /** postgres://techops:PASSWORD@127.0.0.1:PORT/techops */
  url: string;
  password: string;
  port: number;
  /** Creates another, empty database on the same server and gives its URL. */
  database(name: string): Promise<string>;
  stop(): void;
}

function run(args: string[], asUser: string | undefined, cwd = tmpdir()): string {
  const [cmd, ...rest] = asUser ? ['/usr/sbin/runuser', '-u', asUser, '--', ...args] : args;
  // A working directory the postgres user may enter (not the project's).
  const r = spawnSync(cmd, rest, { encoding: 'utf8', timeout: 60_000, cwd });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export async function startPostgres(): Promise<TestPostgres> {
  const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'techops-pg-'));
  const data = join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, password + '\n');
  if (asUser) {
    const uid = Number(run(['id', '-u', asUser], undefined).trim());
    const gid = Number(run(['id', '-g', asUser], undefined).trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  chmodSync(dir, 0o700);
  run([join(PG_BIN, 'initdb'), '-D', data, '-U', 'techops', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'], asUser);
  const port = await freePort();
  run([join(PG_BIN, 'pg_ctl'), '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60',
    '-o', `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c max_connections=50`, 'start'], asUser);
  const base = `postgres://techops:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  // initdb makes the `postgres` database; the tests' own are created through it.
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: `${base}/postgres` });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };
  await admin('CREATE DATABASE techops');
  return {
    url: `${base}/techops`,
    password,
    port,
    async database(name: string) {
      await admin(`CREATE DATABASE "${name}"`);
      return `${base}/${name}`;
    },
    stop() {
      try {
        run([join(PG_BIN, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], asUser);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
