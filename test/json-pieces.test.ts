import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../src/http/json-pieces.js';

/** Parsed in pieces of at most `piece` bytes, and whole: the same value, or the same kind of failure. */
function same(text: string, piece = 8): void {
  const body = Buffer.from(text);
  let whole: unknown;
  let wholeError: unknown;
  try {
    whole = JSON.parse(text);
  } catch (err) {
    wholeError = err;
  }
  if (wholeError) {
    expect(() => parseJsonBody(body, piece)).toThrow(SyntaxError);
    return;
  }
  const pieces = parseJsonBody(body, piece);
  expect(pieces).toStrictEqual(whole);
  // same key order, same own properties (a __proto__ key stays a key)
  expect(JSON.stringify(pieces)).toBe(JSON.stringify(whole));
}

describe('parseJsonBody: JSON.parse of a large body in pieces', () => {
  it('gives what JSON.parse gives for arrays and objects split at every level', () => {
    const docs = [
      '[]', '{}', '[ ]', '{ }', ' [1, 2, 3] ', '[[1,2],[3,[4,5,[6]]],{"a":[7,8]}]',
      '{"a": 1, "b": [true, false, null], "c": {"d": "e", "f": [1.5e3, -2, 0]}}',
      JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ id: i, name: `pull ${i}`, labels: [{ n: 'x' }], nested: { deep: [i, [i, { i }]] } }))),
      JSON.stringify({ total_count: 3, workflow_runs: [{ id: 1, head_sha: 'abc' }, { id: 2, head_sha: 'def' }, { id: 3, head_sha: 'ghi' }] }, null, 2),
      '\n\t[\r\n  {"k" :\t"v" } ,\n  {"k":"w"}\n]\n',
    ];
    for (const doc of docs) for (const piece of [1, 8, 64, 1 << 20]) same(doc, piece);
  });

  it('is not fooled by brackets, commas, quotes and backslashes inside strings, or by multi-byte characters', () => {
    same(JSON.stringify(['a,b', '[not, an, array]', '{"x": 1}', 'quote " inside', 'slash \\', 'slash before quote \\"', '\\\\', 'é中文🙂', '\u2028', '']));
    same(JSON.stringify({ 'key, with comma': 1, 'key": "fake': [2], '{': '}', 'é': { '🙂': ['中'] } }));
  });

  it('keeps a key named __proto__ as a key, and the last of duplicate keys, as JSON.parse does', () => {
    same('{"__proto__": {"polluted": true}, "a": [1, 2, 3, 4, 5, 6, 7, 8]}');
    const parsed = parseJsonBody(Buffer.from('{"__proto__": {"polluted": true}, "a": [1, 2, 3, 4, 5, 6, 7, 8]}'), 4) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    same('{"a": [1, 2, 3, 4, 5], "a": [6, 7, 8, 9, 10]}');
  });

  it('fails as JSON.parse does on what is not JSON: trailing or missing commas, unclosed or extra brackets, bare words', () => {
    const bad = ['[1, 2,]', '[1 2]', '[1,,2]', '[,1]', '{"a": 1,}', '{"a" 1}', '{a: 1}', '[1, 2', '[1, 2]]', '{"a": [1, 2}', '[1, 2] x', 'nope', '[1, tru]', '{"a": "unterminated}', '["\\"]', '', '  '];
    for (const doc of bad) for (const piece of [1, 4, 1 << 20]) same(doc, piece);
  });

  it('parses runs of many small items and members together, and the same value comes out', () => {
    same(JSON.stringify(Array.from({ length: 10_000 }, (_, i) => (i % 3 ? i : { i, s: `v${i}` }))), 1024);
    same(JSON.stringify(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [i % 7 ? `k${i}` : String(i), [i]]))), 1024);
    // a comma too many or too few between two runs
    same(`[${Array.from({ length: 2_000 }, (_, i) => i).join(',')},,7]`, 1024);
    same(`[${Array.from({ length: 2_000 }, (_, i) => i).join(',')} 7]`, 1024);
  });

  it('parses a body as large as a page of pull requests into the same value', () => {
    const page = Array.from({ length: 100 }, (_, i) => ({
      number: i, node_id: `PR_${i}`, title: `Fix "thing" number ${i}, with [brackets] and {braces}`, body: 'x'.repeat(2000) + '\\',
      user: { login: `dev${i}` }, head: { sha: 'a'.repeat(40), repo: { full_name: 'acme/shop', topics: ['a', 'b'] } }, merged_at: i % 2 ? null : '2026-11-01T00:00:00Z',
    }));
    same(JSON.stringify(page), 64 * 1024);
    same(JSON.stringify(page), 1024);
  });
});
