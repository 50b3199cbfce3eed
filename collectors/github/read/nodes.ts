import type { z } from 'zod';
import { mapPool, readFailed, readOk, type Read } from '../../../src/collector/kit.js';
import type { GithubApi } from '../client.js';
import { isFatal } from '../errors.js';
import { batches, nodesAnswerSchema } from '../graphql.js';

/** Queries of one pooled read in flight at once. */
const QUERIES_IN_FLIGHT = 4;

/**
 * The nodes of many repositories asked together: `nodes(ids:)` takes ids from any repository, so
 * a query holds 100 items whatever repository each comes from. This is for what must be asked
 * anew on every scan, since no REST answer shows it changed (deployment statuses; the checks of
 * head commits with no successful Actions run): asked repository by repository, it would be one
 * uncacheable request per repository, where pooled it is one per 100 items of the organisation.
 *
 * `wanted[i]` are repository i's node ids; the answer is, for each repository, its nodes by id
 * (null where GitHub knows none) with the evidence of the queries that held its ids. A query that
 * fails is asked again repository by repository, so that one repository's unanswerable node
 * (a deployment deleted since it was listed) fails that repository's read only. A fatal failure
 * (rate limit, budget, deadline) is thrown.
 */
export async function nodesAcrossRepositories<N>(api: GithubApi, name: string, query: string, node: z.ZodType<N>, wanted: readonly (readonly string[])[]): Promise<Read<Map<string, N | null>>[]> {
  const found = wanted.map(() => new Map<string, N | null>());
  const evidence = wanted.map((): string[] => []);
  const failed: (Read<never> | undefined)[] = wanted.map(() => undefined);
  // After a fatal failure no further query is started.
  const stop = new AbortController();

  /** Asks one batch; on a non-fatal failure returns it instead of throwing. */
  const ask = async (batch: { repo: number; id: string }[]): Promise<Read<never> | undefined> => {
    try {
      const got = await api.graphql(name, query, { ids: batch.map((b) => b.id) }, nodesAnswerSchema(node));
      for (const repo of new Set(batch.map((b) => b.repo))) evidence[repo].push(...got.evidence);
      batch.forEach((b, k) => found[b.repo].set(b.id, (got.data.nodes[k] ?? null) as N | null));
      return undefined;
    } catch (err) {
      if (isFatal(err)) {
        stop.abort(err);
        throw err;
      }
      return readFailed(err);
    }
  };

  const all = wanted.flatMap((ids, repo) => ids.map((id) => ({ repo, id })));
  await mapPool(batches(all), QUERIES_IN_FLIGHT, async (batch) => {
    const failure = await ask(batch);
    if (!failure) return;
    const repos = [...new Set(batch.map((b) => b.repo))];
    if (repos.length === 1) {
      failed[repos[0]] ??= failure;
      evidence[repos[0]].push(...failure.evidence);
      return;
    }
    for (const repo of repos) {
      const own = await ask(batch.filter((b) => b.repo === repo));
      if (own) {
        failed[repo] ??= own;
        evidence[repo].push(...own.evidence);
      }
    }
  }, stop.signal);
  return wanted.map((_, i) => {
    const f = failed[i];
    return f ? { ...f, evidence: [...new Set(evidence[i])] } : readOk(found[i], [...new Set(evidence[i])]);
  });
}
