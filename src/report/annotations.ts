import type { SignalObjects } from '../signals/types.js';

/** `12: HighErrorRate, DiskFull, … (first 2 of 12)` — the things behind a value, for people. */
export function describeObjects(o: SignalObjects): string {
  if (o.sample.length === 0) return String(o.total);
  const more = o.total > o.sample.length;
  return `${o.total}: ${o.sample.join(', ')}${more ? `, … (first ${o.sample.length} of ${o.total})` : ''}`;
}
