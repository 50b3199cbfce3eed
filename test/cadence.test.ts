import { describe, expect, it } from 'vitest';
import { busiestDay, median, weeksWithEvent, workingDaysWithEvent } from '../src/delivery/cadence.js';

const D = 86_400_000;
// 2026-11-02 is a Monday; four whole weeks back from 2026-11-30 00:00 UTC
const w = { start: Date.parse('2026-11-02T00:00:00Z'), end: Date.parse('2026-11-30T00:00:00Z') };

describe('the shared cadence arithmetic', () => {
  it('buckets weeks back from the end, each (end − (k+1)·7d, end − k·7d]', () => {
    expect(weeksWithEvent([], w)).toEqual({ weeks: 4, withEvent: 0 });
    expect(weeksWithEvent([w.end], w)).toEqual({ weeks: 4, withEvent: 1 });
    // the boundary instant belongs to the later bucket's neighbour: end − 7d is in bucket 1
    expect(weeksWithEvent([w.end - 7 * D, w.end - 7 * D + 1], w)).toEqual({ weeks: 4, withEvent: 2 });
    expect(weeksWithEvent([w.start - 1, w.end + 1], w)).toEqual({ weeks: 4, withEvent: 0 });
  });

  it('counts whole UTC working days only', () => {
    const saturday = Date.parse('2026-11-07T10:00:00Z');
    const monday = Date.parse('2026-11-09T10:00:00Z');
    expect(workingDaysWithEvent([saturday, monday, monday + 3600_000], w)).toEqual({ days: 20, withEvent: 1 });
  });

  it('finds the busiest day, the earliest on a tie', () => {
    const a = Date.parse('2026-11-03T01:00:00Z');
    const b = Date.parse('2026-11-05T01:00:00Z');
    expect(busiestDay([b, a, b + 1, a + 1])).toEqual({ count: 2, day: '2026-11-03' });
    expect(busiestDay([])).toEqual({ count: 0 });
  });

  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});
