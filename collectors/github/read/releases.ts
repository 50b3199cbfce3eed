import type { Read } from '../../../src/collector/kit.js';
import type { Window } from '../../../src/collector/types.js';
import { DAY } from '../../../src/delivery/cadence.js';
import { commitSchema, releaseSchema, tagSchema, type Release } from '../api.js';
import type { GithubApi } from '../client.js';
import type { Repo } from './repositories.js';
import { settle } from './settle.js';

/** The releases listed back to the window's start; without any, the tags and the default branch's commits since then. */
export interface ReleasesRaw {
  releases: Release[];
  /** The commit of each tag (only read when the repository has no release). */
  tags: string[];
  /** Commit time by sha of the default branch's commits since the window's first day. */
  committed: Map<string, number>;
}

export function readReleases(api: GithubApi, repo: Repo, w: Window): Promise<Read<ReleasesRaw>> {
  return settle(async (evidence) => {
    const { owner, name, branch } = repo;
    const start = w.start.getTime();
    const page = await api.list('GET /repos/{owner}/{repo}/releases', { owner, repo: name }, releaseSchema,
      (items) => items.some((r) => Date.parse(r.created_at) < start));
    evidence.push(...page.evidence);
    const raw: ReleasesRaw = { releases: page.data, tags: [], committed: new Map() };
    if (page.data.length > 0 || !branch) return raw;

    // No release at all: tags on commits of the default branch made in the window.
    const tags = await api.list('GET /repos/{owner}/{repo}/tags', { owner, repo: name }, tagSchema);
    evidence.push(...tags.evidence);
    if (tags.data.length === 0) return raw;
    raw.tags = tags.data.map((t) => t.commit.sha);
    // `since` is the start of the window's first UTC day, so the URL (and its cached answer) holds for a day.
    const since = new Date(Math.floor(start / DAY) * DAY).toISOString();
    const commits = await api.list('GET /repos/{owner}/{repo}/commits', { owner, repo: name, sha: branch, since }, commitSchema);
    evidence.push(...commits.evidence);
    raw.committed = new Map(commits.data.map((c) => [c.sha, c.commit.committer?.date ? Date.parse(c.commit.committer.date) : NaN]));
    return raw;
  });
}
