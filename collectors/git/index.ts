import { realpath } from 'node:fs/promises';
import type { CollectContext, Collector } from '../../src/collector/types.js';
import { CollectError } from '../../src/http/errors.js';
import { compilePattern, gitConfigSchema, type GitConfig } from './config.js';
import { openGit } from './git.js';
import { median, weeksWithRelease, workingDaysWithRelease, type Span } from './history.js';
import { LIMITS, readRepo, type RepoFacts } from './repo.js';
import { GIT_SIGNAL_IDS, GIT_SIGNALS, partsOf, type GitSignalId } from './signals.js';

export { gitConfigSchema, type GitConfig } from './config.js';

type Ctx = CollectContext<GitConfig>;

export const gitCollector: Collector<GitConfig> = {
  id: 'git',
  description: 'Local git clones (git CLI, read-only): release tags, merges, reverts, hotfixes, configuration as code, CODEOWNERS',
  signals: GIT_SIGNALS,
  configSchema: gitConfigSchema,
  async collect(ctx) {
    const record = ctx.recordCommand;
    const { config } = ctx;
    const settings = {
      branch: config.branch,
      releaseTags: compilePattern(config.release_tags),
      hotfix: compilePattern(config.hotfix),
      window: { start: ctx.window.start.getTime() / 1000, end: ctx.window.end.getTime() / 1000 },
    };

    const repos: RepoFacts[] = [];
    for (const path of config.repositories) {
      const resolved = ctx.resolvePath(path);
      const real = await realpath(resolved).catch(() => resolved);
      const git = openGit(real, { record, signal: ctx.signal, maxBytes: LIMITS.maxOutputBytes });
      const facts = await readRepo(git, path, settings);
      if (!facts.refs.ok) ctx.log.warn('repository not read', { path, reason: facts.refs.reason });
      repos.push(facts);
    }

    // Not one repository could be read: the instance fails as a whole, with every path's reason.
    const unreadable = repos.flatMap((r) => (r.refs.ok ? [] : [r.refs]));
    if (unreadable.length === repos.length) {
      const first = unreadable[0];
      throw new CollectError(first.kind === 'error' ? 'unavailable' : first.kind, [...new Set(unreadable.map((u) => u.reason))].join('; '), {
        evidence: first.evidence[0],
      });
    }

    for (const id of GIT_SIGNAL_IDS) report(ctx, id, repos, settings.window);
  },
};

type Outcome =
  | { value: number | boolean; detail?: string }
  | { notAvailable: string }
  | { failed: string };

/**
 * Emits one signal from the repositories whose parts it needs were read. When a part failed in
 * some repository the value is not known (a count or ratio over part of the repositories), so
 * the signal fails with their reasons; except that `gitops.present` is true as soon as one
 * repository shows it.
 */
function report(ctx: Ctx, id: GitSignalId, repos: RepoFacts[], window: Span): void {
  const parts = partsOf(id);
  const good = repos.filter((r) => parts.every((p) => r[p].ok));
  const bad = repos.filter((r) => !good.includes(r));
  const evidenceOf = (list: RepoFacts[]) => [...new Set(list.flatMap((r) => parts.flatMap((p) => r[p].evidence)))];
  const outcome = measure(id, good, ctx, window);

  if (bad.length) {
    if (id === 'git.gitops.present' && 'value' in outcome && outcome.value === true) {
      ctx.emit(id, true, evidenceOf(good), outcome.detail);
      return;
    }
    const reasons = bad.map((r) => {
      const p = parts.map((x) => r[x]).find((x) => !x.ok);
      return p && !p.ok ? p.reason : `${r.path} not read`;
    });
    ctx.failed(id, [...new Set(reasons)].join('; '), evidenceOf(bad));
    return;
  }
  if ('value' in outcome) ctx.emit(id, outcome.value, evidenceOf(good), outcome.detail);
  else if ('notAvailable' in outcome) ctx.notAvailable(id, outcome.notAvailable, evidenceOf(good));
  else ctx.failed(id, outcome.failed, evidenceOf(good));
}

/** Several repositories' items in one detail line, bounded. */
function list(items: string[], max = 20): string | undefined {
  if (items.length === 0) return undefined;
  return items.length > max ? `${items.slice(0, max).join('; ')}; … ${items.length - max} more` : items.join('; ');
}

function measure(id: GitSignalId, repos: RepoFacts[], ctx: Ctx, window: Span): Outcome {
  const { config } = ctx;
  const refs = repos.flatMap((r) => (r.refs.ok ? [{ path: r.path, ...r.refs.value }] : []));
  const history = repos.flatMap((r) => (r.history.ok ? [{ path: r.path, ...r.history.value }] : []));
  const trees = repos.flatMap((r) => (r.tree.ok && r.tree.value ? [{ path: r.path, ...r.tree.value }] : []));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const releaseDates = refs.flatMap((r) => r.releases.map((x) => x.date));
  const releaseCount = releaseDates.length;
  const noReleaseTags = sum(refs.map((r) => r.releaseTagsEver)) === 0
    ? `no tag in ${refs.map((r) => r.path).join(', ')} matches release_tags ${config.release_tags}: releases cannot be told`
    : undefined;

  switch (id) {
    case 'git.repos.count':
      return { value: refs.length, detail: list(refs.map((r) => `${r.path} (${r.branch?.label ?? 'no commits'})`)) };
    case 'git.releases.count':
      return { value: releaseCount, detail: list(refs.filter((r) => r.releases.length).map((r) => `${r.path}: ${r.releases.map((x) => x.tag).join(', ')}`)) };
    case 'git.releases.per_week': {
      if (noReleaseTags) return { notAvailable: noReleaseTags };
      const weeks = ctx.window.seconds / 86400 / 7;
      return { value: releaseCount / weeks, detail: `${releaseCount} releases in ${+(ctx.window.seconds / 86400).toFixed(2)} days` };
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
      const all = history.flatMap((h) => h.leadTimes);
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
}
