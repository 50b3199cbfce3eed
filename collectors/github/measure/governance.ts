import { measureFailed, type Read } from '../../../src/collector/kit.js';
import type { BranchRule } from '../api.js';
import type { ProtectionRaw, TreeRaw } from '../read/governance.js';
import type { Repo } from '../read/repositories.js';
import { allRepos, list, share, value, type Measures } from './common.js';

/** Whether one repository's default branch requires review and checks; undefined: unknown (`unknown` says why). */
export interface ProtectionFacts {
  review?: boolean;
  checks?: boolean;
  how: string;
  unknown?: string;
}

/** What the rulesets in force require. */
export function rulesRequire(rules: readonly BranchRule[] | undefined): { review: boolean; checks: boolean } {
  return {
    review: rules?.some((r) => r.type === 'pull_request' && (r.parameters?.required_approving_review_count ?? 0) >= 1) ?? false,
    checks: rules?.some((r) => r.type === 'required_status_checks' && (r.parameters?.required_status_checks?.length ?? 0) >= 1) ?? false,
  };
}

/** Rulesets and branch protection together: either requiring it is enough; unknown when one could not be read and the other does not require it. */
export function protectionFacts(raw: ProtectionRaw): ProtectionFacts {
  if (raw.empty) return { review: false, checks: false, how: 'no default branch (empty repository)' };
  const rules = rulesRequire(raw.rules);
  if (rules.review && rules.checks) return { review: true, checks: true, how: 'ruleset requires review and checks' };
  let classic: { review: boolean; checks: boolean; how: string } | undefined;
  if (raw.classic === 'unprotected') classic = { review: false, checks: false, how: 'branch not protected' };
  else if (raw.classic === 'unavailable') classic = { review: false, checks: false, how: 'branch protection not available on the plan' };
  else if (raw.classic) {
    const p = raw.classic;
    // An older server omits the count; branch protection then always meant one approval.
    const count = p.required_pull_request_reviews ? (p.required_pull_request_reviews.required_approving_review_count ?? 1) : 0;
    const checks = new Set([...(p.required_status_checks?.contexts ?? []), ...(p.required_status_checks?.checks ?? []).map((c) => c.context)]).size;
    classic = { review: count >= 1, checks: checks >= 1, how: `branch protection (${count} approvals, ${checks} required checks)` };
  }
  const how = [classic?.how, (rules.review || rules.checks) && `ruleset (${[rules.review && 'review', rules.checks && 'checks'].filter(Boolean).join(', ')})`].filter(Boolean).join(' + ');
  const decide = (fromRules: boolean, fromClassic: boolean | undefined): boolean | undefined => {
    if (fromRules || fromClassic) return true;
    if (fromClassic === undefined || raw.rules === undefined) return undefined;
    return false;
  };
  const review = decide(rules.review, classic?.review);
  const checks = decide(rules.checks, classic?.checks);
  const unknown = review === undefined || checks === undefined ? [raw.classicProblem, raw.rulesProblem].filter(Boolean).join('; and ') : undefined;
  return { review, checks, how: how || 'no protection read', unknown };
}

export function measureProtection(out: Measures, repos: readonly Repo[], reads: readonly Read<ProtectionRaw>[]): void {
  const all = allRepos(out, 'protection', repos, reads);
  if (!all) return;
  const facts = all.data.map(protectionFacts);
  for (const [id, key] of [['github.review.protected_ratio', 'review'], ['github.review.required_checks_ratio', 'checks']] as const) {
    const unknown = repos.map((repo, i) => ({ repo, f: facts[i], i })).filter(({ f }) => f[key] === undefined);
    if (unknown.length) {
      out.set(id, measureFailed(`unknown for ${unknown.length} of ${repos.length} repositories: ${unknown.slice(0, 3).map(({ f, repo }) => `${repo.full}: ${f.unknown}`).join('; ')}`,
        unknown.flatMap(({ i }) => reads[i].evidence)));
      continue;
    }
    const yes = repos.map((repo, i) => ({ repo, f: facts[i] })).filter(({ f }) => f[key]);
    out.set(id, value(yes.length / repos.length, all.evidence, `${share(yes.length, repos.length)} repositories: ${list(yes.map(({ repo, f }) => `${repo.full} (${f.how})`))}`));
  }
}

/** The configuration-as-code kinds of one tree: from the paths, and Kubernetes from a manifest read. */
export function iacKinds(raw: TreeRaw): string[] {
  const kinds = new Set<string>(raw.kinds);
  if (raw.manifests.some((m) => m.kubernetes)) kinds.add('kubernetes');
  return [...kinds].sort();
}

/** The first GitOps object read in one repository, as `Argo CD Application in owner/repo/path`. */
export function gitopsOf(repo: Repo, raw: TreeRaw): string | undefined {
  const m = raw.manifests.find((x) => x.gitops.length);
  return m ? `${m.gitops[0]} in ${repo.full}/${m.path}` : undefined;
}

export function measureTree(out: Measures, repos: readonly Repo[], reads: readonly Read<TreeRaw>[]): void {
  // gitops.present is "any": one manifest found is enough, even when another repository could not be read.
  const found = reads.map((r, i) => ({ r, gitops: r.status === 'ok' ? gitopsOf(repos[i], r.data) : undefined })).find((x) => x.gitops);
  if (found) out.set('github.gitops.present', value(true, found.r.evidence, found.gitops));
  const all = allRepos(out, 'tree', repos, reads, found ? ['github.gitops.present'] : []);
  if (!all) return;
  const owned = repos.map((repo, i) => ({ repo, f: all.data[i] })).filter(({ f }) => f.codeowners);
  out.set('github.review.codeowners_ratio', value(owned.length / repos.length, all.evidence, `${share(owned.length, repos.length)} repositories: ${list(owned.map(({ repo, f }) => `${repo.full}/${f.codeowners}`))}`));
  const iac = repos.map((repo, i) => ({ repo, kinds: iacKinds(all.data[i]) })).filter((x) => x.kinds.length > 0);
  const truncated = repos.filter((_, i) => all.data[i].truncated).map((r) => r.full);
  out.set('github.iac.repos', value(iac.length, all.evidence, (iac.length ? list(iac.map((x) => `${x.repo.full} (${x.kinds.join(', ')})`)) : `none of ${repos.length} repositories`) +
    (truncated.length ? `; GitHub truncated the trees of ${list(truncated)}: only what they list was seen` : '')));
  if (!found) out.set('github.gitops.present', value(false, all.evidence, `no Argo CD or Flux manifest among the YAML files read in ${repos.length} repositories`));
}
