import { count, flag, number, ratio, seconds, type SignalIds } from '../../src/collector/kit.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

/**
 * What each signal is computed from, per repository. When a part cannot be read in one
 * repository, exactly the signals that need it are failed for the instance (a sum or a ratio
 * over part of the repositories is not known), and the others are still measured.
 * - refs: `git for-each-ref` (branches, tags, HEAD);
 * - history: `git log` of the branch and the window's releases, and `git merge-base`;
 * - tree: `git ls-tree` of the branch tip and `git cat-file --batch` of some of its files.
 */
export type Part = 'refs' | 'history' | 'tree';

interface GitSignal extends SignalDeclaration {
  parts: readonly Part[];
}

const on = (parts: readonly Part[], decl: SignalDeclaration): GitSignal => ({ ...decl, parts });

const DECLS = [
  on(['refs'], count('git.repos.count', 'Repositories read (local clones, work trees or bare)')),
  on(['refs'], count('git.releases.count', 'Release tags (names matching release_tags) dated in the window: tagger date of an annotated tag, commit date of a lightweight one')),
  on(['refs'], number('git.releases.per_week', 'releases/week', 'releases.count / (window days / 7); not available when no tag of the repositories matches release_tags', 'sum')),
  on(['refs'], ratio('git.releases.weeks_with_release_ratio', 'Share of the whole 7-day periods of the window, counted back from its end, with at least one release in any repository', 'max')),
  on(['refs'], ratio('git.releases.days_with_release_ratio', 'Share of the whole working days (Monday to Friday, UTC) of the window with at least one release in any repository', 'max')),
  on(['refs', 'history'], seconds('git.changes.lead_time_median_seconds', 'Median, over the non-merge commits of the branch in the window that a release of the window contains, of the time from author date to the first such release')),
  on(['history'], count('git.commits.count', 'Non-merge commits reachable from the branch (all parents) with a committer date in the window')),
  on(['history'], ratio('git.merges.ratio', 'Merge commits / commits on the branch\'s first-parent line with a committer date in the window (changes arriving through merges)')),
  on(['history'], count('git.reverts.count', 'Commits of the branch or of a release of the window, committed in the window, whose subject starts with Revert " or whose message says "This reverts commit"')),
  on(['refs', 'history'], ratio('git.changes.failure_rate', 'Releases of the window followed, before the next release, by a revert of a commit they contain or by a hotfix, / releases of the window (change failure rate with releases as deployments)', 'max')),
  on(['refs', 'history'], count('git.hotfixes.count', 'Hotfixes in the window: commits whose subject matches hotfix, and tags and branches whose name matches it, one per change (a hotfix branch and the merge that brought it count once)')),
  on(['tree'], count('git.iac.repos', 'Repositories whose branch tree holds deployment configuration as code: Helm chart, kustomization, Terraform, Ansible playbook or roles, Kubernetes manifests under a deployment folder (a Dockerfile alone is not)')),
  on(['tree'], flag('git.gitops.present', 'A branch tree holds an Argo CD Application or ApplicationSet, or a Flux Kustomization or HelmRelease manifest')),
  on(['tree'], ratio('git.review.codeowners_ratio', 'Share of repositories (with a commit on the branch) whose branch tree has a CODEOWNERS file with at least one rule (root, .github/, .gitlab/ or docs/)')),
];

export type GitSignalId = SignalIds<typeof DECLS>;

export const GIT_SIGNALS: SignalDeclaration[] = DECLS.map(({ parts: _parts, ...decl }) => decl);

const PARTS = new Map<GitSignalId, readonly Part[]>(DECLS.map((d) => [d.id, d.parts]));

export function partsOf(id: GitSignalId): readonly Part[] {
  return PARTS.get(id) ?? [];
}

export const GIT_SIGNAL_IDS: GitSignalId[] = DECLS.map((d) => d.id);
