import type { SignalDeclaration } from '../../src/signals/types.js';

/**
 * The delivery signals, the same suffixes as github.* (shared definitions: merge requests for pull
 * requests, pipelines for CI runs). README.md gives each one's exact GitLab definition.
 */
const DECLS = [
  { id: 'gitlab.api.reachable', type: 'boolean', aggregation: 'any',
    description: 'The GitLab API answered the project listing with these credentials' },
  { id: 'gitlab.repos.count', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Projects scanned (after group/projects, include/exclude, archived, forks and max_projects)' },
  { id: 'gitlab.repos.with_deployments', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Projects with at least one production deployment in the window' },
  { id: 'gitlab.deployments.count', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Production deployments created in the window that ran (status running, success or failed)' },
  { id: 'gitlab.deployments.per_week', type: 'number', unit: 'deployments/week', aggregation: 'sum',
    description: 'Production deployments in the window per week (count / (window days / 7))' },
  { id: 'gitlab.deployments.weeks_with_deploy_ratio', type: 'ratio', aggregation: 'max',
    description: 'Share of the whole 7-day buckets of the window (counted back from its end) with at least one production deployment' },
  { id: 'gitlab.deployments.days_with_deploy_ratio', type: 'ratio', aggregation: 'max',
    description: 'Share of the whole working days (Mon–Fri, UTC) in the window with at least one production deployment' },
  { id: 'gitlab.deployments.max_per_day', type: 'number', unit: 'count', aggregation: 'max',
    description: 'Most production deployments created on one UTC day in the window' },
  { id: 'gitlab.deployments.success_ratio', type: 'ratio', aggregation: 'min',
    description: 'Production deployments in the window with status success / those with status success or failed' },
  { id: 'gitlab.deployments.automated_ratio', type: 'ratio', aggregation: 'min',
    description: 'Production deployments in the window run by a CI job (deployable set) / production deployments' },
  { id: 'gitlab.deployments.rollbacks', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Production deployments in the window of a sha already deployed to the same environment before a newer one' },
  { id: 'gitlab.changes.failure_rate', type: 'ratio', aggregation: 'max',
    description: '(Failed production deployments + successful ones rolled back within 24 h) / production deployments with status success or failed' },
  { id: 'gitlab.changes.lead_time_median_seconds', type: 'duration', unit: 'seconds', aggregation: 'max',
    description: 'Median time from a merge into the default branch to the first later successful production deployment of the project' },
  { id: 'gitlab.restore.median_seconds', type: 'duration', unit: 'seconds', aggregation: 'max',
    description: 'Median time from a failed production deployment to the next successful deployment to the same environment' },
  { id: 'gitlab.review.protected_ratio', type: 'ratio', aggregation: 'min',
    description: 'Projects whose default branch is protected with push allowed for no one and merges need at least one approval' },
  { id: 'gitlab.review.required_checks_ratio', type: 'ratio', aggregation: 'min',
    description: 'Projects that allow a merge only when the pipeline succeeds (only_allow_merge_if_pipeline_succeeds)' },
  { id: 'gitlab.review.codeowners_ratio', type: 'ratio', aggregation: 'min',
    description: 'Projects with a CODEOWNERS file (root, .gitlab/ or docs/) on the default branch' },
  { id: 'gitlab.review.merged_reviewed_ratio', type: 'ratio', aggregation: 'min',
    description: 'Merge requests merged in the window approved by someone other than the author / merged in the window' },
  { id: 'gitlab.environments.gated_ratio', type: 'ratio', aggregation: 'min',
    description: 'Projects with production deployments whose every production environment is protected with required approvals' },
  { id: 'gitlab.ci.pr_checked_ratio', type: 'ratio', aggregation: 'min',
    description: 'Merge requests merged in the window whose head pipeline succeeded / merged in the window' },
  { id: 'gitlab.ci.success_ratio', type: 'ratio', aggregation: 'min',
    description: 'Merge request pipelines created in the window that succeeded / those that succeeded or failed' },
  { id: 'gitlab.iac.repos', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Projects whose default branch holds deployment configuration as code (Helm, Kustomize, Kubernetes manifests, Terraform, Ansible, Argo CD, Flux)' },
  { id: 'gitlab.gitops.present', type: 'boolean', aggregation: 'any',
    description: 'An Argo CD Application/ApplicationSet or Flux Kustomization/HelmRelease manifest exists in a scanned project' },
  { id: 'gitlab.releases.per_week', type: 'number', unit: 'releases/week', aggregation: 'sum',
    description: 'Releases created in the window per week (tags for projects without any release)' },
] as const satisfies readonly SignalDeclaration[];

export type GitlabSignalId = (typeof DECLS)[number]['id'];

export const GITLAB_SIGNALS: SignalDeclaration[] = [...DECLS];
export const GITLAB_SIGNAL_IDS: GitlabSignalId[] = DECLS.map((d) => d.id);
