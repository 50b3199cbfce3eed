import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EvidenceLog } from '../src/evidence/types.js';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../src/http/client.js';
import { ConditionalCache } from '../src/http/conditional-cache.js';
import { CollectError } from '../src/http/errors.js';
import { values } from '../src/http/json-stream.js';
import { Redactor } from '../src/redact.js';
import { collectingGarbage, startServer, trickle } from './helpers/http-server.js';

const BASE = 'http://prom.test:9090';

const schema = z.object({
  status: z.literal('success'),
  data: z.object({ result: z.array(z.object({ value: z.number() })) }),
});

function setup(extra: Partial<HttpClientOptions> = {}): { client: HttpClient; evidence: EvidenceLog; redactor: Redactor } {
  const evidence = new EvidenceLog();
  const redactor = new Redactor();
  const client = createHttpClient({
    collector: 'prometheus',
    instance: 'main',
    baseURL: BASE,
    evidence,
    redactor,
    retryBaseMs: 1,
    ...extra,
  });
  return { client, evidence, redactor };
}

/** Runs the promise, expects it to reject with a CollectError, and returns that error. */
async function failure(p: Promise<unknown>): Promise<CollectError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CollectError);
    return err as CollectError;
  }
  throw new Error('expected the request to fail, it succeeded');
}

describe('createHttpClient: success and evidence', () => {
  it('parses a 200 JSON response with a zod schema and records complete evidence', async () => {
    const body = JSON.stringify({ status: 'success', data: { result: [{ value: 3 }, { value: 4 }] } });
    const scope = nock(BASE)
      .get('/api/v1/query')
      .query({ query: 'up', time: '1700000000' })
      .reply(200, body, { 'Content-Type': 'application/json' });
    const { client, evidence } = setup({ excerptChars: 20 });

    const before = Date.now();
    const res = await client.getJson('/api/v1/query', schema, { params: { query: 'up', time: 1700000000 } });

    expect(scope.isDone()).toBe(true);
    expect(res.status).toBe(200);
    expect(res.data.data.result.map((r) => r.value)).toEqual([3, 4]);
    expect(res.headers['content-type']).toBe('application/json');
    expect(client.requestCount).toBe(1);

    expect(evidence.records).toHaveLength(1);
    const rec = evidence.records[0];
    expect(res.evidence).toBe(rec.id);
    expect(rec.collector).toBe('prometheus');
    expect(rec.instance).toBe('main');
    expect(rec.method).toBe('GET');
    const url = new URL(rec.url);
    expect(url.origin + url.pathname).toBe(`${BASE}/api/v1/query`);
    expect(url.searchParams.get('query')).toBe('up');
    expect(url.searchParams.get('time')).toBe('1700000000');
    expect(rec.status).toBe(200);
    expect(rec.error).toBeUndefined();
    expect(rec.sha256).toBe(createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex'));
    expect(rec.bytes).toBe(Buffer.byteLength(body));
    expect(rec.excerpt).toBe(body.slice(0, 20));
    expect(rec.attempt).toBe(1);
    expect(rec.started_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(new Date(rec.started_at).getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(rec.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('hashes the exact body bytes, multi-byte characters included', async () => {
    const body = Buffer.from('{"status":"success","data":{"result":[]},"note":"größe ✓"}', 'utf8');
    nock(BASE).get('/api/v1/x').query(true).reply(200, body);
    const { client, evidence } = setup();
    await client.getJson('/api/v1/x', schema);
    expect(evidence.records[0].sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(evidence.records[0].bytes).toBe(body.length);
    expect(evidence.records[0].excerpt).toBe(body.toString('utf8'));
  });
});

describe('createHttpClient: failure classification', () => {
  it('401 is a credentials failure naming the URL', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(401, 'unauthorized');
    const { client, evidence } = setup();
    const err = await failure(client.getJson('/api/v1/x', schema, { params: { a: 'b' } }));
    expect(err.kind).toBe('credentials');
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toContain(`${BASE}/api/v1/x?a=b`);
    expect(err.detail.status).toBe(401);
    expect(err.detail.evidence).toBe(evidence.records[0].id);
    // not retried
    expect(evidence.records).toHaveLength(1);
    expect(evidence.records[0].status).toBe(401);
  });

  it('403 is a credentials failure: permission denied', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(403, 'forbidden');
    const { client } = setup();
    const err = await failure(client.getJson('/api/v1/x', schema));
    expect(err.kind).toBe('credentials');
    expect(err.message).toContain('permission denied');
    expect(err.message).toContain(`${BASE}/api/v1/x`);
  });

  it('404 is not_found', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(404, 'no such thing');
    const { client, evidence } = setup();
    const err = await failure(client.getText('/api/v1/x'));
    expect(err.kind).toBe('not_found');
    expect(err.message).toContain(`${BASE}/api/v1/x`);
    expect(evidence.records).toHaveLength(1);
  });

  it('400 is rejected, and the server message is kept', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(400, '{"error":"bad query"}');
    const { client, evidence } = setup();
    const err = await failure(client.getJson('/api/v1/x', schema));
    expect(err.kind).toBe('rejected');
    expect(err.message).toContain('HTTP 400');
    expect(err.message).toContain('bad query');
    expect(evidence.records).toHaveLength(1);
  });

  it('returns statuses listed in acceptStatus instead of throwing', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(400, '{"status":"error"}');
    const { client } = setup();
    const res = await client.getJson('/api/v1/x', z.object({ status: z.string() }), { acceptStatus: [400] });
    expect(res.status).toBe(400);
    expect(res.data.status).toBe('error');
  });
});

describe('createHttpClient: retries', () => {
  it('succeeds after a retry on 503, recording both attempts', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(503, 'busy').get('/api/v1/x').query(true).reply(200, 'ok');
    const { client, evidence } = setup();
    const res = await client.getText('/api/v1/x');
    expect(res.data).toBe('ok');
    expect(client.requestCount).toBe(2);
    expect(evidence.records.map((r) => [r.attempt, r.status])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(res.evidence).toBe(evidence.records[1].id);
  });

  it('gives up after retries: 2 on three 500s, as unavailable after 3 attempts', async () => {
    const scope = nock(BASE).get('/api/v1/x').query(true).times(3).reply(500, 'boom');
    const { client, evidence } = setup({ retries: 2 });
    const err = await failure(client.getText('/api/v1/x'));
    expect(scope.isDone()).toBe(true);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('HTTP 500');
    expect(err.message).toContain('after 3 attempts');
    expect(evidence.records.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(client.requestCount).toBe(3);
  });

  it('waits for Retry-After on a 429, then succeeds', async () => {
    nock(BASE)
      .get('/api/v1/x').query(true).reply(429, 'slow down', { 'Retry-After': '1' })
      .get('/api/v1/x').query(true).reply(200, 'ok');
    const { client, evidence } = setup();
    const t0 = Date.now();
    const res = await client.getText('/api/v1/x');
    const waited = Date.now() - t0;
    expect(res.data).toBe('ok');
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(evidence.records.map((r) => [r.attempt, r.status])).toEqual([
      [1, 429],
      [2, 200],
    ]);
  });

  it('does not wait for a Retry-After beyond maxRetryAfterMs: fails at once as rate limited', async () => {
    const scope = nock(BASE).get('/api/v1/x').query(true).reply(429, 'slow down', { 'Retry-After': '3600' });
    const { client, evidence } = setup({ maxRetryAfterMs: 1000 });
    const t0 = Date.now();
    const err = await failure(client.getText('/api/v1/x'));
    expect(Date.now() - t0).toBeLessThan(500);
    expect(scope.isDone()).toBe(true);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/rate limited/);
    expect(err.message).toContain('3600 s');
    expect(evidence.records).toHaveLength(1);
  });

  it('a timeout is unavailable: timed out (nock sends the headers, then stalls the body)', async () => {
    nock(BASE).get('/api/v1/x').query(true).delay(500).reply(200, 'late');
    const { client, evidence } = setup({ timeoutMs: 100, retries: 0 });
    const t0 = Date.now();
    const err = await failure(client.getText('/api/v1/x'));
    expect(Date.now() - t0).toBeLessThan(450);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('timed out');
    expect(err.message).not.toContain('rejected');
    expect(err.message).toContain(`${BASE}/api/v1/x`);
    expect(evidence.records).toHaveLength(1);
    expect(evidence.records[0].error).toContain('timed out');
    expect(evidence.records[0].sha256).toBeUndefined();
  });

  it('a body that stalls past the timeout is retried like any timeout', async () => {
    nock(BASE)
      .get('/api/v1/x').query(true).delay(500).reply(200, 'late')
      .get('/api/v1/x').query(true).reply(200, 'ok');
    const { client, evidence } = setup({ timeoutMs: 100, retries: 1 });
    const res = await client.getText('/api/v1/x');
    expect(res.data).toBe('ok');
    expect(evidence.records.map((r) => r.attempt)).toEqual([1, 2]);
    expect(evidence.records[0].error).toContain('timed out');
  });

  it('a server that never sends headers times out (loopback server)', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const server = http.createServer(() => {
      /* never answers */
    });
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const { client, evidence } = setup({ baseURL: `http://127.0.0.1:${port}`, timeoutMs: 100, retries: 1 });
      const t0 = Date.now();
      const err = await failure(client.getText('/api/v1/x'));
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(err.kind).toBe('unavailable');
      expect(err.message).toContain('timed out after 100 ms');
      expect(err.message).toContain('after 2 attempts');
      expect(evidence.records.map((r) => [r.attempt, r.status])).toEqual([
        [1, undefined],
        [2, undefined],
      ]);
      expect(evidence.records[1].error).toContain('timed out');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('createHttpClient: malformed responses', () => {
  it('invalid JSON is malformed', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(200, '<html>not json</html>');
    const { client, evidence } = setup();
    const err = await failure(client.getJson('/api/v1/x', schema));
    expect(err.kind).toBe('malformed');
    expect(err.message).toContain('invalid JSON');
    expect(err.message).toContain(`${BASE}/api/v1/x`);
    expect(err.detail.evidence).toBe(evidence.records[0].id);
  });

  it('truncated JSON is malformed', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(200, '{"status":"success","data":{"result":[{"value":');
    const { client } = setup();
    const err = await failure(client.getJson('/api/v1/x', schema));
    expect(err.kind).toBe('malformed');
    expect(err.message).toContain('invalid JSON');
  });

  it('JSON of the wrong shape is malformed and names the bad field', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(200, { status: 'success', data: { result: [{ value: 1 }, { value: 'two' }] } });
    const { client } = setup();
    const err = await failure(client.getJson('/api/v1/x', schema));
    expect(err.kind).toBe('malformed');
    expect(err.message).toContain('data.result[1].value');
  });

  it('a body larger than maxBodyBytes is malformed', async () => {
    nock(BASE).get('/api/v1/x').query(true).reply(200, 'x'.repeat(5000));
    const { client } = setup({ maxBodyBytes: 1000, retries: 0 });
    const err = await failure(client.getText('/api/v1/x'));
    expect(err.kind).toBe('malformed');
    expect(err.message).toContain('larger than 1000 bytes');
  });
});

describe('createHttpClient: limits and safety', () => {
  it('stops at the request budget', async () => {
    // a third answer is ready but must never be asked for
    let served = 0;
    nock(BASE).get('/api/v1/x').query(true).times(3).optionally().reply(() => [200, `ok ${++served}`]);
    const { client } = setup({ budget: 2 });
    await client.getText('/api/v1/x');
    await client.getText('/api/v1/x');
    const err = await failure(client.getText('/api/v1/x'));
    expect(err.kind).toBe('budget');
    expect(err.message).toContain('prometheus/main');
    expect(client.requestCount).toBe(2);
    expect(served).toBe(2);
  });

  it('never lets credentials into evidence URLs, excerpts or error messages', async () => {
    const bearer = 'sekret-token-123456';
    const echo = JSON.stringify({ seen: `Authorization: Bearer ${bearer}`, raw: bearer, url: '/api/v1/x?token=abc12345' });
    nock(BASE, { reqheaders: { authorization: `Bearer ${bearer}` } })
      .get('/api/v1/x').query({ token: 'abc12345' }).reply(200, echo)
      .get('/api/v1/y').query({ token: 'abc12345' }).reply(401, echo)
      .get('/api/v1/z').query({ token: 'abc12345' }).reply(200, '{"broken":');
    const { client, evidence } = setup({ auth: { bearer } });

    const ok = await client.getText('/api/v1/x', { params: { token: 'abc12345' } });
    expect(ok.data).toContain(bearer); // the caller gets the body as it came
    const e401 = await failure(client.getText('/api/v1/y?token=abc12345'));
    const eJson = await failure(client.getJson('/api/v1/z?token=abc12345', schema));

    expect(evidence.records).toHaveLength(3);
    const written = [
      ...evidence.records.flatMap((r) => [r.url, r.excerpt ?? '', r.error ?? '']),
      e401.message, e401.detail.url ?? '', eJson.message, eJson.detail.url ?? '',
    ];
    for (const text of written) {
      expect(text).not.toContain(bearer);
      expect(text).not.toContain('abc12345');
    }
    // the URL itself is still recorded, with the secret masked
    expect(evidence.records[0].url).toContain('/api/v1/x?token=');
    expect(e401.message).toContain('/api/v1/y');
    expect(e401.kind).toBe('credentials');
  });

  it('is read-only: no post method, HEAD works, other methods are refused', async () => {
    const { client, evidence } = setup();
    expect((client as unknown as Record<string, unknown>).post).toBeUndefined();
    expect((client as unknown as Record<string, unknown>).put).toBeUndefined();
    expect((client as unknown as Record<string, unknown>).delete).toBeUndefined();

    nock(BASE).head('/healthz').reply(200, '', { 'X-Version': '2.50' });
    const res = await client.getText('/healthz', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['x-version']).toBe('2.50');
    expect(evidence.records[0].method).toBe('HEAD');

    let posted = false;
    nock(BASE).post('/api/v1/x').optionally().reply(() => ((posted = true), [200, 'written']));
    const err = await failure(client.getText('/api/v1/x', { method: 'POST' as 'GET' }));
    expect(err.kind).toBe('rejected');
    expect(posted).toBe(false);
  });

  it('an aborted signal is aborted, without sending the request', async () => {
    let sent = false;
    nock(BASE).get('/api/v1/x').query(true).optionally().reply(() => ((sent = true), [200, 'ok']));
    const controller = new AbortController();
    controller.abort();
    const { client } = setup({ signal: controller.signal });
    const err = await failure(client.getText('/api/v1/x'));
    expect(err.kind).toBe('aborted');
    expect(sent).toBe(false);
  });

  it('a signal aborted during a request is aborted, not retried', async () => {
    nock(BASE).get('/api/v1/x').query(true).delay(2000).reply(200, 'late');
    const controller = new AbortController();
    const { client } = setup({ signal: controller.signal, retries: 2 });
    setTimeout(() => controller.abort(), 50);
    const t0 = Date.now();
    const err = await failure(client.getText('/api/v1/x'));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(err.kind).toBe('aborted');
  });
});

/** A loopback server whose every request is answered by `handle`, given how many came before and this one. */
function loopback(handle: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void) {
  let n = 0;
  return startServer((req, res) => handle(req, res, ++n));
}

describe('createHttpClient: a per-attempt timeout survives garbage collection', () => {
  it('a body trickling past the timeout times out while a deadline signal is given and the heap is collected', async () => {
    // AbortSignal.any holds its sources weakly: a timeout signal nobody else held was collected
    // with its timer, and the trickle was read for as long as it went on.
    const server = await startServer(trickle);
    const stopCollecting = collectingGarbage();
    try {
      const { client } = setup({ baseURL: server.url, timeoutMs: 300, retries: 0, signal: new AbortController().signal });
      const t0 = Date.now();
      const [text, values_] = await Promise.all([
        failure(client.getText('/a')),
        failure(client.getJsonValues('/b', () => [values('$.*', z.number(), () => {})])),
      ]);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(text.message).toContain('timed out after 300 ms');
      expect(values_.message).toContain('timed out after 300 ms');
    } finally {
      stopCollecting();
      await server.close();
    }
  });
});

describe('createHttpClient: a document read as it arrives (getJsonValues)', () => {
  const doc = { status: 'success', data: { items: Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `item ${i} é` })) } };
  const text = JSON.stringify(doc);
  const item = z.object({ id: z.number(), name: z.string() });

  it('hands values over before the body has ended, and records the whole body\'s size, digest and excerpt', async () => {
    // The second half is sent only once the client has handed over a value of the first: a
    // client that waited for the whole body would wait for ever (and time out).
    let firstSeen!: () => void;
    const seen = new Promise<void>((resolve) => (firstSeen = resolve));
    const half = Math.floor(text.length / 2);
    const server = await loopback((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(text.slice(0, half));
      void seen.then(() => res.end(text.slice(half)));
    });
    try {
      const { client, evidence } = setup({ baseURL: server.url, timeoutMs: 5000, retries: 0 });
      const ids: number[] = [];
      const res = await client.getJsonValues('/api/v1/items', () => [values('$.data.items.*', item, (v) => {
        ids.push(v.id);
        firstSeen();
      })]);
      expect(ids).toEqual(doc.data.items.map((i) => i.id));
      expect(evidence.records).toHaveLength(1);
      const [rec] = evidence.records;
      const bytes = Buffer.from(text);
      expect(rec.bytes).toBe(bytes.length);
      expect(rec.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(res.digest).toBe(rec.sha256);
      expect(rec.excerpt).toBe(text.slice(0, rec.excerpt!.length));
      expect(rec.excerpt!.length).toBeGreaterThan(100);
    } finally {
      await server.close();
    }
  });

  it('asks again for a body cut off midway and reads the new one afresh, each attempt recorded', async () => {
    const server = await loopback((req, res, n) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (n === 1) {
        // a first answer that differs, and stops halfway
        res.write(JSON.stringify({ status: 'success', data: { items: [{ id: 99, name: 'gone' }, { id: 98, name: 'gone' }] } }).slice(0, 60));
        setTimeout(() => res.destroy(), 20);
      } else res.end(text);
    });
    try {
      const { client, evidence } = setup({ baseURL: server.url, timeoutMs: 5000, retries: 2 });
      let ids: number[] = [];
      let calls = 0;
      await client.getJsonValues('/api/v1/items', () => {
        calls++;
        ids = [];
        return [values('$.data.items.*', item, (v) => ids.push(v.id))];
      });
      expect(calls).toBe(2);
      expect(ids).toEqual(doc.data.items.map((i) => i.id));
      expect(evidence.records.map((r) => [r.attempt, r.status])).toEqual([[1, 200], [2, 200]]);
      expect(evidence.records[0].error).toMatch(/connection lost .* while reading the response body \(HTTP 200\)/);
      expect(evidence.records[0].sha256).toBeUndefined();
      expect(evidence.records[1].error).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('gives up on a body cut off at every attempt, as unavailable after them all', async () => {
    const server = await loopback((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(text.slice(0, 100));
      setTimeout(() => res.destroy(), 10);
    });
    try {
      const { client, evidence } = setup({ baseURL: server.url, timeoutMs: 5000, retries: 1 });
      const err = await failure(client.getJsonValues('/api/v1/items', () => [values('$.data.items.*', item, () => {})]));
      expect(err.kind).toBe('unavailable');
      expect(err.message).toContain('after 2 attempts');
      expect(err.message).toContain('while reading the response body');
      expect(evidence.records.map((r) => r.attempt)).toEqual([1, 2]);
      expect(err.detail.evidence).toBe(evidence.records[1].id);
    } finally {
      await server.close();
    }
  });

  it('stops reading a body larger than maxBodyBytes, as malformed, without asking again', async () => {
    const server = await loopback((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text);
    });
    try {
      const { client, evidence } = setup({ baseURL: server.url, maxBodyBytes: 10_000, retries: 2 });
      const err = await failure(client.getJsonValues('/api/v1/items', () => [values('$.data.items.*', item, () => {})]));
      expect(err.kind).toBe('malformed');
      expect(err.message).toContain('larger than 10000 bytes');
      expect(evidence.records).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('says invalid JSON with the size of the whole body, and keeps an error status\'s message', async () => {
    const server = await loopback((req, res) => {
      if (req.url === '/broken') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"data": [1, 2, oops ${' '.repeat(5000)}]}`);
      } else {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"message":"the allocation query failed: prometheus is down"}');
      }
    });
    try {
      const { client, evidence } = setup({ baseURL: server.url, retries: 0 });
      const broken = await failure(client.getJsonValues('/broken', () => [values('$.data.*', z.number(), () => {})]));
      expect(broken.kind).toBe('malformed');
      expect(broken.message).toMatch(/invalid JSON from GET .*\/broken \(HTTP 200, 5023 bytes\)/);
      expect(evidence.records[0].bytes).toBe(5023);
      const down = await failure(client.getJsonValues('/down', () => [values('$.data.*', z.number(), () => {})]));
      expect(down.message).toContain('server error (HTTP 503)');
      expect(down.message).toContain('prometheus is down');
    } finally {
      await server.close();
    }
  });

  it('keeps an answer with an ETag in the cache whole, and reads the 304\'s cached body alike', async () => {
    const etag = '"v1"';
    const server = await loopback((req, res) => {
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', etag });
      res.end(text);
    });
    try {
      const cache = ConditionalCache.open(mkdtempSync(join(tmpdir(), 'techops-stream-cache-')))!;
      const read = async () => {
        const { client, evidence } = setup({ baseURL: server.url, cache });
        const ids: number[] = [];
        const res = await client.getJsonValues('/api/v1/items', () => [values('$.data.items.*', item, (v) => ids.push(v.id))]);
        await cache.settled();
        return { ids, res, rec: evidence.records[0] };
      };
      const first = await read();
      const second = await read();
      expect(first.rec.status).toBe(200);
      expect(second.rec.status).toBe(304);
      expect(second.res.revalidatedFrom).toBeDefined();
      expect(second.ids).toEqual(first.ids);
      expect(first.ids).toHaveLength(2000);
      expect(second.res.digest).toBe(first.res.digest);
    } finally {
      await server.close();
    }
  });
});
