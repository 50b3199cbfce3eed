import { errorMessage } from '../../src/errors.js';
import { isCollectError, type FailureKind } from '../../src/http/errors.js';
import type { SignalAnnotations } from '../../src/signals/types.js';
import type { Fetched } from './api.js';

/** What one request came to: its data, or the error that stopped it. */
export type Outcome<T> = { ok: true; data: T; evidence: string } | { ok: false; error: unknown; message: string; kind?: FailureKind; evidence?: string };

export function failure(error: unknown): Outcome<never> {
  return {
    ok: false,
    error,
    message: errorMessage(error),
    kind: isCollectError(error) ? error.kind : undefined,
    evidence: isCollectError(error) ? error.detail.evidence : undefined,
  };
}

export async function settle<T>(run: () => Promise<Fetched<T>>): Promise<Outcome<T>> {
  try {
    const res = await run();
    return { ok: true, data: res.data, evidence: res.evidence };
  } catch (err) {
    return failure(err);
  }
}

/** Analyses a response; an analysis that throws fails like the response would have. */
export function mapOutcome<T, U>(o: Outcome<T>, analyse: (data: T) => U): Outcome<U> {
  if (!o.ok) return o;
  try {
    return { ok: true, data: analyse(o.data), evidence: o.evidence };
  } catch (err) {
    return { ...failure(err), evidence: o.evidence };
  }
}

type Tasks = Record<string, () => Promise<Fetched<unknown>>>;
export type Settled<T extends Tasks> = { [K in keyof T]: Outcome<Awaited<ReturnType<T[K]>>['data']> };

/**
 * Runs the requests a few at a time: fast enough for a scan, gentle on a busy server, and each
 * failure stays with its own request.
 */
export async function settleAll<T extends Tasks>(tasks: T, concurrency: number): Promise<Settled<T>> {
  const entries = Object.entries(tasks);
  const results: Record<string, Outcome<unknown>> = {};
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const [key, run] = entries[next++];
      results[key] = await settle(run);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return results as Settled<T>;
}

/** A signal's result before it is emitted, so that signals built from others can combine them. */
export type Measured =
  | ({ status: 'value'; value: number | boolean; evidence: string[]; detail?: string } & SignalAnnotations)
  | { status: 'not_available'; reason: string; evidence?: string[] }
  | { status: 'failed'; reason: string; evidence?: string[] };

export const value = (v: number | boolean, evidence: string[], detail?: string): Measured => ({ status: 'value', value: v, evidence, detail });
export const notAvailable = (reason: string, evidence?: string): Measured => ({ status: 'not_available', reason, evidence: evidence ? [evidence] : undefined });
export const failed = (reason: string, evidence?: string): Measured => ({ status: 'failed', reason, evidence: evidence ? [evidence] : undefined });
