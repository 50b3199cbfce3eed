#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4 --heap-growing-percent=20 --liftoff-only
/**
 * The techops command: the core CLI (src/cli) with the collectors techops ships and, for
 * `techops demo`, the sample estate. The wiring lives here so that src/ imports neither
 * collectors/ nor demo/ (test/layering.test.ts); the estate is loaded only for `demo`.
 * The shebang starts node with a small young generation and a bounded heap growth
 * (src/heap-growth.ts says why).
 */
import { collectors } from '../collectors/index.js';
import { main, type DemoEstate } from '../src/cli/main.js';

const demo = async (): Promise<DemoEstate> => {
  const { startEstate, writeDemoFiles } = await import('../demo/index.js');
  return { start: startEstate, writeFiles: writeDemoFiles };
};

// `techops scan --format json | head`: the reader went away. The reports are on disk already;
// end quietly, as other command-line tools do, instead of with an EPIPE stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2), { registry: collectors, demo }).then((code) => {
  process.exitCode = code;
});
