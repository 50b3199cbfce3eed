import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { sha256 } from './evidence-record.js';

/**
 * Conditional requests for every collector: the last 200 answer of a GET that carried an ETag or
 * a Last-Modified is kept on disk, and the next request for it sends If-None-Match /
 * If-Modified-Since; a 304 Not Modified is answered with the kept body (GitHub does not count a
 * 304 against its rate limit, and no server sends the body again).
 *
 * The answers of a folder are rows of one SQLite file, `answers.sqlite` (better-sqlite3, which the
 * run store already uses): the metadata (validators, status, headers, when stored, the body's
 * SHA-256 and size) as JSON, and the raw body as received (one copy, never re-serialised). One
 * file, not one per answer: a first scan stores thousands of answers, and creating a file costs
 * the kernel ~0.5 ms here; at x50 in the benchmark the files took 0.7–3 s of a 15–17 s scan (the
 * same scan with the cache off was that much faster), the rows of one transaction per turn of the
 * event loop a fraction of it. No fsync: losing the last answers to a crash costs only fresh
 * requests. The key is an HMAC, under a secret kept in the folder, of the method, the
 * URL, the Accept header and the credential's identity: two credentials never share an entry (an
 * answer one token may see is not served to another), and neither the credential nor the URL
 * (which may carry a token in its query) is written to disk.
 *
 * An answer no scan has read or stored for UNUSED_DAYS is removed (keys that stop coming up, a
 * repository gone or a list asked from another day's start, would otherwise stay for good).
 *
 * The cache is safe to lose or corrupt: a row whose metadata does not parse, whose key does not
 * match or whose body does not match its size and SHA-256 is ignored, and a fresh answer replaces
 * it; a file SQLite cannot read is removed and started afresh. A folder that cannot be used
 * turns caching off with one warning; it never fails a scan.
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

interface Metadata {
  /** 3: a row of answers.sqlite (2 was a file per answer, 1 two files). */
  v: 3;
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

const FILE = 'answers.sqlite';
/** Files of the earlier layouts (a file per answer, or two), never read again. */
const OLD_ENTRY = /^[0-9a-f]{64}\.(json|body|entry)$/;

/** One folder's database, shared by every instance caching in it. */
class Folder {
  /** Rows waiting for the next write, by key: written together, in one transaction. */
  private queued = new Map<string, { key: string; meta: string; body: Buffer }>();
  /** Keys read this turn, whose `used_at` is brought up to date with the next write. */
  private touched = new Set<string>();
  private queuedBytes = 0;
  private flushing?: NodeJS.Immediate;
  private broken = false;
  private sweptAt = 0;
  private readonly select: Database.Statement<[string], { meta: string; body: Buffer }>;
  private readonly writeAll: (rows: { key: string; meta: string; body: Buffer }[], touched: string[], now: number) => void;
  private readonly deleteUnused: Database.Statement<[number]>;

  constructor(readonly dir: string, readonly secret: Buffer, db: Database.Database, private readonly log?: Logger, private readonly onFail?: () => void) {
    this.select = db.prepare('SELECT meta, body FROM answers WHERE key = ?');
    const insert = db.prepare<[string, number, string, Buffer]>('INSERT OR REPLACE INTO answers (key, used_at, meta, body) VALUES (?, ?, ?, ?)');
    const touch = db.prepare<[number, string]>('UPDATE answers SET used_at = ? WHERE key = ?');
    this.writeAll = db.transaction((rows, touched, now) => {
      for (const r of rows) insert.run(r.key, now, r.meta, r.body);
      for (const key of touched) touch.run(now, key);
    });
    this.deleteUnused = db.prepare('DELETE FROM answers WHERE used_at < ?');
  }

  /**
   * Removes the answers no scan has read or stored for UNUSED_DAYS (once a day at most): keys
   * that no longer come up (a repository gone, a list asked from another day's start) would
   * otherwise stay for good.
   */
  sweep(now: number): void {
    if (this.broken || now - this.sweptAt < DAY_MS) return;
    this.sweptAt = now;
    try {
      const gone = this.deleteUnused.run(now - UNUSED_DAYS * DAY_MS).changes;
      if (gone) this.log?.debug('http cache: unused answers removed', { dir: this.dir, removed: gone, unused_days: UNUSED_DAYS });
    } catch (err) {
      if (!isBusy(err)) this.fail(err);
    }
  }

  read(key: string): { meta: string; body: Buffer } | undefined {
    if (this.broken) return undefined;
    // An answer stored this turn is read from the file, so its row goes first; the rest of the
    // turn's writes and touches wait to be written together.
    if (this.queued.has(key)) this.flush();
    try {
      const row = this.select.get(key);
      if (row) this.touch(key);
      return row;
    } catch (err) {
      // Another process writing the folder: a fresh request this time, the cache goes on.
      if (!isBusy(err)) this.fail(err);
      return undefined;
    }
  }

  private touch(key: string): void {
    this.touched.add(key);
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** Queued, and written at the next turn of the event loop (at once past QUEUE_LIMIT bytes). */
  write(row: { key: string; meta: string; body: Buffer }): void {
    if (this.broken) return;
    this.queuedBytes += row.body.length - (this.queued.get(row.key)?.body.length ?? 0);
    this.queued.set(row.key, row);
    if (this.queuedBytes > QUEUE_LIMIT) this.flush();
    else this.flushing ??= setImmediate(() => this.flush());
  }

  /** Writes what is queued, now. */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    if (!this.queued.size && !this.touched.size) return;
    const rows = [...this.queued.values()];
    const touched = [...this.touched];
    this.queued = new Map();
    this.touched = new Set();
    this.queuedBytes = 0;
    if (this.broken) return;
    try {
      this.writeAll(rows, touched, Date.now());
    } catch (err) {
      // Another process holding the file: these answers are not kept (they will be asked afresh).
      if (!isBusy(err)) this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.broken = true;
    this.queued = new Map();
    // The next scan (of `serve`) opens the folder afresh.
    this.onFail?.();
    this.log?.warn('http cache failed; caching stops for this scan', { dir: this.dir, error: errorMessage(err) });
    // A file SQLite cannot read would fail every scan: the next one starts afresh.
    if (isDamaged(err)) removeDatabase(this.dir);
  }
}

/** The file is locked by another connection (another techops sharing the folder) past busy_timeout. */
const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test(String((err as { code?: unknown }).code ?? ''));
/** The file is not a database SQLite can read (left by something else, or damaged). */
const isDamaged = (err: unknown) => /^SQLITE_(CORRUPT|NOTADB)/.test(String((err as { code?: unknown }).code ?? '')) || /malformed|not a database/i.test(errorMessage(err));

const DAY_MS = 86_400_000;
/** An answer neither read nor stored for this long is removed: longer than any scan's window and schedule. */
export const UNUSED_DAYS = 45;

/** Bytes of bodies queued before they are written at once rather than at the next turn. */
const QUEUE_LIMIT = 4 * 1024 * 1024;

export class ConditionalCache {
  private constructor(readonly dir: string, private readonly folder: Folder) {}

  private static folders = new Map<string, Folder>();

  /**
   * The cache in `dir` (created with mode 0700 when missing), for one collector instance; the
   * folder's secret and database are shared by every instance caching in it. Undefined, with a
   * warning, when the folder cannot be used.
   */
  static open(dir: string, log?: Logger): ConditionalCache | undefined {
    try {
      let folder = ConditionalCache.folders.get(dir);
      if (!folder) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        for (const f of readdirSync(dir)) if (OLD_ENTRY.test(f)) rmSync(join(dir, f), { force: true });
        folder = new Folder(dir, readOrCreateSecret(join(dir, 'key')), openDatabase(dir), log, () => ConditionalCache.folders.delete(dir));
        ConditionalCache.folders.set(dir, folder);
      }
      folder.sweep(Date.now());
      return new ConditionalCache(dir, folder);
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
    return createHmac('sha256', this.folder.secret).update(fields.join('\0')).digest('hex');
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const row = this.folder.read(key);
    if (!row) return undefined;
    try {
      const meta = JSON.parse(row.meta) as Metadata;
      if (meta?.v !== 3 || meta.key !== key || typeof meta.sha256 !== 'string' || typeof meta.status !== 'number') return undefined;
      if (!meta.etag && !meta.last_modified && !meta.watermark) return undefined;
      if (typeof meta.headers !== 'object' || meta.headers === null) return undefined;
      const body = row.body;
      if (!Buffer.isBuffer(body) || body.length !== meta.bytes || sha256(body) !== meta.sha256) return undefined;
      return {
        status: meta.status, etag: meta.etag, lastModified: meta.last_modified, contentType: meta.content_type,
        headers: meta.headers, storedAt: meta.stored_at, sha256: meta.sha256, body, watermark: meta.watermark,
      };
    } catch {
      // corrupt: as if never stored
      return undefined;
    }
  }

  /**
   * Keeps a 200 answer that carries a validator (anything else is not kept). The row is written
   * with the others of this turn of the event loop; the answer goes to its caller at once.
   */
  store(key: string, answer: { status: number; headers: Record<string, string>; body: Buffer; sha256?: string }, now: Date, watermark?: string): void {
    if (!keepsAnswer(answer.status, answer.headers, watermark)) return;
    const etag = answer.headers.etag;
    const lastModified = answer.headers['last-modified'];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (!DROPPED.has(name)) headers[name] = value;
    const meta: Metadata = {
      v: 3, key, status: answer.status, etag, last_modified: lastModified, content_type: answer.headers['content-type'],
      headers, stored_at: now.toISOString(), sha256: answer.sha256 ?? sha256(answer.body), bytes: answer.body.length, watermark,
    };
    this.folder.write({ key, meta: JSON.stringify(meta), body: answer.body });
  }

  /** Writes the rows still queued (the harness calls it as an instance ends). */
  async settled(): Promise<void> {
    this.folder.flush();
  }
}

/** The table's shape; a file of another (an earlier build's) is emptied: it only holds answers. */
const SCHEMA = 1;

/**
 * The folder's database, created mode 0600 (SQLite gives its journal files the same). A file
 * SQLite cannot open as a database (left by something else, or damaged) is removed and created
 * afresh: it only ever held answers that can be asked again.
 */
function openDatabase(dir: string): Database.Database {
  const file = join(dir, FILE);
  const attempt = () => {
    closeSync(openSync(file, 'a', 0o600));
    const db = new Database(file);
    try {
      // Pages of 64 KiB (before the table is made; an existing file keeps its own) and a rollback
      // journal kept between writes, without fsync: a first scan's thousands of bodies cost the
      // main thread a third less than with 4 KiB pages and a WAL journal (whose checkpoints copy
      // every page twice). A crash loses at most the last writes; power lost mid-write may damage
      // the file, which is then replaced (below).
      db.pragma('page_size = 65536');
      db.pragma('journal_mode = PERSIST');
      db.pragma('synchronous = OFF');
      db.pragma('busy_timeout = 200');
      // SQLite's page cache (2 MB by default) held a first scan's bodies on their way to the disk:
      // x50 in the benchmark peaked ~15 MiB higher with it. Rows are read once a scan, by key.
      db.pragma('cache_size = -256');
      // `used_at` before the body, and indexed: the sweep reads it without walking the bodies.
      if (db.pragma('user_version', { simple: true }) !== SCHEMA) {
        db.exec(`DROP TABLE IF EXISTS answers;
          CREATE TABLE answers (key TEXT PRIMARY KEY, used_at INTEGER NOT NULL, meta TEXT NOT NULL, body BLOB NOT NULL);
          CREATE INDEX answers_used_at ON answers (used_at);
          PRAGMA user_version = ${SCHEMA};`);
      }
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  };
  try {
    return attempt();
  } catch (err) {
    if (!isDamaged(err)) throw err;
    removeDatabase(dir);
    return attempt();
  }
}

function removeDatabase(dir: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(join(dir, FILE + suffix), { force: true });
}

/**
 * Whether `store` keeps an answer: a 200 with a validator (or, for an answer that has none, a
 * watermark), not marked no-store. A client reading a body as it streams asks this first, since
 * what is kept must be read whole.
 */
export function keepsAnswer(status: number, headers: Record<string, string>, watermark?: string): boolean {
  if (status !== 200) return false;
  if (!headers.etag && !headers['last-modified'] && !watermark) return false;
  return !/no-store/i.test(headers['cache-control'] ?? '');
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
  if (cert) parts.push(`cert=${sha256(cert)}`);
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
