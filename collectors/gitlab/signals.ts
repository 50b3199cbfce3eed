import { declare } from '../../src/delivery/signals.js';
import { count, flag, number, ratio, type SignalIds } from '../../src/collector/kit.js';
import { incidentSignals } from '../../src/incidents/index.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

/**
 * The delivery signals, the same suffixes as github.* (shared definitions: merge requests for pull
 * requests, pipelines for CI runs). README.md gives each one's exact GitLab definition.
 */
const DECLS = [
  flag('gitlab.api.reachable', 'The GitLab API answered the project listing with these credentials'),
  count('gitlab.repos.count', 'Projects scanned (after group/projects, include/exclude, archived, forks and max_projects)'),
  count('gitlab.repos.with_deployments', 'Projects with at least one production deployment in the window'),
  declare('gitlab', 'deployments.count'),
  declare('gitlab', 'deployments.per_week'),
  declare('gitlab', 'deployments.weeks_with_deploy_ratio'),
  declare('gitlab', 'deployments.days_with_deploy_ratio'),
  declare('gitlab', 'deployments.max_per_day'),
  declare('gitlab', 'deployments.success_ratio'),
  declare('gitlab', 'deployments.automated_ratio'),
  declare('gitlab', 'deployments.rollbacks'),
  declare('gitlab', 'changes.failure_rate'),
  declare('gitlab', 'changes.lead_time_median_seconds'),
  declare('gitlab', 'restore.median_seconds'),
  declare('gitlab', 'apps.count'),
  declare('gitlab', 'apps.monthly_ratio'),
  declare('gitlab', 'apps.weekly_ratio'),
  declare('gitlab', 'apps.daily_ratio'),
  declare('gitlab', 'apps.on_demand_ratio'),
  declare('gitlab', 'apps.success_ratio_min'),
  ratio('gitlab.review.protected_ratio', 'Projects whose default branch is protected with push allowed for no one and merges need at least one approval'),
  ratio('gitlab.review.required_checks_ratio', 'Projects that allow a merge only when the pipeline succeeds (only_allow_merge_if_pipeline_succeeds)'),
  ratio('gitlab.review.codeowners_ratio', 'Projects whose default branch has a CODEOWNERS file where GitLab reads it (root, docs/, .gitlab/; the first found) with at least one rule'),
  ratio('gitlab.review.merged_reviewed_ratio', 'Merge requests merged in the window approved by someone other than the author / merged in the window'),
  ratio('gitlab.environments.gated_ratio', 'Projects with production deployments whose every production environment is protected with required approvals'),
  ratio('gitlab.ci.pr_checked_ratio', 'Merge requests merged in the window whose head pipeline succeeded / merged in the window'),
  ratio('gitlab.ci.success_ratio', 'Merge request pipelines created in the window that succeeded / those that succeeded or failed'),
  count('gitlab.iac.repos', 'Projects whose default branch holds deployment configuration as code (Helm, Kustomize, Kubernetes manifests in a deployment folder or GitOps objects, Terraform, Ansible)'),
  flag('gitlab.gitops.present', 'An Argo CD Application/ApplicationSet or Flux Kustomization/HelmRelease manifest exists in a scanned project'),
  number('gitlab.releases.per_week', 'releases/week', 'Releases created in the window per week (tags for projects without any release)', 'sum'),
] as const satisfies readonly SignalDeclaration[];

export type GitlabSignalId = SignalIds<typeof DECLS>;

/**
 * The incident signals every incident tool emits (src/incidents), from the projects' incident
 * issues; those GitLab's REST API cannot show are not available with the reason.
 */
export const GITLAB_INCIDENT_SIGNALS: SignalDeclaration[] = incidentSignals('gitlab', 'GitLab incident issues');

export const GITLAB_SIGNALS: SignalDeclaration[] = [...DECLS, ...GITLAB_INCIDENT_SIGNALS];
export const GITLAB_SIGNAL_IDS: GitlabSignalId[] = DECLS.map((d) => d.id);
