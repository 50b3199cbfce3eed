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
 *
 * `--liftoff-only`: WebAssembly compiled by V8's baseline compiler alone. The only WebAssembly a
 * scan runs is undici's HTTP parser (llhttp), behind Node's fetch, which the GitHub and GitLab
 * collectors use; at its first use V8 also compiled it with its optimizing compiler on a
 * background thread, ~22 MiB of memory for ~50 ms (watched in /proc: anonymous memory rising
 * linearly, then gone at once). That set the peak of small scans: GitLab alone at the benchmark's
 * x5 peaked at 128–131 MiB with it, 108–111 without, and no request was slower (GitHub alone at
 * x100: 9.3–9.6 s against 9.7–10.9; 300 fetches of a 1.3 MiB answer from loopback: 748–827 ms of
 * CPU against 798–993). V8 reads the flag only at start (set at run time it changed nothing), so
 * it is on the command line too.
 */
export const SCAN_NODE_FLAGS = [`--max-semi-space-size=${YOUNG_GENERATION_SEMI_SPACE_MIB}`, `--heap-growing-percent=${HEAP_GROWING_PERCENT}`, '--liftoff-only'];

/**
 * glibc's malloc for a process that scans: blocks of 128 KiB and more always mapped on their own
 * and given back to the system when freed (`MALLOC_MMAP_THRESHOLD_`, mallopt(3)). By default glibc
 * raises that threshold to the size of every such block freed, up to 32 MiB: after the first
 * large response body (a Buffer: Node allocates those with malloc) is freed, every body up to that
 * size is carved out of the process's heap instead, and the heap keeps what it freed. A scan frees
 * thousands of bodies of 100 KiB to several MiB, so that memory grew with the estate: at the
 * benchmark's x100, RSS beyond V8's heap and Buffers was ~98 MiB at the end of collection against
 * ~68 at x5. Fixed at glibc's own default, peak RSS went from 197–200 to 170–172 MiB at x100 and
 * from 147 to 133–139 at x5, and the scan took no longer. It is an environment variable, read by
 * glibc when the process starts, so it sits beside the node flags in the command's shebang
 * (`env -S` sets it) and the benchmark starts its children with it; other C libraries (musl,
 * macOS) ignore it.
 */
export const MALLOC_MMAP_THRESHOLD_BYTES = 128 * 1024;

/** The environment a scanning process starts with, on top of the caller's own. */
export const SCAN_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: String(MALLOC_MMAP_THRESHOLD_BYTES) };

let set = false;

export function boundHeapGrowth(): void {
  if (set) return;
  set = true;
  // NODE_OPTIONS or a command line that sets the flag itself is left to decide.
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
