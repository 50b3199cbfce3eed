import { describe, expect, it } from 'vitest';
import { SealedRecords } from '../src/collector/sealed-records.js';

describe('published records kept sealed', () => {
  const records = [
    { app: 'acme/shop', id: 1, createdAt: 1_700_000_000_000, finishedAt: undefined, status: 'success', automated: true },
    { app: 'grüße/😀', id: 2, createdAt: Number.NaN, serviceNames: ['a', 'b'], tags: new Set(['x']) },
  ];

  it('gives back what was published, undefined and NaN included, as new objects each time', () => {
    const sealed = new SealedRecords(records);
    const open = () => sealed.open();
    const first = open();
    expect(first).toEqual(records);
    expect(Object.keys(first[0])).toContain('finishedAt');
    expect(first[1].createdAt).toBeNaN();
    expect(first[1].tags).toEqual(new Set(['x']));
    first[0].status = 'failure';
    expect(open()[0].status).toBe('success');
    expect(open()).not.toBe(first);
  });

  it('keeps a snapshot: a change to the array after publishing does not reach it', () => {
    const list = [{ id: 1 }];
    const sealed = new SealedRecords(list);
    const open = () => sealed.open();
    list.push({ id: 2 });
    list[0].id = 9;
    expect(open()).toEqual([{ id: 1 }]);
  });

  it('takes much less room than the records as JSON', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ app: `acme/svc-${i % 50}`, environment: 'production', id: i, sha: (i * 2654435761).toString(16).padStart(40, '0'), createdAt: 1_700_000_000_000 + i * 60_000, status: 'success', automated: i % 3 === 0 }));
    const sealed = new SealedRecords(many);
    expect(sealed.open()).toEqual(many);
    expect(sealed.bytes).toBeLessThan(JSON.stringify(many).length / 4);
  });
});
