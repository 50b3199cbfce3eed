/**
 * The cadence arithmetic that every delivery collector shares (GitHub, GitLab and git feed the
 * same derived `delivery.*` signals, so their buckets must not drift apart). Times are epoch
 * milliseconds; the window is [start, end].
 */
export interface Span {
  start: number;
  end: number;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;

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
  const weeks = Math.floor((w.end - w.start) / WEEK);
  const hit = new Set<number>();
  for (const t of times) {
    if (t < w.start || t > w.end) continue;
    const k = Math.floor((w.end - t) / WEEK);
    if (k < weeks) hit.add(k);
  }
  return { weeks, withEvent: hit.size };
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
