import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import { SqliteStore } from './sqlite.js';
import type { RunStore } from './types.js';

/**
 * Opens the store a path or URL names. `mustExist` for commands that only read (history, diff,
 * export): they say where they looked instead of creating an empty store.
 */
export function openStore(location: string, opts: { mustExist?: boolean } = {}): RunStore {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new UserError('a PostgreSQL store is not supported by this version of techops yet; use a SQLite file path');
  }
  if (opts.mustExist && !existsSync(location)) throw new UserError(`no run history at ${location} (scan first, or name the store with --store or the config with -c)`);
  return SqliteStore.open(location);
}
