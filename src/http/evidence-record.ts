import { createHash } from 'node:crypto';
import type { EvidenceLog, EvidenceRecord } from '../evidence/types.js';
import type { Redactor } from '../redact.js';

/**
 * The one way an HTTP exchange becomes an evidence record, used by the axios client and by the
 * recording fetch alike, so that the two cannot drift: the URL and hops without credentials, the
 * error redacted, the body's size, SHA-256 and a bounded redacted excerpt.
 */
export interface Exchange {
  method: string;
  /** As requested; credentials are removed here. */
  url: string;
  status?: number;
  error?: string;
  attempt: number;
  startedAt: number;
  /** The body the caller was given (for a 304 revalidation: the cached body it confirmed). */
  body?: Buffer;
  /** Its SHA-256 when already known (a cache entry carries it), so it is not hashed twice. */
  sha256?: string;
  /** A body read as it streamed (not kept): what a BodyTap took of it. */
  tapped?: TappedBody;
  /** The URLs that redirected to this one, first to last. */
  redirects?: string[];
  /** When the body came from the conditional cache after a 304: when it was stored. */
  revalidatedFrom?: string;
  /** No request was sent: the cached answer (stored at revalidatedFrom) still holds, for this reason. */
  reusedBecause?: string;
}

/** Records one exchange; the record (its id, and the body's digest for the cache to reuse). */
export interface ExchangeRecorder {
  (exchange: Exchange): EvidenceRecord;
}

export function exchangeRecorder(opts: {
  collector: string;
  instance: string;
  evidence: EvidenceLog;
  redactor: Redactor;
  excerptChars: number;
}): ExchangeRecorder {
  const { redactor } = opts;
  return (x) =>
    opts.evidence.add({
      collector: opts.collector,
      instance: opts.instance,
      method: x.method.toUpperCase(),
      url: redactor.url(x.url),
      status: x.status,
      error: x.error ? redactor.text(x.error) : undefined,
      attempt: x.attempt,
      started_at: new Date(x.startedAt).toISOString(),
      duration_ms: Date.now() - x.startedAt,
      bytes: x.body?.length ?? x.tapped?.bytes,
      sha256: x.body ? (x.sha256 ?? sha256(x.body)) : x.tapped?.sha256,
      excerpt: x.body ? excerpt(x.body, opts.excerptChars, redactor) : x.tapped ? excerpt(x.tapped.head, opts.excerptChars, redactor) : undefined,
      redirects: x.redirects?.length ? x.redirects.map((r) => redactor.url(r)) : undefined,
      revalidated_from: x.revalidatedFrom,
      reused_because: x.reusedBecause,
    });
}

export interface TappedBody {
  bytes: number;
  sha256: string;
  /** The first bytes, as many as an excerpt can need (EXCERPT_BYTES_PER_CHAR per character). */
  head: Buffer;
}

/** UTF-8 takes at most four bytes per character: the bytes an excerpt of n characters can need. */
const EXCERPT_BYTES_PER_CHAR = 4;

/**
 * What the evidence record needs of a body that is read as it streams and never held whole: its
 * size and SHA-256, taken chunk by chunk, and its first bytes for the excerpt.
 */
export class BodyTap {
  private readonly hash = createHash('sha256');
  private readonly headChunks: Buffer[] = [];
  private headBytes = 0;
  private bytes = 0;
  constructor(private readonly excerptChars: number) {}

  push(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    const want = this.excerptChars * EXCERPT_BYTES_PER_CHAR - this.headBytes;
    if (want > 0) {
      // copied: a slice would keep the socket's whole chunk alive with the record
      this.headChunks.push(Buffer.from(chunk.subarray(0, want)));
      this.headBytes += Math.min(want, chunk.length);
    }
  }

  taken(): TappedBody {
    return { bytes: this.bytes, sha256: this.hash.digest('hex'), head: Buffer.concat(this.headChunks) };
  }
}

export function sha256(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}

function excerpt(body: Buffer, chars: number, redactor: Redactor): string {
  return redactor.text(leadingText(body, chars));
}

/**
 * The body's first `chars` UTF-16 code units as UTF-8 text, in a string of their own. Cutting
 * them out of the text decoded from the first `4 × chars` bytes (four bytes per character at
 * most: enough, and not the whole body) gives V8 a slice that keeps that whole text alive with
 * it, four times the excerpt for an ASCII body: thousands of evidence records kept ~1.5 KiB each
 * of text nobody sees. The bytes behind the cut, decoded alone, give the same characters in a
 * string of their own; where they do not (the cut splits a surrogate pair, or falls on an invalid
 * sequence), the characters are copied one by one.
 */
export function leadingText(body: Buffer, chars: number): string {
  const decoded = body.subarray(0, chars * EXCERPT_BYTES_PER_CHAR).toString('utf8');
  if (decoded.length <= chars) return decoded;
  const cut = decoded.slice(0, chars);
  const own = body.subarray(0, Buffer.byteLength(cut, 'utf8')).toString('utf8');
  return own === cut ? own : cut.split('').join('');
}
