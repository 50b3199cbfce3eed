import { resolve } from 'node:path';
import type { CollectContext, Collector, Window } from '../../src/collector/types.js';
import { formatDuration } from '../../src/duration.js';
import { errorMessage } from '../../src/errors.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import {
  blobSchema,
  branchProtectionSchema,
  branchRuleSchema,
  checkRunSchema,
  combinedStatusSchema,
  commitSchema,
  comparisonSchema,
  contentSchema,
  deploymentSchema,
  deploymentStatusSchema,
  environmentSchema,
  pullSchema,
  rateLimitSchema,
  releaseSchema,
  repositorySchema,
  reviewSchema,
  tagSchema,
  treeSchema,
  workflowRunSchema,
  type BranchRule,
  type Pull,
  type Repository,
  type WorkflowRun,
} from './api.js';
import { GithubApi, isFatal } from './client.js';
import { batches, DEPLOYMENT_STATUSES_QUERY, deploymentNodeSchema, nodesAnswerSchema, PULL_CHECKS_QUERY, pullNodeSchema, restState, type PullNode } from './graphql.js';
import { githubConfigSchema, type GithubConfig } from './config.js';
import { DAY } from '../../src/delivery/cadence.js';
import { deploymentFacts, histories, HISTORY_BEFORE_WINDOW, leadTimeSeconds, median, shippingCandidates } from '../../src/delivery/deployments.js';
import { inWindow as inSpan, type DeploymentRecord } from '../../src/delivery/records.js';
import { classifyFile, classifyPaths, CODEOWNERS_LOCATIONS, codeownersHasRule, codeownersPath, type IacKind } from '../../src/delivery/repository.js';
import { emitDeploymentSignals } from '../../src/delivery/signals.js';
import { EtagCache } from './etag-cache.js';
import { deploymentRecord, withStatuses } from './translate.js';
import type { DeploymentStatus as GithubStatus } from './api.js';
import { GITHUB_SIGNALS, signalsFrom, type GithubSignalId, type Source } from './signals.js';

export type { GithubConfig } from './config.js';

/** Default folder of the ETag cache, under the current directory. */
export const DEFAULT_CACHE_DIR = '.techops-cache/github';
const TRUNCATED = 'tree truncated by GitHub';
/** Most files whose content is read per repository to recognise Kubernetes and GitOps manifests. */
export const MAX_MANIFEST_READS = 6;
const MAX_MANIFEST_BYTES = 512 * 1024;

const inWindow = (t: number, w: Window) => inSpan(t, { start: w.start.getTime(), end: w.end.getTime() });
const span = (w: Window) => ({ start: w.start.getTime(), end: w.end.getTime() });
const share = (n: number, of: number) => `${n} of ${of}`;
/** Successful production deployments after a merge that are compared with it before giving up on the pair. */
export const MAX_COMPARES_PER_PULL = 5;

export const githubCollector: Collector<GithubConfig> = {
  id: 'github',
  description: 'GitHub REST API (github.com or Enterprise Server): deployments and statuses, environments, releases, pull requests and reviews, Actions runs and checks, branch protection and rulesets, repository trees',
  signals: GITHUB_SIGNALS,
  configSchema: githubConfigSchema,
  async collect(ctx) {
    const dir = ctx.config.cache_dir ? ctx.resolvePath(ctx.config.cache_dir) : resolve(process.cwd(), DEFAULT_CACHE_DIR);
    const cache = await EtagCache.open(dir, ctx.log);
    await new Scan(ctx, new GithubApi(ctx, cache)).run();
  },
};

type Ctx = CollectContext<GithubConfig>;

/** The result of reading one source for one repository: a value, or why there is none. */
type Outcome<T> = { ok: true; value: T; evidence: string[] } | { ok: false; reason: string; evidence: string[] };

interface Repo {
  owner: string;
  name: string;
  full: string;
  branch?: string;
}

interface ProtectionFacts {
  /** undefined: unknown (the reason says why). */
  review?: boolean;
  checks?: boolean;
  how: string;
  unknown?: string;
}

interface TreeFacts {
  codeowners?: string;
  kinds: IacKind[];
  gitops?: string;
  note?: string;
}

interface DeploymentFacts {
  /** Production deployments fetched (the window and the rest of the last page before it), oldest first. */
  prod: DeploymentRecord[];
  /** Deployments fetched in all environments (for the detail). */
  fetched: number;
  /** A production deployment is among those listed, however old: the repository is an application. */
  deploysToProduction: boolean;
  /** GraphQL node ids of the production deployments, by deployment id. */
  nodeIds: Map<number, string>;
}

interface PullFacts {
  merged: Pull[];
}

/**
 * What one repository costs, estimated from the demo organisation: REST requests (rules,
 * protection, tree, a blob or two, releases, deployments, environments, pulls, runs, compares)
 * and GraphQL points (statuses; reviews and checks), for the budget read from GET /rate_limit.
 */
export const REST_REQUESTS_PER_REPOSITORY = 15;
export const GRAPHQL_POINTS_PER_REPOSITORY = 2;

class Scan {
  private readonly window: Window;
  private readonly production: RegExp[];

  constructor(private ctx: Ctx, private readonly api: GithubApi) {
    this.window = ctx.window;
    this.production = ctx.config.production_environments.map((re) => new RegExp(re, 'i'));
  }

  private isProduction(environment: string): boolean {
    return this.production.some((re) => re.test(environment));
  }

  async run(): Promise<void> {
    const { repos, evidence, detail, sampled } = await this.repositories();
    if (sampled) {
      // Every value below comes from the sample: say so beside each.
      const inner = this.ctx;
      const note = `sampled: ${sampled}`;
      this.ctx = { ...inner, emit: (id, value, ev, d) => inner.emit(id, value, ev, typeof d === 'object' && d !== null ? { ...d, notes: [...(d.notes ?? []), note] } : { detail: d, notes: [note] }) };
    }
    this.ctx.emit('github.api.reachable', true, evidence.slice(0, 1), this.ctx.config.api_url);
    this.ctx.emit('github.repos.count', repos.length, evidence, detail);

    if (repos.length === 0) {
      for (const decl of GITHUB_SIGNALS) {
        if (decl.id !== 'github.api.reachable' && decl.id !== 'github.repos.count') this.ctx.notAvailable(decl.id, 'no repository in scope', evidence);
      }
      return;
    }

    const governance = await this.eachRepo(repos, async (r) => ({ protection: await this.protection(r), tree: await this.tree(r) }));
    this.emitProtection(repos, governance.map((g) => g.protection));
    this.emitTree(repos, governance.map((g) => g.tree));

    const releases = await this.eachRepo(repos, (r) => this.releases(r));
    this.emitReleases(repos, releases);

    const deployments = await this.eachRepo(repos, (r) => this.deployments(r));
    this.emitDeployments(repos, deployments);

    const pulls = await this.eachRepo(repos, (r, i) => this.pulls(r, deployments[i]));
    this.emitPulls(repos, pulls, deployments);

    const { requests, notModified } = this.api.stats;
    this.ctx.emit('github.api.reachable', true, evidence.slice(0, 1),
      `${this.ctx.config.api_url}: ${requests} answers, ${notModified} of them 304 Not Modified served from the ETag cache`);
  }

  // ---------------------------------------------------------------- repositories

  /**
   * How many repositories the remaining quota pays for (GET /rate_limit, which costs nothing);
   * undefined when the server has no rate limit (GitHub Enterprise Server answers 404) or does not say.
   */
  private async affordable(evidence: string[]): Promise<{ fit: number; why: string } | undefined> {
    let got;
    try {
      got = await this.api.get('GET /rate_limit', {}, rateLimitSchema);
    } catch (err) {
      if (isFatal(err)) throw err;
      if (isCollectError(err) && err.detail.evidence) evidence.push(err.detail.evidence);
      this.ctx.log.debug('github: no rate limit read', { error: errorMessage(err) });
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

  private async repositories(): Promise<{ repos: Repo[]; evidence: string[]; detail: string; sampled?: string }> {
    const cfg = this.ctx.config;
    const evidence: string[] = [];
    const found = new Map<string, Repository>();
    const skipped = { archived: 0, forks: 0, filtered: 0 };
    if (cfg.org) {
      let page;
      try {
        page = await this.api.list('GET /orgs/{org}/repos', { org: cfg.org, type: 'all', sort: 'full_name' }, repositorySchema);
      } catch (err) {
        if (isCollectError(err, 'not_found')) {
          throw new CollectError('not_found', `${err.message}: no organisation '${cfg.org}' is visible to this token (for a user account, list its repositories under \`repositories\`)`, err.detail);
        }
        throw err;
      }
      evidence.push(...page.evidence);
      const include = cfg.include.map((re) => new RegExp(re, 'i'));
      const exclude = cfg.exclude.map((re) => new RegExp(re, 'i'));
      for (const repo of page.items) {
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
        got = await this.api.get('GET /repos/{owner}/{repo}', { owner, repo }, repositorySchema);
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
    const budget = wanted.length ? await this.affordable(evidence) : undefined;
    let sampled: string | undefined;
    let kept = wanted;
    if (budget && budget.fit < wanted.length) {
      kept = wanted.slice(0, Math.max(1, budget.fit));
      sampled = `${kept.length} of ${wanted.length} repositories, by recent activity (${budget.why})`;
      this.ctx.log.warn(`github: the rate limit does not pay for the whole scan: ${sampled}`);
    }
    kept = [...kept].sort((a, b) => a.full_name.localeCompare(b.full_name));
    const repos = kept.map((r) => ({ owner: r.owner.login, name: r.name, full: r.full_name, branch: r.default_branch }));
    const parts = [`${repos.length} repositories: ${list(repos.map((r) => r.full))}`];
    const left = [
      skipped.archived && `${skipped.archived} archived`,
      skipped.forks && `${skipped.forks} forks`,
      skipped.filtered && `${skipped.filtered} by include/exclude`,
      all.length > wanted.length && `${all.length - wanted.length} beyond max_repositories (${cfg.max_repositories}; the least recently pushed)`,
    ].filter(Boolean);
    if (sampled) left.push(`${wanted.length - kept.length} the rate limit does not pay for (sampled: ${sampled})`);
    if (left.length) parts.push(`left out: ${left.join(', ')}`);
    if (all.length > wanted.length) this.ctx.log.warn('github: more repositories than max_repositories', { found: all.length, scanned: kept.length });
    return { repos, evidence, detail: parts.join('; '), sampled };
  }

  /**
   * Runs `fn` for every repository, `concurrency` at a time. `fn` turns every failure into an
   * outcome except the fatal ones; after a fatal one no further repository is started, the
   * running ones finish, and it is thrown.
   */
  private async eachRepo<T>(repos: Repo[], fn: (repo: Repo, index: number) => Promise<T>): Promise<T[]> {
    const results: T[] = new Array(repos.length);
    let next = 0;
    let fatal: { error: unknown } | undefined;
    const worker = async () => {
      while (!fatal && next < repos.length) {
        const i = next++;
        try {
          results[i] = await fn(repos[i], i);
        } catch (error) {
          fatal ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.ctx.config.concurrency, repos.length)) }, worker));
    if (fatal) throw fatal.error;
    return results;
  }

  /** Runs a read; a non-fatal failure becomes a failed outcome (with the evidence of the failed request). */
  private async attempt<T>(fn: (evidence: string[]) => Promise<T>): Promise<Outcome<T>> {
    const evidence: string[] = [];
    try {
      return { ok: true, value: await fn(evidence), evidence };
    } catch (err) {
      if (isFatal(err)) throw err;
      if (isCollectError(err) && err.detail.evidence) evidence.push(err.detail.evidence);
      return { ok: false, reason: errorMessage(err), evidence };
    }
  }

  // ---------------------------------------------------------------- protection, tree

  private protection(repo: Repo): Promise<Outcome<ProtectionFacts>> {
    return this.attempt(async (evidence) => {
      const { owner, name, branch } = repo;
      if (!branch) return { review: false, checks: false, how: 'no default branch (empty repository)' };
      const params = { owner, repo: name, branch };
      let rules: BranchRule[] | undefined;
      let rulesProblem: string | undefined;
      try {
        const page = await this.api.list('GET /repos/{owner}/{repo}/rules/branches/{branch}', params, branchRuleSchema);
        evidence.push(...page.evidence);
        rules = page.items;
      } catch (err) {
        if (isFatal(err) || !isCollectError(err) || (err.kind !== 'not_found' && err.kind !== 'credentials')) throw err;
        if (err.detail.evidence) evidence.push(err.detail.evidence);
        if (err.kind === 'not_found') rules = []; // a server without rulesets (older GitHub Enterprise Server)
        else rulesProblem = err.message;
      }
      const ruleReview = rules?.some((r) => r.type === 'pull_request' && (r.parameters?.required_approving_review_count ?? 0) >= 1) ?? false;
      const ruleChecks = rules?.some((r) => r.type === 'required_status_checks' && (r.parameters?.required_status_checks?.length ?? 0) >= 1) ?? false;
      if (ruleReview && ruleChecks) return { review: true, checks: true, how: 'ruleset requires review and checks' };

      let classic: { review: boolean; checks: boolean; how: string } | undefined;
      let classicProblem: string | undefined;
      try {
        const got = await this.api.get('GET /repos/{owner}/{repo}/branches/{branch}/protection', params, branchProtectionSchema);
        evidence.push(...got.evidence);
        const p = got.data;
        // An older server omits the count; branch protection then always meant one approval.
        const count = p.required_pull_request_reviews ? (p.required_pull_request_reviews.required_approving_review_count ?? 1) : 0;
        const checks = new Set([...(p.required_status_checks?.contexts ?? []), ...(p.required_status_checks?.checks ?? []).map((c) => c.context)]).size;
        classic = { review: count >= 1, checks: checks >= 1, how: `branch protection (${count} approvals, ${checks} required checks)` };
      } catch (err) {
        if (isFatal(err) || !isCollectError(err) || (err.kind !== 'not_found' && err.kind !== 'credentials')) throw err;
        if (err.detail.evidence) evidence.push(err.detail.evidence);
        if (err.kind === 'not_found') classic = { review: false, checks: false, how: 'branch not protected' };
        else if (/upgrade to github pro|make this repository public/i.test(err.message)) classic = { review: false, checks: false, how: 'branch protection not available on the plan' };
        else classicProblem = err.message;
      }
      const how = [classic?.how, (ruleReview || ruleChecks) && `ruleset (${[ruleReview && 'review', ruleChecks && 'checks'].filter(Boolean).join(', ')})`].filter(Boolean).join(' + ');
      const decide = (fromRules: boolean, fromClassic: boolean | undefined): boolean | undefined => {
        if (fromRules || fromClassic) return true;
        if (fromClassic === undefined || rules === undefined) return undefined;
        return false;
      };
      const review = decide(ruleReview, classic?.review);
      const checks = decide(ruleChecks, classic?.checks);
      const unknown = review === undefined || checks === undefined ? [classicProblem, rulesProblem].filter(Boolean).join('; and ') : undefined;
      return { review, checks, how: how || 'no protection read', unknown };
    });
  }

  private tree(repo: Repo): Promise<Outcome<TreeFacts>> {
    return this.attempt(async (evidence) => {
      const { owner, name, branch } = repo;
      if (!branch) return { kinds: [], note: 'empty repository' };
      let tree;
      try {
        tree = await this.api.get('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo: name, tree_sha: branch, recursive: 1 }, treeSchema);
      } catch (err) {
        // 409 Conflict "Git Repository is empty."
        if (isCollectError(err) && err.detail.status === 409) {
          if (err.detail.evidence) evidence.push(err.detail.evidence);
          return { kinds: [], note: 'empty repository' };
        }
        throw err;
      }
      evidence.push(...tree.evidence);
      const blobs = tree.data.tree.filter((e) => e.type === 'blob');
      const sha = new Map(blobs.map((e) => [e.path, e.sha]));
      const facts = classifyPaths(blobs.map((e) => e.path));
      const text = async (path: string, fileSha: string) => {
        const blob = await this.api.get('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner, repo: name, file_sha: fileSha }, blobSchema);
        evidence.push(...blob.evidence);
        return blob.data.encoding === 'base64' ? Buffer.from(blob.data.content, 'base64').toString('utf8') : blob.data.content;
      };
      // The CODEOWNERS file GitHub uses counts when it holds a rule (src/delivery/repository.ts).
      let codeowners: string | undefined;
      const ownersPath = codeownersPath(sha.keys(), 'github');
      if (ownersPath) {
        if (codeownersHasRule(await text(ownersPath, sha.get(ownersPath)!))) codeowners = ownersPath;
      } else if (tree.data.truncated) {
        // A tree too large to list whole: ask for each CODEOWNERS location, in GitHub's order.
        for (const path of CODEOWNERS_LOCATIONS.github) {
          try {
            const got = await this.api.get('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo: name, path, ref: branch }, contentSchema);
            evidence.push(...got.evidence);
            if (codeownersHasRule(Buffer.from(got.data.content ?? '', 'base64').toString('utf8'))) codeowners = path;
            break;
          } catch (err) {
            if (!isCollectError(err, 'not_found')) throw err;
            if (err.detail.evidence) evidence.push(err.detail.evidence);
          }
        }
      }
      const kinds = new Set<IacKind>(facts.kinds.keys());
      let gitops: string | undefined;
      const small = facts.candidates.filter((p) => (blobs.find((e) => e.path === p)?.size ?? 0) <= MAX_MANIFEST_BYTES);
      for (const path of small.slice(0, MAX_MANIFEST_READS)) {
        if (kinds.has('kubernetes') && gitops) break;
        const found = classifyFile(path, await text(path, sha.get(path)!));
        if (found.kubernetes) kinds.add('kubernetes');
        if (found.gitops.length && !gitops) gitops = `${found.gitops[0]} in ${repo.full}/${path}`;
      }
      return { codeowners, kinds: [...kinds].sort(), gitops, note: tree.data.truncated ? TRUNCATED : undefined };
    });
  }

  private emitProtection(repos: Repo[], protection: Outcome<ProtectionFacts>[]): void {
    if (this.failIfAny('protection', repos, protection)) return;
    const facts = protection.map((o) => (o as { value: ProtectionFacts }).value);
    const evidence = protection.flatMap((o) => o.evidence);
    for (const [id, key] of [['github.review.protected_ratio', 'review'], ['github.review.required_checks_ratio', 'checks']] as const) {
      const unknown = repos.map((repo, i) => ({ repo, f: facts[i], i })).filter(({ f }) => f[key] === undefined);
      if (unknown.length) {
        this.ctx.failed(id, `unknown for ${unknown.length} of ${repos.length} repositories: ${unknown.slice(0, 3).map(({ f, repo }) => `${repo.full}: ${f.unknown}`).join('; ')}`,
          unknown.flatMap(({ i }) => protection[i].evidence));
        continue;
      }
      const yes = repos.map((repo, i) => ({ repo, f: facts[i] })).filter(({ f }) => f[key]);
      this.ctx.emit(id, yes.length / repos.length, evidence, `${share(yes.length, repos.length)} repositories: ${list(yes.map(({ repo, f }) => `${repo.full} (${f.how})`))}`);
    }
  }

  private emitTree(repos: Repo[], tree: Outcome<TreeFacts>[]): void {
    const ctx = this.ctx;
    // gitops.present is "any": one manifest found is enough, even when another repository could not be read.
    const found = tree.find((o) => o.ok && o.value.gitops);
    if (found?.ok) ctx.emit('github.gitops.present', true, found.evidence, found.value.gitops);
    if (this.failIfAny('tree', repos, tree, found ? ['github.gitops.present'] : [])) return;
    const facts = tree.map((o) => (o as { value: TreeFacts }).value);
    const evidence = tree.flatMap((o) => o.evidence);
    const owned = repos.map((repo, i) => ({ repo, f: facts[i] })).filter(({ f }) => f.codeowners);
    ctx.emit('github.review.codeowners_ratio', owned.length / repos.length, evidence, `${share(owned.length, repos.length)} repositories: ${list(owned.map(({ repo, f }) => `${repo.full}/${f.codeowners}`))}`);
    const iac = repos.map((repo, i) => ({ repo, kinds: facts[i].kinds })).filter((x) => x.kinds.length > 0);
    const truncated = repos.filter((_, i) => facts[i].note === TRUNCATED).map((r) => r.full);
    ctx.emit('github.iac.repos', iac.length, evidence, (iac.length ? list(iac.map((x) => `${x.repo.full} (${x.kinds.join(', ')})`)) : `none of ${repos.length} repositories`) +
      (truncated.length ? `; GitHub truncated the trees of ${list(truncated)}: only what they list was seen` : ''));
    if (!found) ctx.emit('github.gitops.present', false, evidence, `no Argo CD or Flux manifest among the YAML files read in ${repos.length} repositories`);
  }

  // ---------------------------------------------------------------- releases

  private releases(repo: Repo): Promise<Outcome<{ releases: number; tags: number; hasReleases: boolean }>> {
    return this.attempt(async (evidence) => {
      const { owner, name, branch } = repo;
      const start = this.window.start.getTime();
      const page = await this.api.list('GET /repos/{owner}/{repo}/releases', { owner, repo: name }, releaseSchema,
        (items) => items.some((r) => Date.parse(r.created_at) < start));
      evidence.push(...page.evidence);
      const published = page.items.filter((r) => !r.draft && r.published_at && inWindow(Date.parse(r.published_at), this.window));
      if (page.items.length > 0 || !branch) return { releases: published.length, tags: 0, hasReleases: page.items.length > 0 };

      // No release at all: tags on commits of the default branch made in the window.
      const tags = await this.api.list('GET /repos/{owner}/{repo}/tags', { owner, repo: name }, tagSchema);
      evidence.push(...tags.evidence);
      if (tags.items.length === 0) return { releases: 0, tags: 0, hasReleases: false };
      // `since` is the start of the window's first UTC day, so the URL (and its cached answer) holds for a day.
      const since = new Date(Math.floor(start / DAY) * DAY).toISOString();
      const commits = await this.api.list('GET /repos/{owner}/{repo}/commits', { owner, repo: name, sha: branch, since }, commitSchema);
      evidence.push(...commits.evidence);
      const dated = new Map(commits.items.map((c) => [c.sha, c.commit.committer?.date ? Date.parse(c.commit.committer.date) : NaN]));
      const inW = tags.items.filter((t) => inWindow(dated.get(t.commit.sha) ?? NaN, this.window));
      return { releases: 0, tags: inW.length, hasReleases: false };
    });
  }

  private emitReleases(repos: Repo[], results: Outcome<{ releases: number; tags: number; hasReleases: boolean }>[]): void {
    if (this.failIfAny('releases', repos, results)) return;
    const values = results.map((o) => (o as { value: { releases: number; tags: number; hasReleases: boolean } }).value);
    const releases = values.reduce((n, v) => n + v.releases, 0);
    const tags = values.reduce((n, v) => n + v.tags, 0);
    const weeks = this.window.seconds / (7 * 86400);
    const withReleases = values.filter((v) => v.hasReleases).length;
    this.ctx.emit('github.releases.per_week', (releases + tags) / weeks, results.flatMap((o) => o.evidence),
      `${releases} releases published in the window (${withReleases} repositories have releases) + ${tags} tags on default-branch commits of the window (repositories without releases), over ${formatNumber(weeks)} weeks`);
  }

  // ---------------------------------------------------------------- deployments

  private async deployments(repo: Repo): Promise<{ list: Outcome<DeploymentFacts>; statuses: Outcome<null>; environments: Outcome<{ gated: boolean; how: string } | undefined> }> {
    const { owner, name } = repo;
    const start = this.window.start.getTime();
    const listed = await this.attempt(async (evidence) => {
      // Newest first: stop once a page reaches past the window's start.
      const page = await this.api.list('GET /repos/{owner}/{repo}/deployments', { owner, repo: name }, deploymentSchema,
        (items) => items.some((d) => Date.parse(d.created_at) < start));
      evidence.push(...page.evidence);
      // Production only, from HISTORY_BEFORE_WINDOW before the window (the page may reach further back).
      const since = start - HISTORY_BEFORE_WINDOW;
      const prod = page.items
        .filter((d) => this.isProduction(d.environment) && Date.parse(d.created_at) >= since)
        .map((d) => deploymentRecord(repo.full, d))
        .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
      const nodeIds = new Map(page.items.filter((d) => d.node_id).map((d) => [d.id, d.node_id!]));
      return { prod, fetched: page.items.length, deploysToProduction: page.items.some((d) => this.isProduction(d.environment)), nodeIds } satisfies DeploymentFacts;
    });
    const none: Outcome<null> = { ok: false, reason: listed.ok ? '' : listed.reason, evidence: [] };
    if (!listed.ok) return { list: listed, statuses: none, environments: { ...none } };

    // The statuses of the history before the window are read too: a rollback is a return to a version that was live.
    const prod = listed.value.prod;
    const nodeIds = listed.value.nodeIds;
    const statuses = await this.attempt(async (evidence) => {
      // In bulk over GraphQL, 100 deployments a query; one by one over REST only where GraphQL cannot
      // answer whole (no node id, more than 100 statuses).
      const bulk = new Map<number, GithubStatus[]>();
      for (const batch of batches(prod.filter((d) => nodeIds.has(d.id)))) {
        const got = await this.api.graphql('deployment statuses', DEPLOYMENT_STATUSES_QUERY, { ids: batch.map((d) => nodeIds.get(d.id)!) }, nodesAnswerSchema(deploymentNodeSchema));
        evidence.push(...got.evidence);
        got.data.nodes.forEach((node, k) => {
          if (!node?.statuses || node.statuses.pageInfo.hasNextPage) return;
          const list = node.statuses.nodes;
          // GitHub lists statuses newest first, as REST does: ids that order them the same way break ties of created_at.
          bulk.set(batch[k].id, list.map((st, j) => ({ id: list.length - j, state: restState(st.state), created_at: st.createdAt })));
        });
      }
      for (let i = 0; i < prod.length; i++) {
        const known = bulk.get(prod[i].id);
        if (known) {
          prod[i] = withStatuses(prod[i], known);
          continue;
        }
        const page = await this.api.list('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { owner, repo: name, deployment_id: prod[i].id }, deploymentStatusSchema);
        evidence.push(...page.evidence);
        prod[i] = withStatuses(prod[i], page.items);
      }
      return null;
    });
    const inW = prod.filter((d) => inWindow(d.createdAt, this.window));

    const environments = await this.attempt(async (evidence) => {
      if (inW.length === 0) return undefined;
      const page = await this.api.list('GET /repos/{owner}/{repo}/environments', { owner, repo: name }, environmentSchema);
      evidence.push(...page.evidence);
      const used = [...new Set(inW.map((d) => d.environment.toLowerCase()))].sort();
      const verdicts = used.map((env) => {
        const found = page.items.find((e) => e.name.toLowerCase() === env);
        const reviewers = found?.protection_rules.some((r) => r.type === 'required_reviewers' && (r.reviewers?.length ?? 1) > 0) ?? false;
        const wait = found?.protection_rules.find((r) => r.type === 'wait_timer' && (r.wait_timer ?? 0) > 0)?.wait_timer;
        const gated = reviewers || wait !== undefined;
        const what = !found ? 'not configured as an environment' : [reviewers && 'required reviewers', wait !== undefined && `wait timer ${wait} min`].filter(Boolean).join(' + ') || 'no reviewers or wait timer';
        return { env, gated, what };
      });
      return { gated: verdicts.every((v) => v.gated), how: verdicts.map((v) => `${v.env}: ${v.what}`).join(', ') };
    });
    return { list: listed, statuses, environments };
  }

  private emitDeployments(repos: Repo[], results: Awaited<ReturnType<Scan['deployments']>>[]): void {
    const ctx = this.ctx;
    const w = this.window;
    const lists = results.map((r) => r.list);
    if (this.failIfAny('deployments', repos, lists)) return;
    const listEvidence = lists.flatMap((o) => o.evidence);
    const facts = lists.map((o) => (o as { value: DeploymentFacts }).value);
    const history = facts.flatMap((f) => f.prod);
    const prod = history.filter((d) => inWindow(d.createdAt, w));
    const repoWith = repos.filter((_, i) => facts[i].prod.some((d) => inWindow(d.createdAt, w)));
    const envs = [...new Set(prod.map((d) => d.environment))].sort();

    ctx.emit('github.repos.with_deployments', repoWith.length, listEvidence, `${share(repoWith.length, repos.length)} repositories: ${list(repoWith.map((r) => r.full))}`);
    const statuses = results.map((r) => r.statuses);
    const failedStatuses = statuses.map((o, i) => ({ o, repo: repos[i] })).filter((x) => !x.o.ok);
    emitDeploymentSignals(ctx, {
      prefix: 'github',
      records: history,
      // Applications: the repositories with a production deployment among those listed (in the window or on the page before it).
      apps: repos.filter((_, i) => facts[i].deploysToProduction).map((r) => r.full),
      window: span(w),
      evidence: [...listEvidence, ...statuses.flatMap((o) => o.evidence)],
      automatedBy: 'a bot or a GitHub App',
      statusesFailed: failedStatuses.length
        ? { reason: failedStatuses.slice(0, 3).map((x) => `${x.repo.full}: ${(x.o as { reason: string }).reason}`).join('; '), evidence: failedStatuses.flatMap((x) => x.o.evidence) }
        : undefined,
    });
    ctx.emit('github.deployments.count', prod.length, listEvidence, `production environments: ${envs.join(', ') || 'none deployed to'}; ${facts.reduce((n, f) => n + f.fetched, 0)} deployments listed in all environments`);

    const environments = results.map((r) => r.environments);
    if (this.failIfAny('environments', repos, environments)) return;
    const gated = environments.map((o) => (o as { value: { gated: boolean; how: string } | undefined }).value);
    const withDeploys = repos.map((r, i) => ({ r, g: gated[i] })).filter((x) => x.g !== undefined);
    if (withDeploys.length === 0) ctx.notAvailable('github.environments.gated_ratio', 'no repository has a production deployment in the window');
    else {
      const yes = withDeploys.filter((x) => x.g!.gated).length;
      ctx.emit('github.environments.gated_ratio', yes / withDeploys.length, environments.flatMap((o) => o.evidence),
        `${share(yes, withDeploys.length)} repositories with production deployments: ${list(withDeploys.map((x) => `${x.r.full} (${x.g!.how})`))}`);
    }
  }

  // ---------------------------------------------------------------- pull requests

  private async pulls(repo: Repo, deployed: Awaited<ReturnType<Scan['deployments']>>) {
    const { owner, name, branch } = repo;
    const w = this.window;
    const start = w.start.getTime();
    const listed = await this.attempt<PullFacts>(async (evidence) => {
      if (!branch) return { merged: [] };
      // Most recently updated first; a pull request merged in the window was updated in it.
      const page = await this.api.list('GET /repos/{owner}/{repo}/pulls', { owner, repo: name, state: 'closed', base: branch, sort: 'updated', direction: 'desc' }, pullSchema,
        (items) => items.some((p) => Date.parse(p.updated_at) < start));
      evidence.push(...page.evidence);
      return { merged: page.items.filter((p) => p.merged_at && p.base.ref === branch && inWindow(Date.parse(p.merged_at), w)).sort((a, b) => a.number - b.number) };
    });
    const merged = listed.ok ? listed.value.merged : [];

    // Reviews and the head commit's checks of every merged pull request, 100 a GraphQL query.
    const bulk = await this.attempt(async (evidence) => {
      const nodes = new Map<number, PullNode>();
      for (const batch of batches(merged.filter((p) => p.node_id))) {
        const got = await this.api.graphql('pull request reviews and checks', PULL_CHECKS_QUERY, { ids: batch.map((p) => p.node_id!) }, nodesAnswerSchema(pullNodeSchema));
        evidence.push(...got.evidence);
        got.data.nodes.forEach((node, k) => {
          if (node) nodes.set(batch[k].number, node);
        });
      }
      return nodes;
    });
    const fromBulk = (evidence: string[]): Map<number, PullNode> => {
      if (!bulk.ok) {
        evidence.push(...bulk.evidence);
        throw new CollectError('rejected', bulk.reason);
      }
      evidence.push(...bulk.evidence);
      return bulk.value;
    };

    const reviews = await this.attempt(async (evidence) => {
      const nodes = fromBulk(evidence);
      const approved = new Map<number, boolean>();
      for (const pr of merged) {
        const mergedAt = Date.parse(pr.merged_at!);
        const node = nodes.get(pr.number);
        if (node?.reviews && !node.reviews.pageInfo.hasNextPage) {
          const author = node.author?.login;
          approved.set(pr.number, node.reviews.nodes.some((r) => r.state === 'APPROVED' && r.author && r.author.login !== author && (!r.submittedAt || Date.parse(r.submittedAt) <= mergedAt)));
          continue;
        }
        const page = await this.api.list('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { owner, repo: name, pull_number: pr.number }, reviewSchema);
        evidence.push(...page.evidence);
        approved.set(pr.number, page.items.some((r) => r.state === 'APPROVED' && r.user && r.user.login !== pr.user?.login && (!r.submitted_at || Date.parse(r.submitted_at) <= mergedAt)));
      }
      return approved;
    });

    const runs = await this.attempt<WorkflowRun[]>(async (evidence) => {
      const page = await this.api.list('GET /repos/{owner}/{repo}/actions/runs', { owner, repo: name, event: 'pull_request' }, workflowRunSchema,
        (items) => items.some((r) => Date.parse(r.created_at) < start));
      evidence.push(...page.evidence);
      return page.items.filter((r) => inWindow(Date.parse(r.created_at), w));
    });

    const checks = await this.attempt(async (evidence) => {
      const checked = new Map<number, string | undefined>();
      const succeeded = new Set(runs.ok ? runs.value.filter((r) => r.conclusion === 'success').map((r) => r.head_sha) : []);
      const nodes = merged.some((pr) => !succeeded.has(pr.head.sha)) ? fromBulk(evidence) : new Map<number, PullNode>();
      for (const pr of merged) {
        const sha = pr.head.sha;
        if (succeeded.has(sha)) {
          checked.set(pr.number, 'workflow run');
          continue;
        }
        const head = nodes.get(pr.number)?.commits.nodes[0]?.commit;
        if (head && head.oid === sha) {
          const contexts = head.statusCheckRollup?.contexts;
          const run = contexts?.nodes.find((c) => c.__typename === 'CheckRun' && c.conclusion === 'SUCCESS');
          const status = contexts?.nodes.find((c) => c.__typename === 'StatusContext' && c.state === 'SUCCESS');
          if (run?.__typename === 'CheckRun') {
            checked.set(pr.number, `check run ${run.name}`);
            continue;
          }
          if (status?.__typename === 'StatusContext') {
            checked.set(pr.number, `status ${status.context}`);
            continue;
          }
          if (!contexts?.pageInfo.hasNextPage) {
            checked.set(pr.number, undefined);
            continue;
          }
        }
        // Not answered whole over GraphQL (no node id, another head, more than 100 checks): one by one over REST.
        const cr = await this.api.list('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo: name, ref: sha }, checkRunSchema);
        evidence.push(...cr.evidence);
        const run = cr.items.find((c) => c.conclusion === 'success');
        if (run) {
          checked.set(pr.number, `check run ${run.name}`);
          continue;
        }
        const st = await this.api.get('GET /repos/{owner}/{repo}/commits/{ref}/status', { owner, repo: name, ref: sha }, combinedStatusSchema);
        evidence.push(...st.evidence);
        const ok = st.data.statuses.find((s) => s.state === 'success');
        checked.set(pr.number, ok ? `status ${ok.context}` : undefined);
      }
      return checked;
    });

    // Lead time: the first shipping candidate (src/delivery) whose sha contains the merge commit.
    const lead = await this.attempt(async (evidence) => {
      const samples: { pr: number; seconds: number }[] = [];
      let unpaired = 0;
      if (!deployed.list.ok || !deployed.statuses.ok) return { samples, unpaired };
      const prod = deployed.list.value.prod;
      const rollbacks = new Set(deploymentFacts(prod, span(w)).rollbacks);
      const contains = new Containment(this.api, repo, prod, w, evidence);
      for (const pr of merged) {
        const change = { app: repo.full, id: `#${pr.number}`, mergedAt: Date.parse(pr.merged_at!), sha: pr.merge_commit_sha ?? undefined };
        const candidates = shippingCandidates(change, prod, rollbacks).filter((d) => inWindow(d.createdAt, w)).slice(0, MAX_COMPARES_PER_PULL);
        let found: DeploymentRecord | undefined;
        for (const d of change.sha ? candidates : []) {
          if (await contains.test(d, change.sha!)) {
            found = d;
            break;
          }
        }
        if (found) samples.push({ pr: pr.number, seconds: leadTimeSeconds(change, found) });
        else unpaired++;
      }
      return { samples, unpaired };
    });
    return { listed, reviews, runs, checks, lead };
  }

  private emitPulls(repos: Repo[], results: Awaited<ReturnType<Scan['pulls']>>[], deployments: Awaited<ReturnType<Scan['deployments']>>[]): void {
    const ctx = this.ctx;
    const listed = results.map((r) => r.listed);
    const runs = results.map((r) => r.runs);

    if (!this.failIfAny('runs', repos, runs, ['github.ci.pr_checked_ratio'])) {
      const all = runs.flatMap((o) => (o as { value: WorkflowRun[] }).value);
      const concluded = all.filter((r) => r.status === 'completed' && ['success', 'failure', 'timed_out', 'startup_failure'].includes(r.conclusion ?? ''));
      const success = concluded.filter((r) => r.conclusion === 'success').length;
      if (concluded.length === 0) ctx.notAvailable('github.ci.success_ratio', `no GitHub Actions run for a pull request concluded in the window (${all.length} runs listed)`, runs.flatMap((o) => o.evidence));
      else ctx.emit('github.ci.success_ratio', success / concluded.length, runs.flatMap((o) => o.evidence), `${share(success, concluded.length)} concluded pull-request runs succeeded (${all.length - concluded.length} cancelled, skipped, neutral or still running left out)`);
    }

    if (this.failIfAny('pulls', repos, listed)) return;
    const merged = listed.flatMap((o, i) => (o as { value: PullFacts }).value.merged.map((pr) => ({ pr, repo: repos[i] })));
    const listEvidence = listed.flatMap((o) => o.evidence);

    const reviews = results.map((r) => r.reviews);
    if (!this.failIfAny('reviews', repos, reviews)) {
      if (merged.length === 0) ctx.notAvailable('github.review.merged_reviewed_ratio', 'no pull request merged into a default branch in the window', listEvidence);
      else {
        const yes = results.reduce((n, r) => n + [...(r.reviews as { value: Map<number, boolean> }).value.values()].filter(Boolean).length, 0);
        ctx.emit('github.review.merged_reviewed_ratio', yes / merged.length, [...listEvidence, ...reviews.flatMap((o) => o.evidence)], `${share(yes, merged.length)} merged pull requests approved by someone other than the author before the merge`);
      }
    }

    const checks = results.map((r) => r.checks);
    if (!this.failIfAny('checks', repos, checks)) {
      if (merged.length === 0) ctx.notAvailable('github.ci.pr_checked_ratio', 'no pull request merged into a default branch in the window', listEvidence);
      else {
        const verdicts = checks.flatMap((o) => [...(o as { value: Map<number, string | undefined> }).value.values()]);
        const yes = verdicts.filter((v): v is string => v !== undefined);
        const by = countBy(yes.map((v) => (v.startsWith('workflow') ? 'a workflow run' : v.startsWith('check') ? 'a check run' : 'a commit status')));
        ctx.emit('github.ci.pr_checked_ratio', yes.length / merged.length, [...listEvidence, ...runs.flatMap((o) => o.evidence), ...checks.flatMap((o) => o.evidence)],
          `${share(yes.length, merged.length)} merged pull requests had a successful CI run on their head commit${by ? ` (${by})` : ''}`);
      }
    }

    const leads = results.map((r) => r.lead);
    const depFailed = deployments.map((d, i) => ({ d, repo: repos[i] })).find(({ d }) => !d.list.ok || !d.statuses.ok);
    if (depFailed) {
      const reason = !depFailed.d.list.ok ? depFailed.d.list.reason : (depFailed.d.statuses as { reason: string }).reason;
      ctx.failed('github.changes.lead_time_median_seconds', `${depFailed.repo.full}: ${reason}`, [...depFailed.d.list.evidence, ...depFailed.d.statuses.evidence]);
      return;
    }
    if (this.failIfAny('compare', repos, leads)) return;
    const values = leads.map((o) => (o as { value: { samples: { seconds: number }[]; unpaired: number } }).value);
    const seconds = values.flatMap((v) => v.samples.map((s) => s.seconds));
    const unpaired = values.reduce((n, v) => n + v.unpaired, 0);
    const m = median(seconds);
    const evidence = [...listEvidence, ...deployments.flatMap((d) => [...d.list.evidence, ...d.statuses.evidence]), ...leads.flatMap((o) => o.evidence)];
    if (m === undefined) {
      ctx.notAvailable('github.changes.lead_time_median_seconds', merged.length
        ? `none of the ${merged.length} pull requests merged in the window reached a successful production deployment that contains it`
        : 'no pull request merged into a default branch in the window', evidence);
    } else {
      ctx.emit('github.changes.lead_time_median_seconds', m, evidence, `median of ${seconds.length} merge-to-production pairs (${formatDuration(m)}); ${unpaired} merged pull requests not (yet) in a successful production deployment`);
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * When a source failed for some repository, fails the signals derived from it (except those
   * in `spare`, which are decided elsewhere) with the first failures named, and returns true.
   */
  private failIfAny(source: Source, repos: Repo[], outcomes: Outcome<unknown>[], spare: GithubSignalId[] = []): boolean {
    const failed = outcomes.map((o, i) => ({ o, repo: repos[i] })).filter((x) => !x.o.ok);
    if (failed.length === 0) return false;
    const reason = `${failed.length === 1 ? '' : `${failed.length} of ${repos.length} repositories could not be read: `}${failed.slice(0, 3).map((x) => `${x.repo.full}: ${(x.o as { reason: string }).reason}`).join('; ')}${failed.length > 3 ? '; …' : ''}`;
    const evidence = failed.flatMap((x) => x.o.evidence);
    for (const id of signalsFrom(source)) if (!spare.includes(id)) this.ctx.failed(id, reason, evidence);
    return true;
  }
}

/**
 * Whether a production deployment's sha contains a merge commit, with as few requests as the
 * question allows. A deployment's changes are the commits between it and its predecessor in
 * the same environment (the previous successful deployment in the window, or else the last one
 * before the window): one GET compare/{predecessor}...{deployment} per deployment, whose
 * commits answer for every pull request merged after the predecessor was created (a merge
 * commit cannot be in a deployment made before the merge, so it is in the deployment exactly
 * when it is among those commits). Without a predecessor, the pair is compared directly:
 * compare/{merge}...{deployment} is "ahead" or "identical" when the deployment contains it.
 */
class Containment {
  private readonly ranges = new Map<number, Promise<Set<string> | undefined>>();
  private readonly pairs = new Map<string, Promise<boolean>>();
  private readonly byEnv: Map<string, DeploymentRecord[]>;

  constructor(private readonly api: GithubApi, private readonly repo: Repo, prod: DeploymentRecord[], private readonly w: Window, private readonly evidence: string[]) {
    this.byEnv = new Map(histories(prod).map((h) => [h[0].environment.toLowerCase(), h]));
  }

  private predecessor(d: DeploymentRecord): DeploymentRecord | undefined {
    const history = this.byEnv.get(d.environment.toLowerCase()) ?? [];
    const before = history.filter((x) => x.createdAt < d.createdAt || (x.createdAt === d.createdAt && x.id < d.id)).reverse();
    return before.find((x) => inWindow(x.createdAt, this.w) && x.status === 'success') ?? before.find((x) => x.createdAt < this.w.start.getTime());
  }

  async test(d: DeploymentRecord, merge: string): Promise<boolean> {
    if (d.sha === merge) return true;
    // A predecessor made after the merge is an earlier candidate, already found not to contain it.
    const p = this.predecessor(d);
    const range = p ? await this.range(d, p) : undefined;
    if (range) return range.has(merge);
    return this.pair(merge, d.sha);
  }

  private range(d: DeploymentRecord, p: DeploymentRecord): Promise<Set<string> | undefined> {
    let r = this.ranges.get(d.id);
    if (!r) {
      r = p.sha === d.sha ? Promise.resolve(new Set<string>()) : this.compareCommits(p.sha, d.sha);
      this.ranges.set(d.id, r);
    }
    return r;
  }

  private async compareCommits(base: string, head: string): Promise<Set<string> | undefined> {
    const { owner, name } = this.repo;
    try {
      const got = await this.api.pages('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo: name, basehead: `${base}...${head}` }, comparisonSchema);
      this.evidence.push(...got.evidence);
      return new Set(got.data.flatMap((page) => page.commits.map((c) => c.sha)));
    } catch (err) {
      // A sha GitHub no longer knows (force-pushed away): fall back to comparing pairs.
      if (!isCollectError(err, 'not_found')) throw err;
      if (err.detail.evidence) this.evidence.push(err.detail.evidence);
      return undefined;
    }
  }

  private pair(merge: string, head: string): Promise<boolean> {
    const key = `${merge}...${head}`;
    let r = this.pairs.get(key);
    if (!r) {
      r = (async () => {
        const { owner, name } = this.repo;
        try {
          const got = await this.api.get('GET /repos/{owner}/{repo}/compare/{basehead}', { owner, repo: name, basehead: key, per_page: 1 }, comparisonSchema);
          this.evidence.push(...got.evidence);
          return got.data.status === 'ahead' || got.data.status === 'identical';
        } catch (err) {
          if (!isCollectError(err, 'not_found')) throw err;
          if (err.detail.evidence) this.evidence.push(err.detail.evidence);
          return false;
        }
      })();
      this.pairs.set(key, r);
    }
    return r;
  }
}


function list(items: string[], max = 12): string {
  if (items.length === 0) return 'none';
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} by ${k}`).join(', ');
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

