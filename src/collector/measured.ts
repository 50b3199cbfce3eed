import type { SignalAnnotations, SignalValue } from '../signals/types.js';
import type { Read } from './read.js';

/**
 * A signal's result before it is emitted, the one shape every collector's `measure.ts` returns,
 * so that signals built from others can combine them and `emitAll` can emit them all.
 */
export type Measured =
  | ({ status: 'value'; value: SignalValue; evidence: string[]; detail?: string } & SignalAnnotations)
  | { status: 'not_available'; reason: string; evidence: string[] }
  | { status: 'failed'; reason: string; evidence: string[] };

export const measuredValue = (value: SignalValue, evidence: string[], extra: { detail?: string } & SignalAnnotations = {}): Measured =>
  ({ status: 'value', value, evidence, ...extra });
export const notAvailable = (reason: string, evidence: string[] = []): Measured => ({ status: 'not_available', reason, evidence });
export const measureFailed = (reason: string, evidence: string[] = []): Measured => ({ status: 'failed', reason, evidence });

/**
 * Measures from a read: its data through a pure function when it is ok; otherwise the read's
 * reason, not available for an absent read and failed for a failed one. A measure function that
 * returns a Measured itself (e.g. not_available for an empty denominator) keeps it, with the
 * read's evidence added.
 */
export function fromRead<T>(read: Read<T>, measure: (data: T) => Measured | SignalValue, extra?: (data: T) => { detail?: string } & SignalAnnotations): Measured {
  if (read.status === 'absent') return notAvailable(read.reason, read.evidence);
  if (read.status === 'failed') return measureFailed(read.reason, read.evidence);
  try {
    const got = measure(read.data);
    if (typeof got === 'object') return { ...got, evidence: [...new Set([...read.evidence, ...got.evidence])] };
    return measuredValue(got, read.evidence, extra?.(read.data));
  } catch (err) {
    return measureFailed(`could not measure: ${err instanceof Error ? err.message : String(err)}`, read.evidence);
  }
}

/** A ratio, not available when there is nothing to divide by (an empty estate is not 0 % covered). */
export function ratioOf(part: number, whole: number, evidence: string[], what: string, extra: { detail?: string } & SignalAnnotations = {}): Measured {
  if (whole === 0) return notAvailable(`no ${what} to measure`, evidence);
  return measuredValue(part / whole, evidence, { detail: `${part} of ${whole} ${what}`, ...extra });
}
