import { describe, expect, it } from 'vitest';
import { readFailed, readOk } from '../../src/collector/kit.js';
import type { Window } from '../../src/collector/types.js';
import type { DeploymentRecord } from '../../src/delivery/records.js';
import type { Pull } from './api.js';
import { githubConfigSchema } from './config.js';
import { allRepos, type Measures } from './measure/common.js';
import { gatedVerdict } from './measure/deployments.js';
import { gitopsOf, iacKinds, measureTree, protectionFacts } from './measure/governance.js';
import { approved, measurePulls, summarizePulls } from './measure/pulls.js';
import { releaseCounts } from './measure/releases.js';
import { countRuns, type PullReads } from './read/pulls.js';
import type { DeploymentReads } from './read/deployments.js';

// The measures on plain objects, no HTTP: what github.test.ts checks through nock, one rule at a time.
const W: Window = { start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-03-01T00:00:00Z'), seconds: 28 * 86400 };
const repo = (full: string) => ({ owner: full.split('/')[0], name: full.split('/')[1], full, branch: 'main' });
const pull = (number: number, mergedAt: string | null, author = 'ann'): Pull => ({
  number, user: { login: author }, created_at: '2026-02-01T00:00:00Z', updated_at: '2026-02-10T00:00:00Z', merged_at: mergedAt,
  merge_commit_sha: `m${number}`, head: { sha: `h${number}` }, base: { ref: 'main' },
});

describe('github measures', () => {
  it('decides protection from rulesets or branch protection, and unknown only when neither can say', () => {
    expect(protectionFacts({ empty: true })).toMatchObject({ review: false, checks: false });
    expect(protectionFacts({ rules: [{ type: 'pull_request', parameters: { required_approving_review_count: 1 } }, { type: 'required_status_checks', parameters: { required_status_checks: [{ context: 'ci' }] } }] }))
      .toEqual({ review: true, checks: true, how: 'ruleset requires review and checks' });
    expect(protectionFacts({ rules: [], classic: { required_pull_request_reviews: {}, required_status_checks: { contexts: ['a', 'b'], checks: [{ context: 'a' }] } } }))
      .toEqual({ review: true, checks: true, how: 'branch protection (1 approvals, 2 required checks)', unknown: undefined });
    expect(protectionFacts({ rules: [], classic: 'unprotected' })).toMatchObject({ review: false, checks: false, how: 'branch not protected' });
    // refused branch protection, a ruleset requiring review: review known, checks unknown
    const refused = protectionFacts({ rules: [{ type: 'pull_request', parameters: { required_approving_review_count: 2 } }], classicProblem: 'permission denied' });
    expect(refused).toMatchObject({ review: true, checks: undefined, unknown: 'permission denied' });
  });

  it('reads configuration as code and GitOps from the paths and the manifests read', () => {
    const raw = { truncated: false, kinds: ['helm' as const], manifests: [{ path: 'deploy/app.yaml', kubernetes: true, gitops: [] }, { path: 'argocd/app.yaml', kubernetes: true, gitops: ['Argo CD Application'] }] };
    expect(iacKinds(raw)).toEqual(['helm', 'kubernetes']);
    expect(gitopsOf(repo('acme/api'), raw)).toBe('Argo CD Application in acme/api/argocd/app.yaml');
    // one GitOps manifest is enough for gitops.present even when another repository's tree failed; the ratios fail
    const out: Measures = new Map();
    measureTree(out, [repo('acme/api'), repo('acme/web')], [readOk(raw, ['e1']), readFailed(new Error('boom'), ['e2'])]);
    expect(out.get('github.gitops.present')).toMatchObject({ status: 'value', value: true, evidence: ['e1'] });
    expect(out.get('github.iac.repos')).toEqual({ status: 'failed', reason: 'acme/web: boom', evidence: ['e2'] });
    expect(out.get('github.review.codeowners_ratio')?.status).toBe('failed');
  });

  it('names the failed repositories of a source, the first three and how many', () => {
    const out: Measures = new Map();
    const repos = ['a/1', 'a/2', 'a/3', 'a/4', 'a/5'].map(repo);
    expect(allRepos(out, 'releases', repos, repos.map((r, i) => (i === 0 ? readOk(1, ['ok']) : readFailed(new Error(`no ${r.name}`), [`e${i}`]))))).toBeUndefined();
    expect(out.get('github.releases.per_week')).toEqual({ status: 'failed', reason: '4 of 5 repositories could not be read: a/2: no 2; a/3: no 3; a/4: no 4; …', evidence: ['e1', 'e2', 'e3', 'e4'] });
  });

  it('counts releases published in the window, else tags on commits of the window', () => {
    const rel = (published_at: string | null, draft = false) => ({ id: 1, tag_name: 'v', draft, prerelease: false, created_at: '2026-01-01T00:00:00Z', published_at });
    expect(releaseCounts({ releases: [rel('2026-02-02T00:00:00Z'), rel('2026-01-02T00:00:00Z'), rel('2026-02-03T00:00:00Z', true), rel(null)], tags: [], committed: new Map() }, W))
      .toEqual({ releases: 1, tags: 0, hasReleases: true });
    expect(releaseCounts({ releases: [], tags: ['a', 'b', 'c'], committed: new Map([['a', Date.parse('2026-02-05T00:00:00Z')], ['b', Date.parse('2026-01-05T00:00:00Z')]]) }, W))
      .toEqual({ releases: 0, tags: 1, hasReleases: false });
  });

  it('counts an approval only by someone else, before the merge', () => {
    const pr = pull(1, '2026-02-10T00:00:00Z', 'ann');
    expect(approved(pr, 'ann', [{ state: 'APPROVED', by: 'ann' }])).toBe(false);
    expect(approved(pr, 'ann', [{ state: 'APPROVED', by: 'bob', submittedAt: '2026-02-11T00:00:00Z' }])).toBe(false);
    expect(approved(pr, 'ann', [{ state: 'COMMENTED', by: 'bob' }, { state: 'APPROVED' }])).toBe(false);
    expect(approved(pr, 'ann', [{ state: 'APPROVED', by: 'bob', submittedAt: '2026-02-09T00:00:00Z' }])).toBe(true);
  });

  it('gates an environment by reviewers or a wait timer, and says which', () => {
    const d = (environment: string) => ({ environment }) as DeploymentRecord;
    expect(gatedVerdict([d('production')], [{ name: 'Production', protection_rules: [{ type: 'wait_timer', wait_timer: 5 }] }])).toEqual({ gated: true, how: 'production: wait timer 5 min' });
    expect(gatedVerdict([d('production'), d('live')], [{ name: 'production', protection_rules: [{ type: 'required_reviewers', reviewers: [{}] }] }]))
      .toEqual({ gated: false, how: 'live: not configured as an environment, production: required reviewers' });
  });

  it('counts as concluded only the runs that judged the code', () => {
    const run = (id: number, status: string, conclusion: string | null) => ({ id, event: 'pull_request', head_sha: `h${id}`, status, conclusion, created_at: '2026-02-09T00:00:00Z' });
    expect(countRuns([run(1, 'completed', 'success'), run(2, 'completed', 'failure'), run(3, 'completed', 'timed_out'), run(4, 'completed', 'startup_failure'),
      run(5, 'completed', 'cancelled'), run(6, 'completed', 'skipped'), run(7, 'completed', 'neutral'), run(8, 'in_progress', null)]))
      .toEqual({ listed: 8, concluded: 4, succeeded: 1 });
  });

  it('sums the repositories\' summaries as it measured the pull requests themselves, a failed read failing its signals', () => {
    const prs = (n: number) => [pull(n, '2026-02-10T00:00:00Z'), pull(n + 1, '2026-02-11T00:00:00Z')];
    const counts = { listed: 3, concluded: 2, succeeded: 1 };
    const read = (n: number, checks: (string | undefined)[]): PullReads => ({
      merged: readOk(prs(n), [`list${n}`]),
      reviews: readOk(new Map([[n, { author: 'ann', reviews: [{ state: 'APPROVED', by: 'bob' }] }]]), [`gql${n}`]),
      runs: readOk(counts, [`runs${n}`]),
      checks: readOk(new Map(checks.map((c, k) => [n + k, c])), [`gql${n}`]),
    });
    const deployed: DeploymentReads = { list: readOk({ prod: [], fetched: 0, deploysToProduction: false }, ['deps']), statuses: readOk(null, []), environments: readOk(undefined, []) };
    const lead = readOk({ samples: [{ pr: 1, seconds: 60 }], unpaired: 1 }, ['cmp']);
    const out: Measures = new Map();
    measurePulls(out, [repo('acme/a'), repo('acme/b')], [summarizePulls(read(1, ['check run ci', undefined]), lead), summarizePulls(read(10, ['workflow run', 'status ci/x']), lead)], [deployed, deployed]);
    expect(out.get('github.review.merged_reviewed_ratio')).toMatchObject({ status: 'value', value: 0.5 });
    expect(out.get('github.ci.pr_checked_ratio')).toMatchObject({ status: 'value', value: 0.75, detail: '3 of 4 merged pull requests had a successful CI run on their head commit (1 by a check run, 1 by a workflow run, 1 by a commit status)' });
    expect(out.get('github.ci.pr_checked_ratio')?.evidence).toEqual(['list1', 'list10', 'runs1', 'runs10', 'gql1', 'gql10']);
    expect(out.get('github.ci.success_ratio')).toMatchObject({ status: 'value', value: 0.5, detail: '2 of 4 concluded pull-request runs succeeded (2 cancelled, skipped, neutral or still running left out)' });
    expect(out.get('github.changes.lead_time_median_seconds')).toMatchObject({ status: 'value', value: 60 });

    const failed: Measures = new Map();
    measurePulls(failed, [repo('acme/a'), repo('acme/b')], [summarizePulls(read(1, []), lead), summarizePulls({ ...read(10, []), reviews: readFailed(new Error('HTTP 502'), ['gql10']) }, lead)], [deployed, deployed]);
    expect(failed.get('github.review.merged_reviewed_ratio')).toMatchObject({ status: 'failed' });
    expect(failed.get('github.review.merged_reviewed_ratio')).toHaveProperty('reason', expect.stringContaining('acme/b'));
    expect(failed.get('github.ci.success_ratio')).toMatchObject({ status: 'value' });
  });

  it('measures reviews, checks and CI runs of merged pull requests, and not available without any', () => {
    const prs = [pull(1, '2026-02-10T00:00:00Z'), pull(2, '2026-02-11T00:00:00Z')];
    const read: PullReads = {
      merged: readOk(prs, ['list']),
      reviews: readOk(new Map([[1, { author: 'ann', reviews: [{ state: 'APPROVED', by: 'bob' }] }], [2, { author: 'ann', reviews: [] }]]), ['gql']),
      runs: readOk(countRuns([{ id: 1, event: 'pull_request', head_sha: 'h1', status: 'completed', conclusion: 'success', created_at: '2026-02-09T00:00:00Z' },
        { id: 2, event: 'pull_request', head_sha: 'h2', status: 'completed', conclusion: 'cancelled', created_at: '2026-02-09T00:00:00Z' }]), ['runs']),
      checks: readOk(new Map([[1, 'workflow run'], [2, undefined]]), ['gql']),
    };
    const deployed: DeploymentReads = { list: readOk({ prod: [], fetched: 0, deploysToProduction: false }, ['deps']), statuses: readOk(null, []), environments: readOk(undefined, []) };
    const out: Measures = new Map();
    measurePulls(out, [repo('acme/api')], [summarizePulls(read, readOk({ samples: [], unpaired: 2 }, []))], [deployed]);
    expect(out.get('github.review.merged_reviewed_ratio')).toMatchObject({ status: 'value', value: 0.5 });
    expect(out.get('github.ci.pr_checked_ratio')).toMatchObject({ status: 'value', value: 0.5, detail: '1 of 2 merged pull requests had a successful CI run on their head commit (1 by a workflow run)' });
    expect(out.get('github.ci.success_ratio')).toMatchObject({ status: 'value', value: 1 });
    expect(out.get('github.changes.lead_time_median_seconds')).toMatchObject({ status: 'not_available', reason: 'none of the 2 pull requests merged in the window reached a successful production deployment that contains it' });

    const none: Measures = new Map();
    measurePulls(none, [repo('acme/api')], [summarizePulls({ ...read, merged: readOk([], ['list']), runs: readOk(countRuns([]), ['runs']) }, readOk({ samples: [], unpaired: 0 }, []))], [deployed]);
    expect(none.get('github.review.merged_reviewed_ratio')).toMatchObject({ status: 'not_available' });
    expect(none.get('github.ci.success_ratio')).toMatchObject({ status: 'not_available' });
  });

  it('refuses the removed cache_dir key with a message that names http.cache_dir', () => {
    const got = githubConfigSchema.safeParse({ token: 't', org: 'acme', cache_dir: '.techops-cache/github' });
    expect(got.success).toBe(false);
    expect(got.error!.issues).toEqual([expect.objectContaining({ path: ['cache_dir'], message: expect.stringContaining('http: { cache_dir') })]);
  });
});
