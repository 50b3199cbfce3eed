import { median, weeksWithEvent, workingDaysWithEvent } from '../../src/delivery/cadence.js';
/**
 * Refs and history of one repository, parsed from git's output, and the measurements over them.
 * Pure functions: every date is in Unix seconds, every window bound inclusive.
 */

export interface Ref {
  /** Full ref name: refs/heads/main, refs/remotes/origin/main, refs/tags/v1.0. */
  name: string;
  /** The commit the ref leads to (a tag peeled once); absent when it is not a commit. */
  commit?: string;
  /** Tags: tagger date (annotated) or commit date (lightweight); branches: the tip's commit date. */
  date?: number;
  annotated: boolean;
  /** HEAD is this branch. */
  head: boolean;
}

export const REF_FORMAT = [
  '%(refname)', '%(objecttype)', '%(objectname)', '%(*objecttype)', '%(*objectname)',
  '%(taggerdate:unix)', '%(committerdate:unix)', '%(*committerdate:unix)', '%(HEAD)', '%(symref)',
].join('%00');

export function parseRefs(out: Buffer): Ref[] {
  const refs: Ref[] = [];
  for (const line of out.toString('utf8').split('\n')) {
    if (line === '') continue;
    const f = line.split('\0');
    if (f.length !== 10) throw new Error(`unexpected git for-each-ref line: ${line.slice(0, 120)}`);
    const [name, type, oid, peeledType, peeledOid, taggerDate, commitDate, peeledCommitDate, head, symref] = f;
    if (symref !== '') continue; // refs/remotes/origin/HEAD and the like: an alias, not a branch
    const num = (s: string) => (s === '' ? undefined : Number(s));
    if (type === 'commit') refs.push({ name, commit: oid, date: num(commitDate), annotated: false, head: head === '*' });
    else if (type === 'tag') {
      refs.push({
        name,
        commit: peeledType === 'commit' ? peeledOid : undefined,
        date: num(taggerDate) ?? (peeledType === 'commit' ? num(peeledCommitDate) : undefined),
        annotated: true,
        head: false,
      });
    } else refs.push({ name, annotated: false, head: false }); // a tag of a tree or blob
  }
  return refs;
}

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

export interface Commit {
  sha: string;
  parents: string[];
  authorTime: number;
  commitTime: number;
  subject: string;
  body: string;
}

export const LOG_FORMAT = '%H%x00%P%x00%at%x00%ct%x00%s%x00%b';

/** Parses `git log -z --format=LOG_FORMAT`: six NUL-separated fields per commit, commits NUL-terminated. */
export function parseLog(out: Buffer): Map<string, Commit> {
  const fields = out.toString('utf8').split('\0');
  if (fields.length % 6 === 1 && fields[fields.length - 1] === '') fields.pop();
  if (fields.length % 6 !== 0) throw new Error('unexpected git log output: fields do not come in sixes');
  const commits = new Map<string, Commit>();
  for (let i = 0; i < fields.length; i += 6) {
    const sha = fields[i].trim();
    if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`unexpected git log output: '${sha.slice(0, 80)}' is not a commit id`);
    commits.set(sha, {
      sha,
      parents: fields[i + 1] === '' ? [] : fields[i + 1].split(' '),
      authorTime: Number(fields[i + 2]),
      commitTime: Number(fields[i + 3]),
      subject: fields[i + 4],
      body: fields[i + 5],
    });
  }
  return commits;
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
 * For each commit of `candidates`, the first release (by date, of `releases`) containing it,
 * within the graph. Releases are taken in date order and each claims the commits it reaches
 * that no earlier release claimed; since an ancestor of a claimed commit is claimed by the
 * same release or an earlier one, the walk stops at claimed commits.
 */
export function firstReleases(graph: ReadonlyMap<string, Commit>, releases: readonly Release[]): Map<string, Release> {
  const claimed = new Map<string, Release>();
  const stop = new Set<string>();
  for (const r of [...releases].sort((a, b) => a.date - b.date)) {
    for (const sha of reachable(graph, [r.commit], stop)) {
      claimed.set(sha, r);
      stop.add(sha);
    }
  }
  return claimed;
}

export { median };

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
