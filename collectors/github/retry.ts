import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../src/log.js';
import { isCollectError } from '../../src/http/errors.js';

/**
 * GitHub's rules for waiting, as one wrapper around the core's recording fetch (instead of
 * @octokit/plugin-throttling and plugin-retry, whose three Bottleneck queues cost ~14 ms a
 * request each way, and which serialise every POST — GraphQL queries included — one a second):
 * - primary rate limit (403/429 with x-ratelimit-remaining 0): wait for x-ratelimit-reset once,
 *   when that is within max_rate_limit_wait;
 * - secondary rate limit (429, or 403 saying "secondary rate limit"): wait Retry-After (else
 *   until x-ratelimit-reset when the quota is spent, else a minute, as GitHub's docs ask), up to
 *   3 times, when within max_rate_limit_wait;
 * - 5xx and connection failures: 2 retries, after 1 s and 4 s.
 * Nothing else is retried. The final answer carries WAITED_HEADER ("seconds times") for the
 * message that names what was waited.
 */
export const WAITED_HEADER = 'x-techops-waited';

const PRIMARY_TRIES = 1;
const SECONDARY_TRIES = 3;
const SERVER_TRIES = 2;
const SECONDARY_FALLBACK_SECONDS = 60;

export interface RetryOptions {
  maxWaitSeconds: number;
  log: Logger;
  signal?: AbortSignal;
  /** Seconds since the epoch (for x-ratelimit-reset). */
  now?: () => number;
}

type Verdict = { kind: 'primary' | 'secondary' | 'server'; seconds: number } | undefined;

async function verdictOf(response: Response, now: number): Promise<Verdict> {
  const status = response.status;
  if (status >= 500) return { kind: 'server', seconds: 0 };
  if (status !== 403 && status !== 429) return undefined;
  const h = response.headers;
  const reset = Number(h.get('x-ratelimit-reset'));
  const untilReset = Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - now)) : undefined;
  const after = h.get('retry-after');
  const asked = after !== null && Number.isFinite(Number(after)) ? Number(after) : undefined;
  if (h.get('x-ratelimit-remaining') === '0' && asked === undefined) return { kind: 'primary', seconds: untilReset ?? SECONDARY_FALLBACK_SECONDS };
  if (status === 429) return { kind: 'secondary', seconds: asked ?? untilReset ?? SECONDARY_FALLBACK_SECONDS };
  // A 403 is a secondary limit only when it says so (else it is a permission refused).
  const text = await response.clone().text().catch(() => '');
  if (/secondary rate limit|abuse/i.test(text)) return { kind: 'secondary', seconds: asked ?? SECONDARY_FALLBACK_SECONDS };
  return undefined;
}

export function retryingFetch(inner: typeof fetch, opts: RetryOptions): typeof fetch {
  const now = opts.now ?? (() => Date.now() / 1000);
  const wait = (seconds: number) => sleep(seconds * 1000, undefined, { signal: opts.signal });
  return async (input, init) => {
    const request = new Request(input, init);
    const tries = { primary: 0, secondary: 0, server: 0 };
    let waited = 0;
    for (;;) {
      let response: Response;
      try {
        response = await inner(request.clone());
      } catch (err) {
        // A connection refused, reset or timed out: worth two more tries; a spent budget, a passed deadline or a refused request is not.
        if (!isCollectError(err, 'unavailable') || tries.server >= SERVER_TRIES) throw err;
        tries.server++;
        await wait(tries.server ** 2);
        continue;
      }
      const verdict = await verdictOf(response, now());
      const give = (r: Response) => {
        if (!waited && !tries.secondary && !tries.primary) return r;
        const headers = new Headers(r.headers);
        headers.set(WAITED_HEADER, `${waited} ${tries.secondary + tries.primary}`);
        const out = new Response(r.body, { status: r.status, statusText: r.statusText, headers });
        Object.defineProperty(out, 'url', { value: r.url });
        return out;
      };
      if (!verdict) return give(response);
      const url = request.url;
      if (verdict.kind === 'server') {
        if (tries.server >= SERVER_TRIES) return give(response);
        tries.server++;
        await response.body?.cancel();
        await wait(tries.server ** 2);
        continue;
      }
      const limit = verdict.kind === 'primary' ? PRIMARY_TRIES : SECONDARY_TRIES;
      const ok = verdict.seconds <= opts.maxWaitSeconds && tries[verdict.kind] < limit;
      const what = verdict.kind === 'primary' ? 'github rate limit' : 'github secondary rate limit';
      opts.log.warn(ok ? `${what}: waiting${verdict.kind === 'primary' ? ' for the reset' : ''}` : `${what}: not waiting`, { seconds: verdict.seconds, url });
      if (!ok) return give(response);
      tries[verdict.kind]++;
      waited += verdict.seconds;
      await response.body?.cancel();
      await wait(verdict.seconds);
    }
  };
}

/** The seconds waited and the number of waits named by WAITED_HEADER. */
export function waitedOf(headers: Record<string, string | number | undefined>): { seconds: number; times: number } {
  const [seconds, times] = String(headers[WAITED_HEADER] ?? '0 0').split(' ').map(Number);
  return { seconds: seconds || 0, times: times || 0 };
}
