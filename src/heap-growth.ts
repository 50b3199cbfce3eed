import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what a full collection left live, for a process that scans:
 * 20 % instead of V8's own factor (up to 4× when allocation is fast, as it is while hundreds of
 * bodies are parsed and dropped). A scan's live heap is small (80 MiB at the benchmark's x50,
 * everything loaded and the report built); its peak was the garbage between two full collections:
 * peak RSS at x50 went from 373–395 MiB to 266 MiB with this, at the price of more frequent,
 * shorter full collections (the scan took no longer against its floor). Set once, by the entry
 * point of a process that scans (the CLI's scan, demo and serve, the benchmark) just before its
 * first scan: a process that never scans, or a program that uses the HTTP layer as a library, is
 * untouched.
 */
export const HEAP_GROWING_PERCENT = 20;

let set = false;

export function boundHeapGrowth(): void {
  if (set) return;
  set = true;
  // NODE_OPTIONS or a command line that sets the flag itself is left to decide.
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
