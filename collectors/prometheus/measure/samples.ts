import { fromRead, measureFailed, notAvailable, type Measured, type Read } from '../../../src/collector/kit.js';
import type { Sample } from '../api.js';

/** A query answering one number: no sample means the data does not exist here. */
export function scalar(read: Read<Sample[]>, whenEmpty: string, map: (v: number) => number = (v) => v): Measured {
  return fromRead(read, (samples) => {
    if (samples.length === 0) return notAvailable(whenEmpty);
    const v = samples[0].value;
    if (!Number.isFinite(v)) return measureFailed(`the query returned ${v}, not a number`);
    return map(v);
  });
}

/** The largest per-source value, and a `source: value` line for the detail. */
export function maxBySource(samples: Sample[]): { value: number; detail: string } | undefined {
  const finite = samples.filter((s) => Number.isFinite(s.value));
  if (finite.length === 0) return undefined;
  const value = Math.max(...finite.map((s) => s.value));
  const detail = finite
    .map((s) => `${s.metric.source ?? 'value'}: ${Number(s.value.toFixed(1))}s`)
    .sort()
    .join('; ');
  return { value, detail };
}

/**
 * The largest of a query answering one value per source (`source` label), in seconds. A
 * timestamp slightly in the future (clock skew between exporter and server) is no age at all.
 */
export function largestBySource(read: Read<Sample[]>, whenEmpty: string): Measured {
  return fromRead(read, (samples) => {
    const found = maxBySource(samples);
    if (!found) return notAvailable(whenEmpty);
    return { status: 'value', value: Math.max(0, found.value), detail: found.detail, evidence: [] };
  });
}
