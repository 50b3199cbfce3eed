import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';

/** Writes a file atomically (temp file, then rename), so a failed run never leaves half a report. */
export function writeAtomic(dir: string, name: string, content: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, name);
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, content);
    renameSync(tmp, path);
    return path;
  } catch (err) {
    throw new UserError(`cannot write ${name} to ${dir}: ${(err as Error).message}`);
  }
}
