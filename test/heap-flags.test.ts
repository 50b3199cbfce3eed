import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, MALLOC_MMAP_THRESHOLD_BYTES, SCAN_ENV, SCAN_NODE_FLAGS, YOUNG_GENERATION_SEMI_SPACE_MIB } from '../src/heap-growth.js';

/**
 * V8 reads the young generation's size only when a process starts, the heap growth bound works
 * only from a full collection after it is set, and glibc reads its malloc settings only at start,
 * so all three are written where scanning processes are started (src/heap-growth.ts says why).
 * These must agree.
 */
const root = new URL('../', import.meta.url);
const flag = `--max-semi-space-size=${YOUNG_GENERATION_SEMI_SPACE_MIB} --heap-growing-percent=${HEAP_GROWING_PERCENT} --liftoff-only`;
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('the settings of scanning processes', () => {
  it('is what the benchmark starts its children with', () => {
    expect(SCAN_NODE_FLAGS.join(' ')).toBe(flag);
    expect(SCAN_ENV).toEqual({ MALLOC_MMAP_THRESHOLD_: String(MALLOC_MMAP_THRESHOLD_BYTES) });
    // every process the benchmark starts to scan: each scale, the fault row, the CMDB
    for (const [file, spawns] of [['bench/scales.ts', 2], ['bench/run.ts', 1]] as const) {
      const source = read(file);
      expect(source.match(/spawn\(process\.execPath, \[\.\.\.SCAN_NODE_FLAGS/g)?.length, file).toBe(spawns);
      expect(source.match(/\.\.\.SCAN_ENV/g)?.length, file).toBe(spawns);
    }
  });

  it('is in the techops command\'s shebang, the malloc setting before node', () => {
    const first = read('bin/techops.ts').split('\n')[0];
    expect(first).toBe(`#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_BYTES} node ${flag}`);
  });

  it('is on every package.json script that starts a scanning process', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.demo).toContain(`node ${flag} dist/bin/techops.js demo`);
    expect(scripts.bench).toContain('node dist/bench/scales.js');
    expect(scripts['bench:serve']).toContain(flag);
  });
});
