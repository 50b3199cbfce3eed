import { formatDuration } from '../../duration.js';

/** A signal's or figure's value for people: ratios as percentages, durations in d/h/m/s; the raw number stays in the JSON. */
export function formatValue(value: number | boolean | string, type?: string, unit?: string): string {
  if (typeof value !== 'number') return String(value);
  if (type === 'ratio' || unit === 'ratio') return `${round(value * 100)} %`;
  if (type === 'duration' || unit === 'seconds') return formatDuration(value);
  return unit && unit !== 'count' ? `${round(value)} ${unit}` : String(round(value));
}

const round = (n: number) => Math.round(n * 100) / 100;
