import { createHmac, randomBytes } from 'node:crypto';
import { close, mkdirSync, open, readdirSync, readFile, readFileSync, rmSync, unlink, writeFileSync, writev } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { sha256 } from './evidence-record.js';

/**
 * Conditional requests for every collector: the last 200 answer of a GET that carried an ETag or
 * a Last-Modified is kept on disk, and the next request for it sends If-None-Match /
 * If-Modified-Since; a 304 Not Modified is answered with the kept body (GitHub does not count a
 * 304 against its rate limit, and no server sends the body again).
 *
 * An entry is one file, `<key>.entry`: a line of metadata (validators, status, headers, when
 * stored, the body's SHA-256 and size) in JSON, then the raw body as received (one copy, never
 * re-serialised). One file, written in place: a first scan stores thousands of answers, and each
 * file operation costs a trip through libuv's small thread pool (at x50 in the benchmark, a
 * metadata file and a body file each, the metadata under a temporary name and renamed, took ~3 s
 * of a 17 s scan; one file in place about a third of that). The key is an HMAC, under a secret
 * kept in the cache folder, of the method, the URL, the Accept header and the credential's
 * identity: two credentials never share an entry (an answer one token may see is not served to
 * another), and neither the credential nor the URL (which may carry a token in its query) is
 * written to disk.
 *
 * The cache is safe to lose or corrupt: an entry whose metadata does not parse, whose key does
 * not match or whose body does not match its size and SHA-256 (one being written, or cut short by
 * a crash) is ignored, and a fresh request replaces it. A folder that cannot be used turns caching
 * off with one warning; it never fails a scan.
 */
export interface CachedAnswer {
  status: number;
  etag?: string;
  lastModified?: string;
  contentType?: string;
  /** Response headers of the stored answer (paging links, content type …), lower-case names. */
  headers: Record<string, string>;
  storedAt: string;
  sha256: string;
  body: Buffer;
  /**
   * For an answer that has no validator of its own (a GraphQL POST): what it was read under, as
   * its caller computed it from the validated answers it depends on; reused only under the same.
   */
  watermark?: string;
}

interface Folder {
  secret: Buffer;
  known: Set<string>;
}

interface Metadata {
  /** 2: one file, the metadata line then the body (1 was a file of each). */
  v: 2;
  key: string;
  status: number;
  etag?: string;
  last_modified?: string;
  content_type?: string;
  headers: Record<string, string>;
  stored_at: string;
  sha256: string;
  bytes: number;
  watermark?: string;
}

/** Headers never kept: they describe one connection or one exchange, not the representation. */
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'set-cookie', 'date', 'age', 'x-techops-evidence']);

export class ConditionalCache {
  private broken = false;
  /** Writes in flight: callers do not wait for them, `settled()` does. */
  private readonly writing = new Set<Promise<void>>();

  private readonly secret: Buffer;
  /**
   * The keys with metadata on disk, listed once per folder and process: a request with no entry
   * costs no file operation (on a first scan, thousands of failed reads would queue in libuv's
   * small thread pool ahead of every other collector's file and network work).
   */
  private readonly known: Set<string>;

  private constructor(readonly dir: string, folder: Folder, private readonly log?: Logger) {
    this.secret = folder.secret;
    this.known = folder.known;
  }

  private static folders = new Map<string, Folder>();

  /**
   * Bytes of bodies handed to `store` and not yet on disk, across every instance of the process:
   * each holds its body until written, and a slow disk (or libuv's four threads busy elsewhere)
   * would otherwise let them pile up. `room()` waits while they are over PENDING_LIMIT. 4 MiB:
   * with 16, the benchmark's x100 scan (GitHub pull lists of 1.4 MiB a page) had 14–17 MiB of
   * bodies waiting for the disk at its peak, most of the bodies still alive after a full
   * collection; with 4, at most 7–9 MiB (the limit is checked before a write is added), and the
   * scan took no longer against its floor.
   */
  private static pending = 0;
  private static readonly pendingWrites = new Set<Promise<void>>();
  static readonly PENDING_LIMIT = 4 * 1024 * 1024;

  /** Resolves once the bodies waiting to be written are under PENDING_LIMIT (at once, mostly). */
  static async room(): Promise<void> {
    while (ConditionalCache.pending > ConditionalCache.PENDING_LIMIT && ConditionalCache.pendingWrites.size) {
      await Promise.race(ConditionalCache.pendingWrites);
    }
  }

  /**
   * The cache in `dir` (created with mode 0700 when missing), for one collector instance: its
   * writes are its own (`settled()` waits for them only), the folder's key and listing are shared.
   * Undefined, with a warning, when the folder cannot be used.
   */
  static open(dir: string, log?: Logger): ConditionalCache | undefined {
    try {
      let folder = ConditionalCache.folders.get(dir);
      if (!folder) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const files = readdirSync(dir);
        // Entries of the earlier two-file layout (`.json` and `.body`) are never read again.
        for (const f of files) if (/^[0-9a-f]{64}\.(json|body)$/.test(f)) rmSync(join(dir, f), { force: true });
        folder = {
          secret: readOrCreateSecret(join(dir, 'key')),
          known: new Set(files.filter((f) => /^[0-9a-f]{64}\.entry$/.test(f)).map((f) => f.slice(0, -ENTRY.length))),
        };
        ConditionalCache.folders.set(dir, folder);
      }
      return new ConditionalCache(dir, folder, log);
    } catch (err) {
      log?.warn('http cache disabled', { dir, error: errorMessage(err) });
      return undefined;
    }
  }

  /** The entry's name: method, URL, Accept and credential identity, under the folder's secret. */
  key(parts: { method: string; url: string; accept?: string | null; credential: string; body?: string }): string {
    const fields = [parts.method.toUpperCase(), parts.url, parts.accept ?? '', parts.credential];
    // A POST's document and variables are part of what is asked (a GET's key is as it always was).
    if (parts.body !== undefined) fields.push(parts.body);
    return createHmac('sha256', this.secret).update(fields.join('\0')).digest('hex');
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    if (!this.known.has(key)) return undefined;
    try {
      const entry = await readFileAsync(join(this.dir, `${key}${ENTRY}`));
      const eol = entry.indexOf(0x0a);
      if (eol < 0) return undefined;
      const meta = JSON.parse(entry.toString('utf8', 0, eol)) as Metadata;
      if (meta?.v !== 2 || meta.key !== key || typeof meta.sha256 !== 'string' || typeof meta.status !== 'number') return undefined;
      if (!meta.etag && !meta.last_modified && !meta.watermark) return undefined;
      if (typeof meta.headers !== 'object' || meta.headers === null) return undefined;
      const body = entry.subarray(eol + 1);
      if (body.length !== meta.bytes || sha256(body) !== meta.sha256) return undefined;
      return {
        status: meta.status, etag: meta.etag, lastModified: meta.last_modified, contentType: meta.content_type,
        headers: meta.headers, storedAt: meta.stored_at, sha256: meta.sha256, body, watermark: meta.watermark,
      };
    } catch {
      // missing, unreadable or corrupt: as if never stored
      return undefined;
    }
  }

  /**
   * Keeps a 200 answer that carries a validator (anything else is not kept), in the background:
   * the answer goes to its caller at once; `settled()` waits for the writes.
   */
  store(key: string, answer: { status: number; headers: Record<string, string>; body: Buffer; sha256?: string }, now: Date, watermark?: string): void {
    const write = this.put(key, answer, now, watermark);
    const bytes = answer.body.length;
    ConditionalCache.pending += bytes;
    this.writing.add(write);
    ConditionalCache.pendingWrites.add(write);
    void write.finally(() => {
      this.writing.delete(write);
      ConditionalCache.pendingWrites.delete(write);
      ConditionalCache.pending -= bytes;
    });
  }

  /** Resolves when every write started so far has ended (never rejects). */
  async settled(): Promise<void> {
    while (this.writing.size) await Promise.all([...this.writing]);
  }

  async put(key: string, answer: { status: number; headers: Record<string, string>; body: Buffer; sha256?: string }, now: Date, watermark?: string): Promise<void> {
    if (this.broken || answer.status !== 200) return;
    const etag = answer.headers.etag;
    const lastModified = answer.headers['last-modified'];
    if (!etag && !lastModified && !watermark) return;
    if (/no-store/i.test(answer.headers['cache-control'] ?? '')) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (!DROPPED.has(name)) headers[name] = value;
    const meta: Metadata = {
      v: 2, key, status: answer.status, etag, last_modified: lastModified, content_type: answer.headers['content-type'],
      headers, stored_at: now.toISOString(), sha256: answer.sha256 ?? sha256(answer.body), bytes: answer.body.length, watermark,
    };
    const file = join(this.dir, `${key}${ENTRY}`);
    try {
      // In place, with no temporary file and rename (each one more file operation, thousands of
      // them on a first scan): a reader that finds an entry being written, or cut short by a crash,
      // finds a body that does not match the metadata's size and SHA-256, and asks afresh. The
      // callback API, not fs/promises: no FileHandle object for each of thousands of files.
      await writeWhole(file, [Buffer.from(`${JSON.stringify(meta)}\n`), answer.body]);
      this.known.add(key);
    } catch (err) {
      this.broken = true;
      await unlinkAsync(file).catch(() => {});
      this.log?.warn('http cache not written; caching stops for this scan', { dir: this.dir, error: errorMessage(err) });
    }
  }
}

const ENTRY = '.entry';
const readFileAsync = promisify(readFile);
const unlinkAsync = promisify(unlink);
const openAsync = promisify(open);
const writevAsync = promisify(writev);
const closeAsync = promisify(close);

/** Writes the buffers, one after the other, to the file (created mode 0600, or emptied first) without joining them. */
async function writeWhole(file: string, parts: Buffer[]): Promise<void> {
  const fd = await openAsync(file, 'w', 0o600);
  try {
    const total = parts.reduce((n, p) => n + p.length, 0);
    let written = 0;
    while (written < total) {
      // writev may write less than asked: the rest again, from where it stopped.
      let skip = written;
      const rest = parts.flatMap((p) => {
        if (skip >= p.length) {
          skip -= p.length;
          return [];
        }
        const out = skip ? p.subarray(skip) : p;
        skip = 0;
        return [out];
      });
      written += (await writevAsync(fd, rest)).bytesWritten;
    }
  } finally {
    await closeAsync(fd);
  }
}

/** The validators a conditional request sends for a cached answer. */
export function conditionalHeaders(entry: CachedAnswer): Record<string, string> {
  const out: Record<string, string> = {};
  if (entry.etag) out['if-none-match'] = entry.etag;
  if (entry.lastModified) out['if-modified-since'] = entry.lastModified;
  return out;
}

/** True when the caller sends its own validators: the cache then stays out of the way. */
export function hasValidators(headers: Record<string, unknown> | Headers | undefined): boolean {
  if (!headers) return false;
  if (headers instanceof Headers) return headers.has('if-none-match') || headers.has('if-modified-since');
  return Object.keys(headers).some((k) => /^if-(none-match|modified-since)$/i.test(k));
}

/**
 * The headers of the answer given for a 304: the stored ones, updated by those the 304 sent
 * (RFC 9111 §4.3.4), except those describing the 304's own (empty) body.
 */
export function revalidatedHeaders(entry: CachedAnswer, fresh: Record<string, string>): Record<string, string> {
  const out = { ...entry.headers };
  for (const [name, value] of Object.entries(fresh)) if (!DROPPED.has(name) && name !== 'content-type') out[name] = value;
  return out;
}

/**
 * Who asks, as far as the cache is concerned: the credential-bearing headers and client
 * certificate, hashed by the cache's key (never stored as they are).
 */
export function credentialIdentity(headers: Record<string, string | undefined> | Headers, cert?: string | Buffer): string {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const parts = entries
    .filter(([k, v]) => v !== undefined && /auth|token|key|cookie/i.test(k))
    .map(([k, v]) => `${k.toLowerCase()}=${v}`)
    .sort();
  if (cert) parts.push(`cert=${sha256(typeof cert === 'string' ? cert : cert)}`);
  return parts.join('\n');
}

function readOrCreateSecret(file: string): Buffer {
  try {
    const secret = readFileSync(file);
    if (secret.length >= 32) return secret;
  } catch {
    // created below
  }
  const secret = randomBytes(32);
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
