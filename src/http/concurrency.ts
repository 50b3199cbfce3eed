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
