import { readFailed, readOk, type Read } from '../../../src/collector/kit.js';
import { CollectError } from '../../../src/http/errors.js';
import { isFatal } from '../errors.js';

/**
 * Runs one read of one repository and settles it as a kit Read: ok with the evidence of every
 * request it made, or failed with those and the failed request's. A fatal failure (401, a spent
 * rate limit or budget, the deadline: no later request can succeed) is thrown and ends the
 * collection.
 */
export async function settle<T>(run: (evidence: string[]) => Promise<T>): Promise<Read<T>> {
  const evidence: string[] = [];
  try {
    return readOk(await run(evidence), evidence);
  } catch (err) {
    if (isFatal(err)) throw err;
    return readFailed(err, evidence);
  }
}

/**
 * Inside a settle: the data of a read made before (a bulk query shared with other reads), its
 * evidence added to this one's; its failure, of the same kind, fails this one too.
 */
export function dataOf<T>(read: Read<T>, evidence: string[]): T {
  evidence.push(...read.evidence);
  if (read.status === 'ok') return read.data;
  throw new CollectError(read.status === 'failed' ? (read.kind ?? 'rejected') : 'rejected', read.reason);
}
