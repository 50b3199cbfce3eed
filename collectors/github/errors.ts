import type { z } from 'zod';
import { formatDuration } from '../../src/duration.js';
import { errorMessage } from '../../src/errors.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import { EVIDENCE_HEADER } from '../../src/http/recording-fetch.js';
import { formatIssues } from '../../src/zod-path.js';
import { waitedOf } from './retry.js';

/**
 * Every failure of a GitHub request classified once, here, into a CollectError naming the
 * request and, for a refused one, the permission it needs.
 */

/** Failures after which no further request can succeed: the collection stops. */
export class FatalGithubError extends CollectError {}

/** The permission each endpoint needs, for "permission denied" messages and the README. */
const PERMISSIONS: [RegExp, string][] = [
  [/\/branches\/.+\/protection$/, 'the Administration read permission (fine-grained token) or, with a classic token, the repo scope and admin rights on the repository'],
  [/\/rules\/branches\//, 'the Metadata read permission'],
  [/\/deployments/, 'the Deployments read permission (fine-grained) or the repo scope (classic, private repositories)'],
  [/\/environments$/, 'the Actions read permission (fine-grained) or the repo scope (classic, private repositories)'],
  [/\/actions\//, 'the Actions read permission (fine-grained) or the repo scope (classic, private repositories)'],
  [/\/check-runs$/, 'the Checks read permission (fine-grained) or the repo scope (classic, private repositories)'],
  [/\/commits\/[^/]+\/status$/, 'the Commit statuses read permission (fine-grained) or the repo scope (classic, private repositories)'],
  [/\/pulls/, 'the Pull requests read permission (fine-grained) or the repo scope (classic, private repositories)'],
  [/\/tags$/, 'the Metadata read permission (fine-grained) or the repo scope (classic, private repositories)'],
  [/\/(git|contents|releases|compare|commits)(\/|$)/, 'the Contents read permission (fine-grained) or the repo scope (classic, private repositories)'],
  [/^\/orgs\//, 'the Metadata read permission on the organisation\'s repositories (fine-grained) or the repo scope (classic)'],
  [/^\/repos\/[^/]+\/[^/]+$/, 'the Metadata read permission (fine-grained) or the repo scope (classic, private repositories)'],
];

export function permissionFor(path: string): string {
  return PERMISSIONS.find(([re]) => re.test(path))?.[1] ?? 'read access to the repository';
}

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers: Record<string, string | undefined>; data?: unknown };
  request?: { method?: string; url?: string };
  cause?: unknown;
}

function isRequestError(err: unknown): err is RequestErrorLike {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number';
}

/** Turns whatever a request threw into one CollectError naming the request. */
export function classifyError(err: unknown, where: string, opts: { maxWait: number; evidenceOf?: (url: string) => string | undefined; url?: string }): CollectError {
  if (isCollectError(err)) return err;
  if (err instanceof TypeError) {
    // octokit.paginate inspecting a body that did not parse as JSON (it hands over the text)
    return malformed(where, `the body is not JSON (${err.message})`, opts.url ? opts.evidenceOf?.(opts.url) : undefined);
  }
  if (!isRequestError(err)) return new CollectError('unavailable', `${where}: ${errorMessage(err)}`);
  // The core's fetch could not reach GitHub (refused, reset, timed out), retries included:
  // no later request would fare better.
  const cause = err.cause;
  if (isCollectError(cause)) return new FatalGithubError(cause.kind, `${cause.message} (after retries)`, cause.detail);
  const headers = err.response?.headers ?? {};
  const evidence = typeof headers[EVIDENCE_HEADER] === 'string' ? headers[EVIDENCE_HEADER] : undefined;
  const detail = { url: err.request?.url, status: err.status, evidence };
  const said = githubMessage(err);
  if (err.status === 401) {
    return new FatalGithubError('credentials', `GitHub refused the credentials (401 ${said}) for ${where}: the token is missing, wrong, expired or revoked`, detail);
  }
  if ((err.status === 403 || err.status === 429) && headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    const until = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : 'an unknown time';
    const resource = headers['x-ratelimit-resource'] ?? 'core';
    const limit = headers['x-ratelimit-limit'] ?? '?';
    return new FatalGithubError('unavailable',
      `GitHub API rate limit exhausted until ${until} (${resource}: 0 of ${limit} requests left, ${headers['x-ratelimit-used'] ?? '?'} used) at ${where}; ` +
      `that is beyond max_rate_limit_wait (${formatDuration(opts.maxWait)})`, detail);
  }
  if (err.status === 429 || (err.status === 403 && /secondary rate limit|abuse/i.test(said))) {
    const after = headers['retry-after'];
    const waited = waitedOf(headers);
    const told = after ? ` (retry-after ${after}s)` : '';
    const asked = Number(after);
    const how = waited.times
      ? `still limited after ${waited.times} retries, having waited ${formatDuration(waited.seconds)} in all`
      : Number.isFinite(asked) && asked > opts.maxWait
        ? `not waited: the ${asked} s asked for is beyond max_rate_limit_wait (${formatDuration(opts.maxWait)})`
        : 'not waited: the answer names neither a secondary rate limit nor an exhausted quota, which are what GitHub asks to wait for';
    return new FatalGithubError('unavailable',
      `GitHub secondary rate limit (HTTP ${err.status}) at ${where}${told}: ${how}; ` +
      'lower the collector\'s concurrency or scan fewer repositories at once', detail);
  }
  if (err.status === 403) {
    return new CollectError('credentials', `permission denied: ${where} needs ${permissionFor(pathOf(where))} (GitHub said: ${said})`, detail);
  }
  if (err.status === 404) return new CollectError('not_found', `${where}: 404 ${said}`, detail);
  if (err.status >= 500) return new CollectError('unavailable', `${where}: GitHub answered ${err.status} ${said} (after retries)`, detail);
  return new CollectError('rejected', `${where}: GitHub answered ${err.status} ${said}`, detail);
}

/** Whether the collection must stop: no later request could succeed. */
export function isFatal(err: unknown): boolean {
  return err instanceof FatalGithubError || isCollectError(err, 'budget') || isCollectError(err, 'aborted');
}
function githubMessage(err: RequestErrorLike): string {
  const data = err.response?.data;
  if (data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') return (data as { message: string }).message;
  return err.message.replace(/ - https:\/\/docs\.github\.com\S*/, '');
}

export function parse<T>(schema: z.ZodType<T>, data: unknown, where: string, evidence: string | undefined): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw malformed(where, formatIssues(result.error).slice(0, 3).join('; '), evidence);
}

export function malformed(where: string, what: string, evidence: string | undefined): CollectError {
  return new CollectError('malformed', `${where} returned an unexpected response: ${what}`, { evidence });
}

function pathOf(where: string): string {
  return where.replace(/^[A-Z]+ /, '');
}
