import { z } from 'zod';

/**
 * GitHub REST API responses (api.github.com, API version 2022-11-28, and GitHub Enterprise
 * Server 3.x), reduced to the fields this collector reads. Unknown fields are dropped, so newer
 * servers that add fields still parse; a field we rely on that is missing or mistyped makes the
 * response malformed, and the signals derived from it fail naming the request.
 */

const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date-time');
const login = z.object({ login: z.string(), type: z.string().optional() });

/** GET /orgs/{org}/repos, GET /repos/{owner}/{repo} (minimal-repository / full-repository). */
export const repositorySchema = z.object({
  name: z.string(),
  full_name: z.string(),
  owner: login,
  archived: z.boolean().optional().default(false),
  fork: z.boolean(),
  default_branch: z.string().optional(),
  pushed_at: dateTime.nullable().optional(),
});
export type Repository = z.infer<typeof repositorySchema>;

/** GET /repos/{owner}/{repo}/branches/{branch}/protection (branch-protection). */
export const branchProtectionSchema = z.object({
  required_status_checks: z
    .object({
      contexts: z.array(z.string()).optional().default([]),
      checks: z.array(z.object({ context: z.string() })).optional().default([]),
    })
    .nullable()
    .optional(),
  required_pull_request_reviews: z
    .object({ required_approving_review_count: z.number().int().optional() })
    .nullable()
    .optional(),
});
export type BranchProtection = z.infer<typeof branchProtectionSchema>;

/** GET /repos/{owner}/{repo}/rules/branches/{branch} (repository-rule-detailed[]). */
export const branchRuleSchema = z.object({
  type: z.string(),
  ruleset_id: z.number().optional(),
  ruleset_source: z.string().optional(),
  parameters: z
    .object({
      required_approving_review_count: z.number().int().optional(),
      required_status_checks: z.array(z.object({ context: z.string() })).optional(),
    })
    .passthrough()
    .optional(),
});
export type BranchRule = z.infer<typeof branchRuleSchema>;

/** GET /repos/{owner}/{repo}/git/trees/{tree_sha}?recursive=1 (git-tree). */
export const treeSchema = z.object({
  sha: z.string(),
  truncated: z.boolean(),
  tree: z.array(z.object({ path: z.string(), type: z.string(), sha: z.string(), size: z.number().optional() })),
});
export type Tree = z.infer<typeof treeSchema>;

/** GET /repos/{owner}/{repo}/git/blobs/{file_sha} (blob). */
export const blobSchema = z.object({ sha: z.string(), content: z.string(), encoding: z.string() });

/** GET /repos/{owner}/{repo}/contents/{path} (content-file): the text of a CODEOWNERS file in a truncated tree. */
export const contentSchema = z.object({ type: z.string(), path: z.string(), content: z.string().optional(), encoding: z.string().optional() });

/** GET /repos/{owner}/{repo}/releases (release[]). */
export const releaseSchema = z.object({
  id: z.number(),
  tag_name: z.string(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  created_at: dateTime,
  published_at: dateTime.nullable(),
});
export type Release = z.infer<typeof releaseSchema>;

/** GET /repos/{owner}/{repo}/tags (tag[]). */
export const tagSchema = z.object({ name: z.string(), commit: z.object({ sha: z.string() }) });

/** GET /repos/{owner}/{repo}/commits (commit[]). */
export const commitSchema = z.object({
  sha: z.string(),
  commit: z.object({ committer: z.object({ date: dateTime }).nullable() }),
});

/** GET /repos/{owner}/{repo}/deployments (deployment[]). */
export const deploymentSchema = z.object({
  id: z.number(),
  /** The GraphQL id, by which the statuses are read in bulk. */
  node_id: z.string().optional(),
  sha: z.string(),
  ref: z.string(),
  environment: z.string(),
  created_at: dateTime,
  creator: login.nullable(),
  performed_via_github_app: z.object({ slug: z.string().optional() }).passthrough().nullable().optional(),
});
export type DeploymentItem = z.infer<typeof deploymentSchema>;

/** GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses (deployment-status[]). */
export const deploymentStatusSchema = z.object({
  id: z.number(),
  state: z.enum(['error', 'failure', 'inactive', 'pending', 'success', 'queued', 'in_progress']),
  created_at: dateTime,
});
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;

/** GET /repos/{owner}/{repo}/environments ({total_count, environments}; octokit.paginate unwraps it). */
export const environmentSchema = z.object({
  name: z.string(),
  protection_rules: z
    .array(z.object({ type: z.string(), wait_timer: z.number().optional(), reviewers: z.array(z.unknown()).optional() }))
    .optional()
    .default([]),
});
export type Environment = z.infer<typeof environmentSchema>;

/** GET /repos/{owner}/{repo}/pulls?state=closed (pull-request-simple[]). */
export const pullSchema = z.object({
  number: z.number(),
  /** The GraphQL id, by which reviews and checks are read in bulk. */
  node_id: z.string().optional(),
  user: login.nullable(),
  created_at: dateTime,
  updated_at: dateTime,
  merged_at: dateTime.nullable(),
  merge_commit_sha: z.string().nullable(),
  head: z.object({ sha: z.string() }),
  base: z.object({ ref: z.string() }),
});
export type Pull = z.infer<typeof pullSchema>;

/** GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews (pull-request-review[]). */
export const reviewSchema = z.object({
  id: z.number(),
  user: login.nullable(),
  state: z.string(),
  submitted_at: dateTime.optional(),
});
export type Review = z.infer<typeof reviewSchema>;

/** GET /repos/{owner}/{repo}/actions/runs ({total_count, workflow_runs}; unwrapped by paginate). */
export const workflowRunSchema = z.object({
  id: z.number(),
  event: z.string(),
  head_sha: z.string(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  created_at: dateTime,
});
export type WorkflowRun = z.infer<typeof workflowRunSchema>;

/** GET /repos/{owner}/{repo}/commits/{ref}/check-runs ({total_count, check_runs}; unwrapped by paginate). */
export const checkRunSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  conclusion: z.string().nullable(),
});

/** GET /repos/{owner}/{repo}/commits/{ref}/status (combined-commit-status). */
export const combinedStatusSchema = z.object({
  state: z.string(),
  total_count: z.number(),
  statuses: z.array(z.object({ context: z.string(), state: z.string() })),
});

/** GET /repos/{owner}/{repo}/compare/{base}...{head} (commit-comparison). */
export const comparisonSchema = z.object({
  status: z.enum(['diverged', 'ahead', 'behind', 'identical']),
  ahead_by: z.number(),
  behind_by: z.number(),
  total_commits: z.number(),
  /** The commits of head not reachable from base, up to 250 a page. */
  commits: z.array(z.object({ sha: z.string() })),
});
export type Comparison = z.infer<typeof comparisonSchema>;

/** GET /rate_limit (rate-limit-overview): the quota left, per resource; it costs nothing. */
const quota = z.object({ limit: z.number(), remaining: z.number(), reset: z.number(), used: z.number().optional() });
export const rateLimitSchema = z.object({ resources: z.object({ core: quota, graphql: quota.optional() }).passthrough() });
