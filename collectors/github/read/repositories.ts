import type { Logger } from '../../../src/log.js';
import { sampleByActivity, sampledOut, sampledWarning } from '../../../src/collector/sample.js';
import { errorMessage } from '../../../src/errors.js';
import { CollectError, isCollectError } from '../../../src/http/errors.js';
import { rateLimitSchema, repositorySchema, type Repository } from '../api.js';
import type { GithubApi } from '../client.js';
import type { GithubConfig } from '../config.js';
import { isFatal } from '../errors.js';
import { list } from '../measure/common.js';

/** One repository in scope. */
export interface Repo {
  owner: string;
  name: string;
  full: string;
  branch?: string;
}

/** The repositories in scope, the evidence of their listing, a detail naming them, and why only a sample is scanned. */
export interface Scope {
  repos: Repo[];
  evidence: string[];
  detail: string;
  sampled?: string;
}

/**
 * What one repository costs, estimated from the demo organisation (about 10 REST requests and 2
 * GraphQL queries a repository, with some room): REST requests (rules, protection, tree, a blob
 * or two, releases, deployments, environments, pulls, runs, the odd compare) and GraphQL points
 * (statuses; reviews and checks; deployment histories), for the budget read from GET /rate_limit.
 */
export const REST_REQUESTS_PER_REPOSITORY = 12;
export const GRAPHQL_POINTS_PER_REPOSITORY = 3;

/**
 * How many repositories the remaining quota pays for (GET /rate_limit, which costs nothing);
 * undefined when the server has no rate limit (GitHub Enterprise Server answers 404) or does not say.
 */
async function affordable(api: GithubApi, evidence: string[], log: Logger): Promise<{ fit: number; why: string } | undefined> {
  let got;
  try {
    got = await api.get('GET /rate_limit', {}, rateLimitSchema);
  } catch (err) {
    if (isFatal(err)) throw err;
    if (isCollectError(err) && err.detail.evidence) evidence.push(err.detail.evidence);
    log.debug('github: no rate limit read', { error: errorMessage(err) });
    return undefined;
  }
  evidence.push(...got.evidence);
  const core = got.data.resources.core;
  const graphql = got.data.resources.graphql;
  const byCore = Math.floor(core.remaining / REST_REQUESTS_PER_REPOSITORY);
  const byGraphql = graphql ? Math.floor(graphql.remaining / GRAPHQL_POINTS_PER_REPOSITORY) : Infinity;
  const fit = Math.min(byCore, byGraphql);
  const reset = new Date(core.reset * 1000).toISOString();
  const why = byCore <= byGraphql
    ? `${core.remaining} of ${core.limit} REST requests left until ${reset}, about ${REST_REQUESTS_PER_REPOSITORY} a repository`
    : `${graphql!.remaining} of ${graphql!.limit} GraphQL points left, about ${GRAPHQL_POINTS_PER_REPOSITORY} a repository`;
  return { fit, why };
}

/**
 * The repositories in scope: the organisation's (filtered) and those listed, the most recently
 * pushed first up to max_repositories, then what the rate limit pays for. A failure here ends the
 * collection: nothing else can be measured without the scope.
 */
export async function readScope(api: GithubApi, cfg: GithubConfig, log: Logger): Promise<Scope> {
  const evidence: string[] = [];
  const found = new Map<string, Repository>();
  const skipped = { archived: 0, forks: 0, filtered: 0 };
  if (cfg.org) {
    let page;
    try {
      page = await api.list('GET /orgs/{org}/repos', { org: cfg.org, type: 'all', sort: 'full_name' }, repositorySchema);
    } catch (err) {
      if (isCollectError(err, 'not_found')) {
        throw new CollectError('not_found', `${err.message}: no organisation '${cfg.org}' is visible to this token (for a user account, list its repositories under \`repositories\`)`, err.detail);
      }
      throw err;
    }
    evidence.push(...page.evidence);
    const include = cfg.include.map((re) => new RegExp(re, 'i'));
    const exclude = cfg.exclude.map((re) => new RegExp(re, 'i'));
    for (const repo of page.data) {
      if (repo.archived && !cfg.include_archived) skipped.archived++;
      else if (repo.fork && !cfg.include_forks) skipped.forks++;
      else if ((include.length && !include.some((re) => re.test(repo.full_name))) || exclude.some((re) => re.test(repo.full_name))) skipped.filtered++;
      else found.set(repo.full_name.toLowerCase(), repo);
    }
  }
  for (const full of cfg.repositories ?? []) {
    if (found.has(full.toLowerCase())) continue;
    const [owner, repo] = full.split('/');
    let got;
    try {
      got = await api.get('GET /repos/{owner}/{repo}', { owner, repo }, repositorySchema);
    } catch (err) {
      if (isCollectError(err, 'not_found')) throw new CollectError('not_found', `repository ${full} (from \`repositories\`) does not exist or is not visible to this token: ${err.message}`, err.detail);
      throw err;
    }
    evidence.push(...got.evidence);
    found.set(full.toLowerCase(), got.data);
  }
  const all = [...found.values()].sort((a, b) => (Date.parse(b.pushed_at ?? '') || 0) - (Date.parse(a.pushed_at ?? '') || 0) || a.full_name.localeCompare(b.full_name));
  const wanted = all.slice(0, cfg.max_repositories);
  // The budget: scan what the quota pays for, the most recently pushed first, rather than fail after an hour.
  const budget = wanted.length ? await affordable(api, evidence, log) : undefined;
  const { kept: fitting, sampled } = budget ? sampleByActivity(wanted, budget.fit, 'repositories', budget.why) : { kept: wanted, sampled: undefined };
  if (sampled) log.warn(sampledWarning('github', sampled));
  const kept = [...fitting].sort((a, b) => a.full_name.localeCompare(b.full_name));
  const repos = kept.map((r) => ({ owner: r.owner.login, name: r.name, full: r.full_name, branch: r.default_branch }));
  const parts = [`${repos.length} repositories: ${list(repos.map((r) => r.full))}`];
  const left = [
    skipped.archived && `${skipped.archived} archived`,
    skipped.forks && `${skipped.forks} forks`,
    skipped.filtered && `${skipped.filtered} by include/exclude`,
    all.length > wanted.length && `${all.length - wanted.length} beyond max_repositories (${cfg.max_repositories}; the least recently pushed)`,
  ].filter(Boolean);
  if (sampled) left.push(sampledOut(wanted.length - kept.length, sampled));
  if (left.length) parts.push(`left out: ${left.join(', ')}`);
  if (all.length > wanted.length) log.warn('github: more repositories than max_repositories', { found: all.length, scanned: kept.length });
  return { repos, evidence, detail: parts.join('; '), sampled };
}
