import { z } from 'zod';
import { mapRead, readAbsent, readOk, type Read } from '../../src/collector/kit.js';
import { errorMessage } from '../../src/errors.js';
import type { HttpClient } from '../../src/http/client.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import { rateLimitOf, RateLimitSpent, type RateLimitReading } from '../../src/http/rate-limit.js';
import { sampleByActivity, sampledOut } from '../../src/collector/sample.js';
import { sha256 } from '../../src/http/evidence-record.js';
import {
  approvalRuleSchema, deploymentSchema, ENDPOINTS, environmentSchema, mergeRequestApprovalsSchema, mergeRequestDetailSchema,
  mergeRequestSchema, nextQuery, pipelineSchema, PREMIUM, projectSchema, protectedBranchSchema, protectedEnvironmentSchema, releaseSchema, tagSchema, treeEntrySchema,
  APPROVED_BY_QUERY, approvedByResponseSchema, incidentIssueSchema, userIdOf, type EndpointName, type GraphqlQuery, type IncidentIssue, type MergeRequest, type Params, type Pipeline, type Project, type ProtectedEnvironment,
} from './api.js';
import type { GitlabConfig } from './config.js';
import { counts } from '../../src/delivery/deployments.js';
import type { DeploymentRecord } from '../../src/delivery/records.js';
import { classifyFile, classifyPaths, CODEOWNERS_LOCATIONS, codeownersHasRule, codeownersPath, type IacKind } from '../../src/delivery/repository.js';
import { approvalsRequired, noOneMayPush } from './measure.js';
import { branchMatches, deploymentRecord, headPipelineIn, type Span } from './translate.js';

/**
 * GitLab's paging and each project's reads: endpoint → raw objects (or the little the collector
 * keeps of them), each settled into a kit `Read<T>` so one failed endpoint fails only the
 * signals that need it.
 */

/** The projects in scope, with the evidence of the listing and a detail line saying what was left out. */
export interface Listed {
  projects: Project[];
  evidence: string[];
  detail: string;
  /** Why only the most recently active projects are scanned (the rate limit does not pay for all). */
  sampled?: string;
}

/** How many projects the rate limit stated by the listing's answers pays for, and why; undefined: no limit known. */
export type Afford = (rateLimit: RateLimitReading) => { fit: number; why: string } | undefined;

/**
 * The project listing; without it nothing can be measured, so any failure here is thrown. When
 * the listing's answers state a rate limit (RateLimit-* headers) that does not pay for every
 * project, only the most recently active that fit are kept.
 */
export async function listProjects(http: HttpClient, config: GitlabConfig, afford?: Afford): Promise<Listed> {
  const include = (config.include ?? []).map((r) => new RegExp(r, 'i'));
  const exclude = (config.exclude ?? []).map((r) => new RegExp(r, 'i'));
  /** Why a project is not scanned, or undefined when it is. */
  const skip = (p: Project): string | undefined => {
    if (p.archived && !config.include_archived) return 'archived';
    if (p.forked_from_project && !config.include_forks) return 'forks';
    const path = p.path_with_namespace;
    if ((include.length && !include.some((r) => r.test(path))) || exclude.some((r) => r.test(path))) return 'filtered by include/exclude';
    return undefined;
  };
  const evidence: string[] = [];
  const byId = new Map<number, Project>();
  /** The window the latest listing answer stated. */
  let rateLimit: RateLimitReading | undefined;
  if (config.group) {
    let kept = 0;
    try {
      // Archived projects are filtered here rather than by the server, so the report can say how many there were.
      const page = await listAll(http, `/groups/${encodeURIComponent(config.group)}/projects`, projectSchema, {
        include_subgroups: true, with_shared: false, order_by: 'last_activity_at', sort: 'desc',
      }, {
        // Most recent activity first: once more than max_projects are kept, the rest would be cut anyway.
        stop: (p) => skip(p) === undefined && ++kept > config.max_projects,
        maxPages: 1000,
      });
      evidence.push(...page.evidence);
      rateLimit = rateLimitOf(page.headers) ?? rateLimit;
      for (const p of page.items) byId.set(p.id, p);
    } catch (err) {
      throw explain(err, `group '${config.group}'`);
    }
  }
  for (const path of config.projects ?? []) {
    try {
      const res = await http.getJson(`/projects/${encodeURIComponent(path)}`, projectSchema);
      evidence.push(res.evidence);
      rateLimit = rateLimitOf(res.headers) ?? rateLimit;
      byId.set(res.data.id, res.data);
    } catch (err) {
      throw explain(err, `project '${path}'`);
    }
  }
  const skipped = new Map<string, number>();
  const all: Project[] = [];
  for (const p of byId.values()) {
    const why = skip(p);
    if (why) skipped.set(why, (skipped.get(why) ?? 0) + 1);
    else all.push(p);
  }
  all.sort((a, b) => (Date.parse(b.last_activity_at ?? '') || 0) - (Date.parse(a.last_activity_at ?? '') || 0) || a.id - b.id);
  const wanted = all.slice(0, config.max_projects);
  // The budget: scan what the rate limit pays for, the most recently active first, rather than run into it.
  const budget = rateLimit && wanted.length && afford ? afford(rateLimit) : undefined;
  const { kept: projects, sampled } = budget ? sampleByActivity(wanted, budget.fit, 'projects', budget.why) : { kept: wanted, sampled: undefined };
  const notes = ['archived', 'forks', 'filtered by include/exclude'].filter((why) => skipped.has(why)).map((why) => `${skipped.get(why)} ${why}`);
  if (all.length > wanted.length) notes.push(`${all.length - wanted.length}${config.group ? ' or more' : ''} over max_projects (${config.max_projects})`);
  if (sampled) notes.push(sampledOut(wanted.length - projects.length, sampled));
  return { projects, evidence, detail: `${projects.length} projects${notes.length ? `; not scanned: ${notes.join(', ')}` : ''}`, sampled };
}

function explain(err: unknown, what: string): unknown {
  if (isCollectError(err, 'not_found')) return new CollectError('not_found', `${what} not found, or not visible to the token: ${err.message}`, err.detail);
  return err;
}

/**
 * Why a project-level read is not a value; a 401, a passed deadline or a rate limit spent until
 * after the longest wait ends the whole collection.
 */
export function outcomeOf(err: unknown, endpoint: EndpointName, project: string): Read<never> {
  if (isCollectError(err, 'aborted') || err instanceof RateLimitSpent) throw err;
  if (isCollectError(err, 'credentials') && err.detail.status === 401) throw err;
  const ep = ENDPOINTS[endpoint];
  const evidence = isCollectError(err) && err.detail.evidence ? [err.detail.evidence] : [];
  const message = errorMessage(err);
  if (isCollectError(err, 'credentials')) {
    const scope = /insufficient_scope/.test(message) ? ' and a token with the read_api scope' : '';
    return { status: 'failed', kind: 'credentials', evidence, reason: `${message} — ${ep.path} (project ${project}) needs the ${ep.role} role${scope}` };
  }
  if (isCollectError(err, 'not_found') && 'premium' in ep && ep.premium) {
    return readAbsent(`${ep.path} answered 404 for ${project}: the feature ${PREMIUM} (${message})`, evidence);
  }
  return { status: 'failed', kind: isCollectError(err) ? err.kind : undefined, evidence, reason: `${message} (${ep.path}, project ${project})` };
}

/** Runs one project-level read and settles it (see outcomeOf). */
async function read<T>(endpoint: EndpointName, project: string, fn: () => Promise<{ value: T; evidence: string[] }>): Promise<Read<T>> {
  try {
    const { value, evidence } = await fn();
    return readOk(value, evidence);
  } catch (err) {
    return outcomeOf(err, endpoint, project);
  }
}

export interface RepoFacts {
  kinds: IacKind[];
  where: Partial<Record<IacKind, string>>;
  gitops: string[];
  codeowners?: string;
  /** The tree had more entries than were read: a kind not found may still be there. */
  truncated: boolean;
}

export interface ProjectScan {
  project: Project;
  path: string;
  /** Production environments and their deployments since the history start. */
  deployments: Read<{ environments: string[]; deploys: DeploymentRecord[]; gitlabStatus: Map<number, string> }>;
  /** Read only for projects with production deployments in the window. */
  protectedEnvironments?: Read<ProtectedEnvironment[]>;
  /** The default branch is protected with push for no one (false without a default branch). */
  branch: Read<{ pushProtected: boolean; rules: string[] }>;
  /** Read only when the default branch is push-protected. */
  approvals?: Read<{ required: boolean; why: string }>;
  merges: Read<MergeRequest[]>;
  /** Head pipeline succeeded, per merged iid. */
  checked: Read<Map<number, boolean>>;
  /** Approved by someone other than the author, per merged iid. */
  reviewed: Read<Map<number, boolean>>;
  /** The status of each merge request pipeline created in the window. */
  pipelines: Read<string[]>;
  repo: Read<RepoFacts>;
  releases: Read<{ count: number; from: 'releases' | 'tags' }>;
  /** Incident issues created in the window; read only with `incidents: true`. */
  incidents?: Read<IncidentIssue[]>;
}

export interface ScanOptions {
  window: Span;
  /** Deployments are read from here (before the window) so a rollback to an older sha is seen. */
  historyStart: number;
  production: RegExp[];
  /** Read incident issues too. */
  incidents?: boolean;
  /** GitLab's GraphQL endpoint, for approvals in bulk; without it they are read one by one. */
  graphql?: GraphqlQuery;
}

const TREE_PAGES = 30;
const FILE_READS = 8;
/** Pages of one folder's listing (the root, docs/, .gitlab/) when looking for CODEOWNERS in a tree read in part. */
const FOLDER_PAGES = 10;

export interface Page<T> {
  items: T[];
  evidence: string[];
  /** The SHA-256 of each page's body, where every page has one. */
  digests: string[];
  /** More pages existed than were read (maxPages). */
  truncated: boolean;
  /** The last page's answer headers (lower-case names). */
  headers: Record<string, string>;
}

/**
 * Reads a list through every page: `per_page=100`, then the `rel="next"` of the Link header
 * (offset or keyset pagination) or, without one, `x-next-page`. Only the query of the Link URL is
 * taken, so a GitLab whose external_url differs from the configured URL is still paged correctly.
 * `stop` ends paging after a page holding an item it accepts (e.g. older than the window in a
 * list sorted newest first).
 */
export async function listAll<T>(
  http: HttpClient,
  path: string,
  item: z.ZodType<T>,
  params: Params,
  opts: { maxPages?: number; stop?: (item: T) => boolean } = {},
): Promise<Page<T>> {
  const schema = z.array(item);
  const maxPages = opts.maxPages ?? 100;
  let query: Params = { ...params, per_page: 100 };
  const items: T[] = [];
  const evidence: string[] = [];
  const digests: string[] = [];
  const keyOf = (q: Params) => JSON.stringify(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]).sort());
  const seen = new Set<string>([keyOf(query)]);
  for (let page = 1; ; page++) {
    const res = await http.getJson(path, schema, { params: query });
    evidence.push(res.evidence);
    if (res.digest) digests.push(res.digest);
    items.push(...res.data);
    const done = (truncated: boolean) => ({ items, evidence, digests: digests.length === evidence.length ? digests : [], truncated, headers: res.headers });
    if (opts.stop && res.data.some(opts.stop)) return done(false);
    const next = nextQuery(res.headers, query);
    if (!next) return done(false);
    const key = keyOf(next);
    // A server repeating itself: the list cannot be read whole, so it is not taken as complete.
    if (seen.has(key)) {
      throw new CollectError('malformed', `paging loop: GET ${path} page ${page} links to a page already read (${new URLSearchParams(Object.entries(next).map(([k, v]) => [k, String(v)])).toString()}); the list cannot be read whole`, { evidence: res.evidence });
    }
    seen.add(key);
    if (page >= maxPages) return done(true);
    query = next;
  }
}

/**
 * A time bound of a list's query, rounded down to the start of its UTC day: the window's start
 * moves with every scan, and a URL that changes every scan can never be answered 304 from the
 * conditional cache. The list asked for is a superset (a day more at most); each reader keeps
 * only what the exact bound would have given.
 */
export function dayStart(t: number): number {
  return Math.floor(t / 86_400_000) * 86_400_000;
}

export async function scanProject(http: HttpClient, project: Project, opts: ScanOptions): Promise<ProjectScan> {
  const path = project.path_with_namespace;
  const base = `/projects/${project.id}`;
  const { window: w } = opts;
  const iso = (t: number) => new Date(t).toISOString();
  const inWindow = (s: string) => {
    const t = Date.parse(s);
    return t >= w.start && t <= w.end;
  };
  const branch = project.default_branch ?? undefined;
  const hasRepo = branch !== undefined && project.empty_repo !== true && project.repository_access_level !== 'disabled';
  const mrsOff = project.merge_requests_access_level === 'disabled';

  const deployments = (async (): Promise<Read<{ environments: string[]; deploys: DeploymentRecord[]; gitlabStatus: Map<number, string> }>> => {
    if (project.environments_access_level === 'disabled') return readOk({ environments: [], deploys: [], gitlabStatus: new Map() }, []);
    let envs;
    try {
      envs = await listAll(http, `${base}/environments`, environmentSchema, {});
    } catch (err) {
      return outcomeOf(err, 'environments', path);
    }
    const production = envs.items.map((e) => e.name).filter((n) => opts.production.some((re) => re.test(n)));
    const evidence = [...envs.evidence];
    const deploys: DeploymentRecord[] = [];
    /** GitLab's own status words, for the detail. */
    const gitlabStatus = new Map<number, string>();
    for (const env of production) {
      try {
        const page = await listAll(http, `${base}/deployments`, deploymentSchema, {
          environment: env, updated_after: iso(dayStart(opts.historyStart)), order_by: 'updated_at', sort: 'desc',
        });
        evidence.push(...page.evidence);
        // The day asked from is the history's start, rounded down: only those updated since the start itself.
        for (const d of page.items.filter((x) => Date.parse(x.updated_at) >= opts.historyStart)) {
          deploys.push(deploymentRecord(path, d));
          gitlabStatus.set(d.id, d.status);
        }
      } catch (err) {
        const out = outcomeOf(err, 'deployments', path);
        return { ...out, evidence: [...evidence, ...out.evidence] };
      }
    }
    return readOk({ environments: production, deploys, gitlabStatus }, evidence);
  })();

  const branchP = read('protected_branches', path, async () => {
    if (!branch) return { value: { pushProtected: false, rules: [] }, evidence: [] };
    const page = await listAll(http, `${base}/protected_branches`, protectedBranchSchema, {});
    const matching = page.items.filter((b) => branchMatches(b.name, branch));
    // Several matching rules: GitLab lets the most permissive one decide, so every one must forbid pushes.
    const pushProtected = matching.length > 0 && matching.every(noOneMayPush);
    return { value: { pushProtected, rules: matching.map((b) => b.name) }, evidence: page.evidence };
  });

  const approvalsP = branchP.then((b) => {
    if (b.status !== 'ok' || !b.data.pushProtected) return undefined;
    return read('approval_rules', path, async () => {
      const page = await listAll(http, `${base}/approval_rules`, approvalRuleSchema, {});
      return { value: approvalsRequired(page.items, branch!, project.approvals_before_merge ?? 0), evidence: page.evidence };
    });
  });

  const protectedEnvsP = deployments.then((d) => {
    if (d.status !== 'ok' || !d.data.deploys.some((x) => counts(x, w))) return undefined;
    return read('protected_environments', path, async () => {
      const page = await listAll(http, `${base}/protected_environments`, protectedEnvironmentSchema, {});
      return { value: page.items, evidence: page.evidence };
    });
  });

  /** The bodies of the merge request list's pages: the watermark of the approvals read in bulk. */
  let mergeDigests: string[] = [];
  const merges = read('merge_requests', path, async () => {
    if (mrsOff) return { value: [] as MergeRequest[], evidence: [] };
    const page = await listAll(http, `${base}/merge_requests`, mergeRequestSchema, {
      state: 'merged', updated_after: iso(dayStart(w.start)), order_by: 'updated_at', sort: 'desc',
    });
    mergeDigests = page.digests;
    return { value: page.items.filter((m) => m.merged_at && inWindow(m.merged_at)), evidence: page.evidence };
  });

  // Every merge request pipeline updated since the window's start: CI success counts those
  // created in the window; the head pipeline of a merged merge request is taken from here where
  // the list holds it, so only the others cost a request each.
  const listedPipelines = read('pipelines', path, async () => {
    if (mrsOff || project.builds_access_level === 'disabled') return { value: [] as Pipeline[], evidence: [] };
    const page = await listAll(http, `${base}/pipelines`, pipelineSchema, {
      source: 'merge_request_event', updated_after: iso(dayStart(w.start)), order_by: 'updated_at', sort: 'desc',
    });
    return { value: page.items.filter((x) => x.updated_at == null || Date.parse(x.updated_at) >= w.start), evidence: page.evidence };
  });
  // Only their statuses are kept: the pipelines themselves, held for every project until the last
  // was read, grew with the group.
  const pipelines = listedPipelines.then((p) => mapRead(p, (items) => items.filter((x) => inWindow(x.created_at)).map((x) => x.status)));

  const checked = Promise.all([merges, listedPipelines]).then(([m, listed]) => {
    const headOf = headPipelineIn(listed.status === 'ok' ? listed.data : []);
    return perMergeRequest(m, 'merge_request', path, async (mr) => {
      const head = headOf(mr);
      if (head) return { value: head.status === 'success', evidence: listed.evidence };
      const res = await http.getJson(`${base}/merge_requests/${mr.iid}`, mergeRequestDetailSchema);
      return { value: res.data.head_pipeline?.status === 'success', evidence: [res.evidence] };
    });
  });
  // Approved by someone other than the author: one GraphQL query per 100 merge requests where the
  // instance answers it, else (an old GitLab, GraphQL turned off, a refused query) one REST request each.
  const reviewed = merges.then(async (m) => {
    // A kept answer serves while the merge request list is the same to the byte: an approval is a
    // note on its merge request, which sets the merge request's updated_at.
    const reuse = m.status === 'ok' && mergeDigests.length ? {
      watermark: `merge requests ${sha256(mergeDigests.join(' '))}`,
      why: `the merged merge requests of ${path} (${m.evidence.join(', ')}) are the same as when this answer was kept: no approval given or withdrawn since (each sets its merge request's updated_at)`,
    } : undefined;
    const bulk = opts.graphql && m.status === 'ok' && m.data.length ? await approvedInBulk(opts.graphql, path, m.data, reuse) : undefined;
    if (bulk) return bulk;
    return perMergeRequest(m, 'merge_request_approvals', path, async (mr) => {
      const res = await http.getJson(`${base}/merge_requests/${mr.iid}/approvals`, mergeRequestApprovalsSchema);
      const others = (res.data.approved_by ?? []).filter((a) => a.user.id !== mr.author?.id);
      return { value: others.length > 0, evidence: [res.evidence] };
    });
  });

  const repo = hasRepo ? scanRepository(http, base, path, branch!) : Promise.resolve<Read<RepoFacts>>(readOk({ kinds: [], where: {}, gitops: [], truncated: false }, []));
  const releases = scanReleases(http, base, path, w);
  const incidents = opts.incidents ? readIncidents(http, project, w) : Promise.resolve(undefined);

  const [dep, br, appr, penv, mr, chk, rev, pipes, rp, rel, inc] = await Promise.all([
    deployments, branchP, approvalsP, protectedEnvsP, merges, checked, reviewed, pipelines, repo, releases, incidents,
  ]);
  return {
    project, path, deployments: dep, branch: br, approvals: appr, protectedEnvironments: penv, merges: mr,
    checked: chk, reviewed: rev, pipelines: pipes, repo: rp, releases: rel, incidents: inc,
  };
}

async function perMergeRequest<T>(
  merges: Read<MergeRequest[]>,
  endpoint: EndpointName,
  project: string,
  fn: (mr: MergeRequest) => Promise<{ value: T; evidence: string[] }>,
): Promise<Read<Map<number, T>>> {
  if (merges.status !== 'ok') return merges;
  const out = new Map<number, T>();
  const evidence: string[] = [];
  const results = await Promise.all(merges.data.map((mr) => fn(mr).then((r) => ({ mr, r }), (err: unknown) => ({ mr, err }))));
  for (const x of results) {
    if ('err' in x) return outcomeOf(x.err, endpoint, `${project}!${x.mr.iid}`);
    out.set(x.mr.iid, x.r.value);
    for (const e of x.r.evidence) if (!evidence.includes(e)) evidence.push(e);
  }
  return readOk(out, evidence);
}

async function scanRepository(http: HttpClient, base: string, project: string, ref: string): Promise<Read<RepoFacts>> {
  let tree;
  try {
    tree = await listAll(http, `${base}/repository/tree`, treeEntrySchema, { ref, recursive: true }, { maxPages: TREE_PAGES });
  } catch (err) {
    // An empty repository, or a default branch that does not exist (yet): nothing is there.
    if (isCollectError(err, 'not_found')) return readOk({ kinds: [], where: {}, gitops: [], truncated: false }, err.detail.evidence ? [err.detail.evidence] : []);
    return outcomeOf(err, 'tree', project);
  }
  const evidence = [...tree.evidence];
  const facts = classifyPaths(tree.items.filter((e) => e.type === 'blob').map((e) => e.path));
  const kinds = new Set<IacKind>(facts.kinds.keys());
  const where: Partial<Record<IacKind, string>> = Object.fromEntries(facts.kinds);
  const gitops: string[] = [];
  const raw = async (file: string) => {
    const res = await http.getText(`${base}/repository/files/${encodeURIComponent(file)}/raw`, { params: { ref }, acceptStatus: [404], headers: { Accept: 'text/plain, */*' } });
    evidence.push(res.evidence);
    return res.status === 404 ? undefined : res.data;
  };
  let reads = 0;
  try {
    for (const file of facts.candidates) {
      if (reads >= FILE_READS || (kinds.has('kubernetes') && gitops.length > 0)) break;
      reads++;
      const text = await raw(file);
      if (text === undefined) continue;
      const found = classifyFile(file, text);
      if (found.gitops.length) gitops.push(file);
      if (found.kubernetes && !kinds.has('kubernetes')) {
        kinds.add('kubernetes');
        where.kubernetes = file;
      }
    }
    // The CODEOWNERS file GitLab uses counts when it holds a rule (src/delivery/repository.ts). In
    // a tree read only in part, the folders GitLab looks in are listed instead.
    let codeowners: string | undefined;
    const blobs = tree.items.filter((e) => e.type === 'blob').map((e) => e.path);
    const used = tree.truncated ? await codeownersByListing(http, base, ref, evidence) : { file: codeownersPath(blobs, 'gitlab') };
    for (const file of used ? (used.file ? [used.file] : []) : CODEOWNERS_LOCATIONS.gitlab) {
      const text = await raw(file);
      if (text === undefined) continue;
      if (codeownersHasRule(text)) codeowners = file;
      break;
    }
    return readOk({ kinds: [...kinds].sort(), where, gitops, codeowners, truncated: tree.truncated }, evidence);
  } catch (err) {
    const out = outcomeOf(err, 'files', project);
    return { ...out, evidence: [...evidence, ...out.evidence] };
  }
}

/**
 * The CODEOWNERS file GitLab would use in a tree read only in part, from the listings of the
 * folders it looks in (the root, then each of docs/ and .gitlab/ the root shows), in GitLab's
 * order; undefined when a listing is itself too long to read whole (the caller then asks for each
 * file by name). A listing is a 200 that a repeated scan gets back as 304; asking for each file by
 * name got a 404 wherever it is not, which carries no validator and was asked again every scan.
 */
async function codeownersByListing(http: HttpClient, base: string, ref: string, evidence: string[]): Promise<{ file?: string } | undefined> {
  const listings = new Map<string, { blobs: Set<string>; folders: Set<string> } | undefined>();
  const list = async (folder: string) => {
    if (!listings.has(folder)) {
      const page = await listAll(http, `${base}/repository/tree`, treeEntrySchema, folder ? { ref, path: folder } : { ref }, { maxPages: FOLDER_PAGES });
      evidence.push(...page.evidence);
      const of = (type: string) => new Set(page.items.filter((e) => e.type === type).map((e) => e.path));
      listings.set(folder, page.truncated ? undefined : { blobs: of('blob'), folders: of('tree') });
    }
    return listings.get(folder);
  };
  for (const file of CODEOWNERS_LOCATIONS.gitlab) {
    const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
    const parent = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
    if (folder) {
      const above = await list(parent);
      if (!above) return undefined;
      if (!above.folders.has(folder)) continue;
    }
    const here = await list(folder);
    if (!here) return undefined;
    if (here.blobs.has(file)) return { file };
  }
  return {};
}

async function scanReleases(http: HttpClient, base: string, project: string, w: Span): Promise<Read<{ count: number; from: 'releases' | 'tags' }>> {
  const older = (s: string | null | undefined) => s != null && Date.parse(s) < w.start;
  const within = (s: string | null | undefined) => s != null && Date.parse(s) >= w.start && Date.parse(s) <= w.end;
  let releases;
  try {
    releases = await listAll(http, `${base}/releases`, releaseSchema, { order_by: 'created_at', sort: 'desc' }, { stop: (r) => older(r.created_at), maxPages: 20 });
  } catch (err) {
    return outcomeOf(err, 'releases', project);
  }
  if (releases.items.length > 0) return readOk({ count: releases.items.filter((r) => within(r.created_at)).length, from: 'releases' }, releases.evidence);
  // No release at all: the project's tags are its releases.
  return read('tags', project, async () => {
    const date = (t: z.infer<typeof tagSchema>) => t.created_at ?? t.commit?.created_at ?? t.commit?.committed_date;
    const tags = await listAll(http, `${base}/repository/tags`, tagSchema, { order_by: 'updated', sort: 'desc' }, { stop: (t) => older(date(t)), maxPages: 20 });
    return { value: { count: tags.items.filter((t) => within(date(t))).length, from: 'tags' as const }, evidence: [...releases.evidence, ...tags.evidence] };
  });
}


/**
 * The project's incident issues created in the window. A project with issues turned off has
 * none; a server that lists issues of other types ignored `issue_type` (GitLab before incidents),
 * so incidents are absent there rather than miscounted.
 */
async function readIncidents(http: HttpClient, project: Project, w: Span): Promise<Read<IncidentIssue[]>> {
  const path = project.path_with_namespace;
  if (project.issues_access_level === 'disabled') return readOk([], []);
  const got = await read('incidents', path, async () => {
    const page = await listAll(http, `/projects/${project.id}/issues`, incidentIssueSchema, {
      issue_type: 'incident', created_after: new Date(dayStart(w.start)).toISOString(), order_by: 'created_at', sort: 'desc',
    });
    // Asked from the start of the window's first day (see dayStart): only those created since the start itself.
    return { value: page.items.filter((i) => Date.parse(i.created_at) >= w.start), evidence: page.evidence };
  });
  // Issues turned off, or not visible: no incident can be recorded there.
  if (got.status === 'failed' && got.kind === 'not_found') return readAbsent(`${got.reason}: issues are turned off or not visible`, got.evidence);
  if (got.status !== 'ok') return got;
  const other = got.data.find((i) => i.issue_type !== 'incident');
  if (other) return readAbsent(`GET /projects/:id/issues?issue_type=incident listed ${other.issue_type === undefined ? 'issues without an issue_type' : `an issue of type ${other.issue_type}`} for ${path}: this GitLab does not know incident issues (GitLab 13.x+)`, got.evidence);
  return got;
}

/**
 * Whether each merged merge request was approved by someone other than its author, from GraphQL
 * pages of 100; undefined when the query fails or answers with errors or without a merge request
 * asked for, so the caller reads them one by one instead (the figure must not rest on a part).
 */
async function approvedInBulk(graphql: GraphqlQuery, path: string, merges: MergeRequest[], reuse?: { watermark: string; why: string }): Promise<Read<Map<number, boolean>> | undefined> {
  const out = new Map<number, boolean>();
  const evidence: string[] = [];
  try {
    for (let i = 0; i < merges.length; i += 100) {
      const chunk = merges.slice(i, i + 100);
      let after: string | null | undefined;
      do {
        const res = await graphql(APPROVED_BY_QUERY, { path, iids: chunk.map((m) => String(m.iid)), after }, reuse);
        evidence.push(res.evidence);
        const parsed = approvedByResponseSchema.safeParse(res.data);
        const page = parsed.success ? parsed.data.data?.project?.mergeRequests : undefined;
        if (!parsed.success || parsed.data.errors?.length || !page) return undefined;
        for (const node of page.nodes) {
          const mr = chunk.find((m) => String(m.iid) === node.iid);
          if (!mr) continue;
          out.set(mr.iid, (node.approvedBy?.nodes ?? []).some((u) => userIdOf(u.id) !== undefined && userIdOf(u.id) !== mr.author?.id));
        }
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : undefined;
      } while (after);
    }
  } catch (err) {
    if (isCollectError(err, 'aborted')) throw err;
    return undefined;
  }
  return merges.every((m) => out.has(m.iid)) ? readOk(out, evidence) : undefined;
}
