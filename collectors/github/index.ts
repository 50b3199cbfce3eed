import { emitAll, emitMeasured, mapPool, notAvailable, type Collector, type Measured, type Read } from '../../src/collector/kit.js';
import { notedSample } from '../../src/collector/sample.js';
import { GithubApi } from './client.js';
import { githubConfigSchema, type GithubConfig } from './config.js';
import { value, type Measures } from './measure/common.js';
import { measureDeployments } from './measure/deployments.js';
import { measureProtection, measureTree } from './measure/governance.js';
import { measurePulls, summarizePulls } from './measure/pulls.js';
import { measureReleases } from './measure/releases.js';
import { readLeadTimes } from './read/compare.js';
import { deploymentStatusesInBulk, listDeployments, readDeployments } from './read/deployments.js';
import { readProtection, readTree } from './read/governance.js';
import { listPulls, readPulls, unsettledPullsInBulk, type ListedPulls } from './read/pulls.js';
import type { PullNode } from './graphql.js';
import { readReleases } from './read/releases.js';
import { readScope, type Repo } from './read/repositories.js';
import { GITHUB_SIGNALS } from './signals.js';

export type { GithubConfig } from './config.js';
export { MAX_MANIFEST_READS } from './read/governance.js';
export { MAX_COMPARES_PER_PULL } from './read/compare.js';
export { GRAPHQL_POINTS_PER_REPOSITORY, REST_REQUESTS_PER_REPOSITORY } from './read/repositories.js';

export const githubCollector: Collector<GithubConfig> = {
  id: 'github',
  description: 'GitHub REST API (github.com or Enterprise Server): deployments and statuses, environments, releases, pull requests and reviews, Actions runs and checks, branch protection and rulesets, repository trees',
  signals: GITHUB_SIGNALS,
  publishes: ['deployments'],
  configSchema: githubConfigSchema,
  async collect(ctx) {
    const api = new GithubApi(ctx);
    const cfg = ctx.config;
    const w = ctx.window;
    const scope = await readScope(api, cfg, ctx.log);
    const { repos, evidence } = scope;
    const measured: Measures = new Map();
    // Every value below comes from the sample: say so beside each.
    const noted = (m: Measured): Measured => notedSample(m, scope.sampled);
    measured.set('github.api.reachable', value(true, evidence.slice(0, 1), cfg.api_url));
    measured.set('github.repos.count', value(repos.length, evidence, scope.detail));
    if (repos.length === 0) {
      for (const d of GITHUB_SIGNALS) if (!measured.has(d.id as never)) measured.set(d.id as never, notAvailable('no repository in scope', evidence));
      emitAll(ctx, GITHUB_SIGNALS, new Map([...measured].map(([id, m]) => [id, noted(m)])), 'not measured');
      return;
    }

    // Repositories `concurrency` at a time (those of `group`, or all); after a fatal failure no
    // further one is started, the running ones finish, and it is thrown. `i` is the repository's
    // index in `repos`.
    let fatal: { error: unknown } | undefined;
    const everyIndex = repos.map((_, i) => i);
    const eachRepo = async <T>(run: (repo: Repo, i: number) => Promise<T>, group: readonly number[] = everyIndex): Promise<T[]> => {
      const results = await mapPool(group, cfg.concurrency, async (i) => {
        if (fatal) return undefined as T;
        try {
          return await run(repos[i], i);
        } catch (error) {
          fatal ??= { error };
          return undefined as T;
        }
      });
      if (fatal) throw fatal.error;
      return results;
    };
    const groups = pooledGroups(repos.length);

    // Group by group, so that only one group's lists and statuses are held at a time.
    const readAllDeployments = async () => {
      const production = cfg.production_environments.map((re) => new RegExp(re, 'i'));
      const read = [];
      for (const group of groups) {
        const listed = await eachRepo((r) => listDeployments(api, r, w, (env) => production.some((re) => re.test(env))), group);
        const statuses = await deploymentStatusesInBulk(api, listed);
        read.push(...await eachRepo((r, i) => readDeployments(api, r, listed[i - group[0]], statuses[i - group[0]], w), group));
      }
      return read;
    };

    try {
      const governance = await eachRepo(async (r) => ({ protection: await readProtection(api, r), tree: await readTree(api, r) }));
      measureProtection(measured, repos, governance.map((g) => g.protection));
      measureTree(measured, repos, governance.map((g) => g.tree));

      measureReleases(measured, repos, await eachRepo((r) => readReleases(api, r, w)), w);

      const deployments = await readAllDeployments();
      measureDeployments(measured, repos, deployments, w);
      // For cross signals (change failure from incidents): only a whole reading, every repository's
      // production deployments with their final states, never a sample.
      if (!scope.sampled && deployments.every((d) => d.list.status === 'ok' && d.statuses.status === 'ok')) {
        ctx.publish('deployments', deployments.flatMap((d) => (d.list.status === 'ok' ? d.list.data.prod : [])),
          [...new Set(deployments.flatMap((d) => [...d.list.evidence, ...d.statuses.evidence]))]);
      }

      // A group's pull lists are all read before any one's checks (those of the unsettled pull
      // requests are read for the whole group, 100 a query); each repository's lists are then
      // handed to its reader and let go, and what it read is summed up for the measures.
      const pulls = [];
      for (const group of groups) {
        const pullLists: (ListedPulls | undefined)[] = await eachRepo((r) => listPulls(api, r, w), group);
        const unsettled: (Read<Map<number, PullNode>> | undefined)[] = await unsettledPullsInBulk(api, pullLists as ListedPulls[]);
        pulls.push(...await eachRepo(async (r, i) => {
          const read = await readPulls(api, r, handOver(pullLists, i - group[0]), handOver(unsettled, i - group[0]));
          const lead = await readLeadTimes(api, r, read.merged.status === 'ok' ? read.merged.data : [], deployments[i], w);
          return summarizePulls(read, lead);
        }, group));
      }
      measurePulls(measured, repos, pulls, deployments);
    } catch (err) {
      // What was measured before the failure stays; the harness fails the rest with the error.
      for (const [id, m] of measured) emitMeasured(ctx, id, noted(m));
      throw err;
    }

    const { requests, notModified, reused } = api.stats;
    const reusedNote = reused ? `, ${reused} GraphQL ${reused === 1 ? 'answer' : 'answers'} reused unchanged without a request` : '';
    measured.set('github.api.reachable', value(true, evidence.slice(0, 1), `${cfg.api_url}: ${requests} answers, ${notModified} of them 304 Not Modified served from the ETag cache${reusedNote}`));
    emitAll(ctx, GITHUB_SIGNALS, new Map([...measured].map(([id, m]) => [id, noted(m)])), 'not measured');
  },
};

/**
 * Repositories read together in the phases that pool GraphQL node queries across repositories
 * (deployment statuses, the checks of pull requests). Pooling keeps a query at 100 items whatever
 * repository each comes from, but holds every listed repository's lists until its query is
 * answered: for the whole organisation, that memory grew with it (at the benchmark's x100, the
 * 9,600 pull requests merged in the window of 240 repositories, 480 at x5). In groups, what is
 * held is bounded by a group; each group costs at most one query that is not full. Tests lower it.
 */
export const POOLED_GROUP = { repositories: 50 };

/** Consecutive indexes of `count` repositories, POOLED_GROUP.repositories at a time. */
function pooledGroups(count: number): number[][] {
  const size = Math.max(1, POOLED_GROUP.repositories);
  const groups: number[][] = [];
  for (let from = 0; from < count; from += size) groups.push(Array.from({ length: Math.min(size, count - from) }, (_, k) => from + k));
  return groups;
}

/** A repository's entry, given to the one reader that needs it and no longer held in the list. */
function handOver<T>(list: (T | undefined)[], i: number): T {
  const entry = list[i] as T;
  list[i] = undefined;
  return entry;
}
