/**
 * At most `limit` requests of one collector instance in flight at once, whatever the number of
 * its clients and workers: shared by the instance's HTTP clients and recording fetch, so that a
 * collector needs no limiter of its own.
 */
export class ConcurrencyCap {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Requests in flight in the whole process, across every collector instance: each instance may
 * have its own `max_concurrency` (10 by default) in flight, and eleven systems scanned at once
 * would hold a hundred bodies and their parsed copies in memory at the same moment, on a machine
 * whose cores cannot process more than a few at a time. An instance's request takes its own slot
 * first, then one of these.
 */
export const PROCESS_MAX_CONCURRENCY = 16;
export const processCap = new ConcurrencyCap(PROCESS_MAX_CONCURRENCY);
