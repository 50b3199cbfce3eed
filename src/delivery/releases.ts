import type { Window } from './records.js';

/**
 * Delivery read from a repository's history where no deployment is recorded (local clones): a
 * release tag stands for a production deployment. The lead time of a commit is the shared one
 * (deployments.ts `leadTimes`, with releases translated into deployment records); change
 * failure needs its own reading, since a tag never fails: a release is a failed change when it
 * needed a fix. Times are epoch milliseconds.
 */

export interface ReleaseRecord {
  app: string;
  tag: string;
  /** The commit the tag names. */
  commit: string;
  at: number;
}

/** Something that repairs a release: a hotfix, or a revert of named commits. */
export interface FixRecord {
  app: string;
  at: number;
  /** How the report names it: `commit 1a2b3c "hotfix: …"`, `tag hotfix-0226`, `revert 1a2b3c`. */
  label: string;
  /** A revert: the commits it undoes (it repairs a release only if the release contains one). A hotfix: undefined. */
  reverts?: string[];
}

export interface FailedRelease {
  release: ReleaseRecord;
  /** `<tag>: <fix>`, for the detail. */
  why: string;
}

/**
 * Change failure rate from releases: the releases of the window, each a failed change when after
 * it — up to its application's next release, or the window's end — a hotfix lands, or a revert
 * of a commit the release contains. Hotfixes are looked at first, then reverts in the order
 * given; `contains` (the source's ancestry check, which may cost a command) is asked only as far
 * as needed.
 */
export async function failedReleases(
  releases: readonly ReleaseRecord[],
  fixes: readonly FixRecord[],
  w: Window,
  contains: (commit: string, release: ReleaseRecord) => Promise<boolean>,
): Promise<{ measured: number; failed: FailedRelease[] }> {
  const failed: FailedRelease[] = [];
  const inWindow = releases.filter((r) => r.at >= w.start && r.at <= w.end).sort((a, b) => a.at - b.at);
  for (const r of inWindow) {
    const next = releases.filter((o) => o.app === r.app && o.at > r.at).sort((a, b) => a.at - b.at)[0];
    const until = Math.min(next?.at ?? Infinity, w.end);
    const within = (f: FixRecord) => f.app === r.app && f.at > r.at && f.at <= until;
    const hotfix = fixes.find((f) => f.reverts === undefined && within(f));
    if (hotfix) {
      failed.push({ release: r, why: `${r.tag}: ${hotfix.label}` });
      continue;
    }
    let why: string | undefined;
    for (const f of fixes.filter((x) => x.reverts !== undefined && within(x))) {
      for (const target of f.reverts!) {
        if (await contains(target, r)) {
          why = `${r.tag}: ${f.label} of ${target.slice(0, 12)}`;
          break;
        }
      }
      if (why) break;
    }
    if (why) failed.push({ release: r, why });
  }
  return { measured: inWindow.length, failed };
}

/** Failed releases / releases of the window; undefined when there was no release. */
export function releaseFailureRate(result: { measured: number; failed: readonly FailedRelease[] }): number | undefined {
  return result.measured === 0 ? undefined : result.failed.length / result.measured;
}
