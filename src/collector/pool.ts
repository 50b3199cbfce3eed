/**
 * Maps items through an async function, at most `concurrency` at a time, results in input
 * order: the one worker pool of every collector (repositories, namespaces, endpoints), gentle on
 * a busy server and bounded in memory. Stops taking new items once `signal` aborts; a rejection
 * of `run` rejects the whole map (settle inside `run` to keep failures per item).
 */
export async function mapPool<T, R>(items: readonly T[], concurrency: number, run: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      results[i] = await run(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
