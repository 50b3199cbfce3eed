import { z } from 'zod';
import type { HttpClient } from '../../src/http/client.js';
import { CollectError } from '../../src/http/errors.js';

/**
 * GitLab REST API v4 responses (docs.gitlab.com/api/…), reduced to the fields this collector
 * reads. Unknown fields are dropped, so newer servers still parse; a field we rely on that is
 * missing or mistyped makes the response malformed, with the path of the bad value.
 */

const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date-time');
const user = z.object({ id: z.number() });

/** GET /groups/:id/projects, GET /projects/:id (API::Entities::Project). */
export const projectSchema = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  default_branch: z.string().nullish(),
  archived: z.boolean().optional(),
  empty_repo: z.boolean().optional(),
  forked_from_project: z.object({ id: z.number() }).nullish(),
  last_activity_at: dateTime.optional(),
  /** Shown to members with at least the Reporter role; absent, the required-checks signal cannot be read. */
  only_allow_merge_if_pipeline_succeeds: z.boolean().optional(),
  /** Premium only (exposed when the merge_request_approvers feature is licensed); deprecated for approval rules. */
  approvals_before_merge: z.number().nullish(),
  merge_requests_access_level: z.string().optional(),
  repository_access_level: z.string().optional(),
  environments_access_level: z.string().optional(),
  builds_access_level: z.string().optional(),
});
export type Project = z.infer<typeof projectSchema>;

/** GET /projects/:id/environments */
export const environmentSchema = z.object({ name: z.string() });
export type Environment = z.infer<typeof environmentSchema>;

/**
 * GET /projects/:id/deployments. `deployable` is the CI job that ran the deployment; it is null
 * for a deployment recorded through POST /projects/:id/deployments (an external tool or a person).
 */
export const deploymentSchema = z.object({
  id: z.number(),
  sha: z.string(),
  status: z.string(),
  created_at: dateTime,
  updated_at: dateTime,
  finished_at: dateTime.nullish(),
  environment: z.object({ name: z.string() }),
  deployable: z.object({ id: z.number() }).nullish(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

const accessLevel = z.object({
  access_level: z.number().nullish(),
  user_id: z.number().nullish(),
  group_id: z.number().nullish(),
  deploy_key_id: z.number().nullish(),
});

/** GET /projects/:id/protected_environments (Premium; Maintainer). */
export const protectedEnvironmentSchema = z.object({
  name: z.string(),
  required_approval_count: z.number().nullish(),
  approval_rules: z.array(z.object({ required_approvals: z.number().nullish() })).nullish(),
});
export type ProtectedEnvironment = z.infer<typeof protectedEnvironmentSchema>;

/** GET /projects/:id/protected_branches */
export const protectedBranchSchema = z.object({
  name: z.string(),
  push_access_levels: z.array(accessLevel).nullish(),
});
export type ProtectedBranch = z.infer<typeof protectedBranchSchema>;

/** GET /projects/:id/approval_rules (Premium; Developer, or Maintainer). */
export const approvalRuleSchema = z.object({
  name: z.string(),
  rule_type: z.string().optional(),
  approvals_required: z.number(),
  applies_to_all_protected_branches: z.boolean().optional(),
  protected_branches: z.array(z.object({ name: z.string() })).nullish(),
});
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;

/** GET /projects/:id/merge_requests?state=merged */
export const mergeRequestSchema = z.object({
  iid: z.number(),
  author: user.nullish(),
  target_branch: z.string(),
  merged_at: dateTime.nullish(),
});
export type MergeRequest = z.infer<typeof mergeRequestSchema>;

/** GET /projects/:id/merge_requests/:iid — only the head pipeline is read from it. */
export const mergeRequestDetailSchema = z.object({
  head_pipeline: z.object({ status: z.string() }).nullish(),
});

/** GET /projects/:id/merge_requests/:iid/approvals (every tier). */
export const mergeRequestApprovalsSchema = z.object({
  approved_by: z.array(z.object({ user: user })).nullish(),
});

/** GET /projects/:id/pipelines?source=merge_request_event */
export const pipelineSchema = z.object({
  status: z.string(),
  created_at: dateTime,
});
export type Pipeline = z.infer<typeof pipelineSchema>;

/** GET /projects/:id/repository/tree?recursive=true */
export const treeEntrySchema = z.object({ path: z.string(), type: z.string() });

/** GET /projects/:id/releases */
export const releaseSchema = z.object({ created_at: dateTime });

/** GET /projects/:id/repository/tags — created_at is set for annotated tags only (GitLab 15.x+). */
export const tagSchema = z.object({
  created_at: dateTime.nullish(),
  commit: z.object({ created_at: dateTime.nullish(), committed_date: dateTime.nullish() }).nullish(),
});

export interface Page<T> {
  items: T[];
  evidence: string[];
  /** More pages existed than were read (maxPages). */
  truncated: boolean;
}

export type Params = Record<string, string | number | boolean | undefined>;

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
  const keyOf = (q: Params) => JSON.stringify(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]).sort());
  const seen = new Set<string>([keyOf(query)]);
  for (let page = 1; ; page++) {
    const res = await http.getJson(path, schema, { params: query });
    evidence.push(res.evidence);
    items.push(...res.data);
    if (opts.stop && res.data.some(opts.stop)) return { items, evidence, truncated: false };
    const next = nextQuery(res.headers, query);
    if (!next) return { items, evidence, truncated: false };
    const key = keyOf(next);
    // A server repeating itself: the list cannot be read whole, so it is not taken as complete.
    if (seen.has(key)) {
      throw new CollectError('malformed', `paging loop: GET ${path} page ${page} links to a page already read (${new URLSearchParams(Object.entries(next).map(([k, v]) => [k, String(v)])).toString()}); the list cannot be read whole`, { evidence: res.evidence });
    }
    seen.add(key);
    if (page >= maxPages) return { items, evidence, truncated: true };
    query = next;
  }
}

/** The query of the next page, from the Link header or x-next-page; undefined on the last page. */
export function nextQuery(headers: Record<string, string>, current: Params): Params | undefined {
  const link = headers.link;
  if (link) {
    for (const part of link.split(',')) {
      const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
      if (!m) continue;
      try {
        const url = new URL(m[1]);
        return Object.fromEntries(url.searchParams.entries());
      } catch {
        break;
      }
    }
  }
  const next = headers['x-next-page'];
  if (next && /^\d+$/.test(next.trim())) return { ...current, page: Number(next.trim()) };
  return undefined;
}
