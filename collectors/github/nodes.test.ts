import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CollectError } from '../../src/http/errors.js';
import type { GithubApi } from './client.js';
import { FatalGithubError } from './errors.js';
import { nodesAcrossRepositories } from './read/nodes.js';

// The pooled node queries on a stand-in for GithubApi.graphql: which ids go together, and where a failure lands.
const node = z.object({ id: z.string() });
type Asked = string[];

/** An api whose graphql answers each id with { id }, fails a query holding `bad` (as GitHub's NOT_FOUND does), or throws `fatal`. */
function fakeApi(opts: { bad?: string; fatal?: boolean } = {}) {
  const asked: Asked[] = [];
  const api = {
    async graphql(name: string, _query: string, variables: { ids: string[] }) {
      asked.push(variables.ids);
      const evidence = [`ev${asked.length}`];
      if (opts.fatal) throw new FatalGithubError('unavailable', `GitHub GraphQL rate limit exhausted at POST /graphql (${name})`, { evidence: evidence[0] });
      if (opts.bad && variables.ids.includes(opts.bad)) throw new CollectError('rejected', `POST /graphql (${name}): GitHub's GraphQL API answered with errors (NOT_FOUND: Could not resolve to a node with the global id of '${opts.bad}')`, { evidence: evidence[0] });
      return { data: { nodes: variables.ids.map((id) => (id.endsWith('gone') ? null : { id })) }, evidence, digests: [] };
    },
  };
  return { api: api as unknown as GithubApi, asked };
}

const ids = (repo: string, n: number) => Array.from({ length: n }, (_, i) => `${repo}-${i}`);

describe('github nodes pooled across repositories', () => {
  it('asks 100 ids a query whatever their repository, and gives each repository its nodes and the evidence of the queries that held them', async () => {
    const { api, asked } = fakeApi();
    const wanted = [ids('a', 70), [], ids('b', 90), ['c-gone']];
    const got = await nodesAcrossRepositories(api, 'deployment statuses', 'query Q { x }', node, wanted);
    expect(asked.map((q) => q.length)).toEqual([100, 61]);
    expect(got.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const [a, none, b, c] = got as { data: Map<string, { id: string } | null>; evidence: string[] }[];
    expect([...a.data.keys()]).toEqual(ids('a', 70));
    expect(a.evidence).toEqual(['ev1']);
    expect(none.data.size).toBe(0);
    expect(none.evidence).toEqual([]);
    // b's ids span both queries
    expect(b.data.size).toBe(90);
    expect(b.data.get('b-89')).toEqual({ id: 'b-89' });
    expect(b.evidence).toEqual(['ev1', 'ev2']);
    // GitHub knows no such node: null, for the caller to read another way
    expect(c.data.get('c-gone')).toBeNull();
  });

  it('asks a failed query again repository by repository, so that the failure stays with the repository it belongs to', async () => {
    const { api, asked } = fakeApi({ bad: 'b-3' });
    const got = await nodesAcrossRepositories(api, 'deployment statuses', 'query Q { x }', node, [ids('a', 5), ids('b', 5), ids('c', 5)]);
    expect(asked.map((q) => q.length)).toEqual([15, 5, 5, 5]);
    expect(got.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    expect(got[1]).toMatchObject({ reason: expect.stringContaining("NOT_FOUND: Could not resolve to a node with the global id of 'b-3'"), evidence: ['ev3'] });
    expect(got[0]).toMatchObject({ evidence: ['ev2'] });
    expect((got[2] as { data: Map<string, unknown> }).data.size).toBe(5);
  });

  it('fails a repository alone in its query without asking again', async () => {
    const { api, asked } = fakeApi({ bad: 'a-1' });
    const got = await nodesAcrossRepositories(api, 'deployment statuses', 'query Q { x }', node, [ids('a', 3)]);
    expect(asked).toHaveLength(1);
    expect(got[0]).toMatchObject({ status: 'failed', evidence: ['ev1'] });
  });

  it('throws a fatal failure (a spent rate limit) and starts no further query', async () => {
    const { api, asked } = fakeApi({ fatal: true });
    await expect(nodesAcrossRepositories(api, 'deployment statuses', 'query Q { x }', node, [ids('a', 250), ids('b', 250)])).rejects.toThrow(/rate limit exhausted/);
    // four workers may each have started one query before the first failure; no fifth
    expect(asked.length).toBeLessThanOrEqual(4);
  });
});
