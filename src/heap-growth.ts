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

/**
 * V8's young generation for a process that scans, in MiB a semi-space (`--max-semi-space-size`;
 * V8's own maximum is 16 on 64-bit hosts, three semi-spaces in all). A scan allocates fast and
 * keeps little: with large semi-spaces, short-lived values (a page being parsed, its validated
 * copy) live long enough between two scavenges to be promoted, and the old generation fills with
 * garbage until the next full collection. With 4: peak RSS at the benchmark's x100 went from
 * 290–296 MiB to 251–263, at x5 from 217–227 to 185–210, and the scan took no longer against its
 * floor.
 */
export const YOUNG_GENERATION_SEMI_SPACE_MIB = 4;

/**
 * The node flags a scanning process starts with. V8 reads the young generation's size only at
 * start, and the growth bound set at run time (`boundHeapGrowth`) only takes effect at the next
 * full collection: when the last one before a scan ran just before it was set, V8 kept its own
 * limit (~90 MB over the live heap) and ran no full collection during the whole scan (Opsgenie
 * alone at x100: 125–150 MiB with the bound set at run time, 117–128 with it from the start).
 * So both are on the command line of every scanning process: `bin/techops.ts`'s shebang,
 * package.json's `demo` and `bench` scripts, the benchmark's child processes;
 * test/heap-flags.test.ts checks that they agree. `boundHeapGrowth` stays for a process started
 * without them (`node dist/bin/techops.js scan`).
 */
export const SCAN_NODE_FLAGS = [`--max-semi-space-size=${YOUNG_GENERATION_SEMI_SPACE_MIB}`, `--heap-growing-percent=${HEAP_GROWING_PERCENT}`];

let set = false;

export function boundHeapGrowth(): void {
  if (set) return;
  set = true;
  // NODE_OPTIONS or a command line that sets the flag itself is left to decide.
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
