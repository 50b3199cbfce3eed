import { describe, expect, it } from 'vitest';
import { notedSample, sampleByActivity, sampledOut } from '../src/collector/sample.js';
import { isCollectError } from '../src/http/errors.js';
import { rateLimitOf, RateLimitPacer, RateLimitSpent } from '../src/http/rate-limit.js';

const NOW = Date.parse('2026-11-25T07:00:00Z');

describe('RateLimit-* headers', () => {
  it('reads GitLab\'s (reset in Unix seconds) and the IETF draft\'s (reset in seconds from now), and nothing from a partial set', () => {
    const gitlab = { 'ratelimit-limit': '2000', 'ratelimit-observed': '1990', 'ratelimit-remaining': '10', 'ratelimit-reset': '1795590060', 'ratelimit-resettime': 'Wed, 25 Nov 2026 07:01:00 GMT' };
    expect(rateLimitOf(gitlab, NOW)).toEqual({ limit: 2000, remaining: 10, resetAt: 1795590060_000 });
    expect(rateLimitOf({ 'ratelimit-remaining': '5', 'ratelimit-reset': '30' }, NOW)).toEqual({ limit: undefined, remaining: 5, resetAt: NOW + 30_000 });
    expect(rateLimitOf({ 'ratelimit-remaining': '5' }, NOW)).toBeUndefined();
    expect(rateLimitOf({ 'ratelimit-remaining': 'many', 'ratelimit-reset': '30' }, NOW)).toBeUndefined();
    // GitHub's headers are not these
    expect(rateLimitOf({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1795590060' }, NOW)).toBeUndefined();
  });
});

describe('the rate limit pacer', () => {
  const pacer = (maxWaitMs = 60_000) => new RateLimitPacer({ name: 'gitlab/main', reserve: 2, maxWaitMs });
  const window = (remaining: number, resetInS: number) => ({ 'ratelimit-limit': '100', 'ratelimit-remaining': String(remaining), 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInS) });

  it('lets requests go while more than the reserve is left, and keeps the latest window (an answer of an older one overtaken in flight says nothing)', async () => {
    const p = pacer();
    p.observe(window(50, 30));
    p.observe(window(40, 30));
    p.observe(window(45, 30)); // the same window, answered out of order: the lower count stands
    expect(p.reading?.remaining).toBe(40);
    p.observe(window(1, -90)); // a window already reset
    expect(p.reading?.remaining).toBe(40);
    await expect(p.pass('GET /x')).resolves.toBeUndefined();
  });

  it('refuses a request when the window is spent until after the longest wait, naming who, until when and the request', async () => {
    const p = pacer(1000);
    const h = window(2, 30);
    p.observe(h);
    const err = await p.pass('GET https://gitlab.example.com/api/v4/projects/1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitSpent);
    const message = (err as Error).message;
    expect(message).toContain(`rate limit of gitlab/main spent: 2 of 100 requests left until ${new Date(Number(h['ratelimit-reset']) * 1000).toISOString()} (RateLimit-Reset); waiting `);
    // 30 s ahead, rounded up to the reset's whole second
    expect(message).toMatch(/; waiting 3[01] s would be beyond http\.max_retry_after \(1 s\), so GET https:\/\/gitlab\.example\.com\/api\/v4\/projects\/1 was not sent$/);
  });

  it('holds requests until a reset within the longest wait, and gives up as aborted when the deadline passes first', async () => {
    const p = pacer();
    p.observe(window(0, 1));
    const resetAt = p.reading!.resetAt;
    await Promise.all([p.pass('GET /a'), p.pass('GET /b')]);
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt);

    const q = pacer();
    q.observe(window(0, 30));
    const abort = new AbortController();
    const held = q.pass('GET /c', abort.signal).catch((e: unknown) => e);
    abort.abort();
    const err = await held;
    expect(isCollectError(err, 'aborted')).toBe(true);
    expect((err as Error).message).toContain('deadline passed while waiting for the rate limit of gitlab/main to reset at');
  });
});

describe('sampling by recent activity', () => {
  it('keeps what fits, most recent first, at least one, and words it as GitHub does', () => {
    expect(sampleByActivity(['a', 'b', 'c'], 3, 'projects', 'why')).toEqual({ kept: ['a', 'b', 'c'] });
    expect(sampleByActivity(['a', 'b', 'c'], 2, 'projects', 'why')).toEqual({ kept: ['a', 'b'], sampled: '2 of 3 projects, by recent activity (why)' });
    expect(sampleByActivity(['a', 'b', 'c'], 0, 'repositories', 'why').kept).toEqual(['a']);
    expect(sampledOut(2, '1 of 3 projects, by recent activity (why)')).toBe('2 the rate limit does not pay for (sampled: 1 of 3 projects, by recent activity (why))');
    expect(notedSample({ status: 'value', value: 3, evidence: [], notes: ['x'] }, 's')).toMatchObject({ notes: ['x', 'sampled: s'] });
    expect(notedSample({ status: 'failed', reason: 'r', evidence: [] }, 's')).toEqual({ status: 'failed', reason: 'r', evidence: [] });
    expect(notedSample({ status: 'value', value: 3, evidence: [] }, undefined)).toEqual({ status: 'value', value: 3, evidence: [] });
  });
});
