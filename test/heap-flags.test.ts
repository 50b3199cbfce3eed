import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCAN_NODE_FLAGS, YOUNG_GENERATION_SEMI_SPACE_MIB } from '../src/heap-growth.js';

/**
 * V8 reads the young generation's size only when a process starts, so the flag is written where
 * scanning processes are started (src/heap-growth.ts says why it is there). These must agree.
 */
const root = new URL('../', import.meta.url);
const flag = `--max-semi-space-size=${YOUNG_GENERATION_SEMI_SPACE_MIB}`;

describe('the young generation flag of scanning processes', () => {
  it('is what the benchmark starts its children with', () => {
    expect(SCAN_NODE_FLAGS).toEqual([flag]);
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
