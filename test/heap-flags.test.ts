import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEAP_GROWING_PERCENT, SCAN_NODE_FLAGS, YOUNG_GENERATION_SEMI_SPACE_MIB } from '../src/heap-growth.js';

/**
 * V8 reads the young generation's size only when a process starts, and the heap growth bound
 * works only from a full collection after it is set, so both flags are written where scanning
 * processes are started (src/heap-growth.ts says why). These must agree.
 */
const root = new URL('../', import.meta.url);
const flag = `--max-semi-space-size=${YOUNG_GENERATION_SEMI_SPACE_MIB} --heap-growing-percent=${HEAP_GROWING_PERCENT}`;

describe('the heap flags of scanning processes', () => {
  it('is what the benchmark starts its children with', () => {
    expect(SCAN_NODE_FLAGS.join(' ')).toBe(flag);
  });

  it('is in the techops command\'s shebang', () => {
    const first = readFileSync(new URL('bin/techops.ts', root), 'utf8').split('\n')[0];
    expect(first).toBe(`#!/usr/bin/env -S node ${flag}`);
  });

  it('is on every package.json script that starts a scanning process', () => {
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.demo).toContain(`node ${flag} dist/bin/techops.js demo`);
    expect(scripts.bench).toContain(`node ${flag} dist/bench/cmdb.js`);
    expect(scripts['bench:serve']).toContain(flag);
  });
});
