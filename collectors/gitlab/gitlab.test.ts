import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { runCollectors, type InstanceConfig } from '../../src/collector/harness.js';
import type { Window } from '../../src/collector/types.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { silentLogger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import type { SignalState } from '../../src/signals/types.js';
import { serveLoopback, withEtags } from '../../demo/http.js';
import { nextQuery } from './api.js';
import { gitlabConfigSchema } from './config.js';
import { branchMatches, deploymentRecord, deploymentStatus, headPipelineIn, incidentRecord } from './translate.js';
import { approvalsRequired, measureGitlab } from './measure.js';
import { readFailed, readOk } from '../../src/collector/kit.js';
import type { ProjectScan } from './read.js';
import { generateGroup, gitlabApiHandler, GITLAB_POSTS } from '../../demo/systems/gitlab.js';
import { gitlabCollector } from './index.js';
import { affordableProjects, GITLAB_REQUESTS_PER_PROJECT } from './budget.js';
import { GITLAB_INCIDENT_SIGNALS, GITLAB_SIGNAL_IDS, type GitlabSignalId } from './signals.js';
import { scanCollector } from '../../test/helpers/scan.js';

/*
 * The fixtures (fixtures/README.md) are GitLab-shaped answers for the group acme/platform; nock
 * serves each once, so a request the collector should not make, or makes twice, fails the test.
 * Window: the 28 days up to Wednesday 2026-11-25T12:00Z; deployments are read from 14 days before it.
 */
const BASE = 'https://gitlab.example.com';
const NOW = '2026-11-25T12:00:00.000Z';
const START = '2026-10-28T12:00:00.000Z';
const HISTORY = '2026-10-14T12:00:00.000Z';
const WINDOW: Window = { start: new Date(START), end: new Date(NOW), seconds: 28 * 86400 };
const TOKEN = 'glpat-Xy9sEcReT0kEn42abcd';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as unknown;

interface Route {
  /** GET, or POST for a GraphQL query (matched on its `path` variable). */
  method?: 'POST';
  project?: string;
  json?: unknown;
  path: string;
  query: Record<string, string>;
  file: string;
  headers?: Record<string, string>;
  text?: boolean;
}
interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const list = { per_page: '100' };
/** GitLab's GraphQL answer for approvedBy, built from the REST approvals fixtures (same users). */
function approvedBy(project: string, iids: number[]) {
  const users = (iid: number) => (json(`${project}/merge_request-${iid}-approvals.json`) as { approved_by: { user: { id: number } }[] }).approved_by.map((a) => ({ id: `gid://gitlab/User/${a.user.id}` }));
  return { data: { project: { mergeRequests: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: iids.map((iid) => ({ iid: String(iid), approvedBy: { nodes: users(iid) } })) } } } };
}
/** The REST approvals, read one by one when GraphQL is not answered. */
const APPROVALS_ONE_BY_ONE = [11, 12, 13, 14, 15].map((iid) => ({ path: `/api/v4/projects/101/merge_requests/${iid}/approvals`, file: `shop-api/merge_request-${iid}-approvals.json` }))
  .concat([{ path: '/api/v4/projects/102/merge_requests/3/approvals', file: 'docs-site/merge_request-3-approvals.json' }]);
/** The collector asks from the start of the bound's UTC day (a URL the same all day, for the conditional cache) and filters to the bound itself. */
const dayOf = (after: string) => new Date(Math.floor(Date.parse(after) / 86_400_000) * 86_400_000).toISOString();
const since = (after: string) => ({ updated_after: dayOf(after), order_by: 'updated_at', sort: 'desc', per_page: '100' });
/** Incident issues the same way, by creation: #38 (created that day, before the window's start) is listed and left out. */
const incidentsSince = (after: string) => ({ issue_type: 'incident', created_after: dayOf(after), order_by: 'created_at', sort: 'desc', per_page: '100' });
const treeLink = (rels: [string, number][]) =>
  rels.map(([rel, p]) => `<${BASE}/api/v4/projects/101/repository/tree?page=${p}&per_page=100&recursive=true&ref=main>; rel="${rel}"`).join(', ');

const ROUTES: Record<string, Route> = {
  projects: {
    path: '/api/v4/groups/acme%2Fplatform/projects',
    query: { include_subgroups: 'true', with_shared: 'false', order_by: 'last_activity_at', sort: 'desc', per_page: '100' },
    file: 'group-projects.json',
    headers: { 'x-page': '1', 'x-per-page': '100', 'x-next-page': '', 'x-prev-page': '', 'x-total': '3', 'x-total-pages': '1' },
  },
  'shop.environments': { path: '/api/v4/projects/101/environments', query: list, file: 'shop-api/environments.json' },
  'shop.deployments': { path: '/api/v4/projects/101/deployments', query: { environment: 'production', ...since(HISTORY) }, file: 'shop-api/deployments-production.json' },
  'shop.protected_environments': { path: '/api/v4/projects/101/protected_environments', query: list, file: 'shop-api/protected_environments.json' },
  'shop.protected_branches': { path: '/api/v4/projects/101/protected_branches', query: list, file: 'shop-api/protected_branches.json' },
  'shop.approval_rules': { path: '/api/v4/projects/101/approval_rules', query: list, file: 'shop-api/approval_rules.json' },
  'shop.merge_requests': { path: '/api/v4/projects/101/merge_requests', query: { state: 'merged', ...since(START) }, file: 'shop-api/merge_requests.json' },
  // The head pipelines of !11, !12, !13 and !15 are in the pipeline list; !14's head commit has no pipeline there, so it is asked for.
  'shop.mr.14': { path: '/api/v4/projects/101/merge_requests/14', query: {}, file: 'shop-api/merge_request-14.json' },
  // Approvals of the merge requests merged in the window, in one GraphQL query per project.
  'shop.approved_by': { method: 'POST', path: '/api/graphql', query: {}, file: '', project: 'acme/platform/shop-api', json: approvedBy('shop-api', [11, 12, 13, 14, 15]) },
  'shop.pipelines': { path: '/api/v4/projects/101/pipelines', query: { source: 'merge_request_event', ...since(START) }, file: 'shop-api/pipelines.json' },
  'shop.tree.1': {
    path: '/api/v4/projects/101/repository/tree', query: { ref: 'main', recursive: 'true', per_page: '100' }, file: 'shop-api/tree-page-1.json',
    headers: {
      'x-page': '1', 'x-per-page': '100', 'x-next-page': '2', 'x-prev-page': '', 'x-total': '111', 'x-total-pages': '2',
      link: treeLink([['next', 2], ['first', 1], ['last', 2]]),
    },
  },
  'shop.tree.2': {
    path: '/api/v4/projects/101/repository/tree', query: { ref: 'main', recursive: 'true', per_page: '100', page: '2' }, file: 'shop-api/tree-page-2.json',
    headers: {
      'x-page': '2', 'x-per-page': '100', 'x-next-page': '', 'x-prev-page': '1', 'x-total': '111', 'x-total-pages': '2',
      link: treeLink([['prev', 1], ['first', 1], ['last', 2]]),
    },
  },
  'shop.file.argocd': { path: '/api/v4/projects/101/repository/files/argocd%2Fapplication.yaml/raw', query: { ref: 'main' }, file: 'shop-api/file-argocd-application.yaml', text: true },
  'shop.file.codeowners': { path: '/api/v4/projects/101/repository/files/.gitlab%2FCODEOWNERS/raw', query: { ref: 'main' }, file: 'shop-api/file-codeowners', text: true },
  'shop.releases': { path: '/api/v4/projects/101/releases', query: { order_by: 'created_at', sort: 'desc', per_page: '100' }, file: '' },
  'shop.incidents': { path: '/api/v4/projects/101/issues', query: incidentsSince(START), file: 'shop-api/incidents.json' },
  'shop.tags': { path: '/api/v4/projects/101/repository/tags', query: { order_by: 'updated', sort: 'desc', per_page: '100' }, file: 'shop-api/tags.json' },
  'docs.environments': { path: '/api/v4/projects/102/environments', query: list, file: 'docs-site/environments.json' },
  'docs.protected_branches': { path: '/api/v4/projects/102/protected_branches', query: list, file: 'docs-site/protected_branches.json' },
  'docs.merge_requests': { path: '/api/v4/projects/102/merge_requests', query: { state: 'merged', ...since(START) }, file: 'docs-site/merge_requests.json' },
  'docs.approved_by': { method: 'POST', path: '/api/graphql', query: {}, file: '', project: 'acme/platform/docs-site', json: approvedBy('docs-site', [3]) },
  'docs.pipelines': { path: '/api/v4/projects/102/pipelines', query: { source: 'merge_request_event', ...since(START) }, file: 'docs-site/pipelines.json' },
  'docs.tree': { path: '/api/v4/projects/102/repository/tree', query: { ref: 'main', recursive: 'true', per_page: '100' }, file: 'docs-site/tree.json' },
  'docs.incidents': { path: '/api/v4/projects/102/issues', query: incidentsSince(START), file: '' },
  'docs.releases': { path: '/api/v4/projects/102/releases', query: { order_by: 'created_at', sort: 'desc', per_page: '100' }, file: 'docs-site/releases.json' },
};
type RouteName = keyof typeof ROUTES;
const REQUESTS = Object.keys(ROUTES).length; // 25: every route once

/** Serves every route once from the fixtures; `replies` replaces a route's answer (several: in turn) or leaves it unserved (null). */
function serve(replies: Partial<Record<RouteName, Reply | Reply[] | null>> = {}): nock.Scope {
  const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
  for (const [name, route] of Object.entries(ROUTES)) {
    const r = replies[name];
    if (r === null) continue;
    for (const one of r === undefined ? [{}] : Array.isArray(r) ? r : [r]) {
      if (route.method === 'POST') {
        const asked = (b: { query?: string; variables?: { path?: string } }) => /query techopsApprovedBy/.test(b.query ?? '') && b.variables?.path === route.project;
        scope.post(route.path, asked).reply(one.status ?? 200, JSON.stringify(one.body !== undefined ? one.body : route.json), { 'Content-Type': 'application/json', ...one.headers });
        continue;
      }
      const body = one.body !== undefined ? one.body : route.file ? fixture(route.file) : '[]';
      const type = route.text && one.body === undefined ? 'text/plain; charset=utf-8' : 'application/json';
      scope.get(route.path).query(route.query).reply(one.status ?? 200, typeof body === 'string' ? body : JSON.stringify(body), {
        'Content-Type': type, ...(one.status === undefined || one.status === 200 ? route.headers : {}), ...one.headers,
      });
    }
  }
  return scope;
}

function instance(config: Record<string, unknown> = {}, http: InstanceConfig['http'] = { retries: 0 }): InstanceConfig {
  return { collector: 'gitlab', name: 'main', config: gitlabConfigSchema.parse({ url: BASE, token: TOKEN, group: 'acme/platform', ...config }), http };
}

async function scan(inst: InstanceConfig = instance(), window: Window = WINDOW, now = NOW) {
  const r = await scanCollector<GitlabSignalId>({ collector: gitlabCollector, instances: [inst], window, now });
  /** The distinct request paths a signal's evidence points at. */
  const paths = (id: GitlabSignalId) => [...new Set(r.paths(id))];
  return { ...r, paths };
}

const DEPLOY_SIGNALS: GitlabSignalId[] = [
  'gitlab.repos.with_deployments', 'gitlab.deployments.count', 'gitlab.deployments.per_week', 'gitlab.deployments.weeks_with_deploy_ratio',
  'gitlab.deployments.days_with_deploy_ratio', 'gitlab.deployments.max_per_day', 'gitlab.deployments.success_ratio',
  'gitlab.deployments.automated_ratio', 'gitlab.deployments.rollbacks', 'gitlab.changes.failure_rate', 'gitlab.restore.median_seconds',
  'gitlab.changes.lead_time_median_seconds', 'gitlab.environments.gated_ratio',
];

/*
 * Production deployments of shop-api (deployments-production.json), oldest first:
 *   501 A  success 10-20  (before the window: history only)
 *   502 B  success 10-29 10:00          505 E  success 11-03 09:00 (rolled back by 506 six hours later)
 *   503 C  failed  11-02 10:00→10:20    506 C2 success 11-03 15:00 = rollback (C2 deployed by 504, then E)
 *   504 C2 success 11-02 14:20→14:30    507 F  canceled 11-16 (not counted)
 *   508 F  failed  11-16 11:00→11:15    509 F2 success 11-17 11:00→11:15
 *   510 G  success 11-23 (recorded through the API: deployable null, not automated)
 *   511 H  created 11-24 (never ran: not counted)     512 H running 11-24 16:00 (counted, no final status)
 * Counted: 502 503 504 505 506 508 509 510 512 = 9; success 6, failed 2, final 8.
 * Weeks back from 11-25 12:00: [11-18,11-25) 510 512 · [11-11,11-18) 508 509 · [11-04,11-11) none · [10-28,11-04) 502–506 → 3 of 4.
 * Whole working days 10-29 (Thu) … 11-24 (Tue): 19; with a deployment: 10-29, 11-02, 11-03, 11-16, 11-17, 11-23, 11-24 = 7.
 * Restore (creation of the failed deployment → end of the next success): 503 10:00 → 504 14:30 = 16,200 s;
 *   508 11-16 11:00 → 509 11-17 11:15 = 87,300 s; median 51,750 s.
 * Change failure rate: (2 failed + 505 rolled back) / 8.
 * Lead time (merge → end of the shipping deployment): !11 10-29 08:00 → 502 10:10 = 7,800 s; !12 11-02 13:00 → 504 14:30 = 5,400 s;
 *   !13 11-03 12:00 → (506 is a rollback) 509 11-17 11:15 = 1,206,900 s; !14 11-24 not deployed yet; median 7,800 s.
 * Applications: shop-api (the one project with a production environment): weekly (3 of 4 weeks), not daily
 *   (7 of 19 working days), not on demand; success 6 of 8; monthly not available (28 days hold no 30-day period).
 * Merged in the window: shop-api !11–!15 (!10 was merged before it), docs-site !3 = 6.
 *   Approved by another: !11 (bob), !13 (bob, alice; author carol), !15 (alice; author bob), !3 = 4; !12 self-approved, !14 none.
 *   Head pipeline success: !11, !12, !3 = 3 (!13 failed, !14 none, !15 running).
 * MR pipelines created in the window: shop-api 4 success, 2 failed, 1 running, 1 canceled; docs-site 1 success, 1 skipped → 5 of 7.
 * Releases: docs-site v2.3.0, v2.2.0, v2.1.0 (v2.0.0 before) + shop-api (no release) tags v1.8.0, v1.7.1 = 5 over 4 weeks.
 */
describe('gitlab collector: a group of three projects', () => {
  it('measures every signal, by hand-computable numbers, in a fixed number of GET requests', async () => {
    const scope = serve();
    const r = await scan();
    expect(scope.pendingMocks()).toEqual([]);
    // every delivery signal but one, and the 18 incident signals GitLab's REST API can show (incidents.test below)
    expect(r.runs[0]).toMatchObject({ status: 'ok', requests: REQUESTS, signals_observed: GITLAB_SIGNAL_IDS.length - 1 + 18 });
    expect(r.get('gitlab.apps.monthly_ratio')).toMatchObject({ status: 'not_available', reason: 'the window (28 days) holds no whole 30-day period' });
    expect(REQUESTS).toBe(25);
    expect(r.evidence.records.every((e) => (e.method === 'GET' || (e.method === 'POST' && e.url.endsWith('/api/graphql'))) && e.status === 200)).toBe(true);
    const values = Object.fromEntries(GITLAB_SIGNAL_IDS.filter((id) => id !== 'gitlab.apps.monthly_ratio').map((id) => [id, r.get(id).value]));
    expect(values).toEqual({
      'gitlab.api.reachable': true,
      'gitlab.repos.count': 2,
      'gitlab.repos.with_deployments': 1,
      'gitlab.deployments.count': 9,
      'gitlab.deployments.per_week': 9 / 4,
      'gitlab.deployments.weeks_with_deploy_ratio': 3 / 4,
      'gitlab.deployments.days_with_deploy_ratio': 7 / 19,
      'gitlab.deployments.max_per_day': 2,
      'gitlab.deployments.success_ratio': 6 / 8,
      'gitlab.deployments.automated_ratio': 8 / 9,
      'gitlab.deployments.rollbacks': 1,
      'gitlab.changes.failure_rate': 3 / 8,
      'gitlab.changes.lead_time_median_seconds': 7800,
      'gitlab.restore.median_seconds': 51_750,
      'gitlab.apps.count': 1,
      'gitlab.apps.weekly_ratio': 1,
      'gitlab.apps.daily_ratio': 0,
      'gitlab.apps.on_demand_ratio': 0,
      'gitlab.apps.success_ratio_min': 6 / 8,
      'gitlab.review.protected_ratio': 1 / 2,
      'gitlab.review.required_checks_ratio': 1 / 2,
      'gitlab.review.codeowners_ratio': 1 / 2,
      'gitlab.review.merged_reviewed_ratio': 4 / 6,
      'gitlab.environments.gated_ratio': 1,
      'gitlab.ci.pr_checked_ratio': 3 / 6,
      'gitlab.ci.success_ratio': 5 / 7,
      'gitlab.iac.repos': 1,
      'gitlab.gitops.present': true,
      'gitlab.releases.per_week': 5 / 4,
    });
  });

  it('explains the values and points each at the requests it came from', async () => {
    serve();
    const r = await scan();
    expect(r.detail('gitlab.repos.count')).toBe('2 projects; not scanned: 1 archived');
    expect(r.detail('gitlab.repos.with_deployments')).toBe('acme/platform/shop-api');
    expect(r.detail('gitlab.deployments.count')).toBe('9 in 1 projects (1 canceled, 1 created, 2 failed, 1 running, 6 success; created, blocked, skipped and canceled are not counted)');
    expect(r.detail('gitlab.deployments.rollbacks')).toBe(`acme/platform/shop-api production ${'c4'.repeat(3)}c on 2026-11-03T15:00Z`);
    expect(r.detail('gitlab.changes.failure_rate')).toContain('2 failed + 1 successful but rolled back within 24 h, of 8 finished production deployments');
    expect(r.detail('gitlab.changes.lead_time_median_seconds')).toContain('median of 3 merges; 1 not deployed yet (left out)');
    expect(r.detail('gitlab.restore.median_seconds')).toBe('median of 2 restores (14h22m30s)');
    expect(r.detail('gitlab.iac.repos')).toBe('1 helm, 1 kubernetes');
    expect(r.detail('gitlab.gitops.present')).toBe('acme/platform/shop-api:argocd/application.yaml');
    expect(r.detail('gitlab.review.protected_ratio')).toContain('acme/platform/shop-api');
    expect(r.detail('gitlab.releases.per_week')).toBe('5 releases over 4 weeks (3 in projects without production deployments; tags counted for 1 projects without releases)');

    // staging and the review apps are never asked for: only production deployments are read
    expect(r.evidence.records.filter((e) => e.url.includes('/deployments')).map((e) => new URL(e.url).searchParams.get('environment'))).toEqual(['production']);
    expect(r.paths('gitlab.deployments.success_ratio')).toEqual([
      '/api/v4/groups/acme%2Fplatform/projects', '/api/v4/projects/101/deployments', '/api/v4/projects/101/environments', '/api/v4/projects/102/environments',
    ]);
    expect(r.paths('gitlab.environments.gated_ratio')).toContain('/api/v4/projects/101/protected_environments');
    expect(r.paths('gitlab.review.protected_ratio')).toEqual([
      '/api/v4/groups/acme%2Fplatform/projects', '/api/v4/projects/101/approval_rules', '/api/v4/projects/101/protected_branches', '/api/v4/projects/102/protected_branches',
    ]);
    expect(r.paths('gitlab.ci.pr_checked_ratio')).toEqual(expect.arrayContaining(['/api/v4/projects/101/pipelines', '/api/v4/projects/101/merge_requests/14']));
    expect(r.paths('gitlab.iac.repos')).toContain('/api/v4/projects/101/repository/files/argocd%2Fapplication.yaml/raw');
    for (const id of GITLAB_SIGNAL_IDS) expect(r.get(id).evidence.length, id).toBeGreaterThan(0);
  });

  it('sends the token as a bearer token and keeps it out of the evidence', async () => {
    serve();
    const r = await scan();
    expect(r.value('gitlab.api.reachable')).toBe(true);
    expect(JSON.stringify(r.evidence.records)).not.toContain(TOKEN);
  });

  it('follows x-next-page when a proxy strips the Link header', async () => {
    const { link: _l1, ...h1 } = ROUTES['shop.tree.1'].headers!;
    const { link: _l2, ...h2 } = ROUTES['shop.tree.2'].headers!;
    const scope = serve({ 'shop.tree.1': { headers: { link: '', ...h1 } }, 'shop.tree.2': { headers: { link: '', ...h2 } } });
    const r = await scan();
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.value('gitlab.review.codeowners_ratio')).toBe(0.5); // .gitlab/CODEOWNERS is on page 2
  });

  it('scans only what include/exclude and the archived filter leave', async () => {
    const docsOnly = Object.fromEntries(Object.keys(ROUTES).filter((k) => k.startsWith('shop.')).map((k) => [k, null]));
    serve(docsOnly);
    const r = await scan(instance({ exclude: ['shop-'] }));
    expect(r.value('gitlab.repos.count')).toBe(1);
    expect(r.detail('gitlab.repos.count')).toBe('1 projects; not scanned: 1 archived, 1 filtered by include/exclude');
    // the only project has no production environment: GitLab records no production deployment
    expect(r.value('gitlab.repos.with_deployments')).toBe(0);
    for (const id of DEPLOY_SIGNALS.filter((i) => !['gitlab.repos.with_deployments', 'gitlab.changes.lead_time_median_seconds', 'gitlab.environments.gated_ratio'].includes(i))) {
      expect(r.get(id), id).toMatchObject({ status: 'not_available', reason: expect.stringContaining('no project has an environment matching production_environments') });
    }
    expect(r.get('gitlab.environments.gated_ratio').status).toBe('not_available');
    // no application; the shares of applications cannot be said
    expect(r.value('gitlab.apps.count')).toBe(0);
    expect(r.get('gitlab.apps.weekly_ratio').status).toBe('not_available');
    expect(r.value('gitlab.releases.per_week')).toBe(3 / 4);
    expect(r.value('gitlab.review.merged_reviewed_ratio')).toBe(1);
  });

  it('keeps the most recently active projects up to max_projects', async () => {
    serve(Object.fromEntries(Object.keys(ROUTES).filter((k) => k.startsWith('docs.')).map((k) => [k, null])));
    const r = await scan(instance({ max_projects: 1 }));
    expect(r.value('gitlab.repos.count')).toBe(1);
    expect(r.detail('gitlab.repos.count')).toBe('1 projects; not scanned: 1 archived, 1 or more over max_projects (1)');
    expect(r.value('gitlab.deployments.count')).toBe(9);
    expect(r.value('gitlab.review.merged_reviewed_ratio')).toBe(3 / 5);
  });

  it('reads listed projects by path', async () => {
    const docsOnly = Object.fromEntries(Object.keys(ROUTES).filter((k) => k === 'projects' || k.startsWith('shop.')).map((k) => [k, null]));
    const scope = serve(docsOnly);
    const docs = (json('group-projects.json') as Record<string, unknown>[])[1];
    scope.get('/api/v4/projects/acme%2Fplatform%2Fdocs-site').reply(200, docs);
    const r = await scan(instance({ group: undefined, projects: ['acme/platform/docs-site'] }));
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.value('gitlab.repos.count')).toBe(1);
    expect(r.value('gitlab.review.protected_ratio')).toBe(0); // push allowed for Maintainers: no approval rules asked for
    expect(r.value('gitlab.ci.success_ratio')).toBe(1);
  });
});

describe('gitlab collector: permissions, editions and failures', () => {
  it('403 on approval rules fails only the branch-protection signal, naming the endpoint and the role', async () => {
    const body = { message: '403 Forbidden' };
    serve({ 'shop.approval_rules': { status: 403, body } });
    const r = await scan();
    const s = r.get('gitlab.review.protected_ratio');
    expect(s.status).toBe('failed');
    expect(s.reason).toContain('permission denied (HTTP 403)');
    expect(s.reason).toContain('GET /projects/:id/approval_rules (project acme/platform/shop-api) needs the Developer role');
    // monthly: the 28-day window holds no 30-day period
    const others = GITLAB_SIGNAL_IDS.filter((id) => id !== 'gitlab.review.protected_ratio' && id !== 'gitlab.apps.monthly_ratio');
    expect(others.filter((id) => r.get(id).status !== 'observed')).toEqual([]);
    expect(r.value('gitlab.environments.gated_ratio')).toBe(1);
    expect(r.runs[0].status).toBe('partial');
  });

  it('403 for lack of the read_api scope says so', async () => {
    const body = { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api read_api' };
    serve({ 'shop.protected_environments': { status: 403, body } });
    const r = await scan();
    expect(r.get('gitlab.environments.gated_ratio')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/protected_environments \(project acme\/platform\/shop-api\) needs the Maintainer role and a token with the read_api scope/),
    });
    expect(r.value('gitlab.deployments.count')).toBe(9);
  });

  it('404 on protected environments (GitLab Free) is not available, naming the edition', async () => {
    serve({ 'shop.protected_environments': { status: 404, body: { message: '404 Not Found' } } });
    const r = await scan();
    const s = r.get('gitlab.environments.gated_ratio');
    expect(s.status).toBe('not_available');
    expect(s.reason).toContain('needs GitLab Premium or Ultimate');
    expect(s.reason).toContain('GET /projects/:id/protected_environments');
    expect(s.value).toBeUndefined();
    expect(r.value('gitlab.deployments.success_ratio')).toBe(0.75);
    expect(r.value('gitlab.review.protected_ratio')).toBe(0.5);
  });

  it('404 on approval rules (GitLab Free) makes branch protection not available, not 0', async () => {
    serve({ 'shop.approval_rules': { status: 404, body: { message: '404 Not Found' } } });
    const r = await scan();
    expect(r.get('gitlab.review.protected_ratio')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('needs GitLab Premium') });
  });

  it('approvals are read one by one where GitLab does not answer the GraphQL query, with the same figure', async () => {
    const scope = serve({ 'shop.approved_by': { status: 404, body: { message: '404 Not Found' } }, 'docs.approved_by': { body: { errors: [{ message: 'Field mergeRequests does not exist' }] } } });
    for (const a of APPROVALS_ONE_BY_ONE) scope.get(a.path).reply(200, fixture(a.file), { 'Content-Type': 'application/json' });
    const r = await scan();
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.value('gitlab.review.merged_reviewed_ratio')).toBe(4 / 6);
    expect(r.paths('gitlab.review.merged_reviewed_ratio')).toContain('/api/v4/projects/101/merge_requests/13/approvals');
  });

  it('429 with Retry-After is waited for, then everything is measured', async () => {
    const limited = { status: 429, body: 'Retry later\n', headers: { 'Retry-After': '1', 'RateLimit-Limit': '2000', 'RateLimit-Observed': '2001', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1795608001', 'Content-Type': 'text/plain' } };
    const scope = serve({ projects: [limited, {}] });
    const t0 = Date.now();
    const r = await scan(instance({}, { retries: 1 }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(scope.pendingMocks()).toEqual([]);
    const listing = r.evidence.records.filter((e) => e.url.includes('/groups/'));
    expect(listing.map((e) => [e.status, e.attempt])).toEqual([[429, 1], [200, 2]]);
    expect(r.runs[0]).toMatchObject({ status: 'ok', requests: REQUESTS + 1 });
    expect(r.value('gitlab.deployments.count')).toBe(9);
  });

  it('401 fails every signal with the credentials message', async () => {
    const none = Object.fromEntries(Object.keys(ROUTES).filter((k) => k !== 'projects').map((k) => [k, null]));
    serve({ projects: { status: 401, body: { message: '401 Unauthorized' } }, ...none });
    const r = await scan();
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'credentials', requests: 1 });
    for (const id of GITLAB_SIGNAL_IDS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toContain('credentials rejected (HTTP 401)');
    }
  });

  it('401 in the middle of the scan (a token revoked) still fails every signal', async () => {
    serve({ 'docs.releases': { status: 401, body: { message: '401 Unauthorized' } } });
    const r = await scan();
    nock.cleanAll(); // the collection stops at the 401; what was still queued is not asked for
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'credentials' });
    for (const id of GITLAB_SIGNAL_IDS) expect(r.get(id).status, id).toBe('failed');
  });

  it('malformed JSON fails the signals of that response and no others', async () => {
    const full = fixture('shop-api/deployments-production.json');
    // protected environments are read only for projects with production deployments: not here
    serve({ 'shop.deployments': { body: full.slice(0, 900) }, 'shop.protected_environments': null });
    const r = await scan();
    for (const id of DEPLOY_SIGNALS) {
      const s = r.get(id);
      expect(s.status, id).toBe('failed');
      expect(s.reason).toContain('invalid JSON from GET https://gitlab.example.com/api/v4/projects/101/deployments?');
    }
    expect(r.value('gitlab.review.merged_reviewed_ratio')).toBe(4 / 6);
    expect(r.value('gitlab.ci.success_ratio')).toBe(5 / 7);
    expect(r.value('gitlab.iac.repos')).toBe(1);
  });

  it('a response of the wrong shape names the field', async () => {
    const prs = json('shop-api/merge_requests.json') as Record<string, unknown>[];
    serve({ 'shop.merge_requests': { body: prs.map((m, i) => (i === 1 ? { ...m, target_branch: 7 } : m)) }, 'shop.mr.14': null, 'shop.approved_by': null });
    const r = await scan();
    for (const id of ['gitlab.review.merged_reviewed_ratio', 'gitlab.ci.pr_checked_ratio', 'gitlab.changes.lead_time_median_seconds'] as const) {
      expect(r.get(id), id).toMatchObject({ status: 'failed', reason: expect.stringContaining('[1].target_branch') });
    }
    expect(r.value('gitlab.deployments.count')).toBe(9);
  });

  it('a listed project that does not exist fails the instance, naming it', async () => {
    nock(BASE).get('/api/v4/projects/acme%2Fplatform%2Fnope').reply(404, { message: '404 Project Not Found' });
    const r = await scan(instance({ group: undefined, projects: ['acme/platform/nope'] }));
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'not_found' });
    expect(r.get('gitlab.repos.count').reason).toContain("project 'acme/platform/nope' not found, or not visible to the token");
  });
});

describe('gitlab collector: incident issues', () => {
  // shop-api: #44 open (alert-bot, MEDIUM), #43 closed by a person after 2 h (CRITICAL), #41 closed by alert-bot after 30 min (LOW);
  // #38 (HIGH) was created on the window's first day but before its start: listed (the list is asked from that day's start), not counted; docs-site: none
  it('translates incident issues into the shared incident measures, and what the REST API cannot show is not available', async () => {
    const scope = serve();
    const r = await scan();
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.value('gitlab.incidents.count')).toBe(3);
    expect([r.value('gitlab.incidents.critical_count'), r.value('gitlab.incidents.high_count'), r.value('gitlab.incidents.low_count')]).toEqual([1, 1, 1]);
    expect(r.value('gitlab.incidents.major_count')).toBe(1);
    expect(r.value('gitlab.incidents.resolved_ratio')).toBe(2 / 3);
    expect(r.value('gitlab.incidents.monitoring_ratio')).toBe(2 / 3); // opened by the GitLab Alert Bot
    expect(r.value('gitlab.incidents.auto_resolved_ratio')).toBe(1 / 2); // #41 closed by the Alert Bot
    expect(r.value('gitlab.incidents.critical.resolve_median_seconds')).toBe(2 * 3600);
    // #44 is still open at the window's end: counted at its age (28 h), a lower bound
    expect(r.value('gitlab.incidents.resolve_p90_seconds')).toBe(28 * 3600);
    expect(r.get('gitlab.incidents.ack_median_seconds')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('GraphQL-only') });
    expect(r.get('gitlab.incidents.reopened_ratio').status).toBe('not_available');
    expect(r.get('gitlab.incidents.major_reviewed_ratio')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('no postmortem') });
    expect(r.get('gitlab.services.count')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('on-call schedules') });
    const incidents = r.publications.find((p) => p.kind === 'incidents');
    expect(incidents).toMatchObject({ status: 'published', collector: 'gitlab' });
    expect(incidents?.status === 'published' && incidents.records.map((i) => (i as { id: string; service: string }).id)).toEqual(['acme/platform/shop-api#44', 'acme/platform/shop-api#43', 'acme/platform/shop-api#41']);
    const deployments = r.publications.find((p) => p.kind === 'deployments');
    expect(deployments?.status === 'published' && deployments.records.length).toBeGreaterThanOrEqual(9);
  });

  it('pages the incident list through Link', async () => {
    const all = json('shop-api/incidents.json') as unknown[];
    const next = `<${BASE}/api/v4/projects/101/issues?created_after=${encodeURIComponent(dayOf(START))}&issue_type=incident&order_by=created_at&page=2&per_page=100&sort=desc>; rel="next"`;
    const scope = serve({ 'shop.incidents': { body: all.slice(0, 2), headers: { link: next, 'x-next-page': '2' } } });
    scope.get('/api/v4/projects/101/issues').query({ ...ROUTES['shop.incidents'].query, page: '2' }).reply(200, JSON.stringify(all.slice(2)), { 'Content-Type': 'application/json' });
    const r = await scan();
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.value('gitlab.incidents.count')).toBe(3);
  });

  it('403 on the incident list fails only the incident signals, naming the endpoint and the role', async () => {
    serve({ 'shop.incidents': { status: 403, body: { message: '403 Forbidden' } } });
    const r = await scan();
    expect(r.get('gitlab.incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringContaining('GET /projects/:id/issues?issue_type=incident (project acme/platform/shop-api) needs the Guest') });
    expect(r.value('gitlab.deployments.count')).toBe(9);
    expect(r.publications.find((p) => p.kind === 'incidents')).toMatchObject({ status: 'missing' });
  });

  it('404 (issues turned off) leaves that project out, with a note; a GitLab without incident issues makes them not available', async () => {
    serve({ 'shop.incidents': { status: 404, body: { message: '404 Not found' } } });
    const r = await scan();
    expect(r.value('gitlab.incidents.count')).toBe(0);
    expect(r.get('gitlab.incidents.count').instances[0].notes).toEqual(['incident issues not read (turned off or not known there): acme/platform/shop-api']);
    expect(r.get('gitlab.incidents.resolved_ratio').status).toBe('not_available');
    // an old GitLab ignores issue_type and lists plain issues: not counted as incidents
    const plain = (json('shop-api/incidents.json') as Record<string, unknown>[]).map(({ issue_type: _t, severity: _s, ...rest }) => rest);
    serve({ 'shop.incidents': { body: plain }, 'docs.incidents': { status: 404, body: { message: '404 Not found' } } });
    const old = await scan();
    expect(old.get('gitlab.incidents.count')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('does not know incident issues') });
  });

  it('429 on the incident list is waited for', async () => {
    const limited = { status: 429, body: 'Retry later\n', headers: { 'Retry-After': '1', 'Content-Type': 'text/plain' } };
    serve({ 'shop.incidents': [limited, {}] });
    const r = await scan(instance({}, { retries: 1 }));
    expect(r.value('gitlab.incidents.count')).toBe(3);
    expect(r.evidence.records.filter((e) => e.url.includes('/issues')).map((e) => e.status)).toEqual([429, 200, 200]);
  });

  it('incidents: false reads no incident issue and publishes none', async () => {
    serve({ 'shop.incidents': null, 'docs.incidents': null });
    const r = await scan(instance({ incidents: false }));
    expect(r.get('gitlab.incidents.count')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('incidents: false') });
    expect(r.publications.find((p) => p.kind === 'incidents')).toMatchObject({ status: 'missing' });
  });
});

describe('gitlab collector: declarations', () => {
  it('declares every delivery signal once, each defined in the README', () => {
    expect(GITLAB_SIGNAL_IDS).toHaveLength(30);
    expect(new Set(GITLAB_SIGNAL_IDS).size).toBe(30);
    const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    expect(readme).toMatch(/read_api/);
    for (const id of GITLAB_SIGNAL_IDS) expect(readme, id).toContain(`| \`${id}\` |`);
  });
});

describe('gitlab collector: config', () => {
  it('accepts the documented keys, applies the defaults and rejects the rest', () => {
    const c = gitlabConfigSchema.parse({ url: 'https://gitlab.example.com', token: 't0ken', group: 'acme' });
    expect(c).toMatchObject({ include_archived: false, include_forks: false, max_projects: 200, production_environments: ['^(prod|production|live)$'] });
    expect(gitlabConfigSchema.safeParse({ url: 'https://gitlab.example.com', token: 't', projects: ['a/b'], tls: { insecure_skip_verify: true } }).success).toBe(true);
    expect(gitlabConfigSchema.safeParse({ url: 'https://gitlab.example.com', token: 't', group: 'a', org: 'x' }).success).toBe(false);
    expect(gitlabConfigSchema.safeParse({ url: 'https://gitlab.example.com', token: 't' }).error?.issues[0].message).toBe('set group, projects or both');
    expect(gitlabConfigSchema.safeParse({ url: 'https://gitlab.example.com', token: 't', group: 'a', exclude: ['(unclosed'] }).success).toBe(false);
    expect(gitlabConfigSchema.safeParse({ url: 'gitlab.example.com', token: 't', group: 'a' }).success).toBe(false);
  });
});

describe('gitlab collector: translation into incident records and head pipelines', () => {
  it('translates an incident issue: severity to grade, the Alert Bot as monitoring and as automatic resolution', () => {
    const base = { iid: 7, state: 'closed', created_at: '2026-11-01T10:00:00Z', closed_at: '2026-11-01T11:00:00Z', issue_type: 'incident' };
    const bot = { id: 3, username: 'alert-bot' };
    const person = { id: 9, username: 'mei' };
    expect(incidentRecord('g/p', { ...base, severity: 'CRITICAL', author: bot, closed_by: bot })).toEqual({
      id: 'g/p#7', service: 'g/p', grade: 'critical', createdAt: Date.parse(base.created_at), resolvedAt: Date.parse(base.closed_at),
      source: 'monitoring', autoResolved: true, major: true, reviewLinked: false,
    });
    expect(incidentRecord('g/p', { ...base, severity: 'HIGH', author: person, closed_by: person })).toMatchObject({ grade: 'critical', major: true, source: 'human', autoResolved: false });
    expect(incidentRecord('g/p', { ...base, severity: 'MEDIUM' })).toMatchObject({ grade: 'high', major: false, source: 'unknown' });
    expect(incidentRecord('g/p', { ...base, severity: 'LOW' }).grade).toBe('low');
    expect(incidentRecord('g/p', { ...base, severity: undefined }).grade).toBe('high'); // UNKNOWN: nobody set one
    expect(incidentRecord('g/p', { ...base, state: 'opened', closed_at: null }).resolvedAt).toBeUndefined();
  });

  it('finds a merge request\'s head pipeline in the list: the newest on its head ref for its head commit, else none', () => {
    const pipe = (id: number, iid: number, sha: string, status: string) => ({ id, sha, ref: `refs/merge-requests/${iid}/head`, status, created_at: '2026-11-01T10:00:00Z' });
    const headOf = headPipelineIn([pipe(1, 5, 'aaa', 'failed'), pipe(3, 5, 'aaa', 'success'), pipe(2, 5, 'aaa', 'running'), pipe(4, 5, 'old', 'failed'),
      { id: 9, sha: 'bbb', ref: 'main', status: 'success', created_at: '2026-11-01T10:00:00Z' }]);
    expect(headOf({ iid: 5, sha: 'aaa', target_branch: 'main' })?.id).toBe(3);
    expect(headOf({ iid: 5, sha: 'new', target_branch: 'main' })).toBeUndefined(); // its head commit ran no merge request pipeline here
    expect(headOf({ iid: 6, sha: 'bbb', target_branch: 'main' })).toBeUndefined(); // a branch pipeline is not taken
    expect(headOf({ iid: 5, target_branch: 'main' })).toBeUndefined();
  });

  it('measures without HTTP: a failed read fails exactly the signals that need it', () => {
    const project = { id: 1, path_with_namespace: 'g/p', default_branch: 'main', only_allow_merge_if_pipeline_succeeds: true };
    const empty = readOk([], ['ev-2']);
    const scan: ProjectScan = {
      project, path: 'g/p',
      deployments: readOk({ environments: [], deploys: [], gitlabStatus: new Map() }, ['ev-3']),
      branch: readOk({ pushProtected: false, rules: [] }, ['ev-4']),
      merges: readOk([{ iid: 1, target_branch: 'main', merged_at: '2026-11-02T00:00:00Z', author: { id: 1 } }], ['ev-5']),
      checked: readOk(new Map([[1, true]]), ['ev-6']),
      reviewed: readFailed(new Error('boom'), ['ev-7']),
      pipelines: empty,
      repo: readOk({ kinds: [], where: {}, gitops: [], truncated: false }, ['ev-8']),
      releases: readOk({ count: 2, from: 'releases' as const }, ['ev-9']),
    };
    const m = measureGitlab({ scans: [scan], listed: { projects: [project], evidence: ['ev-1'], detail: '1 projects' }, window: { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-11-15T00:00:00Z') }, productionPatterns: ['^prod$'] });
    expect(m['gitlab.ci.pr_checked_ratio']).toMatchObject({ status: 'value', value: 1, evidence: ['ev-1', 'ev-5', 'ev-6'] });
    expect(m['gitlab.review.merged_reviewed_ratio']).toMatchObject({ status: 'failed', reason: 'boom' });
    expect(m['gitlab.deployments.count']).toMatchObject({ status: 'not_available', reason: expect.stringContaining('no project has an environment matching production_environments (^prod$)') });
    expect(m['gitlab.releases.per_week']).toMatchObject({ status: 'value', value: 1 });
    expect(m['gitlab.ci.success_ratio']).toMatchObject({ status: 'not_available' });
  });
});

describe('gitlab collector: translation into delivery records', () => {
  it('maps GitLab\'s deployment statuses: success and failed finish, running runs, the rest never ran', () => {
    expect(['success', 'failed', 'running', 'created', 'blocked', 'skipped', 'canceled'].map(deploymentStatus))
      .toEqual(['success', 'failure', 'running', 'not_run', 'not_run', 'not_run', 'not_run']);
  });

  it('translates a deployment: project as application, a CI job as automation, finished_at (else updated_at) when it finished', () => {
    const base = { id: 3, sha: 'abc', status: 'success', created_at: '2026-11-02T00:00:00Z', updated_at: '2026-11-02T00:20:00Z', finished_at: '2026-11-02T00:10:00Z', environment: { name: 'production' }, deployable: { id: 9 } };
    expect(deploymentRecord('g/p', base)).toEqual({ app: 'g/p', environment: 'production', id: 3, sha: 'abc', createdAt: Date.parse('2026-11-02T00:00:00Z'), finishedAt: Date.parse('2026-11-02T00:10:00Z'), status: 'success', automated: true });
    expect(deploymentRecord('g/p', { ...base, finished_at: null }).finishedAt).toBe(Date.parse('2026-11-02T00:20:00Z'));
    expect(deploymentRecord('g/p', { ...base, status: 'running', deployable: null })).toMatchObject({ status: 'running', finishedAt: undefined, automated: false });
  });

  it('matches wildcard protected branches and approval rules scoped to branches', () => {
    expect(branchMatches('main', 'main')).toBe(true);
    expect(branchMatches('release/*', 'release/1.x')).toBe(true);
    expect(branchMatches('*-stable', 'main')).toBe(false);
    expect(approvalsRequired([{ name: 'r', approvals_required: 2, protected_branches: [{ name: 'release/*' }] }], 'main', 0).required).toBe(false);
    expect(approvalsRequired([{ name: 'r', approvals_required: 2, protected_branches: [{ name: 'main' }] }], 'main', 0).required).toBe(true);
    expect(approvalsRequired([{ name: 'r', approvals_required: 0, protected_branches: [] }], 'main', 1)).toEqual({ required: true, why: 'approvals_before_merge 1' });
  });
});

describe('pagination and repository files', () => {
  it('takes the next page from Link (offset or keyset) or x-next-page, and stops on the last', () => {
    const keyset = { link: `<${BASE}/api/v4/projects?id_before=42&imported=false&order_by=id&pagination=keyset&per_page=100&sort=desc>; rel="next"` };
    expect(nextQuery(keyset, { per_page: 100 })).toEqual({ id_before: '42', imported: 'false', order_by: 'id', pagination: 'keyset', per_page: '100', sort: 'desc' });
    expect(nextQuery({ 'x-next-page': '3', 'x-page': '2' }, { per_page: 100, page: 2 })).toEqual({ per_page: 100, page: 3 });
    expect(nextQuery({ 'x-next-page': '', link: `<${BASE}/x?page=1>; rel="first", <${BASE}/x?page=1>; rel="prev"` }, {})).toBeUndefined();
  });

});

describe('gitlab collector: the fake GitLab API', () => {
  it('generates the same group for the same seed, and about 200 deployments over 90 days at factor 1', () => {
    const now = new Date(NOW);
    const a = generateGroup(1, now, 7);
    expect(generateGroup(1, now, 7)).toEqual(a);
    expect(a.projects.length).toBeGreaterThanOrEqual(8);
    const deployments = a.projects.flatMap((p) => p.deployments);
    expect(deployments.length).toBeGreaterThan(150);
    expect(deployments.length).toBeLessThan(260);
  });

  it('lists issues as GitLab\'s issues API does: filtered by type, state and time, ordered, paged, 400 on a bad value, 404 with issues turned off', async () => {
    const now = new Date(NOW);
    const group = generateGroup(1, now, 7);
    const server = await serveLoopback(gitlabApiHandler(group));
    const get = async (path: string) => {
      const res = await fetch(`${server.url}/api/v4${path}`, { headers: { 'PRIVATE-TOKEN': 'fake-token-123' } });
      return { status: res.status, headers: res.headers, body: await res.json() as Record<string, unknown>[] & Record<string, unknown> };
    };
    try {
      const start = new Date(now.getTime() - 30 * 86_400_000).toISOString();
      const withIncidents = group.projects.find((p) => !p.project.archived && p.issues.some((i) => i.issue_type === 'incident' && String(i.created_at) >= start))!;
      const id = withIncidents.project.id;
      const all = await get(`/projects/${id}/issues?per_page=100`);
      expect(all.status).toBe(200);
      // plain issues and incidents share the project's iids; the default is all states, newest first
      expect(new Set(all.body.map((i) => i.issue_type))).toEqual(new Set(['issue', 'incident']));
      expect(all.body.map((i) => Date.parse(String(i.created_at)))).toEqual([...all.body.map((i) => Date.parse(String(i.created_at)))].sort((a, b) => b - a));
      const incidents = await get(`/projects/${id}/issues?issue_type=incident&created_after=${start}&order_by=created_at&sort=asc&per_page=100`);
      expect(incidents.body.length).toBeGreaterThan(0);
      expect(incidents.body.every((i) => i.issue_type === 'incident' && i.type === 'INCIDENT' && Date.parse(String(i.created_at)) >= Date.parse(start))).toBe(true);
      expect(incidents.body.map((i) => i.iid)).toEqual([...incidents.body.map((i) => Number(i.iid))].sort((a, b) => a - b));
      expect(incidents.body[0]).toMatchObject({ project_id: id, severity: expect.stringMatching(/^(UNKNOWN|LOW|MEDIUM|HIGH|CRITICAL)$/), web_url: expect.stringContaining('/-/issues/incident/') });
      const closed = await get(`/projects/${id}/issues?state=closed&per_page=100`);
      expect(closed.body.every((i) => i.state === 'closed' && i.closed_at !== null)).toBe(true);
      const opened = await get(`/projects/${id}/issues?state=opened&per_page=100`);
      expect(opened.body.length + closed.body.length).toBe(all.body.length);
      const firstPage = await get(`/projects/${id}/issues?per_page=5`);
      expect(firstPage.body.length).toBe(5);
      expect(firstPage.headers.get('x-total')).toBe(String(all.body.length));
      expect(firstPage.headers.get('link')).toContain('rel="next"');
      expect((await get(`/projects/${id}/issues?issue_type=bug`))).toMatchObject({ status: 400, body: { error: 'issue_type does not have a valid value' } });
      expect((await get(`/projects/${id}/issues?created_after=yesterday`))).toMatchObject({ status: 400, body: { error: 'created_after is invalid' } });
      const off = group.projects.find((p) => p.project.issues_access_level === 'disabled')!;
      expect(off.project.issues_enabled).toBe(false);
      expect((await get(`/projects/${off.project.id}/issues?issue_type=incident`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('a scan of it observes every signal', async () => {
    const now = new Date(NOW);
    const server = await serveLoopback(gitlabApiHandler(generateGroup(1, now, 7)), { posts: GITLAB_POSTS });
    try {
      const window: Window = { start: new Date(now.getTime() - 30 * 86400_000), end: now, seconds: 30 * 86400 };
      const inst: InstanceConfig = {
        collector: 'gitlab', name: 'fake', config: gitlabConfigSchema.parse({ url: server.url, token: 'fake-token-123', group: 'shop' }), http: { retries: 0, budget: 3000 },
      };
      const r = await scan(inst, window, NOW);
      const missing = GITLAB_SIGNAL_IDS.filter((id) => r.get(id).status !== 'observed').map((id) => `${id}: ${r.get(id).status} ${r.get(id).reason}`);
      expect(missing).toEqual([]);
      expect(r.runs[0].status).toBe('ok');
      expect(r.value('gitlab.deployments.count')).toBeGreaterThan(30);
      expect(r.value('gitlab.repos.count')).toBeGreaterThanOrEqual(7);
      expect(server.requests).toBe(r.runs[0].requests);
      // design-system's tree is over 3,000 entries: read in part, then the folders GitLab looks in
      // for CODEOWNERS are listed (the root, then docs/, which the root shows) and the one found is read
      expect(r.detail('gitlab.iac.repos')).toContain('trees read in part (over 3,000 entries): shop/design-system');
      const ds = r.evidence.records.filter((e) => e.url.includes('/projects/1006/repository/') && !new URL(e.url).searchParams.has('recursive'));
      expect(ds.map((e) => [new URL(e.url).pathname.replace(/^.*\/repository\//, ''), new URL(e.url).searchParams.get('path'), e.status])).toEqual([
        ['tree', null, 200], ['tree', 'docs', 200], ['files/docs%2FCODEOWNERS/raw', null, 200],
      ]);
      expect(r.evidence.records.filter((e) => e.status === 404)).toEqual([]); // nothing asked for that is not there
      // Incident issues: every project with issues on is asked (200); design-system has them turned off and is not asked.
      const asked = r.evidence.records.filter((e) => e.url.includes('/issues?')).map((e) => [new URL(e.url).pathname, e.status]);
      expect(asked.length).toBe(Number(r.value('gitlab.repos.count')) - 1);
      expect(asked.every(([, status]) => status === 200)).toBe(true);
      expect(asked.map(([path]) => path)).not.toContain('/api/v4/projects/1006/issues');
      // The 18 incident signals the REST API can show, but a grade's durations where the window holds no incident of that grade.
      const unobserved = GITLAB_INCIDENT_SIGNALS.map((d) => d.id).filter((id) => r.get(id).status !== 'observed');
      const noneOf = (id: string) => /^gitlab\.incidents\.(critical|high|low)\.resolve_/.exec(id)?.[1];
      const readable = unobserved.filter((id) => !/(ack|first_action)_|review|reopened|services\.|escalation\.|oncall\./.test(id));
      expect(readable.filter((id) => !noneOf(id) || r.value(`gitlab.incidents.${noneOf(id)}_count`) !== 0)).toEqual([]);
      expect(GITLAB_INCIDENT_SIGNALS.length - unobserved.length + readable.length).toBe(18);
      expect(r.value('gitlab.incidents.count')).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('keeps within the core\'s concurrency cap, and a repeated scan is answered 304 from the core\'s cache with the same values', async () => {
    const now = new Date(NOW);
    const handler = withEtags(gitlabApiHandler(generateGroup(1, now, 7)));
    let active = 0;
    let most = 0;
    // Each answer a few milliseconds late, so requests overlap at the server as they would on a real one.
    const server = await serveLoopback((req, res) => {
      active++;
      most = Math.max(most, active);
      res.on('close', () => active--);
      setTimeout(() => handler(req, res), 3);
    }, { posts: GITLAB_POSTS });
    try {
      const window: Window = { start: new Date(now.getTime() - 30 * 86400_000), end: now, seconds: 30 * 86400 };
      const inst: InstanceConfig = {
        collector: 'gitlab', name: 'fake', config: gitlabConfigSchema.parse({ url: server.url, token: 'fake-token-123', group: 'shop' }),
        http: { retries: 0, budget: 3000, maxConcurrency: 3, cacheDir: mkdtempSync(join(tmpdir(), 'techops-gitlab-cache-')) },
      };
      const first = await scan(inst, window, NOW);
      expect(first.runs[0].status).toBe('ok');
      expect(most).toBeLessThanOrEqual(3);
      expect(most).toBeGreaterThan(1);
      const second = await scan(inst, window, NOW);
      // GraphQL queries (POST) are never conditional: asked again, answered 200
      const gets = (r: typeof first) => r.evidence.records.filter((e) => e.method === 'GET');
      const statuses = gets(second).map((e) => e.status);
      const revalidated = statuses.filter((s) => s === 304).length;
      // every GET answered 200 in the first scan is a 304 now, and there is no other (a 404 has no validator, and none is asked for)
      expect(revalidated).toBe(gets(first).filter((e) => e.status === 200).length);
      expect(statuses.filter((s) => s !== 304)).toEqual([]);
      expect(second.evidence.records.filter((e) => e.method === 'POST').map((e) => e.status)).toEqual(first.evidence.records.filter((e) => e.method === 'POST').map(() => 200));
      const values = (r: typeof first) => [...r.signals.values()].map((x) => [x.id, x.status, x.value]);
      expect(values(second)).toEqual(values(first));
    } finally {
      await server.close();
    }
  });
});

/*
 * GitLab's rate limit headers as GitLab documents them ("User and IP rate limits", "GitLab.com rate
 * limits"): the quota of each minute, the requests counted in it, those left, and when it resets,
 * in Unix seconds and as an HTTP date. GitLab.com sends them on ordinary answers; most
 * self-managed instances send none (the fixtures above).
 */
function rateLimited(limit: number, remaining: number, resetSeconds: number): Record<string, string> {
  return {
    'RateLimit-Limit': String(limit), 'RateLimit-Observed': String(limit - remaining), 'RateLimit-Remaining': String(remaining),
    'RateLimit-Reset': String(resetSeconds), 'RateLimit-ResetTime': new Date(resetSeconds * 1000).toUTCString(),
  };
}
/** Unix seconds `s` seconds from now, rounded up. */
const secondsAhead = (s: number) => Math.ceil(Date.now() / 1000) + s;
const DEADLINE_MS = 60_000;

describe('gitlab collector: the rate limit as a budget', () => {
  const scanWithin = (inst: InstanceConfig = instance()) => scanCollector<GitlabSignalId>({
    collector: gitlabCollector, instances: [inst], window: WINDOW, now: NOW, collectorDeadlineMs: DEADLINE_MS, scanDeadlineMs: DEADLINE_MS + 30_000,
  });
  const notes = (r: Awaited<ReturnType<typeof scanWithin>>) => GITLAB_SIGNAL_IDS.flatMap((id) => r.get(id).instances.flatMap((i) => i.notes ?? []));

  it('scans every project, saying nothing, when the minute\'s quota and those until the deadline pay for the scan', async () => {
    // 20 requests left this minute (one project's worth), then 2,000 a minute until the deadline.
    const scope = serve({ projects: { headers: rateLimited(2000, 20, secondsAhead(2)) } });
    const r = await scanWithin();
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.runs[0]).toMatchObject({ status: 'ok', requests: REQUESTS });
    expect(r.detail('gitlab.repos.count')).toBe('2 projects; not scanned: 1 archived');
    expect(notes(r)).toEqual([]);
    expect(r.publications.find((p) => p.kind === 'deployments')).toMatchObject({ status: 'published' });
  });

  it('scans only the most recently active projects the quota pays for before the deadline, and notes the sample on every value', async () => {
    // 20 requests left in a window that resets after the deadline: one project's worth (18 each).
    const reset = secondsAhead(DEADLINE_MS / 1000 + 60);
    const docs = Object.keys(ROUTES).filter((k) => k.startsWith('docs.'));
    const scope = serve({ projects: { headers: rateLimited(2000, 20, reset) }, ...Object.fromEntries(docs.map((k) => [k, null])) });
    const r = await scanWithin();
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.evidence.records.filter((e) => e.url.includes('/projects/102/'))).toEqual([]);
    expect(r.value('gitlab.repos.count')).toBe(1);
    const sampled = `1 of 2 projects, by recent activity (20 of 2000 requests a minute left until ${new Date(reset * 1000).toISOString()}, 20 in all before the collector's deadline`;
    expect(r.detail('gitlab.repos.count')).toContain(`1 projects; not scanned: 1 archived, 1 the rate limit does not pay for (sampled: ${sampled}`);
    // shop-api was active last (2026-11-24), docs-site before (2026-11-20): shop-api's figures alone
    expect(r.value('gitlab.deployments.count')).toBe(9);
    expect(r.get('gitlab.releases.per_week').instances[0].notes).toEqual([expect.stringContaining(`sampled: ${sampled}`)]);
    const observed = GITLAB_SIGNAL_IDS.filter((id) => r.get(id).status === 'observed');
    expect(observed.length).toBeGreaterThan(20);
    for (const id of observed) expect(r.get(id).instances[0].notes, id).toEqual([expect.stringMatching(/^sampled: 1 of 2 projects, by recent activity/)]);
    // cross signals join whole readings only
    expect(r.publications.find((p) => p.kind === 'deployments')).toMatchObject({ status: 'missing' });
  });

  it('waits for the reset when the window is spent and the reset is within http.max_retry_after, then reads everything', async () => {
    const reset = secondsAhead(2);
    const scope = serve({ projects: { headers: rateLimited(2000, 0, reset) } });
    const r = await scanWithin();
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.runs[0]).toMatchObject({ status: 'ok', requests: REQUESTS });
    const after = r.evidence.records.filter((e) => !e.url.includes('/groups/'));
    expect(after).toHaveLength(REQUESTS - 1);
    // no request after the listing left before the window reset (the GraphQL queries do not go through the paced client, but follow REST reads)
    for (const e of after) expect(Date.parse(e.started_at), e.url).toBeGreaterThanOrEqual(reset * 1000);
    expect(r.value('gitlab.deployments.count')).toBe(9);
    expect(notes(r)).toEqual([]);
  });

  it('stops with one message naming the instance and the reset time when the reset is beyond http.max_retry_after', async () => {
    const reset = secondsAhead(5);
    const scope = serve({ ...Object.fromEntries(Object.keys(ROUTES).map((k) => [k, null])), projects: { headers: rateLimited(2000, 0, reset) } });
    const r = await scanWithin(instance({}, { retries: 0, maxRetryAfterMs: 1000 }));
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.evidence.records).toHaveLength(1);
    expect(r.runs[0]).toMatchObject({ status: 'failed' });
    const message = `rate limit of gitlab/main spent: 0 of 2000 requests left until ${new Date(reset * 1000).toISOString()} (RateLimit-Reset); waiting`;
    expect(r.runs[0].error).toContain(message);
    expect(r.runs[0].error).toMatch(/beyond http\.max_retry_after \(1 s\), so GET https:\/\/gitlab\.example\.com\/api\/v4\/projects\/10[12]\/\S+ was not sent$/);
    for (const id of GITLAB_SIGNAL_IDS) expect(r.get(id)).toMatchObject({ status: 'failed', reason: expect.stringContaining(message) });
  });

  it('counts the requests left in this minute, then the per-minute limit from the reset to the deadline', () => {
    const now = Date.parse('2026-11-30T07:00:00Z');
    const deadline = new Date(now + 30_000);
    expect(affordableProjects({ limit: 2000, remaining: 20, resetAt: now + 60_000 }, deadline, now)?.fit).toBe(1); // 20 requests
    expect(affordableProjects({ limit: 2000, remaining: 20, resetAt: now + 10_000 }, deadline, now)?.fit).toBe(Math.floor((20 + 2000 * 20 / 60) / GITLAB_REQUESTS_PER_PROJECT));
    // an answer from a window that has reset since: a whole minute's quota, then the rest until the deadline
    expect(affordableProjects({ limit: 2000, remaining: 0, resetAt: now - 1000 }, deadline, now)?.fit).toBe(Math.floor(3000 / GITLAB_REQUESTS_PER_PROJECT));
    // without a deadline, waiting for resets pays for any scan
    expect(affordableProjects({ limit: 2000, remaining: 0, resetAt: now + 60_000 }, undefined, now)).toBeUndefined();
  });

  it('without RateLimit headers (most self-managed GitLabs) scans every project and notes nothing', async () => {
    const scope = serve();
    const r = await scanWithin();
    expect(scope.pendingMocks()).toEqual([]);
    expect(r.evidence.records.some((e) => e.url.includes('/projects/102/'))).toBe(true);
    expect(r.value('gitlab.repos.count')).toBe(2);
    expect(r.detail('gitlab.repos.count')).toBe('2 projects; not scanned: 1 archived');
    expect(notes(r)).toEqual([]);
    expect(r.publications.find((p) => p.kind === 'deployments')).toMatchObject({ status: 'published' });
  });
});
