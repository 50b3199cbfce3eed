import { z } from 'zod';
import type { HttpClient } from '../../src/http/client.js';
import { CollectError } from '../../src/http/errors.js';

/**
 * GitLab REST API v4 responses (docs.gitlab.com/api/…), reduced to the fields this collector
 * reads. Unknown fields are dropped, so newer servers still parse; a field we rely on that is
 * missing or mistyped makes the response malformed, with the path of the bad value.
 */

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
  incidents: { path: 'GET /projects/:id/issues?issue_type=incident', role: 'Guest (Reporter for confidential incidents)' },
} as const satisfies Record<string, { path: string; role: string; premium?: boolean }>;
export type EndpointName = keyof typeof ENDPOINTS;

export const PREMIUM = 'needs GitLab Premium or Ultimate';

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
  issues_access_level: z.string().optional(),
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
  /** The head commit (diff_head_sha). */
  sha: z.string().nullish(),
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

/**
 * POST /api/graphql (a query, the only POST the collector makes): who approved each merge request,
 * a page of up to 100 at a time, instead of GET …/merge_requests/:iid/approvals for each.
 * `approvedBy` is in every edition; user ids are global ids (gid://gitlab/User/8).
 */
export const APPROVED_BY_QUERY = `query techopsApprovedBy($path: ID!, $iids: [String!], $after: String) {
  project(fullPath: $path) {
    mergeRequests(iids: $iids, first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { iid approvedBy { nodes { id } } }
    }
  }
}`;
export const approvedByResponseSchema = z.object({
  data: z.object({
    project: z.object({
      mergeRequests: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
        nodes: z.array(z.object({ iid: z.string(), approvedBy: z.object({ nodes: z.array(z.object({ id: z.string() })) }).nullish() })),
      }),
    }).nullish(),
  }).nullish(),
  errors: z.array(z.object({ message: z.string() })).nullish(),
});

/** The numeric user id of a GraphQL global id (gid://gitlab/User/8 → 8). */
export const userIdOf = (gid: string): number | undefined => {
  const m = /\/User\/(\d+)$/.exec(gid);
  return m ? Number(m[1]) : undefined;
};

/** A GraphQL query's answer with the evidence id of its request. */
export type GraphqlQuery = (query: string, variables: Record<string, unknown>, reuse?: { watermark: string; why: string }) => Promise<{ data: unknown; evidence: string }>;

/** GET /projects/:id/pipelines?source=merge_request_event */
export const pipelineSchema = z.object({
  id: z.number().nullish(),
  sha: z.string().nullish(),
  /** A merge request pipeline runs on refs/merge-requests/:iid/head (or /merge, /train for merged results). */
  ref: z.string().nullish(),
  status: z.string(),
  created_at: dateTime,
  /** What `updated_after` filters on (the list is asked from the day's start: see dayStart). */
  updated_at: dateTime.nullish(),
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

/**
 * GET /projects/:id/issues?issue_type=incident (API::Entities::Issue). `issue_type` and
 * `severity` (UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL) came with incidents in GitLab 13.x; a server
 * without `issue_type` ignores the filter and lists plain issues, which the reader refuses.
 * Incidents that GitLab opened from an alert are authored by the GitLab Alert Bot (`alert-bot`),
 * which also closes them when the alert resolves.
 */
const actor = z.object({ id: z.number(), username: z.string().optional() });
export const incidentIssueSchema = z.object({
  iid: z.number(),
  state: z.string(),
  created_at: dateTime,
  closed_at: dateTime.nullish(),
  labels: z.array(z.string()).nullish(),
  issue_type: z.string().optional(),
  severity: z.string().nullish(),
  author: actor.nullish(),
  closed_by: actor.nullish(),
});
export type IncidentIssue = z.infer<typeof incidentIssueSchema>;

export type Params = Record<string, string | number | boolean | undefined>;

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
