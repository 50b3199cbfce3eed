import { describe, expect, it } from 'vitest';
import { allReads, attemptRead, count, emitAll, fromRead, mapPool, mapRead, ratioOf, readAbsent, readOk, type Measured } from '../src/collector/kit.js';
import { CollectError } from '../src/http/errors.js';

describe('collector kit: reads', () => {
  it('settles a thrown request into a failed read that keeps its evidence and kind', async () => {
    const r = await attemptRead(async () => { throw new CollectError('rejected', 'GET /x answered 400', { evidence: 'ev-1' }); });
    expect(r).toEqual({ status: 'failed', reason: 'GET /x answered 400', kind: 'rejected', evidence: ['ev-1'] });
  });
  it('rethrows a passed deadline and the kinds named fatal', async () => {
    await expect(attemptRead(async () => { throw new CollectError('aborted', 'deadline'); })).rejects.toThrow('deadline');
    await expect(attemptRead(async () => { throw new CollectError('credentials', '401'); }, { fatal: ['credentials'] })).rejects.toThrow('401');
  });
  it('turns the kinds named absentOn into an absent read', async () => {
    const r = await attemptRead(async () => { throw new CollectError('not_found', '404', { evidence: 'ev-2' }); }, { absentOn: ['not_found'], absentReason: 'plugin not installed' });
    expect(r).toEqual({ status: 'absent', reason: 'plugin not installed', evidence: ['ev-2'] });
  });
  it('an analysis that throws fails the read with the same evidence', () => {
    const r = mapRead(readOk(1, ['ev']), () => { throw new Error('bad shape'); });
    expect(r).toMatchObject({ status: 'failed', reason: 'bad shape', evidence: ['ev'] });
  });
  it('combines reads: failed wins over absent, evidence of all kept', () => {
    const failed = { status: 'failed' as const, reason: 'boom', evidence: ['c'] };
    expect(allReads({ a: readOk(1, ['a']), b: readAbsent('none', ['b']), c: failed })).toMatchObject({ status: 'failed', reason: 'boom', evidence: ['a', 'b', 'c'] });
    expect(allReads({ a: readOk(1, ['a']), b: readOk('x', ['b']) })).toEqual({ status: 'ok', data: { a: 1, b: 'x' }, evidence: ['a', 'b'] });
  });
});

describe('collector kit: measures', () => {
  it('an absent read is not available, a failed one failed, never a value', () => {
    expect(fromRead(readAbsent('no CRD', ['e']), () => 0)).toEqual({ status: 'not_available', reason: 'no CRD', evidence: ['e'] });
    expect(fromRead({ status: 'failed', reason: '403', evidence: ['e'] }, () => 0)).toMatchObject({ status: 'failed', reason: '403' });
    expect(fromRead(readOk([1, 2], ['e']), (d) => d.length)).toEqual({ status: 'value', value: 2, evidence: ['e'] });
  });
  it('a ratio over nothing is not available, not 0', () => {
    expect(ratioOf(0, 0, ['e'], 'services').status).toBe('not_available');
    expect(ratioOf(1, 4, ['e'], 'services')).toMatchObject({ value: 0.25, detail: '1 of 4 services' });
  });
});

describe('collector kit: emitAll and mapPool', () => {
  it('emits every declared signal and fails the ones not measured', () => {
    const calls: string[] = [];
    const ctx = {
      emit: (id: string, v: unknown) => calls.push(`emit ${id}=${String(v)}`),
      notAvailable: (id: string, r: string) => calls.push(`na ${id}: ${r}`),
      failed: (id: string, r: string) => calls.push(`failed ${id}: ${r}`),
    };
    const m = new Map<string, Measured>([['x.a', { status: 'value', value: 3, evidence: [] }]]);
    emitAll(ctx, [count('x.a', 'a'), count('x.b', 'b')], m, 'the listing failed');
    expect(calls).toEqual(['emit x.a=3', 'failed x.b: the listing failed']);
    expect(() => emitAll(ctx, [count('x.a', 'a')], { 'x.c': m.get('x.a') }, '')).toThrow('undeclared signals: x.c');
  });
  it('keeps order and never runs more than the concurrency at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 3, 2, 4], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});
