import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { seeded } from '../random.js';
import * as shape from './github-shapes.js';
import type { DeploymentSpec, DeploymentState, EnvironmentSpec, PullSpec, RepoSpec } from './github-shapes.js';

/**
 * A generated GitHub organisation and a request handler answering, for it, the subset of the
 * GitHub REST API the github collector reads, the way api.github.com does: documented object
 * shapes, Link-header paging (per_page/page), weak ETags with 304 Not Modified on If-None-Match
 * (not counted against the rate limit), x-ratelimit-* headers, 401 for a wrong token and 404
 * JSON errors. Serve it on loopback with demo/http.ts `serveLoopback(githubApiHandler(org))`.
 *
 * `generateOrg(1, now)` is about 12 repositories and 300 deployments over 90 days;
 * `generateOrg(30, now)` about 360 repositories and thousands of deployments (the benchmark).
 * The same factor, time and seed give the same organisation.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 90;

export interface FakeStatus { id: number; state: DeploymentState; created_at: string }
export interface FakeDeployment extends DeploymentSpec { statuses: FakeStatus[] }
export interface FakeReview { id: number; user: string; state: 'APPROVED' | 'COMMENTED' | 'CHANGES_REQUESTED' | 'DISMISSED'; submitted_at: string }
export interface FakeRun { id: number; head_sha: string; created_at: string; status: 'completed' | 'in_progress'; conclusion: string | null; pull_number: number }
export interface FakeFile { path: string; sha: string; text: string }

export interface FakeRepo {
  spec: RepoSpec;
  kind: 'service' | 'library' | 'tagged' | 'gitops';
  /** Default-branch history, oldest first. */
  commits: { sha: string; date: string; message: string }[];
  deployments: FakeDeployment[];
  environments: EnvironmentSpec[];
  releases: { id: number; tag: string; created_at: string; published_at: string | null; draft?: boolean }[];
  tags: { name: string; sha: string }[];
  pulls: (PullSpec & { reviews: FakeReview[] })[];
  runs: FakeRun[];
  /** Check runs of other CI apps, by head sha. */
  checkRuns: Map<string, { id: number; name: string; conclusion: string }[]>;
  /** Commit statuses, by sha. */
  statuses: Map<string, { id: number; context: string; state: 'success' | 'failure' | 'pending'; at: string }[]>;
  protection: { approvals?: number; contexts?: string[] } | 'none';
  rules: { approvals?: number; checks?: string[] } | undefined;
  files: FakeFile[];
}

export interface FakeOrg {
  login: string;
  now: Date;
  /** When set, requests must carry it (`Authorization: token …` or `Bearer …`). */
  token?: string;
  /** Primary rate limit per hour (default 1,000,000: the benchmark is not about waiting). */
  rateLimit?: number;
  repos: FakeRepo[];
}

function sha(...parts: (string | number)[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

function iso(t: number): string {
  return new Date(Math.round(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const PEOPLE = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];

export function generateOrg(factor: number, now: Date, seed = 20260302): FakeOrg {
  const rand = seeded(seed);
  const end = now.getTime();
  const start = end - HISTORY_DAYS * DAY;
  const count = Math.max(1, Math.round(12 * factor));
  const repos: FakeRepo[] = [];
  let ids = 1000;
  const nextId = () => ++ids;

  for (let i = 0; i < count; i++) {
    const slot = i % 12;
    const kind: FakeRepo['kind'] = i === 3 ? 'gitops' : [0, 1, 2, 4, 6, 8, 9].includes(slot) ? 'service' : slot === 5 || slot === 10 ? 'library' : 'tagged';
    const name = kind === 'gitops' ? `platform-gitops${i === 3 ? '' : `-${i}`}` : `${kind === 'service' ? 'svc' : kind === 'library' ? 'lib' : 'tool'}-${String(i).padStart(3, '0')}`;
    const full = `acme/${name}`;
    const commits: FakeRepo['commits'] = [];
    const pulls: FakeRepo['pulls'] = [];
    const runs: FakeRun[] = [];
    const checkRuns = new Map<string, { id: number; name: string; conclusion: string }[]>();
    const statuses = new Map<string, { id: number; context: string; state: 'success' | 'failure' | 'pending'; at: string }[]>();

    // Merged pull requests make the default-branch history: one every 6 to 30 hours.
    let t = start - 5 * DAY;
    let number = 1;
    commits.push({ sha: sha(full, 'root'), date: iso(t), message: 'Initial commit' });
    while (true) {
      t += (6 + rand() * 24) * HOUR;
      if (t > end - HOUR) break;
      const merged = t;
      const author = PEOPLE[Math.floor(rand() * PEOPLE.length)];
      const headSha = sha(full, 'head', number);
      const mergeSha = sha(full, 'merge', number);
      commits.push({ sha: mergeSha, date: iso(merged), message: `Merge pull request #${number}` });
      const created = merged - (2 + rand() * 46) * HOUR;
      const reviews: FakeReview[] = [];
      const reviewer = PEOPLE.filter((p) => p !== author)[Math.floor(rand() * (PEOPLE.length - 1))];
      const r = rand();
      if (r < 0.82) reviews.push({ id: nextId(), user: reviewer, state: 'APPROVED', submitted_at: iso(merged - HOUR) });
      else if (r < 0.92) reviews.push({ id: nextId(), user: reviewer, state: 'COMMENTED', submitted_at: iso(merged - HOUR) });
      else reviews.push({ id: nextId(), user: reviewer, state: 'APPROVED', submitted_at: iso(merged + HOUR) }); // after the merge
      pulls.push({ number, author, created_at: iso(created), updated_at: iso(merged + 2 * HOUR), merged_at: iso(merged), merge_commit_sha: mergeSha, head_sha: headSha, reviews });
      const c = rand();
      if (c < 0.8) {
        const fail = rand() < 0.15;
        if (fail) runs.push({ id: nextId(), head_sha: headSha, created_at: iso(created + HOUR / 2), status: 'completed', conclusion: 'failure', pull_number: number });
        runs.push({ id: nextId(), head_sha: headSha, created_at: iso(created + HOUR), status: 'completed', conclusion: rand() < 0.95 ? 'success' : 'cancelled', pull_number: number });
      } else if (c < 0.9) {
        checkRuns.set(headSha, [{ id: nextId(), name: 'jenkins/build', conclusion: rand() < 0.9 ? 'success' : 'failure' }]);
      } else {
        statuses.set(headSha, [{ id: nextId(), context: 'ci/circleci', state: rand() < 0.85 ? 'success' : 'failure', at: iso(created + HOUR) }]);
      }
      number++;
      if (rand() < 0.1) {
        // a pull request closed without merging
        const h = sha(full, 'head', number);
        pulls.push({ number, author, created_at: iso(merged - DAY), updated_at: iso(merged), merged_at: null, closed_at: iso(merged), merge_commit_sha: null, head_sha: h, reviews: [] });
        runs.push({ id: nextId(), head_sha: h, created_at: iso(merged - DAY + HOUR), status: 'completed', conclusion: 'failure', pull_number: number });
        number++;
      }
    }
    if (runs.length) runs.push({ id: nextId(), head_sha: sha(full, 'head', number), created_at: iso(end - HOUR / 2), status: 'in_progress', conclusion: null, pull_number: number });

    // Deployments: staging, then production an hour later, of the newest commit, every 1 to 6 days.
    const deployments: FakeDeployment[] = [];
    const environments: EnvironmentSpec[] = [];
    if (kind === 'service') {
      environments.push({ id: nextId(), name: 'staging' }, { id: nextId(), name: 'production', reviewers: rand() < 0.6 ? ['release-managers'] : undefined, wait_timer: rand() < 0.2 ? 10 : undefined, branch_policy: true });
      let d = start + rand() * 2 * DAY;
      let lastGood: string | undefined;
      const deploy = (env: string, at: number, commitSha: string, outcome: 'success' | 'failure' | 'error') => {
        const bot = rand() < 0.85;
        const id = nextId();
        const st: FakeStatus[] = [
          { id: nextId(), state: 'queued', created_at: iso(at + 5_000) },
          { id: nextId(), state: 'in_progress', created_at: iso(at + 60_000) },
          { id: nextId(), state: outcome, created_at: iso(at + (5 + rand() * 20) * 60_000) },
        ];
        const previous = [...deployments].reverse().find((x) => x.environment === env && x.statuses.some((s) => s.state === 'success'));
        if (outcome === 'success' && previous) previous.statuses.push({ id: nextId(), state: 'inactive', created_at: st[2].created_at });
        deployments.push({ id, sha: commitSha, environment: env, created_at: iso(at), by: bot ? { login: 'github-actions[bot]', bot: true } : { login: PEOPLE[Math.floor(rand() * 3)], bot: false }, statuses: st });
      };
      while (d < end - 2 * HOUR) {
        const head = [...commits].reverse().find((c) => Date.parse(c.date) <= d)!.sha;
        deploy('staging', d, head, 'success');
        const roll = rand();
        const outcome = roll < 0.08 ? 'failure' : roll < 0.11 ? 'error' : 'success';
        deploy('production', d + HOUR, head, outcome);
        if (outcome !== 'success' && lastGood && d + 3 * HOUR < end) {
          // restore: roll back to the last good version, or fix forward
          deploy('production', d + (2 + rand() * 20) * HOUR, rand() < 0.5 ? lastGood : head, 'success');
        } else if (outcome === 'success' && lastGood && lastGood !== head && rand() < 0.04 && d + 3 * HOUR < end) {
          deploy('production', d + 2 * HOUR, lastGood, 'success'); // a rollback of a good-looking deployment
        }
        if (outcome === 'success') lastGood = head;
        d += (1.5 + rand() * 6) * DAY;
      }
      deployments.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
    }

    const releases: FakeRepo['releases'] = [];
    const tags: FakeRepo['tags'] = [];
    if (kind === 'library' || kind === 'service') {
      let n = 0;
      for (const c of commits) {
        if (kind === 'library' ? rand() < 0.25 : rand() < 0.08) {
          n++;
          const at = Date.parse(c.date) + HOUR;
          if (at > end) continue;
          releases.push({ id: nextId(), tag: `v1.${n}.0`, created_at: c.date, published_at: iso(at) });
        }
      }
      if (kind === 'library') releases.push({ id: nextId(), tag: `v1.${n + 1}.0-draft`, created_at: iso(end - DAY), published_at: null, draft: true });
    } else if (kind === 'tagged') {
      let n = 0;
      for (const c of commits) if (rand() < 0.15) tags.push({ name: `v0.${++n}`, sha: c.sha });
    }

    const slotP = i % 10;
    const protection: FakeRepo['protection'] = slotP <= 5 ? { approvals: 1, contexts: ['ci/build'] } : slotP === 8 ? { approvals: 2 } : 'none';
    const rules = slotP === 6 || slotP === 7 ? { approvals: 1, checks: ['build'] } : undefined;

    const files: FakeFile[] = [];
    const file = (path: string, text: string) => files.push({ path, sha: sha(full, path, text), text });
    file('README.md', `# ${name}\n`);
    file('package.json', '{"name":"x"}\n');
    file('src/index.ts', 'export {};\n');
    file('.github/workflows/ci.yml', 'on: [pull_request]\njobs: {}\n');
    if (rand() < 0.6) file('.github/CODEOWNERS', '* @acme/owners\n');
    if (kind === 'service') {
      file('Dockerfile', 'FROM node:20\n');
      if (i % 3 === 0) {
        file(`charts/${name}/Chart.yaml`, `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`);
        file(`charts/${name}/templates/deployment.yaml`, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n');
      } else if (i % 3 === 1) {
        file('deploy/k8s/deployment.yaml', `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n`);
        file('deploy/k8s/kustomization.yaml', 'resources:\n  - deployment.yaml\n');
      } else {
        file('infra/main.tf', 'resource "aws_s3_bucket" "b" {}\n');
      }
    }
    if (kind === 'gitops') {
      file('clusters/prod/flux-system/gotk-sync.yaml', 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n');
      file('apps/argocd/shop.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n');
    }

    repos.push({
      spec: { owner: 'acme', name, id: 50000 + i, archived: slot === 11, fork: slot === 7, pushed_at: commits[commits.length - 1].date },
      kind, commits, deployments, environments, releases, tags, pulls, runs, checkRuns, statuses, protection, rules, files,
    });
  }
  return { login: 'acme', now, repos };
}

// ------------------------------------------------------------------ the server side

interface Ctx {
  base: shape.ShapeBase;
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
}

/** The handler for a node:http server on loopback; mounts at / and at /api/v3 (GitHub Enterprise Server). */
export function githubApiHandler(org: FakeOrg): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = org.rateLimit ?? 1_000_000;
  let used = 0;
  const resetAt = () => Math.floor(Date.now() / 3_600_000 + 1) * 3600;
  const byName = new Map(org.repos.map((r) => [`${r.spec.owner}/${r.spec.name}`.toLowerCase(), r]));
  let index: Map<string, GraphNode> | undefined;
  // The GraphQL ids of deployments and pull requests, as the REST objects carry them in node_id.
  const nodes = () => (index ??= nodeIndex(org));

  return (req, res) => {
    const host = req.headers.host ?? '127.0.0.1';
    const url = new URL(req.url ?? '/', `http://${host}`);
    const prefix = url.pathname.startsWith('/api/v3/') ? '/api/v3' : '';
    const path = url.pathname.slice(prefix.length);
    const base = { api: `http://${host}${prefix}`, web: `http://${host}` };
    const rate = (counted: boolean): Record<string, string> => {
      if (counted) used++;
      return {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.max(0, limit - used)),
        'x-ratelimit-reset': String(resetAt()),
        'x-ratelimit-used': String(used),
        'x-ratelimit-resource': 'core',
        'x-github-api-version-selected': '2022-11-28',
      };
    };
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      const etag = `W/"${createHash('sha256').update(text).digest('hex').slice(0, 32)}"`;
      if (status === 200 && req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag, ...rate(false) });
        res.end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(status === 200 ? { etag } : {}), ...rate(true), ...extra });
      res.end(text);
    };
    const notFound = () => send(404, shape.errorBody('Not Found', 'https://docs.github.com/rest', 404));
    if (org.token) {
      const auth = req.headers.authorization ?? '';
      if (auth !== `token ${org.token}` && auth !== `Bearer ${org.token}`) return send(401, shape.errorBody('Bad credentials', 'https://docs.github.com/rest', 401));
    }
    if (limit - used <= 0) return send(403, shape.errorBody('API rate limit exceeded for user ID 1.', 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting', 403));

    if (req.method === 'POST') {
      if (url.pathname !== '/graphql' && url.pathname !== '/api/graphql') return send(404, shape.errorBody('Not Found', 'https://docs.github.com/rest', 404));
      void readBody(req).then((text) => graphql(text, send, nodes(), limit - used - 1, byName));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(404, shape.errorBody('Not Found', 'https://docs.github.com/rest', 404));

    const ctx: Ctx = { base, url, req, res };
    const paged = (items: unknown[], wrap?: (page: unknown[], total: number) => unknown) => {
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
      const pageNo = Math.max(1, Number(url.searchParams.get('page') ?? 1));
      const last = Math.max(1, Math.ceil(items.length / perPage));
      const slice = items.slice((pageNo - 1) * perPage, pageNo * perPage);
      const links: string[] = [];
      const at = (p: number) => {
        const u = new URL(url.toString());
        u.searchParams.set('page', String(p));
        return `<${base.api}${u.pathname.slice(prefix.length)}${u.search}>`;
      };
      if (pageNo > 1) links.push(`${at(pageNo - 1)}; rel="prev"`);
      if (pageNo < last) links.push(`${at(pageNo + 1)}; rel="next"`, `${at(last)}; rel="last"`);
      if (pageNo > 1) links.push(`${at(1)}; rel="first"`);
      send(200, wrap ? wrap(slice, items.length) : slice, links.length ? { link: links.join(', ') } : {});
    };

    let m: RegExpMatchArray | null;
    if (path === '/rate_limit') {
      // rate-limit-overview; reading it costs nothing
      const quota = (n: number) => ({ limit: n, used: Math.min(n, used), remaining: Math.max(0, n - used), reset: resetAt() });
      const resources = { core: quota(limit), graphql: quota(limit), search: { limit: 30, used: 0, remaining: 30, reset: resetAt() }, integration_manifest: quota(5000) };
      used = Math.max(0, used - 1);
      return send(200, { resources, rate: resources.core });
    }
    if ((m = path.match(/^\/orgs\/([^/]+)\/repos$/))) {
      if (m[1].toLowerCase() !== org.login.toLowerCase()) return notFound();
      const all = org.repos.map((r) => shape.repository(base, r.spec)).sort((a, b) => a.full_name.localeCompare(b.full_name));
      return paged(all);
    }
    if (!(m = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/))) return notFound();
    const repo = byName.get(`${m[1]}/${m[2]}`.toLowerCase());
    if (!repo) return notFound();
    return serveRepo(ctx, repo, m[3] ?? '', paged, send, notFound);
  };
}

type GraphNode = { repo: FakeRepo; deployment: FakeDeployment } | { repo: FakeRepo; pull: FakeRepo['pulls'][number] };

function nodeIndex(org: FakeOrg): Map<string, GraphNode> {
  const index = new Map<string, GraphNode>();
  const b = { api: 'http://127.0.0.1', web: 'http://127.0.0.1' };
  for (const repo of org.repos) {
    const full = `${repo.spec.owner}/${repo.spec.name}`;
    const repoObj = shape.repository(b, repo.spec);
    for (const deployment of repo.deployments) index.set(shape.deployment(b, full, deployment).node_id, { repo, deployment });
    for (const pull of repo.pulls) index.set(shape.pull(b, repoObj, pull).node_id, { repo, pull });
  }
  return index;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * `repository(owner:, name:) { hN: object(oid: $oN) { ... on Commit { history(first: K) … } } }`:
 * the default branch is one line, so a commit's ancestors are the commits before it, newest first;
 * null for a sha the repository does not hold.
 */
function histories(query: string, variables: Record<string, unknown>, byName: Map<string, FakeRepo>): Record<string, unknown> | null {
  const repo = byName.get(`${variables.owner}/${variables.name}`.toLowerCase());
  if (!repo) return null;
  const out: Record<string, unknown> = {};
  for (const m of query.matchAll(/(\w+): object\(oid: \$(\w+)\) \{ \.\.\. on Commit \{ history\(first: (\d+)\)/g)) {
    const j = repo.commits.findIndex((c) => c.sha === variables[m[2]]);
    if (j < 0) {
      out[m[1]] = null;
      continue;
    }
    const first = Number(m[3]);
    out[m[1]] = { history: { pageInfo: { hasNextPage: j + 1 > first }, nodes: repo.commits.slice(Math.max(0, j + 1 - first), j + 1).reverse().map((c) => ({ oid: c.sha })) } };
  }
  return out;
}

/**
 * POST /graphql for the two queries the collector sends (`nodes(ids:)` of deployments and of
 * pull requests), answered from the same generated data as the REST API, in the shapes of
 * GitHub's GraphQL schema: `{ data: { rateLimit, nodes } }`, a null node and a NOT_FOUND error
 * for an unknown id, and a 200 with `errors` for a document it cannot answer (as GitHub does).
 */
function graphql(text: string, send: (status: number, body: unknown, extra?: Record<string, string>) => void, index: Map<string, GraphNode>, remaining: number, byName: Map<string, FakeRepo>): void {
  let body: { query?: unknown; variables?: Record<string, unknown> & { ids?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    return send(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
  }
  const query = typeof body.query === 'string' ? body.query : '';
  const resetAt = new Date(Math.floor(Date.now() / 3_600_000 + 1) * 3_600_000).toISOString();
  if (/^query DeploymentHistories\(/.test(query)) return send(200, { data: { rateLimit: { cost: 1, remaining: Math.max(0, remaining), resetAt }, repository: histories(query, body.variables ?? {}, byName) } }, { 'x-ratelimit-resource': 'graphql' });
  const ids = Array.isArray(body.variables?.ids) ? (body.variables!.ids as unknown[]).map(String) : undefined;
  if (!/nodes\(ids:/.test(query) || !ids) {
    return send(200, { errors: [{ message: 'This fake answers only nodes(ids:) queries of deployments and pull requests', locations: [{ line: 1, column: 1 }] }] });
  }
  if (ids.length > 100) return send(200, { errors: [{ type: 'EXCESSIVE_PAGINATION', message: 'You may not request more than 100 ids at once' }] });
  const approvedOnly = /states:\s*\[APPROVED\]/.test(query);
  const errors: unknown[] = [];
  const nodes = ids.map((id, i) => {
    const found = index.get(id);
    if (!found) {
      errors.push({ type: 'NOT_FOUND', path: ['nodes', i], locations: [{ line: 3, column: 3 }], message: `Could not resolve to a node with the global id of '${id}'` });
      return null;
    }
    const { repo } = found;
    if ('deployment' in found) {
      const d = found.deployment;
      const statuses = [...d.statuses].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
      return {
        __typename: 'Deployment', id, databaseId: d.id,
        statuses: { pageInfo: { hasNextPage: false, endCursor: statuses.length ? cursor(statuses.length) : null }, nodes: statuses.slice(0, 100).map((s) => ({ state: s.state.toUpperCase(), createdAt: s.created_at })) },
      };
    }
    const p = found.pull;
    const reviews = p.reviews.filter((r) => !approvedOnly || r.state === 'APPROVED');
    const contexts = [
      ...repo.runs.filter((r) => r.head_sha === p.head_sha && r.status === 'completed').map((r) => ({ __typename: 'CheckRun', name: 'build', status: 'COMPLETED', conclusion: r.conclusion!.toUpperCase() })),
      ...(repo.checkRuns.get(p.head_sha) ?? []).map((c) => ({ __typename: 'CheckRun', name: c.name, status: 'COMPLETED', conclusion: c.conclusion.toUpperCase() })),
      ...(repo.statuses.get(p.head_sha) ?? []).map((s) => ({ __typename: 'StatusContext', context: s.context, state: s.state.toUpperCase() })),
    ];
    const states = contexts.map((c) => ('conclusion' in c ? c.conclusion : c.state));
    const rollup = contexts.length === 0 ? null : {
      state: states.every((x) => x === 'SUCCESS') ? 'SUCCESS' : states.some((x) => x === 'PENDING') ? 'PENDING' : 'FAILURE',
      contexts: { pageInfo: { hasNextPage: false, endCursor: cursor(contexts.length) }, nodes: contexts },
    };
    return {
      __typename: 'PullRequest', id, number: p.number, author: { login: p.author },
      reviews: { pageInfo: { hasNextPage: false, endCursor: reviews.length ? cursor(reviews.length) : null }, nodes: reviews.map((r) => ({ state: r.state, submittedAt: r.submitted_at, author: { login: r.user } })) },
      commits: { nodes: [{ commit: { oid: p.head_sha, statusCheckRollup: rollup } }] },
    };
  });
  send(200, { data: { rateLimit: { cost: 1, remaining: Math.max(0, remaining), resetAt }, nodes }, ...(errors.length ? { errors } : {}) }, { 'x-ratelimit-resource': 'graphql' });
}

function cursor(n: number): string {
  return Buffer.from(`cursor:v2:${n}`).toString('base64');
}

function serveRepo(
  { base, url }: Ctx,
  repo: FakeRepo,
  rest: string,
  paged: (items: unknown[], wrap?: (page: unknown[], total: number) => unknown) => void,
  send: (status: number, body: unknown, extra?: Record<string, string>) => void,
  notFound: () => void,
): void {
  const full = `${repo.spec.owner}/${repo.spec.name}`;
  const repoObj = shape.repository(base, repo.spec);
  const q = url.searchParams;
  const desc = <T>(items: T[], at: (x: T) => string) => [...items].sort((a, b) => Date.parse(at(b)) - Date.parse(at(a)));
  let m: RegExpMatchArray | null;

  if (rest === '') return send(200, repoObj);
  if (rest === '/deployments') {
    const list = desc(repo.deployments, (d) => d.created_at).filter((d) => !q.get('environment') || d.environment === q.get('environment'));
    return paged(list.map((d) => shape.deployment(base, full, d)));
  }
  if ((m = rest.match(/^\/deployments\/(\d+)\/statuses$/))) {
    const d = repo.deployments.find((x) => x.id === Number(m![1]));
    if (!d) return notFound();
    return paged(desc(d.statuses, (s) => s.created_at).map((s) => shape.deploymentStatus(base, full, d.id, { ...s, environment: d.environment, bot: d.by.bot })));
  }
  if (rest === '/environments') return paged(repo.environments.map((e) => shape.environment(base, full, e)), (page, total) => ({ total_count: total, environments: page }));
  if (rest === '/releases') return paged(desc(repo.releases, (r) => r.created_at).map((r) => shape.release(base, full, r)));
  if (rest === '/tags') return paged([...repo.tags].reverse().map((t) => shape.tag(base, full, t.name, t.sha)));
  if (rest === '/commits') {
    const since = q.get('since') ? Date.parse(q.get('since')!) : -Infinity;
    const until = q.get('until') ? Date.parse(q.get('until')!) : Infinity;
    const list = repo.commits.filter((c) => Date.parse(c.date) >= since && Date.parse(c.date) <= until).reverse();
    return paged(list.map((c) => shape.commit(base, full, c)));
  }
  if (rest === '/pulls') {
    const state = q.get('state') ?? 'open';
    const sortKey = q.get('sort') === 'updated' ? 'updated_at' : 'created_at';
    // every generated pull request is closed and based on the default branch
    let list = state === 'all' || state === 'closed' ? repo.pulls.filter(() => !q.get('base') || q.get('base') === repoObj.default_branch) : [];
    list = [...list].sort((a, b) => Date.parse(b[sortKey]) - Date.parse(a[sortKey]));
    if (q.get('direction') === 'asc') list.reverse();
    return paged(list.map((p) => shape.pull(base, repoObj, p)));
  }
  if ((m = rest.match(/^\/pulls\/(\d+)\/reviews$/))) {
    const p = repo.pulls.find((x) => x.number === Number(m![1]));
    if (!p) return notFound();
    return paged(p.reviews.map((r) => shape.review(base, full, p.number, { ...r, commit_id: p.head_sha })));
  }
  if (rest === '/actions/runs') {
    const event = q.get('event');
    const list = desc(repo.runs, (r) => r.created_at).filter(() => !event || event === 'pull_request');
    return paged(list.map((r) => shape.workflowRun(base, repoObj, r)), (page, total) => shape.workflowRuns(page, total));
  }
  if ((m = rest.match(/^\/commits\/([0-9a-f]{40})\/check-runs$/))) {
    const ref = m[1];
    const fromRuns = repo.runs.filter((r) => r.head_sha === ref && r.status === 'completed').map((r) => shape.checkRun(base, full, { id: r.id + 7, name: 'build', head_sha: ref, status: 'completed', conclusion: r.conclusion, app: 'github-actions' }));
    const other = (repo.checkRuns.get(ref) ?? []).map((c) => shape.checkRun(base, full, { ...c, head_sha: ref, status: 'completed' }));
    return paged([...fromRuns, ...other], (page, total) => ({ total_count: total, check_runs: page }));
  }
  if ((m = rest.match(/^\/commits\/([0-9a-f]{40})\/status$/))) return send(200, shape.combinedStatus(base, repoObj, m[1], repo.statuses.get(m[1]) ?? []));
  if ((m = rest.match(/^\/compare\/([0-9a-f]{40})\.\.\.([0-9a-f]{40})$/))) {
    const i = repo.commits.findIndex((c) => c.sha === m![1]);
    const j = repo.commits.findIndex((c) => c.sha === m![2]);
    if (i < 0 || j < 0) return notFound();
    const status = i === j ? 'identical' : i < j ? 'ahead' : 'behind';
    // The commits of head since the merge base, oldest first, 250 a page (per_page, page).
    const ahead = i < j ? repo.commits.slice(i + 1, j + 1) : [];
    const perPage = Math.min(250, Math.max(1, Number(q.get('per_page') ?? 250)));
    const pageNo = Math.max(1, Number(q.get('page') ?? 1));
    const commits = ahead.slice((pageNo - 1) * perPage, pageNo * perPage).map((c) => shape.commit(base, full, c));
    return send(200, shape.comparison(base, full, m[1], m[2], status, ahead.length, Math.max(0, i - j), commits));
  }
  if ((m = rest.match(/^\/branches\/([^/]+)\/protection$/))) {
    if (repo.protection === 'none' || decodeURIComponent(m[1]) !== repoObj.default_branch) return send(404, shape.errorBody('Branch not protected', 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection', 404));
    return send(200, shape.branchProtection(base, full, repoObj.default_branch, repo.protection));
  }
  if ((m = rest.match(/^\/rules\/branches\/([^/]+)$/))) return paged(repo.rules ? shape.branchRules('acme', 42, repo.rules) : []);
  if ((m = rest.match(/^\/git\/trees\/([^/]+)$/))) {
    if (decodeURIComponent(m[1]) !== repoObj.default_branch) return notFound();
    const dirs = new Set<string>();
    for (const f of repo.files) for (let k = f.path.indexOf('/'); k > 0; k = f.path.indexOf('/', k + 1)) dirs.add(f.path.slice(0, k));
    const entries = [
      ...[...dirs].map((d) => ({ path: d, type: 'tree' as const, sha: createHash('sha1').update(full + d).digest('hex') })),
      ...repo.files.map((f) => ({ path: f.path, sha: f.sha, size: Buffer.byteLength(f.text) })),
    ].sort((a, b) => a.path.localeCompare(b.path));
    return send(200, shape.tree(base, full, createHash('sha1').update(full + 'tree').digest('hex'), entries));
  }
  if ((m = rest.match(/^\/git\/blobs\/([0-9a-f]{40})$/))) {
    const f = repo.files.find((x) => x.sha === m![1]);
    return f ? send(200, shape.blob(base, full, f.sha, f.text)) : notFound();
  }
  if ((m = rest.match(/^\/contents\/(.+)$/))) {
    const p = decodeURIComponent(m[1]);
    const f = repo.files.find((x) => x.path === p);
    return f ? send(200, { type: 'file', encoding: 'base64', size: Buffer.byteLength(f.text), name: p.split('/').pop(), path: p, content: Buffer.from(f.text).toString('base64'), sha: f.sha, url: `${base.api}/repos/${full}/contents/${p}` }) : notFound();
  }
  return notFound();
}
