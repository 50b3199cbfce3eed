import { SAMPLE_MAX, type SignalObjects } from '../../../src/signals/types.js';

const NAMES_SHOWN = 10;
/** The first names behind a count, for the detail an auditor reads. */
export function firstNames(list: readonly string[], n = NAMES_SHOWN): string | undefined {
  if (list.length === 0) return undefined;
  return list.slice(0, n).join(', ') + (list.length > n ? `, … (${list.length} in all)` : '');
}

/** The objects behind a count, as the report carries them: how many, and the first names. */
export function objectsOf(names: readonly string[]): SignalObjects {
  return { total: names.length, sample: names.slice(0, SAMPLE_MAX) };
}
