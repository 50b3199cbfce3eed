import { mapRead, measureFailed, notAvailable, type Read } from '../../../src/collector/kit.js';
import { median } from '../../../src/delivery/deployments.js';
import { formatDuration } from '../../../src/duration.js';
import type { Pull } from '../api.js';
import type { LeadTimes } from '../read/compare.js';
import type { DeploymentReads } from '../read/deployments.js';
import type { PullReads, ReviewRaw, RunCounts } from '../read/pulls.js';
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

/**
 * What the measures need of one repository's pull requests, taken as soon as they are read: the
 * reads themselves (every merged pull request with its reviews and checks) held for every
 * repository until the last was read were ~40 KB a repository, 8 MiB of a 200-repository scan.
 */
export interface PullSummary {
  runs: Read<RunCounts>;
  /** Merged pull requests in the window. */
  merged: Read<number>;
  /** Of those, approved by someone other than the author before the merge. */
  approved: Read<number>;
  /** Of those, each one with a successful CI run on its head commit: by what (`a workflow run`, `a check run`, `a commit status`). */
  checked: Read<string[]>;
  lead: Read<LeadTimes>;
}

const checkKind = (v: string) => (v.startsWith('workflow') ? 'a workflow run' : v.startsWith('check') ? 'a check run' : 'a commit status');

export function summarizePulls(read: PullReads, lead: Read<LeadTimes>): PullSummary {
  const merged = read.merged.status === 'ok' ? read.merged.data : [];
  return {
    runs: read.runs,
    merged: mapRead(read.merged, (prs) => prs.length),
    approved: mapRead(read.reviews, (found) => merged.filter((pr) => {
      const f = found.get(pr.number);
      return f !== undefined && approved(pr, f.author, f.reviews);
    }).length),
    checked: mapRead(read.checks, (m) => [...m.values()].filter((v): v is string => v !== undefined).map(checkKind)),
    lead,
  };
}

const total = (counts: readonly number[]) => counts.reduce((n, c) => n + c, 0);

export function measurePulls(out: Measures, repos: readonly Repo[], pulls: readonly PullSummary[], deployments: readonly DeploymentReads[]): void {
  const runs = allRepos(out, 'runs', repos, pulls.map((p) => p.runs), ['github.ci.pr_checked_ratio']);
  if (runs) {
    const listed = total(runs.data.map((c) => c.listed));
    const concluded = total(runs.data.map((c) => c.concluded));
    const success = total(runs.data.map((c) => c.succeeded));
    if (concluded === 0) out.set('github.ci.success_ratio', notAvailable(`no GitHub Actions run for a pull request concluded in the window (${listed} runs listed)`, runs.evidence));
    else out.set('github.ci.success_ratio', value(success / concluded, runs.evidence, `${share(success, concluded)} concluded pull-request runs succeeded (${listed - concluded} cancelled, skipped, neutral or still running left out)`));
  }

  const listed = allRepos(out, 'pulls', repos, pulls.map((p) => p.merged));
  if (!listed) return;
  const merged = total(listed.data);

  const reviews = allRepos(out, 'reviews', repos, pulls.map((p) => p.approved));
  if (reviews) {
    if (merged === 0) out.set('github.review.merged_reviewed_ratio', notAvailable(NO_MERGE, listed.evidence));
    else {
      const yes = total(reviews.data);
      out.set('github.review.merged_reviewed_ratio', value(yes / merged, [...listed.evidence, ...reviews.evidence], `${share(yes, merged)} merged pull requests approved by someone other than the author before the merge`));
    }
  }

  const checks = allRepos(out, 'checks', repos, pulls.map((p) => p.checked));
  if (checks) {
    if (merged === 0) out.set('github.ci.pr_checked_ratio', notAvailable(NO_MERGE, listed.evidence));
    else {
      const yes = checks.data.flat();
      const by = countBy(yes);
      out.set('github.ci.pr_checked_ratio', value(yes.length / merged, [...listed.evidence, ...pulls.flatMap((p) => p.runs.evidence), ...checks.evidence],
        `${share(yes.length, merged)} merged pull requests had a successful CI run on their head commit${by ? ` (${by})` : ''}`));
    }
  }

  const depFailed = deployments.map((d, i) => ({ d, repo: repos[i] })).find(({ d }) => d.list.status !== 'ok' || d.statuses.status !== 'ok');
  if (depFailed) {
    const { list, statuses } = depFailed.d;
    const reason = list.status === 'failed' ? list.reason : statuses.status === 'failed' ? statuses.reason : 'not read';
    out.set('github.changes.lead_time_median_seconds', measureFailed(`${depFailed.repo.full}: ${reason}`, [...list.evidence, ...statuses.evidence]));
    return;
  }
  const lead = allRepos(out, 'compare', repos, pulls.map((p) => p.lead));
  if (!lead) return;
  const seconds = lead.data.flatMap((v) => v.samples.map((s) => s.seconds));
  const unpaired = lead.data.reduce((n, v) => n + v.unpaired, 0);
  const m = median(seconds);
  const evidence = [...listed.evidence, ...deployments.flatMap((d) => [...d.list.evidence, ...d.statuses.evidence]), ...lead.evidence];
  if (m === undefined) {
    out.set('github.changes.lead_time_median_seconds', notAvailable(merged
      ? `none of the ${merged} pull requests merged in the window reached a successful production deployment that contains it`
      : NO_MERGE, evidence));
  } else {
    out.set('github.changes.lead_time_median_seconds', value(m, evidence, `median of ${seconds.length} merge-to-production pairs (${formatDuration(m)}); ${unpaired} merged pull requests not (yet) in a successful production deployment`));
  }
}
