import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { container, JsonShapeError, readJsonValues, values } from '../src/http/json-stream.js';

const read = (doc: string, selections: Parameters<typeof readJsonValues>[1]) => readJsonValues(Buffer.from(doc), selections);

/** Prometheus's envelope: status, and the targets only when it says success. */
function targets() {
  const got: [string | number | undefined, string][] = [];
  let status: string | undefined;
  const selections = [
    values('$.status', z.enum(['success', 'error']), (v) => { status = v; }, { required: true }),
    values('$.data.activeTargets.*', z.object({ health: z.string() }), (t, key) => got.push([key, t.health]), { required: () => status === 'success' }),
  ];
  return { got, selections };
}

describe('readJsonValues: a JSON answer read value by value', () => {
  it('hands over each value at the path, validated, with its key, and nothing else', async () => {
    const t = targets();
    await read('{"status":"success","data":{"activeTargets":[{"health":"up","discoveredLabels":{"a":"b"}},{"health":"down"}],"droppedTargetCounts":{"x":1}}}', t.selections);
    expect(t.got).toEqual([[0, 'up'], [1, 'down']]);
  });

  it('reads a body split across its chunks as a whole (a document of several hundred KiB)', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ health: i % 3 ? 'up' : 'down', scrapeUrl: `http://10.0.${i >> 8}.${i & 255}:9100/metrics` }));
    const t = targets();
    await read(JSON.stringify({ status: 'success', data: { activeTargets: items } }), t.selections);
    expect(t.got).toHaveLength(20_000);
    expect(t.got[19_999]).toEqual([19_999, 'up']);
  });

  it('says where a value does not fit its schema', async () => {
    await expect(read('{"status":"success","data":{"activeTargets":[{"health":"up"},{"health":3}]}}', targets().selections))
      .rejects.toThrow(/^data\.activeTargets\[1\]\.health: .*expected string/);
  });

  it('says a required container is missing or of the wrong kind: an empty list is not the same as none', async () => {
    await expect(read('{"status":"success","data":{}}', targets().selections)).rejects.toThrow('data.activeTargets: missing (expected an array)');
    await expect(read('{"status":"success","data":{"activeTargets":{}}}', targets().selections)).rejects.toThrow('data.activeTargets: expected an array, got an object');
    await expect(read('{"status":"success","data":{"activeTargets":[]}}', targets().selections)).resolves.toBeUndefined();
  });

  it('asks a conditional requirement once the document is read (an error answer has no data)', async () => {
    await expect(read('{"status":"error","errorType":"bad_data","error":"x"}', targets().selections)).resolves.toBeUndefined();
    await expect(read('{"data":{"activeTargets":[]}}', targets().selections)).rejects.toThrow('status: missing');
  });

  it('calls a body that is not JSON that, even after values that looked wrong', async () => {
    for (const body of ['{"data": [1, 2, {"broken": ', '<html>', '', '{"status":"success"} trailing']) {
      const err = await read(body, [container('$.data', { in: 'object' }), ...targets().selections]).catch((e: unknown) => e);
      expect(err, body).toBeInstanceOf(JsonShapeError);
      expect((err as JsonShapeError).kind, body).toBe('syntax');
    }
  });

  it('lets an error thrown by the caller through as it is', async () => {
    const own = new Error('the caller says no');
    await expect(read('{"a":[1]}', [values('$.a.*', z.number(), () => { throw own; })])).rejects.toBe(own);
  });

  it('reads maps of maps with null members, and tells each container as it opens (OpenCost\'s sets)', async () => {
    const sets: Record<string, number>[] = [];
    await read('{"code":200,"data":[{"a":{"n":1},"b":null},null,{"__proto__":{"n":3}}]}', [
      container('$.data'),
      values('$.data.*.*', z.object({ n: z.number() }).nullable(), (v, key, path) => {
        if (v) Object.defineProperty(sets[path[1] as number], key as string, { value: v.n, enumerable: true });
      }, { in: 'object', nullable: true, opened: (path) => { sets[path[1] as number] = {}; } }),
    ]);
    expect(sets.map((s) => Object.entries(s))).toEqual([[['a', 1]], [], [['__proto__', 3]]]);
    await expect(read('{"code":200,"data":[[1]]}', [values('$.data.*.*', z.number(), () => {}, { in: 'object', nullable: true })]))
      .rejects.toThrow('data[0]: expected an object, got an array');
  });
});
