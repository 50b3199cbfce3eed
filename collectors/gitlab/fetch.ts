import type { z } from 'zod';
import { errorMessage } from '../../src/errors.js';
import type { HttpClient } from '../../src/http/client.js';
import { isCollectError } from '../../src/http/errors.js';
import {
  approvalRuleSchema, deploymentSchema, environmentSchema, listAll, mergeRequestApprovalsSchema, mergeRequestDetailSchema,
  mergeRequestSchema, pipelineSchema, protectedBranchSchema, protectedEnvironmentSchema, releaseSchema, tagSchema, treeEntrySchema,
  type ApprovalRule, type MergeRequest, type Pipeline, type Project, type ProtectedBranch, type ProtectedEnvironment,
} from './api.js';
import { counts } from '../../src/delivery/deployments.js';
import type { DeploymentRecord } from '../../src/delivery/records.js';
import { classifyFile, classifyPaths, CODEOWNERS_LOCATIONS, codeownersHasRule, codeownersPath, type IacKind } from '../../src/delivery/repository.js';
import { branchMatches, deploymentRecord, type Span } from './translate.js';

/** What one read of one project gave: a value, or why not (failed, or absent from this edition). */
export type Fetched<T> =
  | { ok: true; value: T; evidence: string[] }
  | { ok: false; absent: boolean; reason: string; evidence: string[] };

/** The endpoints read per project, with the role each needs and whether it is a paid feature. */
export const ENDPOINTS = {
  environments: { path: 'GET /projects/:id/environments', role: 'Reporter' },
  deployments: { path: 'GET /projects/:id/deployments', role: 'Reporter' },
  protected_environments: { path: 'GET /projects/:id/protected_environments', role: 'Maintainer', premium: true },
  protected_branches: { path: 'GET /projects/:id/protected_branches', role: 'Reporter (Maintainer on GitLab before 15.x)' },
  approval_rules: { path: 'GET /projects/:id/approval_rules', role: 'Developer', premium: true },
  merge_requests: { path: 'GET /projects/:id/merge_requests', role: 'Reporter' },
  merge_request: { path: 'GET /projects/:id/merge_requests/:iid', role: 'Reporter' },
  merge_request_approvals: { path: 'GET /projects/:id/merge_requests/:iid/approvals', role: 'Reporter' },
  pipelines: { path: 'GET /projects/:id/pipelines', role: 'Reporter' },
  tree: { path: 'GET /projects/:id/repository/tree', role: 'Reporter' },
  files: { path: 'GET /projects/:id/repository/files/:path', role: 'Reporter' },
  releases: { path: 'GET /projects/:id/releases', role: 'Reporter' },
  tags: { path: 'GET /projects/:id/repository/tags', role: 'Reporter' },
} as const satisfies Record<string, { path: string; role: string; premium?: boolean }>;
export type EndpointName = keyof typeof ENDPOINTS;

export const PREMIUM = 'needs GitLab Premium or Ultimate';

/** Why a project-level read is not a value; a 401 or a passed deadline ends the whole collection. */
export function outcomeOf(err: unknown, endpoint: EndpointName, project: string): Fetched<never> {
  if (isCollectError(err, 'aborted')) throw err;
  if (isCollectError(err, 'credentials') && err.detail.status === 401) throw err;
  const ep = ENDPOINTS[endpoint];
  const evidence = isCollectError(err) && err.detail.evidence ? [err.detail.evidence] : [];
  const message = errorMessage(err);
  if (isCollectError(err, 'credentials')) {
    const scope = /insufficient_scope/.test(message) ? ' and a token with the read_api scope' : '';
    return { ok: false, absent: false, evidence, reason: `${message} — ${ep.path} (project ${project}) needs the ${ep.role} role${scope}` };
  }
  if (isCollectError(err, 'not_found') && 'premium' in ep && ep.premium) {
    return { ok: false, absent: true, evidence, reason: `${ep.path} answered 404 for ${project}: the feature ${PREMIUM} (${message})` };
  }
  return { ok: false, absent: false, evidence, reason: `${message} (${ep.path}, project ${project})` };
}

async function read<T>(endpoint: EndpointName, project: string, fn: () => Promise<{ value: T; evidence: string[] }>): Promise<Fetched<T>> {
  try {
    const { value, evidence } = await fn();
    return { ok: true, value, evidence };
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
  deployments: Fetched<{ environments: string[]; deploys: DeploymentRecord[]; gitlabStatus: Map<number, string> }>;
  /** Read only for projects with production deployments in the window. */
  protectedEnvironments?: Fetched<ProtectedEnvironment[]>;
  /** The default branch is protected with push for no one (false without a default branch). */
  branch: Fetched<{ pushProtected: boolean; rules: string[] }>;
  /** Read only when the default branch is push-protected. */
  approvals?: Fetched<{ required: boolean; why: string }>;
  merges: Fetched<MergeRequest[]>;
  /** Head pipeline succeeded, per merged iid. */
  checked: Fetched<Map<number, boolean>>;
  /** Approved by someone other than the author, per merged iid. */
  reviewed: Fetched<Map<number, boolean>>;
  pipelines: Fetched<Pipeline[]>;
  repo: Fetched<RepoFacts>;
  releases: Fetched<{ count: number; from: 'releases' | 'tags' }>;
}

export interface ScanOptions {
  window: Span;
  /** Deployments are read from here (before the window) so a rollback to an older sha is seen. */
  historyStart: number;
  production: RegExp[];
}

const TREE_PAGES = 30;
const FILE_READS = 8;

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

  const deployments = (async (): Promise<Fetched<{ environments: string[]; deploys: DeploymentRecord[]; gitlabStatus: Map<number, string> }>> => {
    if (project.environments_access_level === 'disabled') return { ok: true, value: { environments: [], deploys: [], gitlabStatus: new Map() }, evidence: [] };
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
          environment: env, updated_after: iso(opts.historyStart), order_by: 'updated_at', sort: 'desc',
        });
        evidence.push(...page.evidence);
        for (const d of page.items) {
          deploys.push(deploymentRecord(path, d));
          gitlabStatus.set(d.id, d.status);
        }
      } catch (err) {
        const out = outcomeOf(err, 'deployments', path);
        return { ...out, evidence: [...evidence, ...out.evidence] };
      }
    }
    return { ok: true, value: { environments: production, deploys, gitlabStatus }, evidence };
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
    if (!b.ok || !b.value.pushProtected) return undefined;
    return read('approval_rules', path, async () => {
      const page = await listAll(http, `${base}/approval_rules`, approvalRuleSchema, {});
      return { value: approvalsRequired(page.items, branch!, project.approvals_before_merge ?? 0), evidence: page.evidence };
    });
  });

  const protectedEnvsP = deployments.then((d) => {
    if (!d.ok || !d.value.deploys.some((x) => counts(x, w))) return undefined;
    return read('protected_environments', path, async () => {
      const page = await listAll(http, `${base}/protected_environments`, protectedEnvironmentSchema, {});
      return { value: page.items, evidence: page.evidence };
    });
  });

  const merges = read('merge_requests', path, async () => {
    if (mrsOff) return { value: [] as MergeRequest[], evidence: [] };
    const page = await listAll(http, `${base}/merge_requests`, mergeRequestSchema, {
      state: 'merged', updated_after: iso(w.start), order_by: 'updated_at', sort: 'desc',
    });
    return { value: page.items.filter((m) => m.merged_at && inWindow(m.merged_at)), evidence: page.evidence };
  });

  const checked = merges.then((m) => perMergeRequest(m, 'merge_request', path, async (mr) => {
    const res = await http.getJson(`${base}/merge_requests/${mr.iid}`, mergeRequestDetailSchema);
    return { value: res.data.head_pipeline?.status === 'success', evidence: res.evidence };
  }));
  const reviewed = merges.then((m) => perMergeRequest(m, 'merge_request_approvals', path, async (mr) => {
    const res = await http.getJson(`${base}/merge_requests/${mr.iid}/approvals`, mergeRequestApprovalsSchema);
    const others = (res.data.approved_by ?? []).filter((a) => a.user.id !== mr.author?.id);
    return { value: others.length > 0, evidence: res.evidence };
  }));

  const pipelines = read('pipelines', path, async () => {
    if (mrsOff || project.builds_access_level === 'disabled') return { value: [] as Pipeline[], evidence: [] };
    const page = await listAll(http, `${base}/pipelines`, pipelineSchema, {
      source: 'merge_request_event', updated_after: iso(w.start), order_by: 'updated_at', sort: 'desc',
    });
    return { value: page.items.filter((p) => inWindow(p.created_at)), evidence: page.evidence };
  });

  const repo = hasRepo ? scanRepository(http, base, path, branch!) : Promise.resolve<Fetched<RepoFacts>>({ ok: true, value: { kinds: [], where: {}, gitops: [], truncated: false }, evidence: [] });
  const releases = scanReleases(http, base, path, w);

  const [dep, br, appr, penv, mr, chk, rev, pipes, rp, rel] = await Promise.all([
    deployments, branchP, approvalsP, protectedEnvsP, merges, checked, reviewed, pipelines, repo, releases,
  ]);
  return {
    project, path, deployments: dep, branch: br, approvals: appr, protectedEnvironments: penv, merges: mr,
    checked: chk, reviewed: rev, pipelines: pipes, repo: rp, releases: rel,
  };
}

function noOneMayPush(b: ProtectedBranch): boolean {
  return (b.push_access_levels ?? []).every((l) => (l.access_level ?? 0) === 0 && l.user_id == null && l.group_id == null && l.deploy_key_id == null);
}

/** An approval rule with approvals_required ≥ 1 that applies to the default branch, or the legacy approvals_before_merge. */
export function approvalsRequired(rules: ApprovalRule[], branch: string, legacy: number): { required: boolean; why: string } {
  for (const r of rules) {
    if (r.rule_type === 'report_approver' || r.approvals_required < 1) continue;
    const branches = r.protected_branches ?? [];
    if (r.applies_to_all_protected_branches || branches.length === 0 || branches.some((b) => branchMatches(b.name, branch))) {
      return { required: true, why: `approval rule '${r.name}' requires ${r.approvals_required}` };
    }
  }
  if (legacy >= 1) return { required: true, why: `approvals_before_merge ${legacy}` };
  return { required: false, why: rules.length ? 'no approval rule requiring an approval applies to the default branch' : 'no approval rule' };
}

async function perMergeRequest<T>(
  merges: Fetched<MergeRequest[]>,
  endpoint: EndpointName,
  project: string,
  fn: (mr: MergeRequest) => Promise<{ value: T; evidence: string }>,
): Promise<Fetched<Map<number, T>>> {
  if (!merges.ok) return merges;
  const out = new Map<number, T>();
  const evidence: string[] = [];
  const results = await Promise.all(merges.value.map((mr) => fn(mr).then((r) => ({ mr, r }), (err: unknown) => ({ mr, err }))));
  for (const x of results) {
    if ('err' in x) return outcomeOf(x.err, endpoint, `${project}!${x.mr.iid}`);
    out.set(x.mr.iid, x.r.value);
    evidence.push(x.r.evidence);
  }
  return { ok: true, value: out, evidence };
}

async function scanRepository(http: HttpClient, base: string, project: string, ref: string): Promise<Fetched<RepoFacts>> {
  let tree;
  try {
    tree = await listAll(http, `${base}/repository/tree`, treeEntrySchema, { ref, recursive: true }, { maxPages: TREE_PAGES });
  } catch (err) {
    // An empty repository, or a default branch that does not exist (yet): nothing is there.
    if (isCollectError(err, 'not_found')) return { ok: true, value: { kinds: [], where: {}, gitops: [], truncated: false }, evidence: err.detail.evidence ? [err.detail.evidence] : [] };
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
    // a tree read only in part, every place GitLab looks is asked for.
    let codeowners: string | undefined;
    const listed = codeownersPath(tree.items.filter((e) => e.type === 'blob').map((e) => e.path), 'gitlab');
    for (const file of listed ? [listed] : tree.truncated ? CODEOWNERS_LOCATIONS.gitlab : []) {
      const text = await raw(file);
      if (text === undefined) continue;
      if (codeownersHasRule(text)) codeowners = file;
      break;
    }
    return { ok: true, value: { kinds: [...kinds].sort(), where, gitops, codeowners, truncated: tree.truncated }, evidence };
  } catch (err) {
    const out = outcomeOf(err, 'files', project);
    return { ...out, evidence: [...evidence, ...out.evidence] };
  }
}

async function scanReleases(http: HttpClient, base: string, project: string, w: Span): Promise<Fetched<{ count: number; from: 'releases' | 'tags' }>> {
  const older = (s: string | null | undefined) => s != null && Date.parse(s) < w.start;
  const within = (s: string | null | undefined) => s != null && Date.parse(s) >= w.start && Date.parse(s) <= w.end;
  let releases;
  try {
    releases = await listAll(http, `${base}/releases`, releaseSchema, { order_by: 'created_at', sort: 'desc' }, { stop: (r) => older(r.created_at), maxPages: 20 });
  } catch (err) {
    return outcomeOf(err, 'releases', project);
  }
  if (releases.items.length > 0) return { ok: true, value: { count: releases.items.filter((r) => within(r.created_at)).length, from: 'releases' }, evidence: releases.evidence };
  // No release at all: the project's tags are its releases.
  return read('tags', project, async () => {
    const date = (t: z.infer<typeof tagSchema>) => t.created_at ?? t.commit?.created_at ?? t.commit?.committed_date;
    const tags = await listAll(http, `${base}/repository/tags`, tagSchema, { order_by: 'updated', sort: 'desc' }, { stop: (t) => older(date(t)), maxPages: 20 });
    return { value: { count: tags.items.filter((t) => within(date(t))).length, from: 'tags' as const }, evidence: [...releases.evidence, ...tags.evidence] };
  });
}

