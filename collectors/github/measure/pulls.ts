import { measureFailed, notAvailable, type Read } from '../../../src/collector/kit.js';
import { median } from '../../../src/delivery/deployments.js';
import { formatDuration } from '../../../src/duration.js';
import type { Pull } from '../api.js';
import type { LeadTimes } from '../read/compare.js';
import type { DeploymentReads } from '../read/deployments.js';
import type { PullReads, ReviewRaw } from '../read/pulls.js';
import type { Repo } from '../read/repositories.js';
import { allRepos, share, value, type Measures } from './common.js';

const NO_MERGE = 'no pull request merged into a default branch in the window';

/** Approved by someone other than the author before the merge. */
export function approved(pr: Pull, author: string | undefined, reviews: readonly ReviewRaw[]): boolean {
  const mergedAt = Date.parse(pr.merged_at!);
  return reviews.some((r) => r.state === 'APPROVED' && r.by !== undefined && r.by !== author && (!r.submittedAt || Date.parse(r.submittedAt) <= mergedAt));
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} by ${k}`).join(', ');
}

export function measurePulls(out: Measures, repos: readonly Repo[], reads: readonly PullReads[], leads: readonly Read<LeadTimes>[], deployments: readonly DeploymentReads[]): void {
  const runs = allRepos(out, 'runs', repos, reads.map((r) => r.runs), ['github.ci.pr_checked_ratio']);
  if (runs) {
    const all = runs.data.flat();
    const concluded = all.filter((r) => r.status === 'completed' && ['success', 'failure', 'timed_out', 'startup_failure'].includes(r.conclusion ?? ''));
    const success = concluded.filter((r) => r.conclusion === 'success').length;
    if (concluded.length === 0) out.set('github.ci.success_ratio', notAvailable(`no GitHub Actions run for a pull request concluded in the window (${all.length} runs listed)`, runs.evidence));
    else out.set('github.ci.success_ratio', value(success / concluded.length, runs.evidence, `${share(success, concluded.length)} concluded pull-request runs succeeded (${all.length - concluded.length} cancelled, skipped, neutral or still running left out)`));
  }

  const listed = allRepos(out, 'pulls', repos, reads.map((r) => r.merged));
  if (!listed) return;
  const merged = listed.data.flat();

  const reviews = allRepos(out, 'reviews', repos, reads.map((r) => r.reviews));
  if (reviews) {
    if (merged.length === 0) out.set('github.review.merged_reviewed_ratio', notAvailable(NO_MERGE, listed.evidence));
    else {
      const yes = listed.data.reduce((n, prs, i) => n + prs.filter((pr) => {
        const found = reviews.data[i].get(pr.number);
        return found !== undefined && approved(pr, found.author, found.reviews);
      }).length, 0);
      out.set('github.review.merged_reviewed_ratio', value(yes / merged.length, [...listed.evidence, ...reviews.evidence], `${share(yes, merged.length)} merged pull requests approved by someone other than the author before the merge`));
    }
  }

  const checks = allRepos(out, 'checks', repos, reads.map((r) => r.checks));
  if (checks) {
    if (merged.length === 0) out.set('github.ci.pr_checked_ratio', notAvailable(NO_MERGE, listed.evidence));
    else {
      const yes = checks.data.flatMap((m) => [...m.values()]).filter((v): v is string => v !== undefined);
      const by = countBy(yes.map((v) => (v.startsWith('workflow') ? 'a workflow run' : v.startsWith('check') ? 'a check run' : 'a commit status')));
      out.set('github.ci.pr_checked_ratio', value(yes.length / merged.length, [...listed.evidence, ...reads.flatMap((r) => r.runs.evidence), ...checks.evidence],
        `${share(yes.length, merged.length)} merged pull requests had a successful CI run on their head commit${by ? ` (${by})` : ''}`));
    }
  }

  const depFailed = deployments.map((d, i) => ({ d, repo: repos[i] })).find(({ d }) => d.list.status !== 'ok' || d.statuses.status !== 'ok');
  if (depFailed) {
    const { list, statuses } = depFailed.d;
    const reason = list.status === 'failed' ? list.reason : statuses.status === 'failed' ? statuses.reason : 'not read';
    out.set('github.changes.lead_time_median_seconds', measureFailed(`${depFailed.repo.full}: ${reason}`, [...list.evidence, ...statuses.evidence]));
    return;
  }
  const lead = allRepos(out, 'compare', repos, leads);
  if (!lead) return;
  const seconds = lead.data.flatMap((v) => v.samples.map((s) => s.seconds));
  const unpaired = lead.data.reduce((n, v) => n + v.unpaired, 0);
  const m = median(seconds);
  const evidence = [...listed.evidence, ...deployments.flatMap((d) => [...d.list.evidence, ...d.statuses.evidence]), ...lead.evidence];
  if (m === undefined) {
    out.set('github.changes.lead_time_median_seconds', notAvailable(merged.length
      ? `none of the ${merged.length} pull requests merged in the window reached a successful production deployment that contains it`
      : NO_MERGE, evidence));
  } else {
    out.set('github.changes.lead_time_median_seconds', value(m, evidence, `median of ${seconds.length} merge-to-production pairs (${formatDuration(m)}); ${unpaired} merged pull requests not (yet) in a successful production deployment`));
  }
}
