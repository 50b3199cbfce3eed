import type { Measured } from './measured.js';

/**
 * A scan the rate limit does not pay for whole is sampled, not failed: the most recently active
 * repositories (projects) that fit are scanned, one warning says so, the count's detail names
 * what was left out, and every value carries the note `sampled: …`. One wording for every
 * collector that samples (GitHub's and GitLab's).
 */

export interface Sampled<T> {
  kept: T[];
  /** `N of M <noun>, by recent activity (<why>)`; undefined when everything fits. */
  sampled?: string;
}

/**
 * The first `fit` of `ranked` (most recently active first), at least one: a scan of nothing
 * would say nothing of the estate, and one is a sample the report names as such.
 */
export function sampleByActivity<T>(ranked: readonly T[], fit: number, noun: string, why: string): Sampled<T> {
  if (fit >= ranked.length) return { kept: [...ranked] };
  const kept = ranked.slice(0, Math.max(1, Math.floor(fit)));
  return { kept, sampled: `${kept.length} of ${ranked.length} ${noun}, by recent activity (${why})` };
}

/** The one warning line. */
export function sampledWarning(collector: string, sampled: string): string {
  return `${collector}: the rate limit does not pay for the whole scan: ${sampled}`;
}

/** The part of the count's detail naming what was left out. */
export function sampledOut(left: number, sampled: string): string {
  return `${left} the rate limit does not pay for (sampled: ${sampled})`;
}

/** A value from the sample, noted as such (anything but a value is left as it is). */
export function notedSample(m: Measured, sampled: string | undefined): Measured {
  return sampled && m.status === 'value' ? { ...m, notes: [...(m.notes ?? []), `sampled: ${sampled}`] } : m;
}
