import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveLoopback } from '../../demo/http.js';
import { fixedClock } from '../../src/clock.js';
import { runCollectors, type InstanceConfig } from '../../src/collector/harness.js';
import type { Window } from '../../src/collector/types.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { silentLogger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import type { SignalState } from '../../src/signals/types.js';
import { githubConfigSchema } from './config.js';
import { deploymentRecord, finalStatus, withStatuses } from './translate.js';
import { generateOrg, githubApiHandler } from '../../demo/systems/github.js';
import { githubCollector, POOLED_GROUP } from './index.js';
import { GITHUB_SIGNALS, type GithubSignalId } from './signals.js';
import { scanCollector } from '../../test/helpers/scan.js';

/*
 * The fixtures (fixtures/, in the shapes docs.github.com documents for API version 2022-11-28)
 * describe the organisation `acme` over a 28-day window, 2026-02-02T00:00Z (a Monday) to
 * 2026-03-02T00:00Z: 4 whole weeks, 20 working days.
 *
 * acme/legacy is archived: left out, never requested.
 *
 * acme/shop-api deploys. Production deployments (environment "production"), oldest first; the
 * main line is Z-A-B-M103-E-M104-F-G, C and D are a hotfix branch off B:
 *
 *   id    sha  created (UTC)      by             final status          notes
 *   1000  Z    01-30 10:00        bot            success 10:05         before the window (read: a rollback returns to a version that was live)
 *   1002  A    02-03 10:00 Tue    bot            success 10:05
 *   1003  B    02-05 10:00 Thu    bot            success 10:05
 *   1005  C    02-10 09:00 Tue    bot            failure 09:10
 *   1006  D    02-10 11:00 Tue    bot            success 11:05         restores 1005: 2h05m = 7500 s
 *   1007  E    02-12 14:00 Thu    carol (user)   success 14:05         rolled back 2 h later: a failed change
 *   1008  D    02-12 16:00 Thu    carol (user)   success 16:03         a rollback (D again after E)
 *   1010  F    02-24 08:00 Tue    bot            error 08:20
 *   1011  G    02-25 08:00 Wed    bot            success 08:30         restores 1010: 24h30m = 88200 s
 *   1012  H    02-26 12:00 Thu    bot            (in_progress only)    no final status
 * plus staging deployments 1001, 1004, 1009 (never counted; their statuses are never asked for).
 *
 *   count 9, per week 9/4 = 2.25, weeks with a deployment 3/4 (none 02-16..02-23),
 *   working days with one 7/20 = 0.35, most on one day 2 (02-10 and 02-12), automated 7/9,
 *   final statuses 8: success 6/8 = 0.75, rollbacks 1, failure rate (1005, 1010, 1007)/8 = 0.375,
 *   restore median (7500 + 88200)/2 = 47850 s (failed deployment's creation → the success status of the next).
 *   Applications: shop-api (web has no production deployment): weekly (3 of 4 weeks), not daily (7 of 20
 *   working days), not on demand; success 6/8; monthly not available (28 days hold no 30-day period).
 *
 * Pull requests merged into main in the window:
 * (lead time runs from the merge to the success status of the deployment that ships it)
 *   #101 merge A    02-03 08:00  approved by bob before         run success           deployed by 1002 (A itself, 10:05): 7500 s
 *   #102 merge B    02-05 09:00  comments only                  runs failure+success  deployed by 1003 (B itself, 10:05): 3900 s
 *   #103 merge M103 02-09 15:00  approved after the merge       run cancelled; Jenkins check run success
 *                                not in 1006 (D's history), in 1007 (E's history; 14:05): 71h05m = 255900 s
 *   #104 merge M104 02-20 10:00  approved by erin before        run success           in 1011 (G's history; 08:30): 118h30m = 426600 s
 *   (the histories of B, D, E and G come in one GraphQL query; over REST: compare B...D, D...E, D...G)
 *   #105 merge M105 02-27 10:00  dismissed + approved by frank  no run, no check run, commit status failure; not deployed
 *   (#106 closed unmerged, #100 merged before the window: its page ends the paging)
 *   reviewed 3/5 = 0.6, checked 4/5 = 0.8, lead time median (7500 + 255900)/2 = 131700 s.
 *   Pull-request runs created in the window: success 3, failure 2 (cancelled, skipped and in-progress left out): 0.6.
 *
 * acme/web does not deploy; it publishes releases v2.3.0 (02-20) and v2.2.0 (02-06) in the window
 * (a draft and v2.1.0 of January do not count). shop-api has no release: its tags v1.5.0 (G)
 * and v1.3.0 (A) are on main commits of the window, v1.4.0 (D, hotfix) and v1.2.0 (Z) are not.
 * Releases per week (2 + 2)/4 = 1.
 *
 * Governance: shop-api's main requires 1 approval and the ci/build check (branch protection),
 * has .github/CODEOWNERS (with rules), a Helm chart and an Argo CD Application; web's main is not protected
 * (404), has no CODEOWNERS and Terraform. Production of shop-api requires a reviewer.
 */

const API = 'https://api.github.test';
const NOW = new Date('2026-03-02T00:00:00Z');
const WINDOW: Window = { start: new Date('2026-02-02T00:00:00Z'), end: NOW, seconds: 28 * 86400 };
const TOKEN = 'ghp_testtoken0123456789abcdefABCDEF';
const SHA: Record<string, string> = JSON.parse(readFileSync(new URL('./fixtures/shas.json', import.meta.url), 'utf8'));
const ALL_IDS = GITHUB_SIGNALS.map((s) => s.id as GithubSignalId);

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}

interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Endpoint {
  path: string;
  query?: Record<string, string>;
  fixture: string;
  status?: number;
  headers?: Record<string, string>;
}

const REPOS = `/repos/acme`;
const SHOP = `${REPOS}/shop-api`;
const WEB = `${REPOS}/web`;
const P100 = { per_page: '100' };
const link = (path: string, query: string, rels: Record<string, number>) =>
  Object.entries(rels).map(([rel, page]) => `<${API}${path}?${query}&page=${page}>; rel="${rel}"`).join(', ');

const ENDPOINTS: Record<string, Endpoint> = {
  repos: { path: '/orgs/acme/repos', query: { type: 'all', sort: 'full_name', per_page: '100' }, fixture: 'orgs-acme-repos' },
  rate_limit: { path: '/rate_limit', fixture: 'rate-limit' },
  'shop.rules': { path: `${SHOP}/rules/branches/main`, query: P100, fixture: 'web/deployments' /* [] */ },
  'shop.protection': { path: `${SHOP}/branches/main/protection`, fixture: 'shop-api/protection' },
  'shop.tree': { path: `${SHOP}/git/trees/main`, query: { recursive: '1' }, fixture: 'shop-api/tree' },
  'shop.blob': { path: `${SHOP}/git/blobs/${'e1'.repeat(20)}`, fixture: 'shop-api/blob-argo-application' },
  'shop.codeowners': { path: `${SHOP}/git/blobs/${'e2'.repeat(20)}`, fixture: 'shop-api/blob-codeowners' },
  'web.rules': { path: `${WEB}/rules/branches/main`, query: P100, fixture: 'web/deployments' /* [] */ },
  'web.protection': { path: `${WEB}/branches/main/protection`, fixture: 'errors/branch-not-protected', status: 404 },
  'web.tree': { path: `${WEB}/git/trees/main`, query: { recursive: '1' }, fixture: 'web/tree' },
  'shop.releases': { path: `${SHOP}/releases`, query: P100, fixture: 'shop-api/releases' },
  'shop.tags': { path: `${SHOP}/tags`, query: P100, fixture: 'shop-api/tags' },
  'shop.commits': { path: `${SHOP}/commits`, query: { sha: 'main', since: '2026-02-02T00:00:00.000Z', per_page: '100' }, fixture: 'shop-api/commits-since' },
  'web.releases': { path: `${WEB}/releases`, query: P100, fixture: 'web/releases' },
  'shop.deployments': {
    path: `${SHOP}/deployments`, query: P100, fixture: 'shop-api/deployments-page1',
    headers: { link: link(`${SHOP}/deployments`, 'per_page=100', { next: 2, last: 3 }) },
  },
  'shop.deployments.2': {
    path: `${SHOP}/deployments`, query: { per_page: '100', page: '2' }, fixture: 'shop-api/deployments-page2',
    // a third page exists, older still: the window ends the paging before it
    headers: { link: link(`${SHOP}/deployments`, 'per_page=100', { prev: 1, next: 3, last: 3, first: 1 }) },
  },
  'shop.environments': { path: `${SHOP}/environments`, query: P100, fixture: 'shop-api/environments' },
  'web.deployments': { path: `${WEB}/deployments`, query: P100, fixture: 'web/deployments' },
  'shop.pulls': {
    path: `${SHOP}/pulls`, query: { state: 'closed', base: 'main', sort: 'updated', direction: 'desc', per_page: '100' }, fixture: 'shop-api/pulls',
    headers: { link: link(`${SHOP}/pulls`, 'state=closed&base=main&sort=updated&direction=desc&per_page=100', { next: 2, last: 4 }) },
  },
  'shop.runs': {
    path: `${SHOP}/actions/runs`, query: { event: 'pull_request', per_page: '100' }, fixture: 'shop-api/actions-runs',
    headers: { link: link(`${SHOP}/actions/runs`, 'event=pull_request&per_page=100', { next: 2, last: 3 }) },
  },
  'web.pulls': { path: `${WEB}/pulls`, query: { state: 'closed', base: 'main', sort: 'updated', direction: 'desc', per_page: '100' }, fixture: 'web/pulls' },
  'web.runs': { path: `${WEB}/actions/runs`, query: { event: 'pull_request', per_page: '100' }, fixture: 'web/actions-runs' },
};

/*
 * The deployment statuses and the pull requests' approvals and head checks come over GraphQL
 * (POST /graphql, `nodes(ids:)`), answered from the same fixtures in the shapes of GitHub's
 * GraphQL schema: `{ data: { rateLimit { cost remaining resetAt }, nodes } }`.
 */
const DEPLOYMENTS = [...(fixture('shop-api/deployments-page1') as { id: number; node_id: string }[]), ...(fixture('shop-api/deployments-page2') as { id: number; node_id: string }[])];
const PULLS = fixture('shop-api/pulls') as { number: number; node_id: string; user: { login: string } | null; head: { sha: string } }[];
const optionalFixture = (name: string): unknown => {
  try {
    return fixture(name);
  } catch {
    return undefined;
  }
};
const RATE = { cost: 1, remaining: 4998, resetAt: '2026-03-02T01:00:00Z' };

function deploymentNode(id: string): unknown {
  const d = DEPLOYMENTS.find((x) => x.node_id === id);
  if (!d) return null;
  const statuses = fixture(`shop-api/statuses-${d.id}`) as { state: string; created_at: string }[];
  return { __typename: 'Deployment', id, databaseId: d.id, statuses: { pageInfo: { hasNextPage: false, endCursor: 'Y3Vyc29yOnYyOjE=' }, nodes: statuses.map((st) => ({ state: st.state.toUpperCase(), createdAt: st.created_at })) } };
}

function pullNode(id: string): unknown {
  const p = PULLS.find((x) => x.node_id === id);
  if (!p) return null;
  const reviews = (optionalFixture(`shop-api/reviews-${p.number}`) ?? []) as { state: string; submitted_at?: string; user: { login: string } | null }[];
  const checkRuns = ((optionalFixture(`shop-api/check-runs-h${p.number}`) as { check_runs: { name: string; status: string; conclusion: string | null }[] } | undefined)?.check_runs ?? []);
  const statuses = ((optionalFixture(`shop-api/status-h${p.number}`) as { statuses: { context: string; state: string }[] } | undefined)?.statuses ?? []);
  const contexts = [
    ...checkRuns.map((c) => ({ __typename: 'CheckRun', name: c.name, status: c.status.toUpperCase(), conclusion: c.conclusion?.toUpperCase() ?? null })),
    ...statuses.map((c) => ({ __typename: 'StatusContext', context: c.context, state: c.state.toUpperCase() })),
  ];
  return {
    __typename: 'PullRequest', id, number: p.number, author: p.user ? { login: p.user.login } : null,
    reviews: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: reviews.filter((r) => r.state === 'APPROVED').map((r) => ({ state: r.state, submittedAt: r.submitted_at ?? null, author: r.user ? { login: r.user.login } : null })) },
    commits: { nodes: [{ commit: { oid: p.head.sha, statusCheckRollup: contexts.length ? { state: 'FAILURE', contexts: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: contexts } } : null } }] },
  };
}

/**
 * The ancestors of each deployed commit GitHub is asked about, newest first, as `Commit.history`
 * lists them: main is Z-A-B-M103-E-M104-F-G, the hotfix C-D branches off B.
 */
const ANCESTORS: Record<string, string[]> = {
  B: ['B', 'A', 'Z'], D: ['D', 'C', 'B', 'A', 'Z'], E: ['E', 'M103', 'B', 'A', 'Z'], G: ['G', 'F', 'M104', 'E', 'M103', 'B', 'A', 'Z'],
};
const BY_SHA = new Map(Object.entries(SHA).map(([k, v]) => [v, k]));

/** `repository { hN: object(oid: $oN) { ... on Commit { history } } }` for the deployments' shas. */
function histories(variables: Record<string, string>): unknown {
  const out: Record<string, unknown> = {};
  for (const [key, sha] of Object.entries(variables)) {
    if (!/^o\d+$/.test(key)) continue;
    const names = ANCESTORS[BY_SHA.get(sha) ?? ''];
    out[`h${key.slice(1)}`] = names ? { history: { pageInfo: { hasNextPage: false }, nodes: names.map((n) => ({ oid: SHA[n] })) } } : null;
  }
  return { data: { rateLimit: RATE, repository: out } };
}

interface GraphqlEndpoint {
  query: RegExp;
  node?: (id: string) => unknown;
  answer?: (variables: Record<string, string>) => unknown;
  /** Queries of this kind a scan sends (1 unless said). */
  times?: number;
}

const GRAPHQL: Record<string, GraphqlEndpoint> = {
  'shop.statuses.graphql': { query: /^query DeploymentStatuses\(/, node: deploymentNode },
  // Asked twice: #104, whose head has a successful workflow run, in the repository's own query
  // (reusable, see the second scan), the other four in the query pooled across repositories.
  'shop.reviews.graphql': { query: /^query PullRequestReviewsAndChecks\(/, node: pullNode, times: 2 },
  'shop.histories.graphql': { query: /^query DeploymentHistories\(/, answer: histories },
};

/** The compares of the deployments' changes over REST, where GraphQL did not answer. */
const COMPARES: Record<string, Endpoint> = {
  'shop.compare.B-D': { path: `${SHOP}/compare/${SHA.B}...${SHA.D}`, fixture: 'shop-api/compare-B-D' },
  'shop.compare.D-E': { path: `${SHOP}/compare/${SHA.D}...${SHA.E}`, fixture: 'shop-api/compare-D-E' },
  'shop.compare.D-G': { path: `${SHOP}/compare/${SHA.D}...${SHA.G}`, fixture: 'shop-api/compare-D-G' },
};

type EndpointKey = keyof typeof ENDPOINTS | keyof typeof GRAPHQL;
const ALL_KEYS: EndpointKey[] = [...Object.keys(ENDPOINTS), ...Object.keys(GRAPHQL)];

function etagOf(text: string): string {
  return `W/"${createHash('sha256').update(text).digest('hex').slice(0, 40)}"`;
}

/** What a GitHub answer carries besides the body. */
function rateHeaders(remaining = 4990): Record<string, string> {
  return {
    'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-used': String(5000 - remaining),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600), 'x-ratelimit-resource': 'core', 'x-github-api-version-selected': '2022-11-28',
  };
}

interface Served {
  scope: nock.Scope;
  /** Requests answered, by endpoint, with the status sent and whether If-None-Match came along. */
  log: { key: string; status: number; conditional: boolean }[];
}

/**
 * Serves every endpoint once from the fixtures, the way GitHub does: an ETag on every 200, and
 * 304 Not Modified (no body) when the request's If-None-Match names the current ETag. `replies`
 * replaces an endpoint's answer by one or more others, or leaves it unserved (`null`) for tests
 * where the collector must not get that far; `extra` adds endpoints.
 */
function serve(replies: Partial<Record<EndpointKey, Reply | Reply[] | null>> = {}, extra: Record<string, Endpoint> = {}): Served {
  const scope = nock(API);
  const log: Served['log'] = [];
  for (const [key, ep] of Object.entries(GRAPHQL)) {
    const r = replies[key];
    if (r === null) continue;
    for (const one of r === undefined ? Array<Reply>(ep.times ?? 1).fill({}) : Array.isArray(r) ? r : [r]) {
      let variables: Record<string, string> & { ids?: string[] } = {};
      scope
        .post('/graphql', (body: { query?: string; variables?: Record<string, string> & { ids?: string[] } }) => {
          if (!ep.query.test(body.query ?? '')) return false;
          variables = body.variables ?? {};
          return true;
        })
        .reply(() => {
          const status = one.status ?? 200;
          log.push({ key, status, conditional: false });
          const body = one.body ?? (ep.answer ? ep.answer(variables) : { data: { rateLimit: RATE, nodes: (variables.ids ?? []).map(ep.node!) } });
          return [status, typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', ...rateHeaders(), 'x-ratelimit-resource': 'graphql', ...one.headers }];
        });
    }
  }
  for (const [key, ep] of Object.entries({ ...ENDPOINTS, ...extra })) {
    const r = replies[key];
    if (r === null) continue;
    const list = r === undefined ? [{}] : Array.isArray(r) ? r : [r];
    for (const one of list) {
      let i = scope.get(ep.path);
      i = ep.query ? i.query(ep.query) : i.query((q) => Object.keys(q).length === 0 || (Object.keys(q).length === 1 && q.per_page === '1'));
      const body = one.body === undefined ? fixture(ep.fixture) : one.body;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const status = one.status ?? ep.status ?? 200;
      // nock 15 hands the reply function the fetch Request
      i.reply((req: Request) => {
        const inm = req.headers.get('if-none-match') ?? undefined;
        const conditional = inm !== undefined;
        const headers: Record<string, string> = { ...rateHeaders(), ...(status === 200 ? { etag: etagOf(text) } : {}), ...ep.headers, ...one.headers };
        if (status === 200 && inm === etagOf(text)) {
          log.push({ key, status: 304, conditional });
          const { link: _link, ...rest } = headers;
          return [304, '', rest];
        }
        log.push({ key, status, conditional });
        return [status, text, { 'content-type': typeof body === 'string' && !one.headers?.['content-type'] ? 'text/plain' : 'application/json; charset=utf-8', ...headers }];
      });
    }
  }
  return { scope, log };
}

let unmatched: string[] = [];
const onNoMatch = (req: { method?: string; url?: string; path?: string }) => unmatched.push(`${req.method} ${req.url ?? req.path}`);
let cacheDir: string;
beforeEach(() => {
  unmatched = [];
  nock.emitter.on('no match', onNoMatch);
  cacheDir = mkdtempSync(join(tmpdir(), 'techops-github-cache-'));
});
afterEach(() => {
  nock.emitter.removeListener('no match', onNoMatch);
  rmSync(cacheDir, { recursive: true, force: true });
});

function instance(config: Record<string, unknown> = {}, http: InstanceConfig['http'] = {}): InstanceConfig {
  return { collector: 'github', name: 'acme', config: githubConfigSchema.parse({ token: TOKEN, api_url: API, org: 'acme', ...config }), http: { cacheDir, ...http } };
}

async function scan(instances: InstanceConfig[] = [instance()], window: Window = WINDOW) {
  const r = await scanCollector<GithubSignalId>({
    collector: githubCollector, instances, window, secrets: [TOKEN], concurrency: 2, collectorDeadlineMs: 60_000, scanDeadlineMs: 90_000,
  });
  const detail = (id: GithubSignalId) => r.detail(id) ?? '';
  const values = () => Object.fromEntries(ALL_IDS.map((id) => [id, r.get(id).status === 'observed' ? r.get(id).value : r.get(id).status]));
  return { ...r, detail, values };
}

const EXPECTED: Partial<Record<GithubSignalId, number | boolean>> = {
  'github.api.reachable': true,
  'github.repos.count': 2,
  'github.repos.with_deployments': 1,
  'github.deployments.count': 9,
  'github.deployments.per_week': 2.25,
  'github.deployments.weeks_with_deploy_ratio': 0.75,
  'github.deployments.days_with_deploy_ratio': 0.35,
  'github.deployments.max_per_day': 2,
  'github.deployments.success_ratio': 0.75,
  'github.deployments.automated_ratio': 7 / 9,
  'github.deployments.rollbacks': 1,
  'github.changes.failure_rate': 0.375,
  'github.changes.lead_time_median_seconds': 131700,
  'github.restore.median_seconds': 47850,
  'github.apps.count': 1,
  'github.apps.weekly_ratio': 1,
  'github.apps.daily_ratio': 0,
  'github.apps.on_demand_ratio': 0,
  'github.apps.success_ratio_min': 0.75,
  'github.apps.monthly_ratio': 'not_available' as never,
  'github.review.protected_ratio': 0.5,
  'github.review.required_checks_ratio': 0.5,
  'github.review.codeowners_ratio': 0.5,
  'github.review.merged_reviewed_ratio': 0.6,
  'github.environments.gated_ratio': 1,
  'github.ci.pr_checked_ratio': 0.8,
  'github.ci.success_ratio': 0.6,
  'github.iac.repos': 2,
  'github.gitops.present': true,
  'github.releases.per_week': 1,
};
/** 22 GETs (the rate limit among them) and 3 GraphQL queries (the REST API needed 21 more: one per deployment, pull request, head commit or compare). */
const FIRST_SCAN_REQUESTS = 26;
/** The GraphQL answers (POST: no validator; kept only under a watermark, see the second-scan test). */
const GRAPHQL_REQUESTS = 4;

describe('github collector: an organisation with a deploying repository, a releasing one and an archived one', () => {
  it('measures every signal from documented payloads, paging deployments until the window ends', async () => {
    const served = serve();
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(served.scope.isDone()).toBe(true);

    expect(r.values()).toEqual(EXPECTED);
    expect(ALL_IDS.filter((id) => !(id in EXPECTED))).toEqual([]);
    expect(r.runs).toEqual([expect.objectContaining({ status: 'ok', requests: FIRST_SCAN_REQUESTS, signals_observed: ALL_IDS.length - 1 })]); // monthly: 28 days hold no 30-day period
    expect(r.evidence.records.filter((e) => e.method !== 'GET').map((e) => `${e.method} ${e.url}`)).toEqual(Array(GRAPHQL_REQUESTS).fill(`POST ${API}/graphql`));

    // paging: both pages of deployments were read, the third (before the window) was not
    const deploymentPages = r.evidence.records.filter((e) => e.url.startsWith(`${API}${SHOP}/deployments?`)).map((e) => new URL(e.url).searchParams.get('page'));
    expect(deploymentPages).toEqual([null, '2']);
    // the archived repository and the staging deployments' statuses were never asked for (production's before the window are)
    expect(r.evidence.records.some((e) => e.url.includes('/legacy'))).toBe(false);
    expect(r.evidence.records.some((e) => /deployments\/(1001|1004|1009)\//.test(e.url))).toBe(false);

    const ids0 = new Set(r.evidence.records.map((e) => e.id));
    expect(r.detail('github.repos.count')).toBe('2 repositories: acme/shop-api, acme/web; left out: 1 archived');
    expect(r.detail('github.review.protected_ratio')).toContain('acme/shop-api (branch protection (1 approvals, 1 required checks))');
    expect(r.detail('github.iac.repos')).toBe('acme/shop-api (helm, kubernetes), acme/web (terraform)');
    expect(r.detail('github.gitops.present')).toBe('Argo CD Application in acme/shop-api/deploy/argocd/shop-api.yaml');
    expect(r.detail('github.review.codeowners_ratio')).toBe('1 of 2 repositories: acme/shop-api/.github/CODEOWNERS');
    expect(r.detail('github.changes.failure_rate')).toContain('2 failed + 1 successful but rolled back within 24 h, of 8 finished');
    expect(r.detail('github.changes.lead_time_median_seconds')).toContain('median of 4 merge-to-production pairs');
    expect(r.detail('github.changes.lead_time_median_seconds')).toContain('1 merged pull requests not (yet)');
    expect(r.detail('github.deployments.rollbacks')).toBe(`acme/shop-api production ${SHA.D.slice(0, 7)} on 2026-02-12T16:00Z`);
    expect(r.detail('github.ci.pr_checked_ratio')).toContain('3 by a workflow run, 1 by a check run');
    expect(r.detail('github.environments.gated_ratio')).toContain('acme/shop-api (production: required reviewers)');
    expect(r.detail('github.releases.per_week')).toContain('2 releases published in the window (1 repositories have releases) + 2 tags');

    // the production deployments, with their final states, are handed to the core for cross signals
    const published = r.publications.find((p) => p.kind === 'deployments');
    expect(published?.status).toBe('published');
    const records = published?.status === 'published' ? (published.records as { app: string; environment: string; status: string }[]) : [];
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((d) => d.app === 'acme/shop-api' && /prod/i.test(d.environment))).toBe(true);
    expect(records.some((d) => d.status === 'failure')).toBe(true);
    expect(published?.status === 'published' && published.evidence.every((e) => ids0.has(e))).toBe(true);

    // every signal names the requests it came from, and the token is nowhere
    for (const id of ALL_IDS) expect(r.get(id).evidence.length, id).toBeGreaterThan(0);
    const ids = new Set(r.evidence.records.map((e) => e.id));
    expect(ALL_IDS.every((id) => r.get(id).evidence.every((e) => ids.has(e)))).toBe(true);
    expect(JSON.stringify([r.evidence.records, [...r.signals.values()]])).not.toContain(TOKEN);
  });

  it('answers a second scan from the ETag cache: the same requests, 304 wherever a body was cached, the same values', async () => {
    const first = serve();
    const r1 = await scan();
    expect(first.scope.isDone()).toBe(true);
    expect(first.log.every((l) => !l.conditional)).toBe(true);
    const db = new Database(join(cacheDir, 'answers.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT meta, body FROM answers').all() as { meta: string; body: Buffer }[];
    db.close();
    // every GET answered 200 with an ETag, not web's 404; of the POSTs, the two kept under a
    // watermark (the histories; the reviews of #104, whose head has a successful workflow run), not
    // the statuses' (nothing documented says a new status changes the deployment list) nor the
    // pooled reviews' (those heads' checks come from it, and nothing validates them)
    expect(rows).toHaveLength(FIRST_SCAN_REQUESTS - 1 - GRAPHQL_REQUESTS + 2);
    // keyed by URL, never by token: not in any file of the folder
    for (const f of readdirSync(cacheDir)) expect(readFileSync(join(cacheDir, f), 'latin1')).not.toContain(TOKEN);

    const second = serve({ 'shop.histories.graphql': null, 'shop.reviews.graphql': {} }); // reused, and asked once: see below
    const r2 = await scan();
    expect(unmatched).toEqual([]);
    expect(second.scope.isDone()).toBe(true);
    // Two GraphQL answers are reused without a request: the histories (a commit's ancestors cannot
    // change) and the reviews of #104 (the pull list and the runs are the same, and its head's
    // check is a successful workflow run). The deployment statuses are asked again (that a new
    // status changes the deployment list is nowhere documented), and so are the reviews and checks
    // of the four merged heads with no successful workflow run: nothing validates their checks.
    const reused = r2.evidence.records.filter((e) => e.reused_because !== undefined);
    expect(reused.map((e) => `${e.method} ${e.status} ${e.revalidated_from !== undefined}`)).toEqual(['POST 200 true', 'POST 200 true']);
    expect(reused.map((e) => e.reused_because).sort()).toEqual([expect.stringMatching(/^a commit's ancestors cannot change/), expect.stringMatching(/^the pull list and the workflow runs of acme\/shop-api \(.+\) are the same as when this answer was kept/)]);
    expect(r2.runs[0].requests).toBe(FIRST_SCAN_REQUESTS - reused.length);
    const statuses = r2.evidence.records.map((e) => e.status);
    expect(statuses.filter((s) => s === 304)).toHaveLength(FIRST_SCAN_REQUESTS - 1 - GRAPHQL_REQUESTS);
    expect(r2.evidence.records.filter((e) => e.status !== 304 && e.reused_because === undefined).map((e) => `${e.method} ${e.status}`).sort()).toEqual(['GET 404', 'POST 200', 'POST 200']); // web's 404, the statuses' and the reviews' queries
    expect(second.log.filter((l) => l.status === 304).every((l) => l.conditional)).toBe(true);
    expect(r2.values()).toEqual(r1.values());
    expect(r2.values()).toEqual(EXPECTED);
    expect(r1.detail('github.api.reachable')).toBe(`${API}: ${FIRST_SCAN_REQUESTS} answers, 0 of them 304 Not Modified served from the ETag cache`);
    expect(r2.detail('github.api.reachable')).toBe(`${API}: ${FIRST_SCAN_REQUESTS} answers, ${FIRST_SCAN_REQUESTS - 1 - GRAPHQL_REQUESTS} of them 304 Not Modified served from the ETag cache, 2 GraphQL answers reused unchanged without a request`);
    // a 304 evidence record has no body; the signals still point at it
    expect(r2.get('github.deployments.count').evidence.every((id) => r2.evidence.records.find((e) => e.id === id)?.status === 304)).toBe(true);
  });

  it('ignores corrupt cache entries and asks unconditionally', async () => {
    serve();
    await scan();
    for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), f.length % 2 ? '{"v":1,"url":' : '{"v":1,"url":"x","etag":"W/\\"1\\"","headers":{},"body":"[]","sha256":"00"}');
    const again = serve();
    const r = await scan();
    expect(again.log.some((l) => l.conditional)).toBe(false);
    expect(r.evidence.records.filter((e) => e.status === 304)).toEqual([]);
    expect(r.values()).toEqual(EXPECTED);
  });

  it('reads rulesets when branch protection is refused (403), and fails only what stays unknown', async () => {
    serve({
      'shop.rules': { body: fixture('shop-api/rules-review-only') },
      'shop.protection': { status: 403, body: fixture('errors/resource-not-accessible') },
    });
    const r = await scan();
    expect(unmatched).toEqual([]);
    // the ruleset requires 2 approvals: known without branch protection
    expect(r.value('github.review.protected_ratio')).toBe(0.5);
    expect(r.detail('github.review.protected_ratio')).toContain('acme/shop-api (ruleset (review))');
    // required checks could be in the branch protection nobody may read: unknown, so failed
    expect(r.get('github.review.required_checks_ratio').status).toBe('failed');
    expect(r.get('github.review.required_checks_ratio').reason).toBe(
      'unknown for 1 of 2 repositories: acme/shop-api: permission denied: GET /repos/acme/shop-api/branches/main/protection needs the Administration read permission ' +
      '(fine-grained token) or, with a classic token, the repo scope and admin rights on the repository (GitHub said: Resource not accessible by personal access token)');
    expect(r.value('github.review.codeowners_ratio')).toBe(0.5);
    expect(r.value('github.deployments.count')).toBe(9);
  });

  it('fails both protection ratios when branch protection is refused and no ruleset decides', async () => {
    serve({ 'shop.protection': { status: 403, body: fixture('errors/resource-not-accessible') } });
    const r = await scan();
    for (const id of ['github.review.protected_ratio', 'github.review.required_checks_ratio'] as const) {
      expect(r.get(id).status).toBe('failed');
      expect(r.get(id).reason).toMatch(/^unknown for 1 of 2 repositories: acme\/shop-api: permission denied: GET \/repos\/acme\/shop-api\/branches\/main\/protection needs the Administration read permission/);
      expect(r.get(id).evidence).toHaveLength(2); // the rules and the refused protection request
    }
    expect(r.runs[0].status).toBe('partial');
  });

  it('takes a repository without CODEOWNERS, IaC or protection as such, not as unknown', async () => {
    serve({
      'shop.tree': { body: { ...(fixture('shop-api/tree') as object), tree: (fixture('web/tree') as { tree: { path: string }[] }).tree.filter((e) => !e.path.startsWith('infra')) } },
      'shop.blob': null,
      'shop.protection': { status: 404, body: fixture('errors/branch-not-protected') },
      'shop.codeowners': null,
      'web.tree': { body: { ...(fixture('web/tree') as object), tree: [...(fixture('web/tree') as { tree: unknown[] }).tree, { path: 'docs/CODEOWNERS', mode: '100644', type: 'blob', sha: 'ab'.repeat(20), size: 30, url: `${API}/x` }] } },
    }, {
      'web.codeowners': { path: `${WEB}/git/blobs/${'ab'.repeat(20)}`, fixture: 'shop-api/blob-codeowners' },
    });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.value('github.review.protected_ratio')).toBe(0);
    expect(r.value('github.review.required_checks_ratio')).toBe(0);
    expect(r.value('github.review.codeowners_ratio')).toBe(0.5);
    expect(r.detail('github.review.codeowners_ratio')).toBe('1 of 2 repositories: acme/web/docs/CODEOWNERS');
    expect(r.value('github.iac.repos')).toBe(1);
    expect(r.value('github.gitops.present')).toBe(false);
  });

  it('has nothing to measure when every repository is filtered out', async () => {
    serve(Object.fromEntries(ALL_KEYS.filter((k) => k !== 'repos').map((k) => [k, null])));
    const r = await scan([instance({ exclude: ['shop', '^acme/web$'] })]);
    expect(unmatched).toEqual([]);
    expect(r.value('github.repos.count')).toBe(0);
    expect(r.detail('github.repos.count')).toBe('0 repositories: none; left out: 1 archived, 2 by include/exclude');
    expect(r.get('github.deployments.count')).toMatchObject({ status: 'not_available', reason: 'no repository in scope' });
    expect(r.get('github.gitops.present').status).toBe('not_available');
    expect(r.runs[0]).toMatchObject({ status: 'ok', requests: 1 });
  });

  it('counts a production environment without reviewers or wait timer as not gated, and a wait timer as gated', async () => {
    const env = fixture('shop-api/environments') as { environments: { name: string; protection_rules: unknown[] }[] };
    const open = { ...env, environments: env.environments.map((e) => ({ ...e, protection_rules: e.name === 'production' ? [{ id: 1, node_id: 'GA_1', type: 'branch_policy' }] : e.protection_rules })) };
    serve({ 'shop.environments': { body: open } });
    expect((await scan()).value('github.environments.gated_ratio')).toBe(0);
    const timer = { ...env, environments: env.environments.map((e) => ({ ...e, protection_rules: e.name === 'production' ? [{ id: 2, node_id: 'GA_2', type: 'wait_timer', wait_timer: 30 }] : e.protection_rules })) };
    // The second scan's lists are the same: the histories and #104's reviews are reused, not asked
    // (the statuses and the pooled pull requests are asked again).
    serve({ 'shop.environments': { body: timer }, 'shop.histories.graphql': null, 'shop.reviews.graphql': {} });
    const r = await scan();
    expect(r.value('github.environments.gated_ratio')).toBe(1);
    expect(r.detail('github.environments.gated_ratio')).toContain('production: wait timer 30 min');
  });
});

describe('github collector: rate limits, errors and bad payloads', () => {
  it('stops at once, naming the reset time, when the primary rate limit is spent until long after max_rate_limit_wait', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3000;
    // the scan stops at the first answer: nothing else is served
    serve({
      ...Object.fromEntries(ALL_KEYS.map((k) => [k, null])),
      repos: { status: 403, body: fixture('errors/rate-limit'), headers: { ...rateHeaders(0), 'x-ratelimit-reset': String(reset) } },
    });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.ms).toBeLessThan(5000);
    expect(r.runs[0]).toMatchObject({ status: 'failed', requests: 1 });
    const until = new Date(reset * 1000).toISOString();
    for (const id of ALL_IDS) {
      expect(r.get(id).status).toBe('failed');
      expect(r.get(id).reason).toContain(`GitHub API rate limit exhausted until ${until} (core: 0 of 5000 requests left, 5000 used) at GET /orgs/acme/repos; that is beyond max_rate_limit_wait (1m)`);
      expect(r.get(id).evidence).toHaveLength(1);
    }
  });

  it('keeps what was measured when the rate limit runs out mid-scan, and fails the rest with the reason', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3000;
    const limited = { status: 403, body: fixture('errors/rate-limit'), headers: { ...rateHeaders(0), 'x-ratelimit-reset': String(reset) } };
    serve({ 'shop.rules': limited, 'web.rules': limited, 'shop.protection': null, 'web.protection': null, 'shop.tree': null, 'web.tree': null, 'shop.blob': null });
    const r = await scan();
    expect(r.ms).toBeLessThan(5000);
    expect(r.value('github.api.reachable')).toBe(true);
    expect(r.value('github.repos.count')).toBe(2);
    expect(r.get('github.deployments.count').status).toBe('failed');
    expect(r.get('github.deployments.count').reason).toMatch(/rate limit exhausted until/);
    expect(r.runs[0].status).toBe('partial');
    nock.cleanAll();
  });

  it('waits out a rate limit that resets within max_rate_limit_wait, then goes on', async () => {
    const reset = Math.floor(Date.now() / 1000) + 2;
    serve({ repos: [{ status: 403, body: fixture('errors/rate-limit'), headers: { ...rateHeaders(0), 'x-ratelimit-reset': String(reset) } }, {}] });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.values()).toEqual(EXPECTED);
    // the repository list is asked again only once the limit has reset (whatever the machine's speed)
    const lists = r.evidence.records.filter((e) => new URL(e.url).pathname === '/orgs/acme/repos');
    expect(lists.map((e) => e.status)).toEqual([403, 200]);
    expect(Date.parse(lists[1].started_at)).toBeGreaterThanOrEqual(reset * 1000);
    expect(r.runs[0].requests).toBe(FIRST_SCAN_REQUESTS + 1);
  });

  it('retries a secondary rate limit (429 or 403 with Retry-After) after the time asked', async () => {
    const secondary = (status: number) => ({ status, body: fixture('errors/secondary-rate-limit'), headers: { 'retry-after': '1' } });
    serve({ repos: [secondary(429), {}], 'web.releases': [secondary(403), {}] });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.values()).toEqual(EXPECTED);
    expect(r.ms).toBeGreaterThanOrEqual(1900);
    expect(r.evidence.records.filter((e) => e.status === 429 || e.status === 403).map((e) => e.status)).toEqual([429, 403]);
    expect(r.runs[0].requests).toBe(FIRST_SCAN_REQUESTS + 2);
  });

  it('fails every signal with a credentials message on 401, after one request', async () => {
    serve({ repos: { status: 401, body: fixture('errors/bad-credentials') } });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.runs[0]).toMatchObject({ status: 'failed', requests: 1, error_kind: 'credentials' });
    for (const id of ALL_IDS) {
      expect(r.get(id).status).toBe('failed');
      expect(r.get(id).reason).toBe('github/acme failed: GitHub refused the credentials (401 Bad credentials) for GET /orgs/acme/repos: the token is missing, wrong, expired or revoked');
    }
    nock.cleanAll();
  });

  it('retries a 500 and measures as if nothing happened', async () => {
    serve({ 'shop.deployments': [{ status: 500, body: { message: 'Server Error' } }, {}] });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.values()).toEqual(EXPECTED);
    expect(r.evidence.records.filter((e) => e.url === `${API}${SHOP}/deployments?per_page=100`).map((e) => e.status)).toEqual([500, 200]);
    // one retry after 1 s, although web's 404 came first (plugin-retry would otherwise count it as an attempt: 4 s)
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(r.ms).toBeLessThan(3500);
  });

  it('fails the signals of a source that returns a malformed body, and only those', async () => {
    const ids = DEPLOYMENTS.filter((d) => [1000, 1002, 1003, 1005, 1006, 1007, 1008, 1010, 1011, 1012].includes(d.id)).sort((a, b) => a.id - b.id).map((d) => d.node_id);
    const nodes = ids.map(deploymentNode) as { databaseId: number; statuses: { nodes: { state: string }[] } }[];
    const broken = nodes.map((n) => (n.databaseId === 1006 ? { ...n, statuses: { ...n.statuses, nodes: n.statuses.nodes.map((st, i) => (i === 1 ? { ...st, state: 'EXPLODED' } : st)) } } : n));
    serve({
      'shop.statuses.graphql': { body: { data: { rateLimit: RATE, nodes: broken } } },
      'web.releases': { body: '[{"id": 1, "tag_name": "v2', headers: { 'content-type': 'application/json; charset=utf-8' } },
      // the compares need the statuses
      'shop.histories.graphql': null,
    });
    const r = await scan();
    expect(unmatched).toEqual([]);
    // a rollback is a return to a version that was live: it needs the statuses too
    for (const id of ['github.deployments.success_ratio', 'github.changes.failure_rate', 'github.restore.median_seconds', 'github.changes.lead_time_median_seconds', 'github.deployments.rollbacks', 'github.apps.success_ratio_min'] as const) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason, id).toMatch(/acme\/shop-api: POST \/graphql \(deployment statuses\) returned an unexpected response: nodes\[\d+\]\.statuses\.nodes\[1\]\.state: /);
    }
    expect(r.get('github.releases.per_week').status).toBe('failed');
    expect(r.get('github.releases.per_week').reason).toMatch(/^acme\/web: malformed response from GET https:\/\/api\.github\.test\/repos\/acme\/web\/releases\?per_page=100: expected JSON, got invalid JSON/);
    expect(r.evidence.records.find((e) => e.id === r.get('github.releases.per_week').evidence[0])?.url).toBe(`${API}${WEB}/releases?per_page=100`);
    expect(r.value('github.deployments.count')).toBe(9);
    expect(r.value('github.apps.weekly_ratio')).toBe(1);
    expect(r.value('github.environments.gated_ratio')).toBe(1);
    expect(r.value('github.review.merged_reviewed_ratio')).toBe(0.6);
    expect(r.runs[0].status).toBe('partial');
  });

  it('names the permission a 403 needs (no Deployments read)', async () => {
    serve({
      'shop.deployments': { status: 403, body: { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest/deployments/deployments#list-deployments', status: '403' } },
      'shop.deployments.2': null,
      ...Object.fromEntries(ALL_KEYS.filter((k) => /^shop\.(statuses|environments|histories)/.test(k)).map((k) => [k, null])),
    });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.get('github.deployments.count').reason).toBe('acme/shop-api: permission denied: GET /repos/acme/shop-api/deployments needs the Deployments read permission (fine-grained) or the repo scope (classic, private repositories) (GitHub said: Resource not accessible by personal access token)');
    expect(r.get('github.changes.lead_time_median_seconds').status).toBe('failed');
    expect(r.value('github.ci.pr_checked_ratio')).toBe(0.8);
  });

  it('retries a connection failure, then stops the collection naming it', async () => {
    // a loopback server that hangs up on every request (nock's error replies do not reach undici's fetch cleanly)
    const server = await serveLoopback((req) => req.socket.destroy());
    try {
      const r = await scan([instance({ api_url: server.url })]);
      expect(server.requests).toBe(3);
      expect(r.runs[0]).toMatchObject({ status: 'failed', requests: 3, error_kind: 'unavailable' });
      expect(r.evidence.records.map((e) => [e.status, e.error])).toEqual(Array(3).fill([undefined, expect.stringMatching(/^fetch failed/)]));
      expect(r.get('github.deployments.count').reason).toMatch(/^github\/acme failed: cannot reach GET http:\/\/127\.0\.0\.1:\d+\/orgs\/acme\/repos\?per_page=100&type=all&sort=full_name: fetch failed( \(\w+\))? \(after retries\)$/);
      expect(r.ms).toBeGreaterThanOrEqual(5000); // 1 s, then 4 s
    } finally {
      await server.close();
    }
  }, 20_000);

  it('stops when the request budget is spent, without retrying', async () => {
    serve({}, {});
    const r = await scan([instance({}, { budget: 5 })]);
    expect(r.runs[0]).toMatchObject({ status: 'partial', requests: 5, error_kind: 'budget' });
    expect(r.value('github.repos.count')).toBe(2);
    expect(r.get('github.review.protected_ratio').reason).toMatch(/request budget of 5 spent/);
    expect(r.ms).toBeLessThan(3000);
    nock.cleanAll();
  });
});

describe('github collector: the fake GitHub API', () => {
  it('serves a generated organisation the collector measures whole, with Link paging, ETags and 304s', async () => {
    const org = generateOrg(1, NOW);
    org.token = TOKEN;
    const server = await serveLoopback(githubApiHandler(org), { posts: (p) => p === '/graphql' || p === '/api/graphql' });
    try {
      const inst = () => instance({ api_url: `${server.url}/api/v3` }, { budget: 5000 }); // mounted as on GitHub Enterprise Server
      const r1 = await scan([inst()], { start: new Date(NOW.getTime() - 30 * 86400_000), end: NOW, seconds: 30 * 86400 });
      const missing = ALL_IDS.filter((id) => r1.get(id).status !== 'observed').map((id) => `${id}: ${r1.get(id).reason}`);
      expect(missing).toEqual([]);
      expect(r1.value('github.repos.count')).toBe(10); // 12, less one archived and one fork
      expect(r1.value('github.deployments.count') as number).toBeGreaterThan(50);
      expect(r1.value('github.gitops.present')).toBe(true);
      const r2 = await scan([inst()], { start: new Date(NOW.getTime() - 30 * 86400_000), end: NOW, seconds: 30 * 86400 });
      // Every answer again, each a 304 or a GraphQL answer reused without a request where what it rests on is unchanged.
      const reused = r2.evidence.records.filter((e) => e.reused_because !== undefined);
      expect(reused.length).toBeGreaterThan(0);
      expect(reused.every((e) => e.method === 'POST')).toBe(true);
      expect(r2.runs[0].requests + reused.length).toBe(r1.runs[0].requests);
      expect(r2.evidence.records.filter((e) => e.status !== 304 && e.status !== 404 && e.method !== 'POST' && !e.url.endsWith('/rate_limit'))).toEqual([]); // the quota left has changed
      expect(r2.values()).toEqual(r1.values());
      console.log(`fake org x1: ${r1.runs[0].requests} requests on the first scan (${r1.ms} ms), ${r2.runs[0].requests} on the second, ` +
        `${r2.evidence.records.filter((e) => e.status === 304).length} of them 304 (${r2.ms} ms)`);

      // a wrong token is refused like GitHub does
      const bad = await scan([instance({ api_url: server.url, token: 'ghp_wrongwrongwrongwrong0000' })]);
      expect(bad.get('github.repos.count').reason).toMatch(/401 Bad credentials/);
    } finally {
      await server.close();
    }
  });

  it('measures the same when repositories are read in groups, the pooled GraphQL queries asked per group', async () => {
    const org = generateOrg(1, NOW);
    org.token = TOKEN;
    const server = await serveLoopback(githubApiHandler(org), { posts: (p) => p === '/graphql' || p === '/api/graphql' });
    const window = { start: new Date(NOW.getTime() - 30 * 86400_000), end: NOW, seconds: 30 * 86400 };
    const saved = POOLED_GROUP.repositories;
    try {
      const whole = await scan([instance({ api_url: server.url }, { budget: 5000, cacheDir: undefined })], window);
      POOLED_GROUP.repositories = 3; // 10 repositories: groups of 3, 3, 3 and 1
      const grouped = await scan([instance({ api_url: server.url }, { budget: 5000, cacheDir: undefined })], window);
      expect(grouped.values()).toEqual(whole.values());
      expect(grouped.get('github.deployments.count').evidence.length).toBeGreaterThan(0);
      // the pooled node queries are asked per group: a few more of them, never fewer
      const posts = (r: typeof whole) => r.evidence.records.filter((e) => e.method === 'POST').length;
      expect(posts(grouped)).toBeGreaterThan(posts(whole));
      // the same REST requests (the cache is off: each scan asks everything)
      const rest = (r: typeof whole) => r.evidence.records.filter((e) => e.method !== 'POST').map((e) => e.url).sort();
      expect(rest(grouped)).toEqual(rest(whole));
      expect(grouped.runs[0].requests - whole.runs[0].requests).toBe(posts(grouped) - posts(whole));
    } finally {
      POOLED_GROUP.repositories = saved;
      await server.close();
    }
  });

  it('generates the same organisation for the same factor, time and seed, and scales with the factor', () => {
    const a = generateOrg(1, NOW);
    const b = generateOrg(1, NOW);
    expect(JSON.stringify(a.repos.map((r) => [r.spec, r.deployments, r.pulls]))).toBe(JSON.stringify(b.repos.map((r) => [r.spec, r.deployments, r.pulls])));
    const deployments = a.repos.reduce((n, r) => n + r.deployments.length, 0);
    expect(a.repos).toHaveLength(12);
    expect(deployments).toBeGreaterThan(200);
    expect(deployments).toBeLessThan(450);
    const big = generateOrg(30, NOW);
    expect(big.repos).toHaveLength(360);
    expect(big.repos.reduce((n, r) => n + r.deployments.length, 0)).toBeGreaterThan(5000);
  });
});

describe('github collector: translation into delivery records', () => {
  const at = (x: string) => Date.parse(x);
  const st = (id: number, state: 'success' | 'failure' | 'error' | 'inactive' | 'in_progress' | 'queued', created_at: string) => ({ id, state, created_at });

  it('takes the last success, failure or error as the final status; without one the deployment is running', () => {
    expect(finalStatus([st(3, 'inactive', '2026-02-05T00:00:00Z'), st(2, 'success', '2026-02-03T00:05:00Z'), st(1, 'in_progress', '2026-02-03T00:01:00Z')])).toEqual({ status: 'success', at: at('2026-02-03T00:05:00Z') });
    expect(finalStatus([st(1, 'in_progress', '2026-02-03T00:01:00Z')])).toEqual({ status: 'running' });
    expect(finalStatus([])).toEqual({ status: 'running' });
    expect(finalStatus([st(1, 'success', '2026-02-03T00:01:00Z'), st(2, 'error', '2026-02-03T00:02:00Z')])).toEqual({ status: 'failure', at: at('2026-02-03T00:02:00Z') });
  });

  it('translates a deployment: repository as application, bots and GitHub Apps as automation, finished at its final status', () => {
    const base = { id: 7, sha: 'abc', ref: 'main', environment: 'Production', created_at: '2026-02-03T00:00:00Z', creator: { login: 'me', type: 'User' } };
    const r = deploymentRecord('o/r', base);
    expect(r).toEqual({ app: 'o/r', environment: 'Production', id: 7, sha: 'abc', createdAt: at('2026-02-03T00:00:00Z'), status: 'running', automated: false });
    expect(deploymentRecord('o/r', { ...base, creator: { login: 'github-actions[bot]', type: 'Bot' } }).automated).toBe(true);
    expect(deploymentRecord('o/r', { ...base, performed_via_github_app: { slug: 'argo' } }).automated).toBe(true);
    expect(withStatuses(r, [st(1, 'failure', '2026-02-03T00:10:00Z')])).toMatchObject({ status: 'failure', finishedAt: at('2026-02-03T00:10:00Z') });
  });
});

describe('github collector: GraphQL', () => {
  it('compares over REST the deployments whose history GraphQL does not give, with the same lead time', async () => {
    const served = serve({ 'shop.histories.graphql': { body: { data: { rateLimit: RATE, repository: { h0: null, h1: null, h2: null, h3: null } } } } }, COMPARES);
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(served.scope.isDone()).toBe(true);
    expect(r.values()).toEqual(EXPECTED);
    expect(r.evidence.records.filter((e) => e.url.includes('/compare/'))).toHaveLength(3);
    expect(r.runs[0].requests).toBe(FIRST_SCAN_REQUESTS + 3);
  });

  it('fails the deployment statuses with what GitHub said when a GraphQL answer carries errors, and keeps the rest', async () => {
    serve({
      'shop.statuses.graphql': { body: { data: { rateLimit: RATE, nodes: [null] }, errors: [{ type: 'NOT_FOUND', path: ['nodes', 0], locations: [{ line: 3, column: 3 }], message: "Could not resolve to a node with the global id of 'DE_x'" }] } },
      'shop.histories.graphql': null,
    });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.get('github.deployments.success_ratio').status).toBe('failed');
    expect(r.get('github.deployments.success_ratio').reason).toBe("acme/shop-api: POST /graphql (deployment statuses): GitHub's GraphQL API answered with errors (NOT_FOUND: Could not resolve to a node with the global id of 'DE_x')");
    expect(r.value('github.deployments.count')).toBe(9);
    expect(r.value('github.review.merged_reviewed_ratio')).toBe(0.6);
  });

  it('stops the collection on a RATE_LIMITED GraphQL answer, naming the reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3000;
    serve({
      'shop.statuses.graphql': { body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for user ID 1.' }] }, headers: { ...rateHeaders(0), 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'graphql' } },
      'shop.reviews.graphql': null, 'shop.environments': null, 'shop.pulls': null, 'shop.runs': null, 'web.pulls': null, 'web.runs': null,
      'shop.histories.graphql': null,
    });
    const r = await scan();
    nock.cleanAll();
    expect(r.get('github.deployments.success_ratio').reason).toContain(`GitHub GraphQL rate limit exhausted until ${new Date(reset * 1000).toISOString()} at POST /graphql (deployment statuses) (GitHub said: RATE_LIMITED: API rate limit exceeded for user ID 1.)`);
    expect(r.runs[0].status).not.toBe('ok');
  });

  it('refuses a GraphQL mutation or subscription before it leaves, and allows a query (fields so named included)', async () => {
    const { graphqlWriteOperation } = await import('../../src/http/recording-fetch.js');
    expect(graphqlWriteOperation('mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }')).toMatch(/holds a mutation, and collectors only read/);
    expect(graphqlWriteOperation('# a comment\nsubscription S { x }')).toMatch(/holds a subscription/);
    expect(graphqlWriteOperation('query A { x } mutation B { y }')).toMatch(/holds a mutation/);
    expect(graphqlWriteOperation('query Q($mutation: String = "mutation") { mutation: viewer { login } }')).toBeUndefined();
    expect(graphqlWriteOperation('{ viewer { login } }')).toBeUndefined();

    const { createRecordingFetch } = await import('../../src/http/recording-fetch.js');
    const evidence = new EvidenceLog();
    const f = createRecordingFetch({ collector: 'github', instance: 'acme', evidence, redactor: new Redactor(), baseURL: API, reads: { graphql: `${API}/graphql` } });
    await expect(f(`${API}/graphql`, { method: 'POST', body: JSON.stringify({ query: 'mutation { deleteRepository(input: {}) { clientMutationId } }' }) }))
      .rejects.toThrow(`refusing POST ${API}/graphql: the GraphQL document holds a mutation, and collectors only read (queries only)`);
    await expect(f(`${API}/repos/acme/shop-api/deployments`, { method: 'POST', body: '{}' })).rejects.toThrow(/refusing POST .*: collectors only read \(POST is allowed only for GraphQL queries/);
    expect(evidence.records).toEqual([]);
  });
});

describe('github collector: the rate limit as a budget', () => {
  it('scans only the most recently pushed repositories the remaining quota pays for, and notes the sample on every value', async () => {
    const low = JSON.parse(JSON.stringify(fixture('rate-limit'))) as { resources: { core: { remaining: number; used: number } } };
    low.resources.core.remaining = 20; // one repository's worth (12 requests each)
    const repos = fixture('orgs-acme-repos') as { full_name: string; pushed_at: string }[];
    const newest = repos.filter((r) => r.full_name !== 'acme/legacy').sort((a, b) => Date.parse(b.pushed_at) - Date.parse(a.pushed_at))[0].full_name;
    const other = newest === 'acme/web' ? 'shop' : 'web';
    serve({
      rate_limit: { body: low },
      ...Object.fromEntries(ALL_KEYS.filter((k) => k.startsWith(`${other}.`) || (other === 'shop' && k.startsWith('shop.'))).map((k) => [k, null])),
    });
    const r = await scan();
    expect(unmatched).toEqual([]);
    expect(r.value('github.repos.count')).toBe(1);
    expect(r.detail('github.repos.count')).toContain(`1 repositories: ${newest}`);
    expect(r.detail('github.repos.count')).toContain('1 the rate limit does not pay for (sampled: 1 of 2 repositories, by recent activity (20 of 5000 REST requests left until');
    expect(r.get('github.releases.per_week').instances[0].notes).toEqual([expect.stringMatching(/^sampled: 1 of 2 repositories, by recent activity/)]);
  });
});

describe('github collector: GitHub App authentication', () => {
  it('exchanges the App JWT for an installation token on the configured host, uses it, and masks both', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const installationToken = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
    let jwt = '';
    // POST /app/installations/{installation_id}/access_tokens, as GitHub documents its answer
    nock(API)
      .post('/app/installations/42/access_tokens', () => true)
      .matchHeader('authorization', (v: string) => {
        jwt = v.replace(/^bearer /i, '');
        return /^bearer /i.test(v);
      })
      .reply(() => {
        return [201, {
          token: installationToken, expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: { deployments: 'read', metadata: 'read', pull_requests: 'read', contents: 'read', actions: 'read', checks: 'read', statuses: 'read', administration: 'read' },
          repository_selection: 'all',
        }, { 'content-type': 'application/json; charset=utf-8' }];
      });
    const seen: string[] = [];
    const served = serve();
    // nock 15 hands the listener the fetch Request
    served.scope.on('request', (req: Request) => seen.push(req.headers.get('authorization') ?? ''));
    const inst: InstanceConfig = {
      collector: 'github', name: 'acme', http: {},
      config: githubConfigSchema.parse({ app_id: 12345, private_key: privateKey, installation_id: 42, api_url: API, org: 'acme' }),
    };
    const r = await scanCollector<GithubSignalId>({ collector: githubCollector, instances: [inst], window: WINDOW, secrets: [privateKey], concurrency: 2, collectorDeadlineMs: 60_000, scanDeadlineMs: 90_000 });
    expect(unmatched).toEqual([]);
    expect(r.get('github.deployments.count').value).toBe(9);
    expect(jwt.split('.')).toHaveLength(3); // a JWT signed with the App's key
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((a) => a === `token ${installationToken}`)).toBe(true);
    const exchange = r.evidence.records.find((e) => e.method === 'POST' && e.url.endsWith('/access_tokens'));
    expect(exchange?.status).toBe(201);
    const everything = JSON.stringify([r.evidence.records, [...r.signals.values()]]);
    expect(everything).not.toContain(installationToken);
    expect(everything).not.toContain(jwt);
  });

  it('refuses an App config without its installation, and a token beside an App', () => {
    expect(githubConfigSchema.safeParse({ app_id: 1, private_key: 'x', org: 'acme' }).success).toBe(false);
    expect(githubConfigSchema.safeParse({ app_id: 1, private_key: 'x', installation_id: 2, token: 't', org: 'acme' }).success).toBe(false);
  });
});
