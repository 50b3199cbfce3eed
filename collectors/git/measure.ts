import { measuredValue, measureFailed, notAvailable, type Measured } from '../../src/collector/kit.js';
import { weeksWithEvent, workingDaysWithEvent } from '../../src/delivery/cadence.js';
import { leadTimes, median } from '../../src/delivery/deployments.js';
import type { HistoryFacts, RepoFacts } from './read.js';
import { partsOf, type GitSignalId } from './signals.js';
import { containsIn, releaseDeployment, type Span } from './translate.js';

/**
 * Pure functions from the repositories read to a `Measured` per signal. When a part a signal
 * needs failed in some repository, the value is not known (a count or ratio over part of the
 * repositories), so the signal fails with their reasons; except that `gitops.present` is true as
 * soon as one repository shows it.
 */

export interface GitMeasureInput {
  repos: RepoFacts[];
  /** The configured release_tags, for the reason when no tag matches. */
  releaseTags: string;
  /** The window in Unix seconds. */
  window: Span;
  /** Its length in seconds, as the core gives it. */
  windowSeconds: number;
}

type Outcome =
  | { value: number | boolean; detail?: string }
  | { notAvailable: string }
  | { failed: string };

export function measureGit(input: GitMeasureInput, ids: readonly GitSignalId[]): Partial<Record<GitSignalId, Measured>> {
  return Object.fromEntries(ids.map((id) => [id, measureSignal(id, input)]));
}

function measureSignal(id: GitSignalId, { repos, releaseTags, window, windowSeconds }: GitMeasureInput): Measured {
  const parts = partsOf(id);
  const good = repos.filter((r) => parts.every((p) => r[p].status === 'ok'));
  const bad = repos.filter((r) => !good.includes(r));
  const evidenceOf = (list: RepoFacts[]) => [...new Set(list.flatMap((r) => parts.flatMap((p) => r[p].evidence)))];
  const outcome = measure(id, good, releaseTags, window, windowSeconds);

  if (bad.length) {
    if (id === 'git.gitops.present' && 'value' in outcome && outcome.value === true) return measuredValue(true, evidenceOf(good), { detail: outcome.detail });
    const reasons = bad.map((r) => {
      const p = parts.map((x) => r[x]).find((x) => x.status !== 'ok');
      return p && 'reason' in p ? p.reason : `${r.path} not read`;
    });
    return measureFailed([...new Set(reasons)].join('; '), evidenceOf(bad));
  }
  if ('value' in outcome) return measuredValue(outcome.value, evidenceOf(good), { detail: outcome.detail });
  if ('notAvailable' in outcome) return notAvailable(outcome.notAvailable, evidenceOf(good));
  return measureFailed(outcome.failed, evidenceOf(good));
}

/** Several repositories' items in one detail line, bounded. */
function list(items: string[], max = 20): string | undefined {
  if (items.length === 0) return undefined;
  return items.length > max ? `${items.slice(0, max).join('; ')}; … ${items.length - max} more` : items.join('; ');
}

/** Git dates are epoch seconds; the shared cadence arithmetic counts in milliseconds. */
const ms = (w: Span) => ({ start: w.start * 1000, end: w.end * 1000 });

/** Whole 7-day periods of the window counted back from its end, and how many hold a release. */
export function weeksWithRelease(dates: readonly number[], w: Span): { weeks: number; withRelease: number } {
  const r = weeksWithEvent(dates.map((t) => t * 1000), ms(w));
  return { weeks: r.weeks, withRelease: r.withEvent };
}

/** Whole UTC days of the window that are Monday to Friday, and how many hold a release. */
export function workingDaysWithRelease(dates: readonly number[], w: Span): { days: number; withRelease: number } {
  const r = workingDaysWithEvent(dates.map((t) => t * 1000), ms(w));
  return { days: r.days, withRelease: r.withEvent };
}

/** Lead times in seconds of one repository's released commits (src/delivery's definition, releases as deployments). */
function repoLeadTimes(h: Pick<HistoryFacts, 'changes' | 'releases' | 'graph'>): number[] {
  return leadTimes(h.changes, h.releases.map(releaseDeployment), new Set(), containsIn(h.graph)).seconds;
}

function measure(id: GitSignalId, repos: RepoFacts[], releaseTagsPattern: string, window: Span, windowSeconds: number): Outcome {
  const refs = repos.flatMap((r) => (r.refs.status === 'ok' ? [{ path: r.path, ...r.refs.data }] : []));
  const history = repos.flatMap((r) => (r.history.status === 'ok' ? [{ path: r.path, ...r.history.data }] : []));
  const trees = repos.flatMap((r) => (r.tree.status === 'ok' && r.tree.data ? [{ path: r.path, ...r.tree.data }] : []));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const releaseDates = refs.flatMap((r) => r.releases.map((x) => x.date));
  const releaseCount = releaseDates.length;
  const noReleaseTags = sum(refs.map((r) => r.releaseTagsEver)) === 0
    ? `no tag in ${refs.map((r) => r.path).join(', ')} matches release_tags ${releaseTagsPattern}: releases cannot be told`
    : undefined;

  switch (id) {
    case 'git.repos.count':
      return { value: refs.length, detail: list(refs.map((r) => `${r.path} (${r.branch?.label ?? 'no commits'})`)) };
    case 'git.releases.count':
      return { value: releaseCount, detail: list(refs.filter((r) => r.releases.length).map((r) => `${r.path}: ${r.releases.map((x) => x.tag).join(', ')}`)) };
    case 'git.releases.per_week': {
      if (noReleaseTags) return { notAvailable: noReleaseTags };
      const weeks = windowSeconds / 86400 / 7;
      return { value: releaseCount / weeks, detail: `${releaseCount} releases in ${+(windowSeconds / 86400).toFixed(2)} days` };
    }
    case 'git.releases.weeks_with_release_ratio': {
      if (noReleaseTags) return { notAvailable: noReleaseTags };
      const { weeks, withRelease } = weeksWithRelease(releaseDates, window);
      if (weeks === 0) return { notAvailable: 'the window is shorter than 7 days' };
      return { value: withRelease / weeks, detail: `${withRelease} of ${weeks} weeks` };
    }
    case 'git.releases.days_with_release_ratio': {
      if (noReleaseTags) return { notAvailable: noReleaseTags };
      const { days, withRelease } = workingDaysWithRelease(releaseDates, window);
      if (days === 0) return { notAvailable: 'the window holds no whole working day (Monday to Friday, UTC)' };
      return { value: withRelease / days, detail: `${withRelease} of ${days} working days` };
    }
    case 'git.changes.lead_time_median_seconds': {
      const all = history.flatMap(repoLeadTimes);
      const m = median(all);
      if (m === undefined) return { notAvailable: 'no commit of the branch in the window is contained in a release of the window' };
      return { value: m, detail: `${all.length} commits released in the window` };
    }
    case 'git.commits.count':
      return { value: sum(history.map((h) => h.commits)), detail: list(history.map((h) => `${h.path}: ${h.commits}`)) };
    case 'git.merges.ratio': {
      const lines = sum(history.map((h) => h.firstParent));
      if (lines === 0) return { notAvailable: 'no commit on the first-parent line of the branch in the window' };
      const merges = sum(history.map((h) => h.merges));
      return { value: merges / lines, detail: `${merges} merges of ${lines} first-parent commits` };
    }
    case 'git.reverts.count':
      return { value: sum(history.map((h) => h.reverts.length)), detail: list(history.flatMap((h) => h.reverts.map((r) => `${h.path}: ${r}`))) };
    case 'git.changes.failure_rate': {
      const measured = sum(history.map((h) => h.releasesMeasured));
      if (measured === 0) return { notAvailable: 'no release in the window' };
      const failed = history.flatMap((h) => h.failedReleases.map((f) => `${h.path} ${f}`));
      return { value: failed.length / measured, detail: list([`${failed.length} of ${measured} releases needed a fix`, ...failed]) };
    }
    case 'git.hotfixes.count':
      return { value: sum(history.map((h) => h.hotfixes.length)), detail: list(history.flatMap((h) => h.hotfixes.map((x) => `${h.path}: ${x.label}`))) };
    case 'git.iac.repos': {
      const uncertain = trees.filter((t) => t.iac.size === 0 && t.iacUncertain);
      if (uncertain.length) return { failed: uncertain.map((t) => `${t.path}: ${t.iacUncertain}`).join('; ') };
      const withIac = trees.filter((t) => t.iac.size > 0);
      return { value: withIac.length, detail: list(withIac.map((t) => `${t.path}: ${[...t.iac.keys()].join(', ')}`)) };
    }
    case 'git.gitops.present': {
      if (trees.length === 0) return { notAvailable: 'no repository has a commit on its branch' };
      const found = trees.filter((t) => t.gitops.length);
      if (found.length) return { value: true, detail: list(found.flatMap((t) => t.gitops.map((g) => `${t.path}: ${g}`))) };
      const uncertain = trees.filter((t) => t.gitopsUncertain);
      if (uncertain.length) return { failed: uncertain.map((t) => `${t.path}: ${t.gitopsUncertain}`).join('; ') };
      return { value: false };
    }
    case 'git.review.codeowners_ratio': {
      if (trees.length === 0) return { notAvailable: 'no repository has a commit on its branch' };
      const owned = trees.filter((t) => t.codeowners);
      return { value: owned.length / trees.length, detail: list(owned.map((t) => `${t.path}: ${t.codeowners}`)) };
    }
  }
  return { failed: `no measure for ${id}` };
}
