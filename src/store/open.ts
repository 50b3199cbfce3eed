import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { RunStore } from './types.js';

/** A PostgreSQL URL (the fleet's store) rather than a SQLite file path. */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** A store as given on the command line: a URL as it is, a file path from the working directory. */
export const storeLocation = (given: string): string => (isPostgresUrl(given) ? given : resolve(given));

/**
 * Opens the store a path or URL names: `postgres://…` a PostgreSQL database, anything else a
 * SQLite file. `mustExist` for commands that only read (history, diff, export): they say where
 * they looked instead of creating an empty file (a database is there or the connection fails).
 */
export async function openStore(location: string, opts: { mustExist?: boolean } = {}): Promise<RunStore> {
  if (isPostgresUrl(location)) return PostgresStore.open(location);
  if (opts.mustExist && !existsSync(location)) throw new UserError(`no run history at ${location} (scan first, or name the store with --store or the config with -c)`);
  return SqliteStore.open(location);
}
