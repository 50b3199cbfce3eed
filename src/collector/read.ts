import { errorMessage } from '../errors.js';
import { isCollectError, type FailureKind } from '../http/errors.js';

/**
 * What reading one thing from a system came to, the one shape every collector's `read.ts` returns:
 * - ok: the data, folded from every page it took;
 * - absent: the system has nothing of this kind (a CRD not installed, a paid feature not
 *   licensed); signals measured from it are not_available, never 0;
 * - failed: it could not be read (refused, unreachable, malformed …); signals measured from it
 *   are failed with this reason.
 * Each carries the evidence ids of every request it made, the failed one included.
 */
export type Read<T> =
  | { status: 'ok'; data: T; evidence: string[] }
  | { status: 'absent'; reason: string; evidence: string[] }
  | { status: 'failed'; reason: string; kind?: FailureKind; evidence: string[] };

export const readOk = <T>(data: T, evidence: string[]): Read<T> => ({ status: 'ok', data, evidence });
export const readAbsent = (reason: string, evidence: string[] = []): Read<never> => ({ status: 'absent', reason, evidence });

/** A failed read from what was thrown; the evidence of the failed request is kept when the error names it. */
export function readFailed(err: unknown, evidence: string[] = []): Read<never> {
  const own = isCollectError(err) && err.detail.evidence ? [err.detail.evidence] : [];
  return { status: 'failed', reason: errorMessage(err), kind: isCollectError(err) ? err.kind : undefined, evidence: [...evidence, ...own.filter((e) => !evidence.includes(e))] };
}

export interface ReadOptions {
  /**
   * Failure kinds that end the whole collection instead of one read: by default only a passed
   * deadline (`aborted`). A collector adds `credentials` for the first request, where a refused
   * token makes every other read pointless.
   */
  fatal?: FailureKind[];
  /** A failure of these kinds means the thing is absent rather than failed (e.g. `not_found` for an optional API). */
  absentOn?: FailureKind[];
  /** The absent reason; the error's message by default. */
  absentReason?: string;
}

/**
 * Runs one read and settles it: what it returns is ok, what it throws becomes a failed (or
 * absent) read, so one failure stays with its own signals. Fatal kinds are rethrown.
 */
export async function attemptRead<T>(run: () => Promise<{ data: T; evidence: string[] } | Read<T>>, opts: ReadOptions = {}): Promise<Read<T>> {
  try {
    const got = await run();
    return 'status' in got ? got : readOk(got.data, got.evidence);
  } catch (err) {
    const fatal = opts.fatal ?? [];
    if (isCollectError(err) && (err.kind === 'aborted' || fatal.includes(err.kind))) throw err;
    if (isCollectError(err) && opts.absentOn?.includes(err.kind)) return readAbsent(opts.absentReason ?? errorMessage(err), err.detail.evidence ? [err.detail.evidence] : []);
    return readFailed(err);
  }
}

/** Analyses a read's data; an analysis that throws fails the read with the same evidence. */
export function mapRead<T, U>(read: Read<T>, analyse: (data: T) => U): Read<U> {
  if (read.status !== 'ok') return read;
  try {
    return readOk(analyse(read.data), read.evidence);
  } catch (err) {
    return readFailed(err, read.evidence);
  }
}

type Data<R> = { [K in keyof R]: R[K] extends Read<infer T> ? T : never };

/**
 * Several reads that one measurement needs: ok with all their data and evidence, or the first
 * that is not ok (failed before absent: a failure must not pass for "nothing there").
 */
export function allReads<R extends Record<string, Read<unknown>>>(reads: R): Read<Data<R>> {
  const list = Object.values(reads);
  const evidence = [...new Set(list.flatMap((r) => r.evidence))];
  const failed = list.find((r) => r.status === 'failed');
  if (failed) return { ...failed, evidence };
  const absent = list.find((r) => r.status === 'absent');
  if (absent) return { ...absent, evidence };
  const data = Object.fromEntries(Object.entries(reads).map(([k, r]) => [k, (r as { data: unknown }).data]));
  return readOk(data as Data<R>, evidence);
}
