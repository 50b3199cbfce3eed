import type { Read } from '../../../src/collector/kit.js';
import type { Window } from '../../../src/collector/types.js';
import { inWindow } from '../../../src/delivery/records.js';
import type { ReleasesRaw } from '../read/releases.js';
import type { Repo } from '../read/repositories.js';
import { allRepos, value, type Measures } from './common.js';

const span = (w: Window) => ({ start: w.start.getTime(), end: w.end.getTime() });

/** Releases published in the window, or, for a repository without releases, its tags on commits of the window. */
export function releaseCounts(raw: ReleasesRaw, w: Window): { releases: number; tags: number; hasReleases: boolean } {
  const published = raw.releases.filter((r) => !r.draft && r.published_at && inWindow(Date.parse(r.published_at), span(w)));
  if (raw.releases.length > 0) return { releases: published.length, tags: 0, hasReleases: true };
  return { releases: 0, tags: raw.tags.filter((sha) => inWindow(raw.committed.get(sha) ?? NaN, span(w))).length, hasReleases: false };
}

export function measureReleases(out: Measures, repos: readonly Repo[], reads: readonly Read<ReleasesRaw>[], w: Window): void {
  const all = allRepos(out, 'releases', repos, reads);
  if (!all) return;
  const counts = all.data.map((raw) => releaseCounts(raw, w));
  const releases = counts.reduce((n, v) => n + v.releases, 0);
  const tags = counts.reduce((n, v) => n + v.tags, 0);
  const weeks = w.seconds / (7 * 86400);
  const withReleases = counts.filter((v) => v.hasReleases).length;
  out.set('github.releases.per_week', value((releases + tags) / weeks, all.evidence,
    `${releases} releases published in the window (${withReleases} repositories have releases) + ${tags} tags on default-branch commits of the window (repositories without releases), over ${Number.isInteger(weeks) ? String(weeks) : weeks.toFixed(1)} weeks`));
}
