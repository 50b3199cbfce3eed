import { stat } from 'node:fs/promises';
import { errorMessage } from '../../src/errors.js';
import { isCollectError, type FailureKind } from '../../src/http/errors.js';
import { GitCommandError, type Git } from './git.js';
import {
  findBranch, firstParentLine, firstReleases, inSpan, isBranch, isMerge, isRevert, isTag, LOG_FORMAT, parseLog, parseRefs,
  reachable, REF_FORMAT, revertedCommits, shortName, type Commit, type Ref, type Release, type Span,
} from './history.js';
import { analyseTree, filesToRead, parseCatFileBatch, parseLsTree, type TreeFacts } from './tree.js';

/** Bounds on what one repository may cost. */
export const LIMITS = {
  /** for-each-ref, log and ls-tree output. */
  maxOutputBytes: 64 * 1024 * 1024,
  /** File contents read for the tree signals. */
  maxFileBytes: 4 * 1024 * 1024,
  maxFiles: 5000,
  maxTotalBytes: 64 * 1024 * 1024,
};

export interface RepoSettings {
  branch?: string;
  releaseTags: RegExp;
  hotfix: RegExp;
  window: Span;
}

export type Part<T> =
  | { ok: true; value: T; evidence: string[] }
  | { ok: false; reason: string; kind: FailureKind | 'error'; evidence: string[] };

export interface RefFacts {
  /** Tags matching release_tags, whatever their date. */
  releaseTagsEver: number;
  /** Release tags dated in the window. */
  releases: Release[];
  /** The measured branch: its ref (or HEAD) and tip; absent in a repository without commits. */
  branch?: { label: string; tip: string };
}

export interface HotfixEvent {
  label: string;
  date: number;
}

export interface HistoryFacts {
  commits: number;
  firstParent: number;
  merges: number;
  reverts: string[];
  hotfixes: HotfixEvent[];
  leadTimes: number[];
  releasesMeasured: number;
  /** `<tag>: <why>` for each release of the window that needed a fix. */
  failedReleases: string[];
}

export interface RepoFacts {
  /** The path as configured. */
  path: string;
  refs: Part<RefFacts>;
  history: Part<HistoryFacts>;
  /** null: no commit on the branch, so no tree. */
  tree: Part<TreeFacts | null>;
}

const short = (sha: string) => sha.slice(0, 12);

/** Reads one repository: refs, then history and tree of the branch, each part failing on its own. */
export async function readRepo(git: Git, path: string, settings: RepoSettings): Promise<RepoFacts> {
  const fail = (reason: string, kind: FailureKind | 'error', evidence: string[] = []) => ({ ok: false as const, reason, kind, evidence });
  const allFail = (reason: string, kind: FailureKind | 'error', evidence: string[] = []): RepoFacts => {
    const f = fail(reason, kind, evidence);
    return { path, refs: f, history: f, tree: f };
  };

  try {
    const st = await stat(git.repo);
    if (!st.isDirectory()) return allFail(`${path} is not a git repository (not a directory)`, 'not_found');
  } catch {
    return allFail(`${path} is not a git repository (no such directory)`, 'not_found');
  }

  // refs
  let refs: Ref[];
  const refsEvidence: string[] = [];
  try {
    const res = await git.run(['for-each-ref', `--format=${REF_FORMAT}`, 'refs/heads', 'refs/remotes', 'refs/tags']);
    refsEvidence.push(res.evidence);
    refs = parseRefs(res.stdout);
  } catch (err) {
    if (isCollectError(err, 'aborted')) throw err;
    const { reason, kind } = classify(err, path);
    return allFail(reason, kind, evidenceOf(err));
  }

  let branch: RefFacts['branch'];
  let branchProblem: string | undefined;
  if (settings.branch) {
    const ref = findBranch(refs, settings.branch);
    if (ref?.commit) branch = { label: ref.name, tip: ref.commit };
    else if (refs.length > 0) branchProblem = `branch ${settings.branch} not found in ${path}`;
  } else {
    const head = refs.find((r) => r.head && r.commit);
    if (head?.commit) branch = { label: head.name, tip: head.commit };
    else {
      // HEAD is detached, or names a branch without commits (an empty repository).
      try {
        const res = await git.run(['rev-list', '--max-count=1', '--end-of-options', 'HEAD', '--']);
        refsEvidence.push(res.evidence);
        const sha = res.stdout.toString('utf8').trim();
        if (sha) branch = { label: `HEAD (detached at ${short(sha)})`, tip: sha };
      } catch (err) {
        refsEvidence.push(...evidenceOf(err));
        if (isCollectError(err, 'aborted')) throw err;
        if (refs.length > 0) branchProblem = `HEAD of ${path} names no commit; set branch`;
      }
    }
  }

  const releaseTags = refs.filter((r) => isTag(r) && r.commit && r.date !== undefined && settings.releaseTags.test(shortName(r.name)));
  const allReleases: Release[] = releaseTags.map((r) => ({ tag: shortName(r.name), commit: r.commit as string, date: r.date as number }));
  const releases = allReleases.filter((r) => inSpan(r.date, settings.window));
  const refFacts: RefFacts = { releaseTagsEver: releaseTags.length, releases, branch };
  const refsPart: Part<RefFacts> = { ok: true, value: refFacts, evidence: refsEvidence };

  if (branchProblem) {
    const f = fail(branchProblem, 'not_found', refsEvidence);
    return { path, refs: refsPart, history: f, tree: f };
  }

  // A shallow clone's history (and the tags fetched with it) stops at the cut: counts, cadences
  // and lead times read from it would be short without saying so. The tree at the tip is whole.
  const shallow = await git.run(['rev-parse', '--is-shallow-repository']).then(
    (res) => ({ shallow: res.stdout.toString('utf8').trim() === 'true', evidence: res.evidence }),
    (err: unknown) => {
      if (isCollectError(err, 'aborted')) throw err;
      return { shallow: false, evidence: undefined };
    },
  );
  if (shallow.shallow) {
    if (shallow.evidence) refsEvidence.push(shallow.evidence);
    const f = fail(`${path} is a shallow clone: its history and tags stop at the cut, so what is read from history cannot be measured (run git fetch --unshallow)`, 'malformed', refsEvidence);
    const tree = await readTree(git, path, branch, refsEvidence).catch((err) => {
      if (isCollectError(err, 'aborted')) throw err;
      const { reason, kind } = classify(err, path);
      return fail(reason, kind, [...refsEvidence, ...evidenceOf(err)]);
    });
    return { path, refs: f, history: f, tree };
  }

  const hotfixRefs = refs.filter(
    (r) => (isTag(r) || isBranch(r)) && r.commit && r.name !== branch?.label && inSpan(r.date, settings.window) && settings.hotfix.test(shortName(r.name)),
  );

  const history = await readHistory(git, settings, branch, releases, allReleases, hotfixRefs, refsEvidence).catch((err) => {
    if (isCollectError(err, 'aborted')) throw err;
    const { reason, kind } = classify(err, path);
    return fail(reason, kind, [...refsEvidence, ...evidenceOf(err)]);
  });
  const tree = await readTree(git, path, branch, refsEvidence).catch((err) => {
    if (isCollectError(err, 'aborted')) throw err;
    const { reason, kind } = classify(err, path);
    return fail(reason, kind, [...refsEvidence, ...evidenceOf(err)]);
  });
  return { path, refs: refsPart, history, tree };
}

async function readHistory(
  git: Git,
  settings: RepoSettings,
  branch: RefFacts['branch'],
  releases: Release[],
  allReleases: Release[],
  hotfixRefs: Ref[],
  refsEvidence: string[],
): Promise<Part<HistoryFacts>> {
  const w = settings.window;
  const evidence = [...refsEvidence];
  let graph = new Map<string, Commit>();
  if (branch) {
    // The branch and every release of the window, back to the window's start (committer date).
    const revs = [...new Set([branch.tip, ...releases.map((r) => r.commit)])];
    const res = await git.run([
      'log', '-z', '--no-color', '--no-show-signature', '--encoding=UTF-8', `--format=${LOG_FORMAT}`,
      `--since=@${Math.floor(w.start)}`, '--end-of-options', ...revs, '--',
    ]);
    evidence.push(res.evidence);
    graph = parseLog(res.stdout);
  }

  const inWindow = (c: Commit) => inSpan(c.commitTime, w);
  const onBranch = branch ? reachable(graph, [branch.tip]) : new Set<string>();
  const branchCommits = [...onBranch].map((s) => graph.get(s) as Commit).filter(inWindow);
  const scanned = [...graph.values()].filter(inWindow);
  const line = branch ? firstParentLine(graph, branch.tip).filter(inWindow) : [];

  // Hotfixes: commits whose subject matches, tags and branches whose name matches; a hotfix
  // merge and what it merged (a hotfix branch, its commits) are one hotfix.
  const hotfixCommits = scanned.filter((c) => settings.hotfix.test(c.subject));
  const mergedBy = new Map<string, string>();
  for (const m of hotfixCommits.filter(isMerge).sort((a, b) => a.commitTime - b.commitTime)) {
    const base = reachable(graph, [m.parents[0]]);
    for (const sha of reachable(graph, m.parents.slice(1), base)) if (!mergedBy.has(sha)) mergedBy.set(sha, m.sha);
  }
  const events = new Map<string, HotfixEvent>();
  const add = (sha: string, label: string, date: number) => {
    const root = mergedBy.get(sha) ?? sha;
    const known = events.get(root);
    if (!known) events.set(root, { label, date });
    else if (date < known.date) known.date = date;
  };
  for (const c of hotfixCommits) add(c.sha, `commit ${short(c.sha)} "${c.subject}"`, c.commitTime);
  for (const r of hotfixRefs) add(r.commit as string, `${isTag(r) ? 'tag' : 'branch'} ${shortName(r.name)}`, r.date as number);
  const hotfixes = [...events.values()].sort((a, b) => a.date - b.date);

  // Lead time: author date of each non-merge commit of the branch to the first release of the window containing it.
  const claimed = firstReleases(graph, releases);
  const leadTimes: number[] = [];
  for (const c of branchCommits) {
    const r = claimed.get(c.sha);
    if (r && !isMerge(c)) leadTimes.push(Math.max(0, r.date - c.authorTime));
  }

  // Change failure: a release of the window followed, up to the next release (or the window's
  // end), by a hotfix, or by a revert of a commit the release contains.
  const reverts = scanned.filter(isRevert);
  const ordered = [...allReleases].sort((a, b) => a.date - b.date);
  const failedReleases: string[] = [];
  for (const r of [...releases].sort((a, b) => a.date - b.date)) {
    const next = ordered.find((o) => o.date > r.date);
    const until = Math.min(next?.date ?? Infinity, w.end);
    const within = (t: number) => t > r.date && t <= until;
    const fix = hotfixes.find((h) => within(h.date));
    if (fix) {
      failedReleases.push(`${r.tag}: ${fix.label}`);
      continue;
    }
    let why: string | undefined;
    for (const rv of reverts.filter((c) => within(c.commitTime))) {
      for (const target of revertedCommits(rv)) {
        const res = await git.run(['merge-base', '--is-ancestor', '--end-of-options', target, r.commit], { okExitCodes: [0, 1] }).catch((err) => {
          // A revert may name a commit this clone does not have (another fork, rewritten history).
          if (err instanceof GitCommandError && /not a valid (commit|object) name/i.test(err.stderr)) return { exitCode: 1, evidence: err.evidence };
          throw err;
        });
        evidence.push(res.evidence);
        if (res.exitCode === 0) {
          why = `revert ${short(rv.sha)} of ${short(target)}`;
          break;
        }
      }
      if (why) break;
    }
    if (why) failedReleases.push(`${r.tag}: ${why}`);
  }

  return {
    ok: true,
    evidence,
    value: {
      commits: branchCommits.filter((c) => !isMerge(c)).length,
      firstParent: line.length,
      merges: line.filter(isMerge).length,
      reverts: reverts.map((c) => `${short(c.sha)} "${c.subject}"`),
      hotfixes,
      leadTimes,
      releasesMeasured: releases.length,
      failedReleases,
    },
  };
}

async function readTree(git: Git, path: string, branch: RefFacts['branch'], refsEvidence: string[]): Promise<Part<TreeFacts | null>> {
  if (!branch) return { ok: true, value: null, evidence: [...refsEvidence] };
  const evidence = [...refsEvidence];
  // In a partial clone git would fetch the missing objects; it is not allowed to (see git.ts), and fails.
  const partial = (err: unknown) => {
    if (err instanceof GitCommandError && /lazy fetch|promisor remote|transport .* not allowed/i.test(err.stderr)) {
      throw new GitCommandError(`${path} is a partial clone without all its file contents; the collector does not fetch them`, err.evidence, err.exitCode, err.stderr);
    }
    throw err;
  };
  const ls = await git.run(['ls-tree', '-r', '-z', '-l', '--full-tree', '--end-of-options', branch.tip]).catch(partial);
  evidence.push(ls.evidence);
  const entries = parseLsTree(ls.stdout);
  const { read, unreadDeploy, unreadOther } = filesToRead(entries, LIMITS);
  let contents = new Map<string, Buffer>();
  const oids = [...new Set(read.map((e) => e.oid))];
  if (oids.length) {
    const bytes = read.reduce((n, e) => n + e.size, 0) + oids.length * 100 + 1024;
    const cat = await git.run(['cat-file', '--batch'], { stdin: oids.join('\n') + '\n', maxBytes: bytes }).catch(partial);
    evidence.push(cat.evidence);
    contents = parseCatFileBatch(cat.stdout);
  }
  return { ok: true, value: analyseTree(entries, contents, { deploy: unreadDeploy, other: unreadOther }), evidence };
}

function evidenceOf(err: unknown): string[] {
  if (err instanceof GitCommandError) return [err.evidence];
  if (isCollectError(err) && err.detail.evidence) return [err.detail.evidence];
  return [];
}

function classify(err: unknown, path: string): { reason: string; kind: FailureKind | 'error' } {
  if (isCollectError(err)) return { reason: err.message, kind: err.kind };
  if (err instanceof GitCommandError) {
    if (/not a git repository/i.test(err.stderr)) return { reason: `${path} is not a git repository`, kind: 'not_found' };
    if (/dubious ownership/i.test(err.stderr)) {
      return {
        reason: `${path}: git refuses to read a repository owned by another user (dubious ownership); add it to safe.directory in the git config of the user running techops`,
        kind: 'credentials',
      };
    }
    if (/permission denied/i.test(err.stderr)) return { reason: `${path}: permission denied (${err.message})`, kind: 'credentials' };
    return { reason: err.message, kind: 'unavailable' };
  }
  return { reason: `${path}: ${errorMessage(err)}`, kind: 'malformed' };
}
