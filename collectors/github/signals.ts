import type { SignalDeclaration } from '../../src/signals/types.js';

/**
 * Where each signal's data comes from. When a source cannot be read for some repository, exactly
 * the signals listed under it are failed (a sum or ratio over the other repositories would be
 * wrong), and the others are still measured.
 */
export type Source =
  | 'repos' | 'protection' | 'tree' | 'releases'
  | 'deployments' | 'statuses' | 'environments'
  | 'pulls' | 'reviews' | 'runs' | 'checks' | 'compare';

interface GithubSignal extends SignalDeclaration {
  sources: readonly Source[];
}

const DECLS = [
  { id: 'github.api.reachable', type: 'boolean', aggregation: 'any', sources: ['repos'],
    description: 'The GitHub REST API answered the repository listing with this token' },
  { id: 'github.repos.count', type: 'number', unit: 'count', aggregation: 'sum', sources: ['repos'],
    description: 'Repositories scanned (after org/repositories, include/exclude, archived and fork filters, max_repositories)' },
  { id: 'github.repos.with_deployments', type: 'number', unit: 'count', aggregation: 'sum', sources: ['deployments'],
    description: 'Repositories with at least one production deployment created in the window' },
  { id: 'github.deployments.count', type: 'number', unit: 'count', aggregation: 'sum', sources: ['deployments'],
    description: 'Production deployments created in the window' },
  { id: 'github.deployments.per_week', type: 'number', unit: 'deployments/week', aggregation: 'sum', sources: ['deployments'],
    description: 'Production deployments created in the window per week (count / (window days / 7))' },
  { id: 'github.deployments.weeks_with_deploy_ratio', type: 'ratio', aggregation: 'max', sources: ['deployments'],
    description: 'Share of the whole 7-day buckets of the window (counted back from its end) with at least one production deployment' },
  { id: 'github.deployments.days_with_deploy_ratio', type: 'ratio', aggregation: 'max', sources: ['deployments'],
    description: 'Share of the whole working days (Mon-Fri, UTC) in the window with at least one production deployment' },
  { id: 'github.deployments.max_per_day', type: 'number', unit: 'count', aggregation: 'max', sources: ['deployments'],
    description: 'Most production deployments created on one UTC day in the window' },
  { id: 'github.deployments.success_ratio', type: 'ratio', aggregation: 'min', sources: ['deployments', 'statuses'],
    description: 'Production deployments in the window whose final status is success / those with a final status (success, failure, error)' },
  { id: 'github.deployments.automated_ratio', type: 'ratio', aggregation: 'min', sources: ['deployments'],
    description: 'Production deployments in the window created by automation (creator type Bot or performed_via_github_app set) / all of them' },
  { id: 'github.deployments.rollbacks', type: 'number', unit: 'count', aggregation: 'sum', sources: ['deployments'],
    description: 'Production deployments in the window of a sha already deployed earlier to the same environment, with another sha deployed in between' },
  { id: 'github.changes.failure_rate', type: 'ratio', aggregation: 'max', sources: ['deployments', 'statuses'],
    description: '(Production deployments in the window that failed + successful ones rolled back within 24 h) / those with a final status' },
  { id: 'github.changes.lead_time_median_seconds', type: 'duration', unit: 'seconds', aggregation: 'max', sources: ['pulls', 'deployments', 'statuses', 'compare'],
    description: 'Median time from a pull request merged into the default branch in the window to the first later successful production deployment that contains it' },
  { id: 'github.restore.median_seconds', type: 'duration', unit: 'seconds', aggregation: 'max', sources: ['deployments', 'statuses'],
    description: 'Median time from a failed production deployment in the window to the success of the next successful deployment to the same environment' },
  { id: 'github.review.protected_ratio', type: 'ratio', aggregation: 'min', sources: ['protection'],
    description: 'Repositories whose default branch requires at least one approving review (branch protection or a ruleset pull_request rule)' },
  { id: 'github.review.required_checks_ratio', type: 'ratio', aggregation: 'min', sources: ['protection'],
    description: 'Repositories whose default branch requires status checks (branch protection or a ruleset required_status_checks rule)' },
  { id: 'github.review.codeowners_ratio', type: 'ratio', aggregation: 'min', sources: ['tree'],
    description: 'Repositories with a CODEOWNERS file in the root, .github/ or docs/ of the default branch' },
  { id: 'github.review.merged_reviewed_ratio', type: 'ratio', aggregation: 'min', sources: ['pulls', 'reviews'],
    description: 'Pull requests merged into the default branch in the window with an approval by someone other than the author before the merge / all of them' },
  { id: 'github.environments.gated_ratio', type: 'ratio', aggregation: 'min', sources: ['deployments', 'environments'],
    description: 'Repositories with production deployments whose production environments require reviewers or a wait timer / repositories with production deployments' },
  { id: 'github.ci.pr_checked_ratio', type: 'ratio', aggregation: 'min', sources: ['pulls', 'runs', 'checks'],
    description: 'Pull requests merged into the default branch in the window whose head commit had a successful CI run (workflow run, check run or commit status) / all of them' },
  { id: 'github.ci.success_ratio', type: 'ratio', aggregation: 'min', sources: ['runs'],
    description: 'GitHub Actions runs for pull requests created in the window that concluded success / those that concluded (success, failure, timed_out, startup_failure)' },
  { id: 'github.iac.repos', type: 'number', unit: 'count', aggregation: 'sum', sources: ['tree'],
    description: 'Repositories whose default branch holds deployment configuration as code (Helm, Kustomize, Kubernetes manifests, Terraform, Ansible)' },
  { id: 'github.gitops.present', type: 'boolean', aggregation: 'any', sources: ['tree'],
    description: 'An Argo CD Application/ApplicationSet or Flux Kustomization/HelmRelease manifest exists in a scanned repository' },
  { id: 'github.releases.per_week', type: 'number', unit: 'releases/week', aggregation: 'sum', sources: ['releases'],
    description: 'Releases published in the window (tags on the default branch for repositories without releases) per week' },
] as const satisfies readonly GithubSignal[];

export type GithubSignalId = (typeof DECLS)[number]['id'];

export const GITHUB_SIGNALS: SignalDeclaration[] = DECLS.map(({ sources: _sources, ...decl }) => decl);

/** The signals derived (wholly or partly) from a source. */
export function signalsFrom(source: Source): GithubSignalId[] {
  return DECLS.filter((d) => (d.sources as readonly Source[]).includes(source)).map((d) => d.id);
}
