import { classifyFile, classifyPaths, codeownersHasRule, codeownersPath } from '../../src/delivery/repository.js';
import type { IacKind } from '../../src/delivery/repository.js';
import type { ChangeRecord, DeploymentRecord } from '../../src/delivery/records.js';
import type { FixRecord, ReleaseRecord } from '../../src/delivery/releases.js';
import type { Commit, Ref, TreeEntry } from './api.js';
import { isBlob, isYaml } from './api.js';

/**
 * Refs, commits and trees as git shows them, walked and translated into what src/delivery
 * defines: releases as deployment records, commits as change records, a tree into the shared
 * configuration-as-code and CODEOWNERS definitions. Pure functions: every git date is in Unix
 * seconds, every window bound inclusive.
 */

export const shortName = (ref: string) => ref.replace(/^refs\/(heads|tags|remotes)\//, '');
export const isTag = (ref: Ref) => ref.name.startsWith('refs/tags/');
export const isBranch = (ref: Ref) => ref.name.startsWith('refs/heads/') || ref.name.startsWith('refs/remotes/');

/** The ref a `branch` setting names: refs/heads/<b>, then refs/remotes/origin/<b>; a full ref name as is. */
export function findBranch(refs: readonly Ref[], branch: string): Ref | undefined {
  const names = branch.startsWith('refs/') ? [branch] : [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`];
  for (const n of names) {
    const ref = refs.find((r) => r.name === n && r.commit);
    if (ref) return ref;
  }
  return undefined;
}

export interface Span {
  start: number;
  end: number;
}

export const inSpan = (t: number | undefined, w: Span): t is number => t !== undefined && t >= w.start && t <= w.end;

/** Every commit of the graph reachable from `from` through commits of the graph. */
export function reachable(graph: ReadonlyMap<string, Commit>, from: readonly string[], stop?: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  const todo = from.filter((s) => graph.has(s));
  while (todo.length) {
    const sha = todo.pop() as string;
    if (seen.has(sha) || stop?.has(sha)) continue;
    seen.add(sha);
    for (const p of graph.get(sha)?.parents ?? []) if (graph.has(p) && !seen.has(p)) todo.push(p);
  }
  return seen;
}

/** The first-parent line from `tip`, as far as the graph reaches. */
export function firstParentLine(graph: ReadonlyMap<string, Commit>, tip: string): Commit[] {
  const line: Commit[] = [];
  const seen = new Set<string>();
  for (let c = graph.get(tip); c && !seen.has(c.sha); c = graph.get(c.parents[0] ?? '')) {
    seen.add(c.sha);
    line.push(c);
  }
  return line;
}

export const isMerge = (c: Commit) => c.parents.length > 1;

export function isRevert(c: Commit): boolean {
  return c.subject.startsWith('Revert "') || c.body.includes('This reverts commit');
}

/** The commit ids a revert names ("This reverts commit <id>"). */
export function revertedCommits(c: Commit): string[] {
  return [...c.body.matchAll(/This reverts commit ([0-9a-f]{7,64})/g)].map((m) => m[1]);
}

export interface Release {
  tag: string;
  commit: string;
  date: number;
}

/**
 * Whether a release (its record's sha) contains a change (its record's sha) within the graph
 * read: the change is reachable from the release's commit. Each release's reach is walked once.
 */
export function containsIn(graph: ReadonlyMap<string, Commit>): (change: ChangeRecord, release: DeploymentRecord) => boolean {
  const reach = new Map<string, Set<string>>();
  return (change, release) => {
    let set = reach.get(release.sha);
    if (!set) reach.set(release.sha, (set = reachable(graph, [release.sha])));
    return change.sha !== undefined && set.has(change.sha);
  };
}

const short = (sha: string) => sha.slice(0, 12);

/** A hotfix in a repository's history: a commit, tag or branch matching `hotfix`, one per change. */
export interface HotfixEvent {
  label: string;
  date: number;
}

/** A release tag as a release. */
export function releaseRecord(app: string, r: Release): ReleaseRecord {
  return { app, tag: r.tag, commit: r.commit, at: r.date * 1000 };
}

/**
 * A release as the production deployment it stands for (for the shared lead time): it went live
 * at its date and never fails; `index` orders releases of the same instant as they were listed.
 */
export function releaseDeployment(r: ReleaseRecord, index: number): DeploymentRecord {
  return { app: r.app, environment: 'release', id: index, sha: r.commit, createdAt: r.at, finishedAt: r.at, status: 'success', automated: false };
}

/** A commit as a change: its author date is when the change was made (a rebase or cherry-pick keeps it). */
export function changeRecord(app: string, c: Commit): ChangeRecord {
  return { app, id: short(c.sha), mergedAt: c.authorTime * 1000, sha: c.sha };
}

export function fixRecord(app: string, h: HotfixEvent): FixRecord {
  return { app, at: h.date * 1000, label: h.label };
}

export function revertRecord(app: string, c: Commit): FixRecord {
  return { app, at: c.commitTime * 1000, label: `revert ${short(c.sha)}`, reverts: revertedCommits(c) };
}

export interface TreeFacts {
  /** Kind → the first path that shows it. */
  iac: Map<IacKind, string>;
  /** `path (kind)` of each GitOps manifest. */
  gitops: string[];
  /** The CODEOWNERS file with a rule, if any. */
  codeowners?: string;
  /** Why the absence of Kubernetes manifests or GitOps manifests is not certain. */
  iacUncertain?: string;
  gitopsUncertain?: string;
}

/** The shared definitions (src/delivery/repository.ts) over the tree and the files read. */
export function analyseTree(entries: readonly TreeEntry[], contents: ReadonlyMap<string, Buffer>, unread: { deploy: number; other: number }): TreeFacts {
  const blobs = entries.filter(isBlob);
  const iac = classifyPaths(blobs.map((e) => e.path)).kinds;
  const gitops: string[] = [];
  // A plain clone may be hosted anywhere: the first location with a file decides, as on the platforms.
  const ownersPath = codeownersPath(blobs.map((e) => e.path), 'git');
  const ownersBody = ownersPath ? contents.get(blobs.find((e) => e.path === ownersPath)!.oid) : undefined;
  const codeowners = ownersPath && ownersBody && codeownersHasRule(ownersBody.toString('utf8')) ? ownersPath : undefined;
  for (const e of blobs) {
    if (!isYaml(e.path)) continue;
    const body = contents.get(e.oid);
    if (!body) continue;
    const found = classifyFile(e.path, body.toString('utf8'));
    if (found.kubernetes && !iac.has('kubernetes')) iac.set('kubernetes', e.path);
    if (found.gitops.length) gitops.push(`${e.path} (${found.gitops.join(', ')})`);
  }
  const facts: TreeFacts = { iac: new Map([...iac].sort(([a], [b]) => a.localeCompare(b))), gitops, codeowners };
  if (iac.size === 0 && unread.deploy > 0) facts.iacUncertain = `${unread.deploy} YAML files in deployment folders were too large or beyond the read limits`;
  if (gitops.length === 0 && unread.deploy + unread.other > 0) facts.gitopsUncertain = `${unread.deploy + unread.other} YAML files were too large or beyond the read limits`;
  return facts;
}
