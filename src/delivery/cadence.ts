/**
 * The cadence arithmetic that every delivery source shares (GitHub, GitLab and git feed the
 * same derived `delivery.*` signals, so their buckets must not drift apart). Times are epoch
 * milliseconds; the window is [start, end].
 */
export interface Span {
  start: number;
  end: number;
}

export const DAY = 86_400_000;
export const WEEK = 7 * DAY;
/** The standard's "month" (以月为单位) as a fixed period, so every window splits the same way. */
export const MONTH = 30 * DAY;

/** Median, or undefined for no values. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Whole 7-day periods of the window counted back from its end — period k is
 * (end − (k+1)·7d, end − k·7d] — and how many hold at least one event.
 */
export function weeksWithEvent(times: readonly number[], w: Span): { weeks: number; withEvent: number } {
  const r = periodsWithEvent(times, w, WEEK);
  return { weeks: r.periods, withEvent: r.withEvent };
}

/**
 * Whole periods of `length` ms counted back from the window's end — period k is
 * (end − (k+1)·length, end − k·length] — and how many hold at least one event.
 */
export function periodsWithEvent(times: readonly number[], w: Span, length: number): { periods: number; withEvent: number } {
  const periods = Math.floor((w.end - w.start) / length);
  const hit = new Set<number>();
  for (const t of times) {
    if (t < w.start || t > w.end) continue;
    const k = Math.floor((w.end - t) / length);
    if (k < periods) hit.add(k);
  }
  return { periods, withEvent: hit.size };
}

/** Whole UTC days of the window that are Monday to Friday, and how many hold at least one event. */
export function workingDaysWithEvent(times: readonly number[], w: Span): { days: number; withEvent: number } {
  const working = new Set<number>();
  for (let d = Math.ceil(w.start / DAY); (d + 1) * DAY <= w.end; d++) {
    const weekday = new Date(d * DAY).getUTCDay();
    if (weekday >= 1 && weekday <= 5) working.add(d);
  }
  const hit = new Set<number>();
  for (const t of times) {
    const d = Math.floor(t / DAY);
    if (working.has(d)) hit.add(d);
  }
  return { days: working.size, withEvent: hit.size };
}

/** The UTC day with the most events (the earliest on a tie), as YYYY-MM-DD. */
export function busiestDay(times: readonly number[]): { count: number; day?: string } {
  const counts = new Map<number, number>();
  for (const t of times) counts.set(Math.floor(t / DAY), (counts.get(Math.floor(t / DAY)) ?? 0) + 1);
  let best: { count: number; day?: string } = { count: 0 };
  for (const [d, n] of [...counts].sort((a, b) => a[0] - b[0])) {
    if (n > best.count) best = { count: n, day: new Date(d * DAY).toISOString().slice(0, 10) };
  }
  return best;
}
