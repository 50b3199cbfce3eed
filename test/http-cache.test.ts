import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../src/clock.js';
import { runCollectors } from '../src/collector/harness.js';
import type { Collector } from '../src/collector/types.js';
import { loadConfig } from '../src/config/load.js';
import { EvidenceLog, type EvidenceRecord } from '../src/evidence/types.js';
import { createHttpClient } from '../src/http/client.js';
import { ConditionalCache, UNUSED_DAYS } from '../src/http/conditional-cache.js';
import { ConcurrencyCap } from '../src/http/concurrency.js';
import { HTTP_DEFAULTS } from '../src/http/defaults.js';
import { createRecordingFetch, EVIDENCE_HEADER, REVALIDATED_HEADER } from '../src/http/recording-fetch.js';
import { silentLogger } from '../src/log.js';
import { Redactor } from '../src/redact.js';
import { startServer, type TestServer } from './helpers/http-server.js';

/**
 * The shared HTTP plumbing against a real server on loopback: conditional requests answered 304
 * from the on-disk cache (ETag and Last-Modified), entries per credential, a corrupt entry falling
 * back to a fresh request, the per-instance concurrency cap, and one evidence shape for the axios
 * client and the recording fetch.
 */
const ETAG_BODY = JSON.stringify({ items: [1, 2, 3], note: 'etag' });
const LM_BODY = JSON.stringify({ items: [4, 5], note: 'last-modified' });
const LAST_MODIFIED = 'Wed, 21 Oct 2026 07:28:00 GMT';
const digest = (s: string) => createHash('sha256').update(s).digest('hex');

let server: TestServer;
/** Requests in flight at the server, and the most seen at once. */
let active = 0;
let maxActive = 0;
let holdUntil = 0;
let held: (() => void)[] = [];
let fallback: NodeJS.Timeout | undefined;

function handler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/etag' || url.pathname === '/per-token') {
    // Like GitHub: the ETag depends on the credential as well as the body.
    const etag = `W/"${digest(ETAG_BODY + (req.headers.authorization ?? '')).slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'x-ratelimit-remaining': '99' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag, link: '<http://x/next>; rel="next"' });
    res.end(ETAG_BODY);
    return;
  }
  if (url.pathname === '/last-modified') {
    if (req.headers['if-modified-since'] === LAST_MODIFIED) {
      res.writeHead(304, {});
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'last-modified': LAST_MODIFIED });
    res.end(LM_BODY);
    return;
  }
  if (url.pathname === '/held') {
    // Held until `holdUntil` requests are in flight (or 1 s passes), so the most seen at once is
    // the cap whatever the machine's speed: more would mean the cap let them through.
    active++;
    maxActive = Math.max(maxActive, active);
    const release = () => {
      active--;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    };
    held.push(release);
    clearTimeout(fallback);
    fallback = setTimeout(flush, active >= holdUntil ? 20 : 1000);
    return;
  }
  res.writeHead(404);
  res.end();
}

function flush(): void {
  const now = held;
  held = [];
  for (const release of now) release();
}

beforeAll(async () => {
  server = await startServer(handler);
});
afterAll(async () => {
  await server.close();
});

/** The rows of a cache folder's database, read as a bystander would. */
function rows(dir: string): { key: string; meta: string; body: Buffer }[] {
  const db = new Database(join(dir, 'answers.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT key, meta, body FROM answers').all() as { key: string; meta: string; body: Buffer }[];
  } finally {
    db.close();
  }
}

const freshCache = () => ConditionalCache.open(mkdtempSync(join(tmpdir(), 'techops-http-cache-')))!;

function axiosClient(cache: ConditionalCache | undefined, token = 'token-aaaaaaaaaaaa', extra: { cap?: ConcurrencyCap } = {}) {
  const evidence = new EvidenceLog();
  const redactor = new Redactor();
  const http = createHttpClient({
    collector: 'c', instance: 'i', baseURL: server.url, evidence, redactor, retryBaseMs: 1, cache,
    auth: { bearer: token }, ...extra,
  });
  return { http, evidence };
}

function recordingFetch(cache: ConditionalCache | undefined, extra: { cap?: ConcurrencyCap } = {}) {
  const evidence = new EvidenceLog();
  const f = createRecordingFetch({ collector: 'c', instance: 'i', evidence, redactor: new Redactor(), baseURL: server.url, cache, ...extra });
  return { f, evidence };
}

const sent = (path: string) => server.requests.filter((r) => r.url === path);

describe('conditional requests: the axios client', () => {
  it('a repeated request with an ETag is answered 304, served the cached body, and the evidence says so', async () => {
    const cache = freshCache();
    const before = sent('/etag').length;
    const first = axiosClient(cache);
    const a = await first.http.getText('/etag');
    expect(a.status).toBe(200);
    await cache.settled();
    const second = axiosClient(cache);
    const b = await second.http.getText('/etag');
    expect(b.data).toBe(ETAG_BODY);
    expect(b.status).toBe(200);
    // stored headers (the paging link) come back with the 304's own
    expect(b.headers.link).toBe('<http://x/next>; rel="next"');
    expect(b.headers['x-ratelimit-remaining']).toBe('99');
    const requests = sent('/etag').slice(before);
    expect(requests).toHaveLength(2);
    expect(requests[0].headers['if-none-match']).toBeUndefined();
    expect(requests[1].headers['if-none-match']).toMatch(/^W\/"/);
    const [rec] = second.evidence.records;
    expect(rec).toMatchObject({ status: 304, sha256: digest(ETAG_BODY), bytes: ETAG_BODY.length });
    expect(rec.revalidated_from).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(b.revalidatedFrom).toBe(rec.revalidated_from);
    expect(first.evidence.records[0].revalidated_from).toBeUndefined();
    expect(a.revalidatedFrom).toBeUndefined();
  });

  it('Last-Modified likewise: If-Modified-Since, then the cached body on 304', async () => {
    const cache = freshCache();
    await axiosClient(cache).http.getText('/last-modified');
    await cache.settled();
    const before = sent('/last-modified').length;
    const { http, evidence } = axiosClient(cache);
    const res = await http.getJson('/last-modified', z.object({ note: z.string() }));
    expect(res.data.note).toBe('last-modified');
    expect(sent('/last-modified').slice(before)[0].headers['if-modified-since']).toBe(LAST_MODIFIED);
    expect(evidence.records[0]).toMatchObject({ status: 304, sha256: digest(LM_BODY) });
  });

  it('two credentials do not share entries, and neither credential is written to the cache', async () => {
    const cache = freshCache();
    await axiosClient(cache, 'token-first-111111').http.getText('/per-token');
    await cache.settled();
    const before = sent('/per-token').length;
    const other = axiosClient(cache, 'token-second-22222');
    const res = await other.http.getText('/per-token');
    expect(res.data).toBe(ETAG_BODY);
    await cache.settled();
    // the second token's request was unconditional: the first token's ETag was not sent for it
    expect(sent('/per-token').slice(before)[0].headers['if-none-match']).toBeUndefined();
    expect(other.evidence.records[0]).toMatchObject({ status: 200 });
    // and each token is then answered 304 from its own entry
    const again = axiosClient(cache, 'token-first-111111');
    await again.http.getText('/per-token');
    expect(again.evidence.records[0].status).toBe(304);
    // every file of the folder (the database, its journal and the secret): no credential, no URL
    const files = readdirSync(cache.dir);
    expect(files).toContain('answers.sqlite');
    for (const f of files) {
      const text = readFileSync(join(cache.dir, f), 'latin1');
      expect(text).not.toContain('token-first');
      expect(text).not.toContain('token-second');
      expect(text).not.toContain('/per-token');
    }
    expect(rows(cache.dir)).toHaveLength(2);
  });

  it('an answer is one row of one file: metadata, then the body as received (not re-serialised); only that file, its journal and the secret', async () => {
    const cache = freshCache();
    await axiosClient(cache).http.getText('/etag');
    await cache.settled();
    expect(readdirSync(cache.dir).filter((f) => !/^answers\.sqlite(-journal)?$/.test(f))).toEqual(['key']);
    const [row] = rows(cache.dir);
    expect(JSON.parse(row.meta)).toMatchObject({ v: 3, status: 200, bytes: Buffer.byteLength(ETAG_BODY), sha256: digest(ETAG_BODY) });
    expect(row.body.toString('utf8')).toBe(ETAG_BODY);
    expect(statSync(join(cache.dir, 'answers.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('entries of the earlier layouts (a file per answer, or two) are removed when the folder is first opened; other files stay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-cache-old-'));
    const old = 'a'.repeat(64);
    for (const f of [`${old}.json`, `${old}.body`, `${old}.entry`, 'notes.txt']) writeFileSync(join(dir, f), 'x');
    expect(ConditionalCache.open(dir)).toBeDefined();
    expect(readdirSync(dir).filter((f) => !/^answers\.sqlite(-journal)?$/.test(f)).sort()).toEqual(['key', 'notes.txt']);
  });

  it('a cache file that is not a database is replaced, and the scan goes on caching', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-cache-junk-'));
    writeFileSync(join(dir, 'answers.sqlite'), 'this is not an SQLite database, but long enough to be read as a header of one'.repeat(20));
    const cache = ConditionalCache.open(dir)!;
    expect(cache).toBeDefined();
    await axiosClient(cache).http.getText('/etag');
    await cache.settled();
    const again = axiosClient(cache);
    await again.http.getText('/etag');
    expect(again.evidence.records[0].status).toBe(304);
  });

  it('a folder that cannot be made turns caching off with one warning naming it; requests still go out', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'techops-cache-file-')), 'plain-file');
    writeFileSync(file, 'x');
    const warnings: { msg: string; fields?: Record<string, unknown> }[] = [];
    const log = { ...silentLogger, warn: (msg: string, fields?: Record<string, unknown>) => warnings.push({ msg, fields }) };
    expect(ConditionalCache.open(join(file, 'http'), log)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: 'http cache disabled', fields: { dir: join(file, 'http') } });
    const res = await axiosClient(undefined).http.getText('/etag');
    expect(res.data).toBe(ETAG_BODY);
  });

  it('another process holding the file: fresh requests meanwhile, and caching goes on once it lets go', async () => {
    const cache = freshCache();
    await axiosClient(cache).http.getText('/etag');
    await cache.settled();
    const other = new Database(join(cache.dir, 'answers.sqlite'));
    other.exec('BEGIN EXCLUSIVE');
    const before = sent('/etag').length;
    const held = axiosClient(cache);
    expect((await held.http.getText('/etag')).data).toBe(ETAG_BODY);
    await cache.settled();
    // unconditional: the row could not be read while the other connection held the file
    expect(sent('/etag').slice(before)[0].headers['if-none-match']).toBeUndefined();
    expect(held.evidence.records[0].status).toBe(200);
    other.exec('ROLLBACK');
    other.close();
    const after = axiosClient(cache);
    await after.http.getText('/etag');
    expect(after.evidence.records[0].status).toBe(304);
  });

  it(`an answer neither read nor stored for ${UNUSED_DAYS} days is removed when a folder is opened; one read is kept and its use recorded`, async () => {
    // A folder left by an earlier run: its file, copied before this process opens it.
    const cache = freshCache();
    await axiosClient(cache).http.getText('/etag');
    await axiosClient(cache).http.getText('/last-modified');
    await cache.settled();
    const dir = mkdtempSync(join(tmpdir(), 'techops-cache-old-rows-'));
    for (const f of readdirSync(cache.dir)) copyFileSync(join(cache.dir, f), join(dir, f));
    const day = 86_400_000;
    const db = new Database(join(dir, 'answers.sqlite'));
    const ages = db.prepare('UPDATE answers SET used_at = ? WHERE json_extract(meta, ?) IS NOT NULL');
    ages.run(Date.now() - (UNUSED_DAYS + 1) * day, '$.etag');
    ages.run(Date.now() - (UNUSED_DAYS - 1) * day, '$.last_modified');
    db.close();
    const old = ConditionalCache.open(dir)!;
    const left = rows(dir);
    expect(left).toHaveLength(1);
    expect(JSON.parse(left[0].meta).last_modified).toBe(LAST_MODIFIED);
    // the one left is read (answered 304), and its use recorded with the next write
    const { http, evidence } = axiosClient(old);
    await http.getText('/last-modified');
    expect(evidence.records[0].status).toBe(304);
    await old.settled();
    const usedAt = (new Database(join(dir, 'answers.sqlite'), { readonly: true }).prepare('SELECT used_at FROM answers').get() as { used_at: number }).used_at;
    expect(Date.now() - usedAt).toBeLessThan(60_000);
  });

  it('a cache file of another shape (an earlier build\'s table) is emptied and used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-cache-shape-'));
    const db = new Database(join(dir, 'answers.sqlite'));
    db.exec("CREATE TABLE answers (key TEXT PRIMARY KEY, meta TEXT NOT NULL, body BLOB NOT NULL); INSERT INTO answers VALUES ('k', '{}', x'00')");
    db.close();
    const cache = ConditionalCache.open(dir)!;
    expect(rows(dir)).toEqual([]);
    await axiosClient(cache).http.getText('/etag');
    await cache.settled();
    const again = axiosClient(cache);
    await again.http.getText('/etag');
    expect(again.evidence.records[0].status).toBe(304);
  });

  const edit = (sql: string) => (dir: string) => {
    const db = new Database(join(dir, 'answers.sqlite'));
    db.prepare(sql).run();
    db.close();
  };
  it.each([
    ['metadata that does not parse', edit("UPDATE answers SET meta = '{not json'")],
    ['metadata of another key', edit("UPDATE answers SET meta = json_set(meta, '$.key', 'other')")],
    ['a body that does not match its digest', edit("UPDATE answers SET body = CAST('{\"items\":[9]}' AS BLOB)")],
    ['a body cut short', edit('UPDATE answers SET body = substr(body, 1, length(body) - 3)')],
    ['a body stored as text, not bytes', edit('UPDATE answers SET body = CAST(body AS TEXT)')],
  ])('%s is ignored: a fresh request, no error', async (_what, spoil) => {
    const cache = freshCache();
    await axiosClient(cache).http.getText('/etag');
    await cache.settled();
    spoil(cache.dir);
    const before = sent('/etag').length;
    const { http, evidence } = axiosClient(cache);
    const res = await http.getText('/etag');
    expect(res.data).toBe(ETAG_BODY);
    expect(sent('/etag').slice(before)[0].headers['if-none-match']).toBeUndefined();
    expect(evidence.records[0]).toMatchObject({ status: 200, sha256: digest(ETAG_BODY) });
    await cache.settled();
    // and the fresh answer replaced the corrupt entry
    const third = axiosClient(cache);
    await third.http.getText('/etag');
    expect(third.evidence.records[0].status).toBe(304);
  });

  it('without a cache every request is unconditional', async () => {
    const before = sent('/etag').length;
    await axiosClient(undefined).http.getText('/etag');
    await axiosClient(undefined).http.getText('/etag');
    expect(sent('/etag').slice(before).map((r) => r.headers['if-none-match'])).toEqual([undefined, undefined]);
  });
});

describe('conditional requests: the recording fetch (Octokit)', () => {
  it('a 304 reaches the SDK as the cached 200, recorded as a revalidation', async () => {
    const cache = freshCache();
    const init = { headers: { authorization: 'token ghp_aaaaaaaaaaaaaaaaaaaa', accept: 'application/json' } };
    await recordingFetch(cache).f(`${server.url}/etag`, init);
    await cache.settled();
    const { f, evidence } = recordingFetch(cache);
    const res = await f(`${server.url}/etag`, init);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(ETAG_BODY);
    expect(res.headers.get('link')).toBe('<http://x/next>; rel="next"');
    expect(res.headers.get(EVIDENCE_HEADER)).toBe(evidence.records[0].id);
    expect(res.url).toBe(`${server.url}/etag`);
    expect(evidence.records[0]).toMatchObject({ status: 304, sha256: digest(ETAG_BODY) });
    expect(res.headers.get(REVALIDATED_HEADER)).toBe(evidence.records[0].revalidated_from);
  });

  it('another token gets no entry of the first', async () => {
    const cache = freshCache();
    await recordingFetch(cache).f(`${server.url}/per-token`, { headers: { authorization: 'token ghp_first' } });
    await cache.settled();
    const before = sent('/per-token').length;
    await recordingFetch(cache).f(`${server.url}/per-token`, { headers: { authorization: 'token ghp_second' } });
    expect(sent('/per-token').slice(before)[0].headers['if-none-match']).toBeUndefined();
  });

  it('a caller sending its own If-None-Match gets the 304 itself', async () => {
    const cache = freshCache();
    const first = await recordingFetch(cache).f(`${server.url}/etag`);
    await cache.settled();
    const res = await recordingFetch(cache).f(`${server.url}/etag`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(res.status).toBe(304);
  });
});

describe('one evidence shape for both paths', () => {
  const comparable = (r: EvidenceRecord) => {
    const { id: _id, started_at: _s, duration_ms: _d, revalidated_from: stored, ...rest } = r;
    return { ...rest, revalidated: stored !== undefined };
  };

  it.each([
    ['a 200', false],
    ['a 304 revalidation', true],
  ])('%s is recorded alike by the axios client and the fetch', async (_what, warm) => {
    const token = 'token-shape-333333';
    const axiosCache = freshCache();
    const fetchCache = freshCache();
    if (warm) {
      await axiosClient(axiosCache, token).http.getText('/etag');
      await recordingFetch(fetchCache).f(`${server.url}/etag`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
      await Promise.all([axiosCache.settled(), fetchCache.settled()]);
    }
    const viaAxios = axiosClient(axiosCache, token);
    await viaAxios.http.getText('/etag');
    const viaFetch = recordingFetch(fetchCache);
    await viaFetch.f(`${server.url}/etag`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    const a = viaAxios.evidence.records[0];
    const b = viaFetch.evidence.records[0];
    expect(Object.keys(a).filter((k) => a[k as keyof EvidenceRecord] !== undefined).sort())
      .toEqual(Object.keys(b).filter((k) => b[k as keyof EvidenceRecord] !== undefined).sort());
    expect(comparable(a)).toEqual(comparable(b));
    expect(a.status).toBe(warm ? 304 : 200);
    expect(a.revalidated_from !== undefined).toBe(warm);
  });
});

describe('the per-instance concurrency cap', () => {
  it('holds across the clients and the fetch of one instance', async () => {
    const cap = new ConcurrencyCap(3);
    active = 0;
    maxActive = 0;
    holdUntil = 3;
    const one = axiosClient(undefined, 'token-cap-1', { cap });
    const two = axiosClient(undefined, 'token-cap-2', { cap });
    const three = recordingFetch(undefined, { cap });
    await Promise.all([
      ...Array.from({ length: 6 }, () => one.http.getText('/held')),
      ...Array.from({ length: 6 }, () => two.http.getText('/held')),
      // (nock's fetch interceptor, loaded for every test, sends fetches to loopback one at a time)
      ...Array.from({ length: 2 }, () => three.f(`${server.url}/held`).then((r) => r.text())),
    ]);
    expect(maxActive).toBe(3);
    expect(one.evidence.records.length + two.evidence.records.length + three.evidence.records.length).toBe(14);
  });

  it('a client without a shared cap gets the default of HTTP_DEFAULTS', async () => {
    active = 0;
    maxActive = 0;
    holdUntil = HTTP_DEFAULTS.maxConcurrency;
    const { http } = axiosClient(undefined);
    await Promise.all(Array.from({ length: HTTP_DEFAULTS.maxConcurrency * 2 }, () => http.getText('/held')));
    expect(maxActive).toBe(HTTP_DEFAULTS.maxConcurrency);
  });
});

describe('from the config to the collector', () => {
  const probe: Collector<{ url: string }> = {
    id: 'probe',
    description: 'reads one URL with ctx.http and one with ctx.fetch',
    signals: [{ id: 'probe.note', type: 'string', aggregation: 'first', description: 'the note read' }] as Collector<{ url: string }>['signals'],
    configSchema: z.object({ url: z.string() }),
    async collect(ctx) {
      const res = await ctx.http({ baseURL: ctx.config.url, auth: { bearer: 'token-probe-444444' } }).getJson('/etag', z.object({ note: z.string() }));
      const f = ctx.fetch({ baseURL: ctx.config.url });
      await (await f(`${ctx.config.url}/last-modified`, { headers: { authorization: 'token ghp_probe' } })).text();
      ctx.emit('probe.note', res.data.note, [res.evidence]);
    },
  };

  const scanOnce = async (configFile: string) => {
    const cfg = loadConfig(configFile, [probe], { env: {} });
    const evidence = new EvidenceLog();
    const result = await runCollectors({
      registry: [probe], instances: cfg.instances, clock: fixedClock('2026-03-01T12:00:00.000Z'),
      window: { start: new Date('2026-03-01T11:00:00.000Z'), end: new Date('2026-03-01T12:00:00.000Z'), seconds: 3600 },
      evidence, redactor: new Redactor(), log: silentLogger, concurrency: 1, collectorDeadlineMs: 10_000, scanDeadlineMs: 10_000,
    });
    return { cfg, evidence, result };
  };

  it('a repeated scan is answered 304 for both paths, from .techops-cache/http beside the config, same values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-cache-config-'));
    const file = join(dir, 'techops.yaml');
    writeFileSync(file, `assessment: { name: x }\ncollectors:\n  probe:\n    - name: a\n      url: ${server.url}\n`);
    const first = await scanOnce(file);
    expect(first.cfg.instances[0].http.cacheDir).toBe(join(dir, '.techops-cache', 'http'));
    expect(first.evidence.records.map((r) => r.status)).toEqual([200, 200]);
    const second = await scanOnce(file);
    expect(second.evidence.records.map((r) => r.status)).toEqual([304, 304]);
    expect(second.result.signals.get('probe.note')?.value).toBe('etag');
    expect(second.result.runs[0].status).toBe('ok');
  });

  it('http.cache: false makes every request fresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-cache-config-'));
    const file = join(dir, 'techops.yaml');
    writeFileSync(file, `assessment: { name: x }\ncollectors:\n  probe:\n    - name: a\n      url: ${server.url}\n      http: { cache: false }\n`);
    await scanOnce(file);
    const second = await scanOnce(file);
    expect(second.cfg.instances[0].http.cacheDir).toBeUndefined();
    expect(second.evidence.records.map((r) => r.status)).toEqual([200, 200]);
  });

  it('http.cache_dir is relative to the config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-cache-config-'));
    const file = join(dir, 'techops.yaml');
    writeFileSync(file, `assessment: { name: x }\ncollectors:\n  probe:\n    - name: a\n      url: ${server.url}\n      http: { cache_dir: elsewhere/c, max_concurrency: 2 }\n`);
    const { cfg } = await scanOnce(file);
    expect(cfg.instances[0].http).toMatchObject({ cacheDir: join(dir, 'elsewhere', 'c'), maxConcurrency: 2 });
    expect(rows(join(dir, 'elsewhere', 'c'))).toHaveLength(2);
  });
});
