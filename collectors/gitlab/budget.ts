import type { RateLimitReading } from '../../src/http/rate-limit.js';

/**
 * What one project costs, measured in `npm run bench` (17.4–18.3 requests a project at x5, x50
 * and x100, the group listing included): environments, deployments per production environment,
 * protected branches, approval rules, protected environments, merged merge requests, pipelines,
 * the head pipeline of a merge request not in the pipeline list, the approvals query, the tree
 * and a few files, releases or tags, incident issues. For the budget read from the RateLimit-*
 * headers.
 */
export const GITLAB_REQUESTS_PER_PROJECT = 18;

/** GitLab's RateLimit-Limit is the quota of each minute (docs.gitlab.com, "User and IP rate limits"). */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * How many projects the rate limit pays for before the collector's deadline: the requests left
 * in this window, then RateLimit-Limit a minute from its reset until the deadline. Undefined
 * without a deadline: with time enough, waiting for resets pays for any scan.
 */
export function affordableProjects(r: RateLimitReading, deadline: Date | undefined, now = Date.now()): { fit: number; why: string } | undefined {
  if (!deadline) return undefined;
  const limit = r.limit ?? r.remaining;
  const after = Math.max(0, deadline.getTime() - Math.max(now, r.resetAt));
  // An answer from a window that has reset since: its remaining count is of the past.
  const left = r.resetAt <= now ? limit : r.remaining;
  const requests = left + Math.floor((limit * after) / RATE_LIMIT_WINDOW_MS);
  const fit = Math.floor(requests / GITLAB_REQUESTS_PER_PROJECT);
  const why = `${r.remaining} of ${limit} requests a minute left until ${new Date(r.resetAt).toISOString()}, `
    + `${requests} in all before the collector's deadline ${deadline.toISOString()}, about ${GITLAB_REQUESTS_PER_PROJECT} a project`;
  return { fit, why };
}
