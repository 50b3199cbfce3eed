import { mapRead, readOk, type Read } from '../../../src/collector/kit.js';
import { sha256 } from '../../../src/http/evidence-record.js';
import type { Window } from '../../../src/collector/types.js';
import { inWindow } from '../../../src/delivery/records.js';
import { checkRunSchema, combinedStatusSchema, pullSchema, reviewSchema, workflowRunSchema, type Pull, type WorkflowRun } from '../api.js';
import type { GithubApi } from '../client.js';
import { batches, nodesAnswerSchema, PULL_CHECKS_QUERY, pullNodeSchema, type PullNode } from '../graphql.js';
import { nodesAcrossRepositories } from './nodes.js';
import type { Repo } from './repositories.js';
import { dataOf, settle } from './settle.js';

/** A review of a merged pull request, from GraphQL or REST alike. */
export interface ReviewRaw {
  state: string;
  /** The reviewer's login; undefined for a deleted account. */
  by?: string;
  submittedAt?: string;
}

export interface PullReads {
  /** Pull requests merged into the default branch in the window, by number. */
  merged: Read<Pull[]>;
  /** The author and reviews of each merged pull request. */
  reviews: Read<Map<number, { author?: string; reviews: ReviewRaw[] }>>;
  /** GitHub Actions runs for pull requests created in the window, counted. */
  runs: Read<RunCounts>;
  /** For each merged pull request, the successful CI run found on its head commit (`workflow run`, `check run NAME`, `status CONTEXT`), or undefined. */
  checks: Read<Map<number, string | undefined>>;
}

const span = (w: Window) => ({ start: w.start.getTime(), end: w.end.getTime() });

/** Pull-request workflow runs created in the window: all listed, those concluded (success or failure of the code), those that succeeded. */
export interface RunCounts {
  listed: number;
  concluded: number;
  succeeded: number;
}

/** Cancelled, skipped, neutral or still running: not a verdict on the code. */
const CONCLUSIONS = ['success', 'failure', 'timed_out', 'startup_failure'];

export function countRuns(runs: readonly WorkflowRun[]): RunCounts {
  const concluded = runs.filter((r) => r.status === 'completed' && CONCLUSIONS.includes(r.conclusion ?? ''));
  return { listed: runs.length, concluded: concluded.length, succeeded: concluded.filter((r) => r.conclusion === 'success').length };
}

/**
 * A repository's merged pull requests and pull-request workflow runs, listed. The runs are kept
 * counted, with the heads that succeeded: a group's lists are held until the pooled GraphQL
 * read of their checks (POOLED_GROUP in ../index.ts), and the runs themselves were a quarter of
 * that.
 */
export interface ListedPulls {
  listed: Read<Pull[]>;
  runs: Read<{ counts: RunCounts; digests: string[] }>;
  /** The SHA-256s of the pull list's pages, when every page has one. */
  listDigests: string[];
  /** Head commits with a successful workflow run. */
  succeeded: Set<string>;
}

export async function listPulls(api: GithubApi, repo: Repo, w: Window): Promise<ListedPulls> {
  const { owner, name, branch } = repo;
  const start = w.start.getTime();
  let listDigests: string[] = [];
  const listed = await settle<Pull[]>(async (evidence) => {
    if (!branch) return [];
    // Most recently updated first; a pull request merged in the window was updated in it.
    const page = await api.list('GET /repos/{owner}/{repo}/pulls', { owner, repo: name, state: 'closed', base: branch, sort: 'updated', direction: 'desc' }, pullSchema,
      (items) => items.some((p) => Date.parse(p.updated_at) < start));
    evidence.push(...page.evidence);
    listDigests = page.digests.length === page.evidence.length ? page.digests : [];
    return page.data.filter((p) => p.merged_at && p.base.ref === branch && inWindow(Date.parse(p.merged_at), span(w))).sort((a, b) => a.number - b.number);
  });
  // Which heads have a successful run decides whether a kept answer may serve.
  const succeeded = new Set<string>();
  const runs = await settle<{ counts: RunCounts; digests: string[] }>(async (evidence) => {
    const page = await api.list('GET /repos/{owner}/{repo}/actions/runs', { owner, repo: name, event: 'pull_request' }, workflowRunSchema,
      (items) => items.some((r) => Date.parse(r.created_at) < start));
    evidence.push(...page.evidence);
    const inSpan = page.data.filter((r) => inWindow(Date.parse(r.created_at), span(w)));
    for (const r of inSpan) if (r.conclusion === 'success') succeeded.add(r.head_sha);
    return { counts: countRuns(inSpan), digests: page.digests.length === page.evidence.length ? page.digests : [] };
  });
  return { listed, runs, listDigests, succeeded };
}

/** Merged pull requests whose head has no successful workflow run: their checks can change with no list showing it. */
const unsettled = (l: ListedPulls): Pull[] => (l.listed.status === 'ok' ? l.listed.data.filter((p) => p.node_id && !l.succeeded.has(p.head.sha)) : []);

/**
 * The reviews and head checks of every repository's unsettled pull requests, 100 a GraphQL query
 * whatever their repository: these are asked anew on every scan (no list shows a new check run or
 * commit status of a head), so pooled they cost one request per 100 such pull requests of the
 * organisation rather than one per repository.
 */
export async function unsettledPullsInBulk(api: GithubApi, listed: readonly ListedPulls[]): Promise<Read<Map<number, PullNode>>[]> {
  const wanted = listed.map((l) => unsettled(l).map((p) => p.node_id!));
  const nodes = await nodesAcrossRepositories(api, 'pull request reviews and checks', PULL_CHECKS_QUERY, pullNodeSchema, wanted);
  return nodes.map((read, i) => mapRead(read, (byId) => {
    const out = new Map<number, PullNode>();
    for (const p of unsettled(listed[i])) {
      const node = byId.get(p.node_id!);
      if (node) out.set(p.number, node);
    }
    return out;
  }));
}

/**
 * A repository's pull requests read whole: the reviews and checks of those whose every head
 * check comes from a successful workflow run in one query per 100 (kept under a watermark, see
 * below), the others' from the pooled read, and over REST what GraphQL did not answer whole.
 */
export async function readPulls(api: GithubApi, repo: Repo, listedPulls: ListedPulls, pooled: Read<Map<number, PullNode>>): Promise<PullReads> {
  const { owner, name } = repo;
  const { listed, runs, listDigests, succeeded } = listedPulls;
  const merged = listed.status === 'ok' ? listed.data : [];

  const settled = await settle(async (evidence) => {
    const nodes = new Map<number, PullNode>();
    for (const batch of batches(merged.filter((p) => p.node_id && succeeded.has(p.head.sha)))) {
      // A kept answer serves while the pull list and the runs list are the same to the byte (a
      // review sets its pull request's updated_at); every head of the batch has a successful
      // workflow run there, so that no check or status of the head commit, which change nothing
      // in either list, is read from it.
      const reuse = listDigests.length && runs.status === 'ok' && runs.data.digests.length ? {
        watermark: `pulls ${sha256([...listDigests, '|', ...runs.data.digests].join(' '))}`,
        why: `the pull list and the workflow runs of ${repo.full} (${[...listed.evidence, ...runs.evidence].join(', ')}) are the same as when this answer was kept: no review added (a review sets its pull request's updated_at), and every head's checks come from the runs`,
      } : undefined;
      const got = await api.graphql('pull request reviews and checks', PULL_CHECKS_QUERY, { ids: batch.map((p) => p.node_id!) }, nodesAnswerSchema(pullNodeSchema), reuse);
      evidence.push(...got.evidence);
      got.data.nodes.forEach((node, k) => {
        if (node) nodes.set(batch[k].number, node);
      });
    }
    return nodes;
  });
  const bulk: Read<Map<number, PullNode>> = settled.status !== 'ok' ? settled : pooled.status !== 'ok'
    ? { ...pooled, evidence: [...settled.evidence, ...pooled.evidence] }
    : readOk(new Map([...settled.data, ...pooled.data]), [...settled.evidence, ...pooled.evidence]);

  const fromBulk = (evidence: string[]): Map<number, PullNode> => dataOf(bulk, evidence);

  const reviews = await settle(async (evidence) => {
    const nodes = fromBulk(evidence);
    const found = new Map<number, { author?: string; reviews: ReviewRaw[] }>();
    for (const pr of merged) {
      const node = nodes.get(pr.number);
      if (node?.reviews && !node.reviews.pageInfo.hasNextPage) {
        found.set(pr.number, { author: node.author?.login, reviews: node.reviews.nodes.map((r) => ({ state: r.state, by: r.author?.login, submittedAt: r.submittedAt ?? undefined })) });
        continue;
      }
      const page = await api.list('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { owner, repo: name, pull_number: pr.number }, reviewSchema);
      evidence.push(...page.evidence);
      found.set(pr.number, { author: pr.user?.login, reviews: page.data.map((r) => ({ state: r.state, by: r.user?.login, submittedAt: r.submitted_at })) });
    }
    return found;
  });

  const checks = await settle(async (evidence) => {
    const checked = new Map<number, string | undefined>();
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
      const cr = await api.list('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner, repo: name, ref: sha }, checkRunSchema);
      evidence.push(...cr.evidence);
      const run = cr.data.find((c) => c.conclusion === 'success');
      if (run) {
        checked.set(pr.number, `check run ${run.name}`);
        continue;
      }
      const st = await api.get('GET /repos/{owner}/{repo}/commits/{ref}/status', { owner, repo: name, ref: sha }, combinedStatusSchema);
      evidence.push(...st.evidence);
      const ok = st.data.statuses.find((s) => s.state === 'success');
      checked.set(pr.number, ok ? `status ${ok.context}` : undefined);
    }
    return checked;
  });
  return { merged: listed, reviews, runs: mapRead(runs, (r) => r.counts), checks };
}
