import { setTimeout as sleep } from 'node:timers/promises';
import { CollectError } from './errors.js';

/**
 * Pacing by the `RateLimit-*` answer headers, in the shared HTTP client: a server that says how
 * many requests its window has left and when the window resets is not run into. GitLab sends
 * them (RateLimit-Limit, -Observed, -Remaining, -Reset in Unix seconds, -ResetTime as an HTTP
 * date: docs.gitlab.com "User and IP rate limits", "GitLab.com rate limits"), on GitLab.com on
 * ordinary answers too, on most self-managed instances only on a throttled 429 or not at all;
 * the IETF draft's RateLimit-Reset is in seconds from now. Servers without them are never paced.
 * GitHub's `x-ratelimit-*` headers are not these (its collector reads them itself).
 */

/** What one answer said of the server's rate limit window. */
export interface RateLimitReading {
  /** Requests the window allows (RateLimit-Limit; for GitLab, each minute); undefined when not sent. */
  limit?: number;
  remaining: number;
  /** When the window resets, ms since the epoch. */
  resetAt: number;
}

/** RateLimit-Reset below this is seconds from now (the IETF draft), at or above it Unix seconds (GitLab). */
const EPOCH_SECONDS_FROM = 1_000_000_000;

/** The rate limit an answer's headers (lower-case names) state, or undefined when they state none. */
export function rateLimitOf(headers: Record<string, string | undefined>, now = Date.now()): RateLimitReading | undefined {
  const num = (name: string) => {
    const raw = headers[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const remaining = num('ratelimit-remaining');
  const reset = num('ratelimit-reset');
  if (remaining === undefined || reset === undefined) return undefined;
  return { limit: num('ratelimit-limit'), remaining, resetAt: reset >= EPOCH_SECONDS_FROM ? reset * 1000 : now + reset * 1000 };
}

/** The request a pacer stopped: the window is spent until after the longest wait allowed. */
export class RateLimitSpent extends CollectError {
  constructor(message: string, readonly resetAt: number) {
    super('unavailable', message);
  }
}

export interface PacerOptions {
  /** Who is paced, for the message: `collector/instance`. */
  name: string;
  /**
   * Requests kept in hand: the window counts as spent when this many or fewer are left, because
   * the requests already in flight (up to the instance's concurrency cap) take from it too.
   */
  reserve: number;
  /** The longest wait for a reset (http.max_retry_after); a longer one stops the request instead. */
  maxWaitMs: number;
  /** Told of each wait before it starts. */
  onWait?: (ms: number, reading: RateLimitReading) => void;
}

/**
 * One instance's view of its server's rate limit window, shared by the instance's clients: every
 * answer is `observe`d, and `pass` holds the next request until the window resets when it is
 * spent (or refuses it when that is beyond the longest wait).
 */
export class RateLimitPacer {
  private state: RateLimitReading | undefined;

  constructor(private readonly opts: PacerOptions) {}

  /** Takes the window an answer states; an answer from an older window (one overtaken in flight) says nothing new. */
  observe(headers: Record<string, string | undefined>, now = Date.now()): void {
    const r = rateLimitOf(headers, now);
    if (!r) return;
    const s = this.state;
    if (!s || r.resetAt > s.resetAt) this.state = r;
    else if (r.resetAt === s.resetAt && r.remaining < s.remaining) this.state = { ...s, remaining: r.remaining, limit: r.limit ?? s.limit };
  }

  /** The last window stated, if any. */
  get reading(): RateLimitReading | undefined {
    return this.state;
  }

  /** Resolves when the next request may go: at once, or after the reset of a spent window. */
  async pass(what: string, signal?: AbortSignal): Promise<void> {
    const s = this.state;
    const now = Date.now();
    if (!s || s.remaining > this.opts.reserve || s.resetAt <= now) return;
    const wait = s.resetAt - now;
    const until = new Date(s.resetAt).toISOString();
    const left = `${s.remaining}${s.limit !== undefined ? ` of ${s.limit}` : ''} requests left until ${until}`;
    if (wait > this.opts.maxWaitMs) {
      throw new RateLimitSpent(
        `rate limit of ${this.opts.name} spent: ${left} (RateLimit-Reset); waiting ${seconds(wait)} would be beyond http.max_retry_after (${seconds(this.opts.maxWaitMs)}), so ${what} was not sent`,
        s.resetAt,
      );
    }
    // One timer (and one abort listener) for every request held until the same reset.
    if (this.waiting?.resetAt !== s.resetAt) {
      this.opts.onWait?.(wait, s);
      this.waiting = { resetAt: s.resetAt, done: sleep(wait, undefined, { signal }).then(() => true, () => false) };
    }
    if (!(await this.waiting.done)) {
      throw new CollectError('aborted', `deadline passed while waiting for the rate limit of ${this.opts.name} to reset at ${until}, before ${what}`);
    }
  }

  private waiting: { resetAt: number; done: Promise<boolean> } | undefined;
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}
