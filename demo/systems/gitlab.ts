import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pick, seeded } from '../random.js';

/**
 * A generated GitLab group and the subset of the REST API v4 the gitlab collector reads, for the
 * demo, the benchmark and tests (serve `gitlabApiHandler(group)` on a loopback node:http server).
 * Entities carry the fields GitLab returns that matter here (and a few more); lists are paged
 * with per_page/page and GitLab's headers (x-page, x-per-page, x-next-page, x-prev-page,
 * x-total, x-total-pages, Link). Factor 1 ≈ 8 projects and ~200 deployments over 90 days.
 * Issues: every project with issues on has a few plain issues; some services also record their
 * incidents as incident issues (issue_type incident, with a severity), a few a month; the
 * design-system team tracks its work elsewhere, so its projects have issues turned off.
 */

type Json = Record<string, unknown>;

export interface FakeMergeRequest {
  iid: number;
  author: Json;
  target_branch: string;
  sha: string;
  created_at: string;
  merged_at: string;
  updated_at: string;
  head_pipeline_status: string | null;
  approved_by: Json[];
}

export interface FakeProject {
  project: Json;
  environments: Json[];
  deployments: Json[];
  protectedEnvironments: Json[];
  protectedBranches: Json[];
  approvalRules: Json[];
  mergeRequests: FakeMergeRequest[];
  pipelines: Json[];
  tree: { path: string; type: 'blob' | 'tree' }[];
  files: Record<string, string>;
  releases: Json[];
  tags: Json[];
  /** Plain and incident issues (API::Entities::Issue), oldest first; empty where issues are turned off. */
  issues: Json[];
}

export interface FakeGroup {
  group: { id: number; full_path: string; name: string };
  projects: FakeProject[];
}

const NAMES = ['checkout', 'catalog', 'payments', 'search', 'accounts', 'docs', 'design-system', 'legacy-cart'];
const DAY = 86_400_000;
const HOUR = 3_600_000;
const HOST = 'https://gitlab.shop.example.invalid';

const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((u, i) => ({
  id: 10 + i, username: u, name: u[0].toUpperCase() + u.slice(1), state: 'active', locked: false,
  avatar_url: `https://secure.gravatar.com/avatar/${i}?s=80&d=identicon`, web_url: `${HOST}/${u}`,
}));
const deployBot = { id: 99, username: 'deploy-bot', name: 'Deploy Bot', state: 'active', locked: false, avatar_url: null, web_url: `${HOST}/deploy-bot` };
/** The user GitLab opens incidents from alerts as, and closes them as when the alert resolves. */
const alertBot = { id: 2, username: 'alert-bot', name: 'GitLab Alert Bot', state: 'active', locked: false, avatar_url: null, web_url: `${HOST}/alert-bot` };

const sha = (seed: string) => createHash('sha1').update(seed).digest('hex');
const iso = (t: number) => new Date(t).toISOString();

/** A deterministic group: the same factor, time and seed give the same data. */
export function generateGroup(factor: number, now: Date, seed = 1): FakeGroup {
  const rand = seeded(seed);
  // Issues draw from a stream of their own, so adding them moved none of the other figures.
  const issueRand = seeded(seed + 0x1556e5);
  const end = now.getTime();
  const start = end - 90 * DAY;
  const count = Math.max(1, Math.round(NAMES.length * factor));
  const projects: FakeProject[] = [];
  for (let i = 0; i < count; i++) {
    const name = NAMES[i % NAMES.length] + (i >= NAMES.length ? `-${Math.floor(i / NAMES.length) + 1}` : '');
    const id = 1000 + i;
    const service = !/^(docs|design-system)/.test(name);
    const archived = name.startsWith('legacy-');
    const path = `shop/${name}`;
    const issuesOn = !name.startsWith('design-system');
    const p: FakeProject = {
      project: projectEntity(id, name, path, archived, rand() < 0.7, iso(end - Math.floor(rand() * 3 * DAY)), issuesOn),
      environments: [], deployments: [], protectedEnvironments: [], protectedBranches: [], approvalRules: [], mergeRequests: [],
      pipelines: [], tree: [], files: {}, releases: [], tags: [], issues: [],
    };
    if (issuesOn) p.issues = generateIssues(issueRand, { id, name, path, service }, start, end);
    // ---- environments and deployments ----
    if (service && !archived) {
      p.environments = [env(1, 'production', 'production'), env(2, 'staging', 'staging'), env(3, `review/feature-${i}`, 'development')];
      let n = 0;
      const deployed: string[] = [];
      const addDeployment = (envName: string, envId: number, at: number, status: string, commit: string, automated = true) => {
        n++;
        const finished = status === 'running' || status === 'created' ? undefined : at + (5 + Math.floor(rand() * 20)) * 60_000;
        p.deployments.push({
          id: id * 1000 + n, iid: n, ref: 'main', sha: commit, created_at: iso(at), updated_at: iso(finished ?? at), finished_at: finished ? iso(finished) : null,
          status, user: automated ? deployBot : pick(rand, users),
          environment: { id: envId, name: envName, slug: envName, external_url: `https://${name}.shop.example.invalid`, tier: envName, state: 'available' },
          deployable: automated ? { id: id * 100_000 + n, status, stage: 'deploy', name: `deploy:${envName}`, ref: 'main', tag: false, created_at: iso(at), finished_at: finished ? iso(finished) : null } : null,
        });
      };
      for (let day = start; day < end - DAY; day += DAY) {
        const dow = new Date(day).getUTCDay();
        if (dow === 0 || dow === 6 || rand() > 0.3) continue;
        const at = day + (9 + Math.floor(rand() * 8)) * HOUR;
        const commit = sha(`${path}-${day}`);
        addDeployment('staging', 2, at - 2 * HOUR, 'success', commit);
        const roll = rand();
        if (roll < 0.08) {
          addDeployment('production', 1, at, 'failed', commit);
          const fix = sha(`${path}-${day}-fix`);
          addDeployment('production', 1, at + (1 + Math.floor(rand() * 5)) * HOUR, 'success', fix);
          deployed.push(fix);
        } else if (roll < 0.12) {
          addDeployment('production', 1, at, 'canceled', commit);
        } else {
          addDeployment('production', 1, at, 'success', commit, rand() > 0.05);
          deployed.push(commit);
          if (roll > 0.96 && deployed.length > 2) {
            // A rollback to the version before, a few hours later.
            const previous = deployed[deployed.length - 2];
            addDeployment('production', 1, at + 3 * HOUR, 'success', previous);
            deployed.push(previous);
          }
        }
      }
      addDeployment('production', 1, end - (2 + 7 * i) * HOUR, 'running', sha(`${path}-now`));
      p.protectedEnvironments = [{
        name: 'production',
        deploy_access_levels: [{ id: id + 1, access_level: 40, access_level_description: 'Maintainers', user_id: null, group_id: null, group_inheritance_type: 0 }],
        required_approval_count: 0,
        approval_rules: i % 3 === 0 ? [] : [{ id: id + 2, user_id: null, group_id: 77, access_level: null, access_level_description: 'release-managers', required_approvals: 1, group_inheritance_type: 0 }],
      }];
    } else if (!archived) {
      p.environments = [env(4, `review/docs-${i}`, 'development')];
    }
    // ---- branch protection ----
    const pushLevel = i % 4 === 3 ? 40 : 0;
    p.protectedBranches = [{
      id: id + 10, name: 'main', allow_force_push: false, code_owner_approval_required: false, inherited: false,
      push_access_levels: [{ id: id + 11, access_level: pushLevel, access_level_description: pushLevel ? 'Maintainers' : 'No one', user_id: null, group_id: null, deploy_key_id: null }],
      merge_access_levels: [{ id: id + 12, access_level: 30, access_level_description: 'Developers + Maintainers', user_id: null, group_id: null }],
      unprotect_access_levels: [],
    }];
    p.approvalRules = [{
      id: id + 20, name: 'All Members', rule_type: 'any_approver', report_type: null, eligible_approvers: [], approvals_required: i % 5 === 4 ? 0 : 1,
      users: [], groups: [], contains_hidden_groups: false, protected_branches: [], applies_to_all_protected_branches: false,
    }];
    // ---- merge requests and their pipelines ----
    let iid = 0;
    for (let day = start; day < end; day += DAY) {
      if (archived || rand() > 0.6) continue;
      iid++;
      const created = day + Math.floor(rand() * 6) * HOUR;
      const merged = created + (2 + Math.floor(rand() * 30)) * HOUR;
      if (merged > end) continue;
      const author = pick(rand, users);
      const reviewers = users.filter((u) => u.id !== author.id);
      const approved = rand() < 0.85 ? [pick(rand, reviewers)] : rand() < 0.5 ? [author] : [];
      const status = rand() < 0.82 ? 'success' : pick(rand, ['failed', 'running', 'canceled']);
      const head = sha(`${path}-mr-${iid}`);
      p.mergeRequests.push({
        iid, author, target_branch: rand() < 0.95 ? 'main' : 'release/1.x', sha: head, created_at: iso(created), merged_at: iso(merged),
        updated_at: iso(merged + Math.floor(rand() * 2) * HOUR), head_pipeline_status: rand() < 0.05 ? null : status, approved_by: approved,
      });
      // A merge request without a head pipeline: its last commit ran none, the pipelines are an earlier commit's.
      const ran = p.mergeRequests[p.mergeRequests.length - 1].head_pipeline_status === null ? sha(`${path}-mr-${iid}-earlier`) : head;
      for (const [k, s] of [[0, rand() < 0.3 ? 'failed' : 'success'], [1, status]] as const) {
        if (k === 0 && rand() < 0.5) continue;
        const at = created + k * HOUR;
        p.pipelines.push({
          id: id * 10_000 + iid * 10 + k, iid: iid * 10 + k, project_id: id, sha: ran, ref: `refs/merge-requests/${iid}/head`, status: s,
          source: 'merge_request_event', created_at: iso(at), updated_at: iso(at + 10 * 60_000), web_url: `${HOST}/${path}/-/pipelines/${id * 10_000 + iid * 10 + k}`, name: null,
        });
      }
    }
    // ---- repository ----
    const files: Record<string, string> = { 'README.md': `# ${name}\n`, '.gitlab-ci.yml': 'stages: [test, deploy]\n' };
    for (let f = 0; f < 60 + Math.floor(rand() * 80); f++) files[`src/${name}/module${f}.ts`] = `export const m${f} = ${f};\n`;
    if (service) {
      files.Dockerfile = 'FROM node:20\n';
      if (i % 2 === 0) {
        files[`charts/${name}/Chart.yaml`] = `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`;
        files[`charts/${name}/templates/deployment.yaml`] = 'apiVersion: apps/v1\nkind: Deployment\n';
      } else {
        files['deploy/k8s/deployment.yaml'] = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n`;
      }
      if (i === 0) files['argocd/application.yaml'] = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\nspec:\n  project: default\n`;
      if (i === 2) files['infra/main.tf'] = 'resource "aws_s3_bucket" "b" {}\n';
    }
    if (name.startsWith('design-system')) {
      // A large repository: the collector reads 3,000 tree entries, then asks for CODEOWNERS by name.
      for (let f = 0; f < 3100; f++) files[`assets/icons/icon-${String(f).padStart(4, '0')}.svg`] = '<svg/>\n';
      files['docs/CODEOWNERS'] = '* @shop/design\n';
    } else if (i % 3 !== 2) files[i % 2 ? '.gitlab/CODEOWNERS' : 'CODEOWNERS'] = '* @shop/maintainers\n';
    p.files = files;
    const dirs = new Set<string>();
    for (const f of Object.keys(files)) {
      const parts = f.split('/');
      for (let k = 1; k < parts.length; k++) dirs.add(parts.slice(0, k).join('/'));
    }
    p.tree = [...[...dirs].map((path) => ({ path, type: 'tree' as const })), ...Object.keys(files).map((path) => ({ path, type: 'blob' as const }))]
      .sort((a, b) => a.path.localeCompare(b.path));
    // ---- releases (libraries and docs) and tags (services) ----
    for (let t = start + 3 * DAY, k = 1; t < end; t += (service ? 9 : 6) * DAY, k++) {
      const tag = `v1.${k}.0`;
      const created = iso(t + Math.floor(rand() * 8) * HOUR);
      const commit = { id: sha(`${path}-${tag}`), short_id: sha(`${path}-${tag}`).slice(0, 8), created_at: created, committed_date: created, title: `Release ${tag}` };
      p.tags.unshift({ name: tag, message: `Release ${tag}`, target: commit.id, commit, release: null, protected: true, created_at: created });
      if (!service) p.releases.unshift({ name: `Release ${tag}`, tag_name: tag, description: '', created_at: created, released_at: created, upcoming_release: false, author: pick(rand, users), commit, assets: { count: 4 } });
    }
    projects.push(p);
  }
  return { group: { id: 7, full_path: 'shop', name: 'Shop' }, projects };
}

function projectEntity(id: number, name: string, path: string, archived: boolean, onlyIfPipeline: boolean, lastActivity: string, issuesOn: boolean): Json {
  return {
    id, name, path: name, path_with_namespace: path, name_with_namespace: `Shop / ${name}`, description: '', default_branch: 'main',
    created_at: '2024-01-10T09:00:00.000Z', last_activity_at: lastActivity, archived, empty_repo: false, visibility: 'private',
    web_url: `${HOST}/${path}`, http_url_to_repo: `${HOST}/${path}.git`, ssh_url_to_repo: `git@gitlab.shop.example.invalid:${path}.git`,
    namespace: { id: 7, name: 'Shop', path: 'shop', kind: 'group', full_path: 'shop', parent_id: null },
    issues_enabled: issuesOn, issues_access_level: issuesOn ? 'enabled' : 'disabled',
    merge_requests_access_level: 'enabled', repository_access_level: 'enabled', builds_access_level: 'enabled', environments_access_level: 'enabled',
    only_allow_merge_if_pipeline_succeeds: onlyIfPipeline, only_allow_merge_if_all_discussions_are_resolved: false, merge_method: 'merge',
    approvals_before_merge: 0, forks_count: 0, star_count: 0,
  };
}

/** A plain issue or an incident before it is rendered as GitLab's issue entity. */
interface IssueEvent {
  incident: boolean;
  title: string;
  created: number;
  closed?: number;
  author: Json;
  closedBy?: Json;
  severity: string;
  labels: string[];
  assignee?: Json;
}

const ALERTS = ['HighErrorRate', 'EndpointDown', 'LatencyAnomaly', 'DiskWillFillIn4h', 'PostgresReplicationLag'];
const SEVERITY_LABEL: Record<string, string> = { CRITICAL: 'severity::1', HIGH: 'severity::2', MEDIUM: 'severity::3', LOW: 'severity::4' };

/**
 * A project's issues over the 90 days: a plain issue every week or so, and for the services whose
 * team records incidents in GitLab (about half) an incident every two weeks or so. An incident
 * GitLab opened from an alert carries the alert's severity and is authored by the Alert Bot,
 * which closes about half of them itself when the alert resolves; a person opens the others
 * (often without setting a severity) and closes them when done, or forgets to.
 */
function generateIssues(rand: () => number, p: { id: number; name: string; path: string; service: boolean }, start: number, end: number): Json[] {
  const events: IssueEvent[] = [];
  const recordsIncidents = p.service && rand() < 0.5;
  for (let day = start; day < end; day += DAY) {
    if (rand() < 0.15) {
      const created = day + Math.floor(rand() * 10 * HOUR) + 8 * HOUR;
      const done = created + (1 + Math.floor(rand() * 10)) * DAY + Math.floor(rand() * 8) * HOUR;
      const closed = rand() < 0.6 && done < end ? done : undefined;
      const author = pick(rand, users);
      const kind = pick(rand, ['bug', 'feature', 'tech-debt', 'documentation']);
      if (created < end) events.push({
        incident: false, title: `${kind === 'bug' ? 'Fix' : 'Improve'} ${p.name} ${pick(rand, ['pagination', 'error messages', 'caching', 'logging', 'retries'])}`,
        created, closed, author, closedBy: closed ? pick(rand, users) : undefined, severity: 'UNKNOWN', labels: [kind], assignee: rand() < 0.7 ? pick(rand, users) : undefined,
      });
    }
    if (!recordsIncidents || rand() > 0.07) continue;
    const created = day + Math.floor(rand() * DAY);
    const fromAlert = rand() < 0.55;
    const severity = fromAlert ? pick(rand, ['CRITICAL', 'HIGH', 'HIGH', 'MEDIUM', 'MEDIUM', 'LOW']) : pick(rand, ['UNKNOWN', 'UNKNOWN', 'MEDIUM', 'HIGH', 'CRITICAL', 'LOW']);
    const byBot = fromAlert && rand() < 0.5;
    const responder = pick(rand, users);
    // Minutes when the alert clears by itself; otherwise half an hour to two days, most of them short.
    const took = byBot ? (5 + Math.floor(rand() * 85)) * 60_000 : Math.round((0.5 + rand() * rand() * 47.5) * HOUR);
    const forgotten = !byBot && rand() < 0.08;
    const closed = !forgotten && created + took < end ? created + took : undefined;
    const labels = fromAlert ? ['incident'] : [...(SEVERITY_LABEL[severity] ? [SEVERITY_LABEL[severity]] : []), ...(rand() < 0.3 ? ['customer-impact'] : [])];
    if (created < end) events.push({
      incident: true, title: fromAlert ? `${pick(rand, ALERTS)} firing for ${p.name}` : `${p.name}: ${pick(rand, ['elevated error rate', 'slow responses', 'partial outage', 'failed jobs piling up'])}`,
      created, closed, author: fromAlert ? alertBot : responder, closedBy: closed ? (byBot ? alertBot : responder) : undefined, severity, labels, assignee: byBot ? undefined : responder,
    });
  }
  events.sort((a, b) => a.created - b.created);
  // Issues filed before the 90 days took the first iids.
  const first = 1 + Math.floor(rand() * 60);
  return events.map((e, k) => issueEntity(p, first + k, e, end));
}

/** GitLab's issue entity (GET /projects/:id/issues), for a plain issue or an incident. */
function issueEntity(p: { id: number; path: string }, iid: number, e: IssueEvent, end: number): Json {
  const id = p.id * 100_000 + iid;
  const api = `${HOST}/api/v4/projects/${p.id}/issues/${iid}`;
  const notes = e.incident ? 2 + (iid % 7) : iid % 4;
  return {
    id, iid, project_id: p.id, title: e.title, description: e.incident && e.author === alertBot ? `Opened from an alert of the ${p.path} integration` : '',
    state: e.closed !== undefined ? 'closed' : 'opened',
    created_at: iso(e.created), updated_at: iso(Math.min(end, e.closed ?? e.created + 20 * 60_000)),
    closed_at: e.closed !== undefined ? iso(e.closed) : null, closed_by: e.closedBy ?? null,
    labels: e.labels, milestone: null, assignees: e.assignee ? [e.assignee] : [], assignee: e.assignee ?? null, author: e.author,
    type: e.incident ? 'INCIDENT' : 'ISSUE', issue_type: e.incident ? 'incident' : 'issue', severity: e.severity,
    user_notes_count: notes, merge_requests_count: e.incident ? iid % 2 : 0, upvotes: 0, downvotes: 0, due_date: null,
    imported: false, imported_from: 'none', moved_to_id: null, service_desk_reply_to: null, confidential: false, discussion_locked: null,
    web_url: `${HOST}/${p.path}/-/issues/${e.incident ? 'incident/' : ''}${iid}`,
    references: { short: `#${iid}`, relative: `#${iid}`, full: `${p.path}#${iid}` },
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    has_tasks: false, task_completion_status: { count: 0, completed_count: 0 },
    _links: { self: api, notes: `${api}/notes`, award_emoji: `${api}/award_emoji`, project: `${HOST}/api/v4/projects/${p.id}`, closed_as_duplicate_of: null },
  };
}

function env(id: number, name: string, tier: string): Json {
  return { id, name, slug: name.replace(/\//g, '-'), external_url: null, state: name.startsWith('review/') ? 'stopped' : 'available', tier, created_at: '2024-01-11T09:00:00.000Z', updated_at: '2024-01-11T09:00:00.000Z' };
}

/** Serve with `serveLoopback(handler, { posts: GITLAB_POSTS })`: GraphQL queries are the one POST. */
export const GITLAB_POSTS = (path: string) => path === '/api/graphql';

/**
 * GitLab's GraphQL endpoint, for the one query the collector asks (who approved which merge
 * requests: `project(fullPath) { mergeRequests(iids, first, after) { pageInfo nodes { iid approvedBy } } }`),
 * in pages of up to 100 with an opaque cursor; anything else answers with GraphQL errors.
 */
function graphql(req: IncomingMessage, send: (status: number, body: unknown) => void, byPath: Map<string, FakeProject>): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: { query?: string; variables?: { path?: string; iids?: string[]; after?: string | null } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(400, { errors: [{ message: 'Invalid JSON' }] });
    }
    if (!/mergeRequests\(/.test(body.query ?? '') || !/approvedBy/.test(body.query ?? '')) return send(200, { errors: [{ message: 'this fake answers only the approvedBy query' }] });
    const p = byPath.get(body.variables?.path ?? '');
    if (!p) return send(200, { data: { project: null } });
    const iids = body.variables?.iids;
    const all = p.mergeRequests.filter((mr) => !iids || iids.includes(String(mr.iid))).sort((a, b) => b.iid - a.iid);
    const from = body.variables?.after ? Number(Buffer.from(body.variables.after, 'base64').toString('utf8')) : 0;
    const nodes = all.slice(from, from + 100);
    const next = from + nodes.length;
    send(200, {
      data: {
        project: {
          mergeRequests: {
            pageInfo: { hasNextPage: next < all.length, endCursor: next < all.length ? Buffer.from(String(next)).toString('base64') : null },
            nodes: nodes.map((mr) => ({ iid: String(mr.iid), approvedBy: { nodes: mr.approved_by.map((u) => ({ id: `gid://gitlab/User/${(u as Json).id}` })) } })),
          },
        },
      },
    });
  });
}

/** Serves the group through the paths and query parameters of GitLab's REST API v4. */
export function gitlabApiHandler(data: FakeGroup): (req: IncomingMessage, res: ServerResponse) => void {
  const byId = new Map(data.projects.map((p) => [String(p.project.id), p]));
  const byPath = new Map(data.projects.map((p) => [String(p.project.path_with_namespace), p]));
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://gitlab.invalid');
    const q = url.searchParams;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    };
    const notFound = (what = '404 Not Found') => send(404, { message: what });
    if (!req.headers.authorization && !req.headers['private-token']) return send(401, { message: '401 Unauthorized' });
    if (req.method === 'POST' && url.pathname === '/api/graphql') return graphql(req, send, byPath);
    const page = (items: unknown[]) => {
      const per = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 20)));
      const n = Math.max(1, Number(q.get('page') ?? 1));
      const pages = Math.max(1, Math.ceil(items.length / per));
      const link = (p: number) => {
        const u = new URL(url.toString());
        u.searchParams.set('page', String(p));
        u.searchParams.set('per_page', String(per));
        return `<http://${req.headers.host}${u.pathname}${u.search}>`;
      };
      const rels = [n > 1 && `${link(n - 1)}; rel="prev"`, n < pages && `${link(n + 1)}; rel="next"`, `${link(1)}; rel="first"`, `${link(pages)}; rel="last"`].filter(Boolean);
      send(200, items.slice((n - 1) * per, n * per), {
        'x-page': String(n), 'x-per-page': String(per), 'x-next-page': n < pages ? String(n + 1) : '', 'x-prev-page': n > 1 ? String(n - 1) : '',
        'x-total': String(items.length), 'x-total-pages': String(pages), link: rels.join(', '),
      });
    };
    const after = (field: string) => {
      const t = q.get('updated_after');
      return (x: Json) => !t || Date.parse(String(x[field])) >= Date.parse(t);
    };
    const desc = (field: string) => (a: Json, b: Json) => Date.parse(String(b[field])) - Date.parse(String(a[field]));

    /**
     * GET /projects/:id/issues with the filters of GitLab's issues API that change what is
     * listed (issue_type, state, created_after/before, updated_after/before, labels) and its
     * order (order_by created_at, updated_at or title; sort), validated the way its Grape
     * parameters are (400 `{"error": "… does not have a valid value"}`). Issues turned off: 404.
     */
    const issues = (p: FakeProject) => {
      if (p.project.issues_access_level === 'disabled') return notFound();
      const oneOf = (name: string, values: string[], fallback: string) => {
        const v = q.get(name) ?? fallback;
        return values.includes(v) ? v : undefined;
      };
      const state = oneOf('state', ['opened', 'closed', 'all'], 'all');
      const type = q.has('issue_type') ? oneOf('issue_type', ['issue', 'incident', 'test_case', 'task'], '') : '';
      const orderBy = oneOf('order_by', ['created_at', 'due_date', 'label_priority', 'milestone_due', 'popularity', 'priority', 'relative_position', 'title', 'updated_at', 'weight'], 'created_at');
      const sort = oneOf('sort', ['asc', 'desc'], 'desc');
      for (const [name, v] of [['state', state], ['issue_type', type], ['order_by', orderBy], ['sort', sort]] as const) {
        if (v === undefined) return send(400, { error: `${name} does not have a valid value` });
      }
      if (!['created_at', 'updated_at', 'title'].includes(orderBy!)) return send(400, { error: `this fake GitLab orders issues only by created_at, updated_at or title, not ${orderBy}` });
      const bounds: [string, string, (t: number, b: number) => boolean][] = [
        ['created_after', 'created_at', (t, b) => t >= b], ['created_before', 'created_at', (t, b) => t <= b],
        ['updated_after', 'updated_at', (t, b) => t >= b], ['updated_before', 'updated_at', (t, b) => t <= b],
      ];
      let list = p.issues;
      for (const [name, field, keep] of bounds) {
        const v = q.get(name);
        if (v === null) continue;
        const b = Date.parse(v);
        if (Number.isNaN(b)) return send(400, { error: `${name} is invalid` });
        list = list.filter((x) => keep(Date.parse(String(x[field])), b));
      }
      const labels = (q.get('labels') ?? '').split(',').map((l) => l.trim()).filter(Boolean);
      list = list
        .filter((x) => !type || x.issue_type === type)
        .filter((x) => state === 'all' || x.state === state)
        .filter((x) => labels.every((l) => (x.labels as string[]).some((have) => have.toLowerCase() === l.toLowerCase())));
      const key = (x: Json) => (orderBy === 'title' ? String(x.title) : String(Date.parse(String(x[orderBy!]))).padStart(16, '0'));
      // Ties broken by id, as GitLab does, so pages never overlap.
      const sorted = [...list].sort((a, b) => key(a).localeCompare(key(b)) || Number(a.id) - Number(b.id));
      return page(sort === 'desc' ? sorted.reverse() : sorted);
    };

    const path = url.pathname.replace(/^\/api\/v4/, '');
    const group = /^\/groups\/([^/]+)\/projects$/.exec(path);
    if (group) {
      const key = decodeURIComponent(group[1]);
      if (key !== data.group.full_path && key !== String(data.group.id)) return notFound('404 Group Not Found');
      return page(data.projects.map((p) => p.project).sort(desc('last_activity_at')));
    }
    const m = /^\/projects\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return notFound();
    const key = decodeURIComponent(m[1]);
    const p = byId.get(key) ?? byPath.get(key);
    if (!p) return notFound('404 Project Not Found');
    const rest = m[2] ?? '';
    if (rest === '') return send(200, p.project);
    if (rest === '/environments') return page(p.environments);
    if (rest === '/deployments') {
      if ((q.has('updated_after') || q.has('updated_before')) !== (q.get('order_by') === 'updated_at')) {
        return send(400, { message: '`updated_at` filter and `updated_at` sorting must be paired' });
      }
      const envName = q.get('environment');
      const status = q.get('status');
      const list = p.deployments
        .filter((d) => !envName || (d.environment as Json).name === envName)
        .filter((d) => !status || d.status === status)
        .filter(after('updated_at'));
      return page(q.get('sort') === 'desc' ? list.sort(desc(q.get('order_by') === 'updated_at' ? 'updated_at' : 'created_at')) : list);
    }
    if (rest === '/protected_environments') return page(p.protectedEnvironments);
    if (rest === '/protected_branches') return page(p.protectedBranches);
    if (rest === '/approval_rules') return page(p.approvalRules);
    if (rest === '/merge_requests') {
      const state = q.get('state');
      const list = p.mergeRequests.filter(() => !state || state === 'merged' || state === 'all').map((mr) => mrEntity(p, mr)).filter(after('updated_at'));
      return page(list.sort(desc('updated_at')));
    }
    const mr = /^\/merge_requests\/(\d+)(\/approvals)?$/.exec(rest);
    if (mr) {
      const found = p.mergeRequests.find((x) => x.iid === Number(mr[1]));
      if (!found) return notFound('404 Merge Request Not Found');
      if (mr[2]) {
        return send(200, {
          id: Number(p.project.id) * 1000 + found.iid, iid: found.iid, project_id: p.project.id, state: 'merged', approved: found.approved_by.length > 0,
          approvals_required: 1, approvals_left: found.approved_by.length ? 0 : 1, approved_by: found.approved_by.map((user) => ({ user })),
        });
      }
      const head = found.head_pipeline_status === null ? null : {
        id: Number(p.project.id) * 10_000 + found.iid * 10 + 1, iid: found.iid * 10 + 1, project_id: p.project.id, sha: found.sha,
        ref: `refs/merge-requests/${found.iid}/head`, status: found.head_pipeline_status, source: 'merge_request_event', created_at: found.created_at, updated_at: found.merged_at,
      };
      return send(200, { ...mrEntity(p, found), head_pipeline: head, pipeline: head });
    }
    if (rest === '/pipelines') {
      const source = q.get('source');
      return page(p.pipelines.filter((x) => !source || x.source === source).filter(after('updated_at')).sort(desc('updated_at')));
    }
    if (rest === '/repository/tree') {
      const ref = q.get('ref');
      if (ref && ref !== p.project.default_branch) return notFound('404 Tree Not Found');
      // `path`: a folder's entries (all below it with recursive=true); a path that is no folder: 404.
      const folder = (q.get('path') ?? '').replace(/^\/+|\/+$/g, '');
      if (folder && !p.tree.some((e) => e.type === 'tree' && e.path === folder)) return notFound('404 Tree Not Found');
      const prefix = folder ? `${folder}/` : '';
      const below = p.tree.filter((e) => e.path.startsWith(prefix));
      const entries = (q.get('recursive') === 'true' ? below : below.filter((e) => !e.path.slice(prefix.length).includes('/')))
        .map((e) => ({ id: sha(e.path), name: e.path.split('/').pop(), type: e.type, path: e.path, mode: e.type === 'tree' ? '040000' : '100644' }));
      return page(entries);
    }
    const file = /^\/repository\/files\/([^/]+)(\/raw)?$/.exec(rest);
    if (file) {
      const name = decodeURIComponent(file[1]);
      const text = p.files[name];
      if (text === undefined) return notFound('404 File Not Found');
      if (file[2]) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Gitlab-File-Path': name, 'X-Gitlab-Size': String(Buffer.byteLength(text)) });
        return res.end(req.method === 'HEAD' ? undefined : text);
      }
      const meta = { file_name: name.split('/').pop(), file_path: name, size: Buffer.byteLength(text), encoding: 'base64', ref: q.get('ref') ?? 'main', blob_id: sha(text), last_commit_id: sha(name) };
      return send(200, { ...meta, content: Buffer.from(text).toString('base64') }, { 'X-Gitlab-File-Path': name, 'X-Gitlab-Size': String(meta.size), 'X-Gitlab-Ref': meta.ref });
    }
    if (rest === '/issues') return issues(p);
    if (rest === '/releases') return page([...p.releases].sort(desc('created_at')));
    if (rest === '/repository/tags') return page(p.tags);
    return notFound();
  };
}

function mrEntity(p: FakeProject, mr: FakeMergeRequest): Json {
  const path = String(p.project.path_with_namespace);
  return {
    id: Number(p.project.id) * 1000 + mr.iid, iid: mr.iid, project_id: p.project.id, title: `Change ${mr.iid}`, description: '', state: 'merged',
    created_at: mr.created_at, updated_at: mr.updated_at, merged_at: mr.merged_at, merged_by: mr.author, merge_user: mr.author, closed_at: null,
    target_branch: mr.target_branch, source_branch: `feature/${mr.iid}`, author: mr.author, assignees: [mr.author], reviewers: [],
    source_project_id: p.project.id, target_project_id: p.project.id, labels: [], draft: false, work_in_progress: false, milestone: null,
    merge_when_pipeline_succeeds: false, merge_status: 'can_be_merged', detailed_merge_status: 'not_open', sha: mr.sha,
    merge_commit_sha: sha(`${mr.sha}-merge`), squash_commit_sha: null, user_notes_count: 1, upvotes: 0, downvotes: 0,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${path}!${mr.iid}` }, web_url: `${HOST}/${path}/-/merge_requests/${mr.iid}`,
  };
}
