import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';

/**
 * Conditional requests for GitHub: the last 200 answer of every GET that carried an ETag is kept
 * on disk, keyed by the request URL (never by the token: GitHub's ETags vary with the
 * credentials, so another token simply gets a 200). The next request for that URL sends
 * If-None-Match; a 304 Not Modified (which does not count against GitHub's primary rate limit)
 * is answered with the cached body, so the SDK sees a 200 as before.
 *
 * The cache is safe to lose or corrupt: writes go to a temporary file renamed into place (a
 * reader never sees half a file), an entry that does not parse, names another URL or whose body
 * does not match its SHA-256 is ignored (and replaced by the next answer), and a folder that
 * cannot be written turns caching off with one warning instead of failing the scan.
 */
export interface CacheEntry {
  v: 1;
  url: string;
  etag: string;
  /** Response headers the SDK reads from a cached answer: link (paging) and content-type. */
  headers: Record<string, string>;
  body: string;
  sha256: string;
  stored_at: string;
}

/** Headers a cached answer keeps from the original 200. */
const KEPT_HEADERS = ['link', 'content-type'];
/** The header a served-from-cache answer carries: the SHA-256 of the cached body. */
export const CACHE_HEADER = 'x-techops-cache-sha256';

export class EtagCache {
  private constructor(readonly dir: string, private readonly log: Logger) {}
  private broken = false;

  /** The cache in `dir`, created (mode 0700) when missing; undefined (with a warning) when it cannot be. */
  static async open(dir: string, log: Logger): Promise<EtagCache | undefined> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      return new EtagCache(dir, log);
    } catch (err) {
      log.warn('etag cache disabled', { dir, error: errorMessage(err) });
      return undefined;
    }
  }

  private file(url: string): string {
    return join(this.dir, `${sha256(url)}.json`);
  }

  async get(url: string): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(url), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as CacheEntry;
      if (entry?.v !== 1 || entry.url !== url || typeof entry.etag !== 'string' || !entry.etag || typeof entry.body !== 'string') return undefined;
      if (sha256(entry.body) !== entry.sha256) return undefined;
      if (typeof entry.headers !== 'object' || entry.headers === null) return undefined;
      return entry;
    } catch {
      return undefined;
    }
  }

  async put(url: string, etag: string, headers: Headers, body: string, now: Date): Promise<void> {
    if (this.broken) return;
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = headers.get(name);
      if (value !== null) kept[name] = value;
    }
    const entry: CacheEntry = { v: 1, url, etag, headers: kept, body, sha256: sha256(body), stored_at: now.toISOString() };
    const target = this.file(url);
    const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(entry), { mode: 0o600 });
      await rename(tmp, target);
    } catch (err) {
      this.broken = true;
      await unlink(tmp).catch(() => {});
      this.log.warn('etag cache not written', { dir: this.dir, error: errorMessage(err) });
    }
  }
}

export interface CacheStats {
  /** Requests answered 304 and served from the cache. */
  notModified: number;
}

/**
 * Wraps a fetch with conditional GETs against the cache. The inner fetch (the core's recording
 * fetch) records the 304 as the evidence of the request; the answer returned carries that
 * evidence id, the cached body and the CACHE_HEADER with the cached body's SHA-256.
 */
export function conditionalFetch(inner: typeof fetch, cache: EtagCache | undefined, stats: CacheStats, now: () => Date): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    return withUrl(await exchange(request), request.url);
  };

  async function exchange(request: Request): Promise<Response> {
    if (!cache || request.method !== 'GET') return inner(request);
    const url = request.url;
    const entry = await cache.get(url);
    const headers = new Headers(request.headers);
    if (entry) headers.set('if-none-match', entry.etag);
    const response = await inner(new Request(request, { headers }));
    if (response.status === 304 && entry) {
      stats.notModified++;
      const served = new Headers(entry.headers);
      // The 304's own headers describe this request: evidence id, rate-limit state, date.
      response.headers.forEach((value, name) => {
        if (name !== 'content-length' && name !== 'content-type' && name !== 'link') served.set(name, value);
      });
      served.set('etag', entry.etag);
      served.set(CACHE_HEADER, entry.sha256);
      return new Response(entry.body, { status: 200, statusText: 'OK (not modified, from cache)', headers: served });
    }
    const etag = response.headers.get('etag');
    if (response.status !== 200 || !etag) return response;
    const body = await response.text();
    await cache.put(url, etag, response.headers, body, now());
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
}

/**
 * A Response built with `new Response()` has an empty `url` (the core's recording fetch sets it on
 * its own responses; this cache builds new ones from cached bodies); octokit.paginate parses it for
 * lists wrapped in an object (check runs, workflow runs, environments), so give it the URL back.
 */
function withUrl(response: Response, url: string): Response {
  if (!response.url) Object.defineProperty(response, 'url', { value: url, configurable: true });
  return response;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
