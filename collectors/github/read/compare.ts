import type { Read } from '../../../src/collector/kit.js';
import type { Window } from '../../../src/collector/types.js';
import { deploymentFacts, histories, leadTimeSeconds, shippingCandidates } from '../../../src/delivery/deployments.js';
import { inWindow, type DeploymentRecord } from '../../../src/delivery/records.js';
import { isCollectError } from '../../../src/http/errors.js';
import { comparisonSchema, type Pull } from '../api.js';
import type { GithubApi } from '../client.js';
import { batches, HISTORIES_PER_QUERY, historiesAnswerSchema, historiesQuery } from '../graphql.js';
import type { DeploymentReads } from './deployments.js';
import type { Repo } from './repositories.js';
import { settle } from './settle.js';

/** Successful production deployments after a merge that are compared with it before giving up on the pair. */
export const MAX_COMPARES_PER_PULL = 5;

/** Merge-to-production times of the merged pull requests that reached production, and how many did not. */
export interface LeadTimes {
  samples: { pr: number; seconds: number }[];
  unpaired: number;
}

const span = (w: Window) => ({ start: w.start.getTime(), end: w.end.getTime() });

/** Lead time: the first shipping candidate (src/delivery) whose sha contains the merge commit. */
export function readLeadTimes(api: GithubApi, repo: Repo, merged: readonly Pull[], deployed: DeploymentReads, w: Window): Promise<Read<LeadTimes>> {
  return settle(async (evidence) => {
    const samples: LeadTimes['samples'] = [];
    let unpaired = 0;
    if (deployed.list.status !== 'ok' || deployed.statuses.status !== 'ok') return { samples, unpaired };
    const prod = deployed.list.data.prod;
    const rollbacks = new Set(deploymentFacts(prod, span(w)).rollbacks);
    const contains = new Containment(api, repo, prod, w, evidence);
    const changes = merged.map((pr) => {
      const change = { app: repo.full, id: `#${pr.number}`, mergedAt: Date.parse(pr.merged_at!), sha: pr.merge_commit_sha ?? undefined };
      const candidates = change.sha ? shippingCandidates(change, prod, rollbacks).filter((d) => inWindow(d.createdAt, span(w))).slice(0, MAX_COMPARES_PER_PULL) : [];
      return { pr, change, candidates };
    });
    // The ancestors of every candidate deployment, 10 deployments a GraphQL query: most questions
    // are answered there; the rest (history longer than read, a commit GraphQL does not know) by compare.
    await contains.readHistories([...new Set(changes.flatMap((c) => c.candidates.filter((d) => d.sha !== c.change.sha).map((d) => d.sha)))]);
    for (const { pr, change, candidates } of changes) {
      let found: DeploymentRecord | undefined;
      for (const d of candidates) {
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
 * Before either, the deployment's ancestors read over GraphQL (`readHistories`) answer whenever
 * they hold the merge or were read whole.
 */
class Containment {
  private readonly ranges = new Map<number, Promise<Set<string> | undefined>>();
  private readonly pairs = new Map<string, Promise<boolean>>();
  private readonly byEnv: Map<string, DeploymentRecord[]>;
  /** The ancestors read of each deployed sha, and whether they are all of them. */
  private readonly histories = new Map<string, { oids: Set<string>; whole: boolean }>();

  constructor(private readonly api: GithubApi, private readonly repo: Repo, prod: DeploymentRecord[], private readonly w: Window, private readonly evidence: string[]) {
    this.byEnv = new Map(histories(prod).map((h) => [h[0].environment.toLowerCase(), h]));
  }

  private predecessor(d: DeploymentRecord): DeploymentRecord | undefined {
    const history = this.byEnv.get(d.environment.toLowerCase()) ?? [];
    const before = history.filter((x) => x.createdAt < d.createdAt || (x.createdAt === d.createdAt && x.id < d.id)).reverse();
    return before.find((x) => inWindow(x.createdAt, span(this.w)) && x.status === 'success') ?? before.find((x) => x.createdAt < this.w.start.getTime());
  }

  /** The ancestors of each sha, 10 shas a query; a sha GitHub does not know stays for compare. */
  async readHistories(shas: string[]): Promise<void> {
    const { owner, name } = this.repo;
    for (const batch of batches(shas, HISTORIES_PER_QUERY)) {
      const variables = Object.fromEntries([['owner', owner], ['name', name], ...batch.map((sha, i) => [`o${i}`, sha])]);
      // A commit's ancestors cannot change (its id is a hash of them): a kept answer holds as long as
      // it knew every commit asked for (one GitHub did not know may have been pushed since).
      const got = await this.api.graphql('deployment histories', historiesQuery(batch.length), variables, historiesAnswerSchema, {
        watermark: 'commit ancestry is immutable',
        why: 'a commit\'s ancestors cannot change (its id is a hash of them), and the kept answer knew every commit asked for',
        holds: (data) => batch.every((_, i) => (data as { repository?: Record<string, { history?: unknown } | null> | null }).repository?.[`h${i}`]?.history !== undefined),
      });
      this.evidence.push(...got.evidence);
      batch.forEach((sha, i) => {
        const history = got.data.repository?.[`h${i}`]?.history;
        if (history) this.histories.set(sha, { oids: new Set(history.nodes.map((n) => n.oid)), whole: !history.pageInfo.hasNextPage });
      });
    }
  }

  async test(d: DeploymentRecord, merge: string): Promise<boolean> {
    if (d.sha === merge) return true;
    const history = this.histories.get(d.sha);
    if (history?.oids.has(merge)) return true;
    if (history?.whole) return false;
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
