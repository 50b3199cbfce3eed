import { count, flag, number, ratio } from '../../src/collector/kit.js';
import { declare } from '../../src/delivery/signals.js';
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

/** A declaration made with one of the kit's helpers, its id kept as a literal type and its sources beside it. */
function sig<const I extends string, const S extends readonly Source[]>(id: I, sources: S, make: (id: string, description: string) => SignalDeclaration, description: string) {
  return { ...make(id, description), id, sources };
}

const DECLS = [
  sig('github.api.reachable', ['repos'], flag, 'The GitHub REST API answered the repository listing with this token'),
  sig('github.repos.count', ['repos'], count, 'Repositories scanned (after org/repositories, include/exclude, archived and fork filters, max_repositories)'),
  sig('github.repos.with_deployments', ['deployments'], count, 'Repositories with at least one production deployment created in the window'),
  { ...declare('github', 'deployments.count'), sources: ['deployments'] },
  { ...declare('github', 'deployments.per_week'), sources: ['deployments'] },
  { ...declare('github', 'deployments.weeks_with_deploy_ratio'), sources: ['deployments'] },
  { ...declare('github', 'deployments.days_with_deploy_ratio'), sources: ['deployments'] },
  { ...declare('github', 'deployments.max_per_day'), sources: ['deployments'] },
  { ...declare('github', 'deployments.success_ratio'), sources: ['deployments', 'statuses'] },
  { ...declare('github', 'deployments.automated_ratio'), sources: ['deployments'] },
  { ...declare('github', 'deployments.rollbacks'), sources: ['deployments', 'statuses'] },
  { ...declare('github', 'changes.failure_rate'), sources: ['deployments', 'statuses'] },
  { ...declare('github', 'changes.lead_time_median_seconds'), sources: ['pulls', 'deployments', 'statuses', 'compare'] },
  { ...declare('github', 'apps.count'), sources: ['deployments'] },
  { ...declare('github', 'apps.monthly_ratio'), sources: ['deployments'] },
  { ...declare('github', 'apps.weekly_ratio'), sources: ['deployments'] },
  { ...declare('github', 'apps.daily_ratio'), sources: ['deployments'] },
  { ...declare('github', 'apps.on_demand_ratio'), sources: ['deployments'] },
  { ...declare('github', 'apps.success_ratio_min'), sources: ['deployments', 'statuses'] },
  { ...declare('github', 'restore.median_seconds'), sources: ['deployments', 'statuses'] },
  sig('github.review.protected_ratio', ['protection'], ratio, 'Repositories whose default branch requires at least one approving review (branch protection or a ruleset pull_request rule)'),
  sig('github.review.required_checks_ratio', ['protection'], ratio, 'Repositories whose default branch requires status checks (branch protection or a ruleset required_status_checks rule)'),
  sig('github.review.codeowners_ratio', ['tree'], ratio, 'Repositories whose default branch has a CODEOWNERS file where GitHub reads it (.github/, root, docs/; the first found) with at least one rule'),
  sig('github.review.merged_reviewed_ratio', ['pulls', 'reviews'], ratio, 'Pull requests merged into the default branch in the window with an approval by someone other than the author before the merge / all of them'),
  sig('github.environments.gated_ratio', ['deployments', 'environments'], ratio, 'Repositories with production deployments whose production environments require reviewers or a wait timer / repositories with production deployments'),
  sig('github.ci.pr_checked_ratio', ['pulls', 'runs', 'checks'], ratio, 'Pull requests merged into the default branch in the window whose head commit had a successful CI run (workflow run, check run or commit status) / all of them'),
  sig('github.ci.success_ratio', ['runs'], ratio, 'GitHub Actions runs for pull requests created in the window that concluded success / those that concluded (success, failure, timed_out, startup_failure)'),
  sig('github.iac.repos', ['tree'], count, 'Repositories whose default branch holds deployment configuration as code (Helm, Kustomize, Kubernetes manifests, Terraform, Ansible)'),
  sig('github.gitops.present', ['tree'], flag, 'An Argo CD Application/ApplicationSet or Flux Kustomization/HelmRelease manifest exists in a scanned repository'),
  sig('github.releases.per_week', ['releases'], (id, d) => number(id, 'releases/week', d, 'sum'), 'Releases published in the window (tags on the default branch for repositories without releases) per week'),
] as const satisfies readonly (SignalDeclaration & { sources: readonly Source[] })[];

export type GithubSignalId = (typeof DECLS)[number]['id'];

export const GITHUB_SIGNALS: SignalDeclaration[] = DECLS.map(({ sources: _sources, ...decl }) => decl);

/** The signals derived (wholly or partly) from a source. */
export function signalsFrom(source: Source): GithubSignalId[] {
  return DECLS.filter((d) => (d.sources as readonly Source[]).includes(source)).map((d) => d.id);
}
