import { describe, expect, it } from 'vitest';
import { leadingText } from '../src/http/evidence-record.js';

/** The excerpt as it was cut before it became a string of its own: the characters must not move. */
const sliced = (body: Buffer, chars: number) => body.subarray(0, chars * 4).toString('utf8').slice(0, chars);

describe('the evidence excerpt', () => {
  const bodies: [string, Buffer][] = [
    ['ASCII JSON longer than the excerpt', Buffer.from(JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` }))))],
    ['shorter than the excerpt', Buffer.from('{"ok":true}')],
    ['exactly the excerpt', Buffer.from('x'.repeat(64))],
    ['Chinese text (three bytes a character)', Buffer.from('变更管理'.repeat(100))],
    ['a surrogate pair split by the cut', Buffer.from(`${'a'.repeat(63)}😀${'b'.repeat(100)}`)],
    ['emoji throughout', Buffer.from('😀'.repeat(100))],
    ['invalid UTF-8 bytes', Buffer.concat([Buffer.from('ab'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('c'.repeat(200))])],
    ['a multi-byte sequence cut off by the byte limit', Buffer.concat([Buffer.from('a'.repeat(255)), Buffer.from('é'), Buffer.from('z'.repeat(10))])],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [what, body] of bodies) {
    it(`keeps the same characters: ${what}`, () => {
      for (const chars of [1, 13, 64, 512]) expect(leadingText(body, chars)).toBe(sliced(body, chars));
    });
  }
});
