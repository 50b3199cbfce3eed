import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { EvidenceLog } from '../src/evidence/types.js';
import { RequestBudget } from '../src/http/client.js';
import { CollectError } from '../src/http/errors.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCache } from '../src/http/conditional-cache.js';
import { createRecordingFetch, EVIDENCE_HEADER, parsedJsonOf, REUSED_HEADER, WATERMARK_HEADER, WATERMARK_REASON_HEADER } from '../src/http/recording-fetch.js';
import { Redactor } from '../src/redact.js';
import { collectingGarbage, startServer, trickle } from './helpers/http-server.js';

const API = 'https://api.github.test';

function make(extra: Partial<Parameters<typeof createRecordingFetch>[0]> = {}) {
  const evidence = new EvidenceLog();
  const redactor = new Redactor();
  redactor.add('ghp_secretsecretsecret1234');
  return { evidence, fetch: createRecordingFetch({ collector: 'github', instance: 'org', evidence, redactor, ...extra }) };
}

describe('the recording fetch', () => {
  it('records every response and names its evidence id in a header', async () => {
    const body = JSON.stringify([{ id: 1, name: 'repo' }]);
    nock(API).get('/orgs/acme/repos').query({ per_page: '100' }).reply(200, body, { 'Content-Type': 'application/json', ETag: '"abc"' });
    const { evidence, fetch } = make();
    const res = await fetch(`${API}/orgs/acme/repos?per_page=100`, { headers: { Authorization: 'token ghp_secretsecretsecret1234' } });
    expect(await res.json()).toEqual([{ id: 1, name: 'repo' }]);
    expect(res.headers.get('etag')).toBe('"abc"');
    const id = res.headers.get(EVIDENCE_HEADER)!;
    expect(evidence.records).toEqual([
      expect.objectContaining({ id, collector: 'github', instance: 'org', method: 'GET', url: `${API}/orgs/acme/repos?per_page=100`, status: 200, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') }),
    ]);
    expect(JSON.stringify(evidence.records)).not.toContain('ghp_secret');
  });

  it('hands the JSON it parsed to check the body on with the answer, once, so an SDK need not parse it again', async () => {
    nock(API).get('/j').reply(200, '{"a":[1,2]}', { 'Content-Type': 'application/json' });
    const { fetch } = make();
    const res = await fetch(`${API}/j`, { headers: { Accept: 'application/json' } });
    expect(parsedJsonOf(res)).toEqual({ value: { a: [1, 2] } });
    expect(parsedJsonOf(res.body)).toEqual({ value: { a: [1, 2] } });
    // the bytes are there still for a reader that wants them; a read stream has no value left to hand on
    expect(await res.text()).toBe('{"a":[1,2]}');
    expect(parsedJsonOf(res)).toBeUndefined();
  });

  it('reuses a GraphQL answer without a request only under the same watermark, and never keeps one with errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-watermark-'));
    try {
      const cache = ConditionalCache.open(dir)!;
      const { evidence, fetch } = make({ cache, baseURL: API, reads: { graphql: `${API}/graphql` } });
      const query = (watermark: string, q = 'query A { viewer { login } }') => fetch(`${API}/graphql`, {
        method: 'POST', body: JSON.stringify({ query: q }),
        headers: { Authorization: 'bearer ghp_secretsecretsecret1234', Accept: 'application/json', [WATERMARK_HEADER]: watermark, [WATERMARK_REASON_HEADER]: `list ${watermark} unchanged` },
      });
      // neither header reaches the server (an interceptor with badheaders does not match a request carrying them)
      let calls = 0;
      nock(API, { badheaders: [WATERMARK_HEADER, WATERMARK_REASON_HEADER] }).post('/graphql').times(2)
        .reply(() => [200, { data: { viewer: { login: `call${++calls}` } } }, { 'Content-Type': 'application/json' }]);
      nock(API).post('/graphql').reply(200, { data: null, errors: [{ message: 'boom' }] }, { 'Content-Type': 'application/json' });
      expect(await (await query('w1')).json()).toEqual({ data: { viewer: { login: 'call1' } } });
      await cache.settled();
      const again = await query('w1');
      expect(again.headers.get(REUSED_HEADER)).toBeTruthy();
      expect(parsedJsonOf(again)).toEqual({ value: { data: { viewer: { login: 'call1' } } } });
      expect(await (await query('w2')).json()).toEqual({ data: { viewer: { login: 'call2' } } }); // another watermark: asked again
      const q2 = 'query B { viewer { id } }';
      expect((await query('w3', q2)).status).toBe(200); // answered with errors: not kept
      await cache.settled();
      nock(API).post('/graphql').reply(200, { data: { viewer: { id: 'x' } } }, { 'Content-Type': 'application/json' });
      expect(await (await query('w3', q2)).json()).toEqual({ data: { viewer: { id: 'x' } } });
      expect(evidence.records.map((r) => `${r.status} ${r.reused_because ?? '-'}`)).toEqual(['200 -', '200 list w1 unchanged', '200 -', '200 -', '200 -']);
      expect(evidence.records[1].revalidated_from).toBeTruthy();
      expect(evidence.records[1].sha256).toBe(evidence.records[0].sha256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes 304 and error statuses through to the SDK, recorded', async () => {
    nock(API).get('/a').reply(304).get('/b').reply(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0' });
    const { evidence, fetch } = make();
    expect((await fetch(`${API}/a`, { headers: { 'If-None-Match': '"abc"' } })).status).toBe(304);
    const limited = await fetch(`${API}/b`);
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(evidence.records.map((r) => r.status)).toEqual([304, 403]);
  });

  it('refuses anything but GET and HEAD, before sending it', async () => {
    const { evidence, fetch } = make();
    await expect(fetch(`${API}/repos/acme/x/issues`, { method: 'POST', body: '{}' })).rejects.toMatchObject({ kind: 'rejected' });
    expect(evidence.records).toEqual([]);
  });

  it('shares the instance budget with the HTTP client', async () => {
    nock(API).get('/x').times(2).reply(200, '{}');
    const budget = new RequestBudget(2);
    budget.take();
    const { fetch } = make({ budget });
    await fetch(`${API}/x`);
    await expect(fetch(`${API}/x`)).rejects.toMatchObject({ kind: 'budget' });
    nock.cleanAll();
  });

  it('rejects a body larger than the limit as malformed, and records it', async () => {
    nock(API).get('/big').reply(200, 'x'.repeat(5000));
    const { evidence, fetch } = make({ maxBodyBytes: 1000 });
    const err = await fetch(`${API}/big`).catch((e) => e);
    expect(err).toBeInstanceOf(CollectError);
    expect(err.kind).toBe('malformed');
    expect(err.message).toMatch(/larger than 1000 bytes/);
    expect(evidence.records[0].error).toMatch(/larger than/);
  });

  it('classifies a timeout and a refused connection as unavailable', async () => {
    // a loopback server that never answers (nock's delayed replies trip an assertion in undici on abort)
    const silent = await startServer(() => {});
    const { fetch } = make({ timeoutMs: 50 });
    await expect(fetch(`${silent.url}/slow`)).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/timed out after 50 ms/) });
    await silent.close();
    const refused = make();
    await expect(refused.fetch('http://127.0.0.1:1/')).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('reads a body whole however it comes: its size declared and sent in many pieces, compressed, or of no declared size', async () => {
    const doc = JSON.stringify({ items: Array.from({ length: 3000 }, (_, i) => ({ id: i, name: `item ${i} é` })) });
    const bytes = Buffer.from(doc);
    const server = await startServer((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
        // in pieces of 1,000 bytes, across turns of the event loop
        let at = 0;
        const more = () => {
          res.write(bytes.subarray(at, at + 1000));
          at += 1000;
          if (at < bytes.length) setImmediate(more);
          else res.end();
        };
        more();
      } else if (req.url === '/gzip') {
        const zipped = gzipSync(bytes);
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(zipped.length) });
        res.end(zipped);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(bytes.subarray(0, 5000));
        res.end(bytes.subarray(5000));
      }
    });
    try {
      const { fetch, evidence } = make();
      for (const path of ['/declared', '/gzip', '/chunked']) {
        const res = await fetch(`${server.url}${path}`, { headers: { accept: 'application/json' } });
        expect(await res.text()).toBe(doc);
        const rec = evidence.records.find((r) => r.id === res.headers.get(EVIDENCE_HEADER))!;
        expect(rec.bytes).toBe(bytes.length);
        expect(rec.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      }
    } finally {
      await server.close();
    }
  });

  it('times out a body trickling past the timeout while a deadline signal is given and the heap is collected', async () => {
    // AbortSignal.any holds its sources weakly: a timeout signal nobody else holds is collected with its timer.
    const server = await startServer(trickle);
    const stopCollecting = collectingGarbage();
    try {
      const { fetch } = make({ timeoutMs: 300, signal: new AbortController().signal });
      const t0 = Date.now();
      await expect(fetch(`${server.url}/slow`)).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/timed out after 300 ms/) });
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      stopCollecting();
      await server.close();
    }
  });
});
