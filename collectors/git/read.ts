import { stat } from 'node:fs/promises';
import { errorMessage } from '../../src/errors.js';
import { isCollectError, type FailureKind } from '../../src/http/errors.js';
import { readOk, type Read } from '../../src/collector/kit.js';
import type { ChangeRecord } from '../../src/delivery/records.js';
import { failedReleases, type ReleaseRecord } from '../../src/delivery/releases.js';
import { CODEOWNERS_LOCATIONS, inDeployDir } from '../../src/delivery/repository.js';
import {
  GitCommandError, isBlob, isYaml, LOG_FORMAT, parseCatFileBatch, parseLog, parseLsTree, parseRefs, REF_FORMAT,
  type Commit, type Git, type Ref, type TreeEntry,
} from './api.js';
import {
  analyseTree, changeRecord, findBranch, firstParentLine, fixRecord, inSpan, isBranch, isMerge, isRevert, isTag, reachable,
  releaseRecord, revertRecord, shortName, type HotfixEvent, type Release, type Span, type TreeFacts,
} from './translate.js';

/**
 * Reading one repository with read-only git commands, in three parts that fail on their own
 * (refs, history, tree), each a kit `Read<T>`: what the commands print, parsed and translated
 * (translate.ts), ready for the pure measures (measure.ts).
 */

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

export interface RefFacts {
  /** Tags matching release_tags, whatever their date. */
  releaseTagsEver: number;
  /** Release tags dated in the window. */
  releases: Release[];
  /** The measured branch: its ref (or HEAD) and tip; absent in a repository without commits. */
  branch?: { label: string; tip: string };
}

export interface HistoryFacts {
  commits: number;
  firstParent: number;
  merges: number;
  reverts: string[];
  hotfixes: HotfixEvent[];
  /** The branch's non-merge commits of the window, as changes. */
  changes: ChangeRecord[];
  /** The release tags of the window, as releases. */
  releases: ReleaseRecord[];
  /** The commits read (the branch and the window's releases, back to the window's start), by sha. */
  graph: ReadonlyMap<string, Commit>;
  releasesMeasured: number;
  /** `<tag>: <why>` for each release of the window that needed a fix. */
  failedReleases: string[];
}

export interface RepoFacts {
  /** The path as configured. */
  path: string;
  refs: Read<RefFacts>;
  history: Read<HistoryFacts>;
  /** null: no commit on the branch, so no tree. */
  tree: Read<TreeFacts | null>;
}

const short = (sha: string) => sha.slice(0, 12);

/** Reads one repository: refs, then history and tree of the branch, each part failing on its own. */
export async function readRepo(git: Git, path: string, settings: RepoSettings): Promise<RepoFacts> {
  const fail = (reason: string, kind: FailureKind, evidence: string[] = []): Read<never> => ({ status: 'failed', reason, kind, evidence });
  const allFail = (reason: string, kind: FailureKind, evidence: string[] = []): RepoFacts => {
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
  const refsPart: Read<RefFacts> = readOk(refFacts, refsEvidence);

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

  const history = await readHistory(git, path, settings, branch, releases, allReleases, hotfixRefs, refsEvidence).catch((err) => {
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
  path: string,
  settings: RepoSettings,
  branch: RefFacts['branch'],
  releases: Release[],
  allReleases: Release[],
  hotfixRefs: Ref[],
  refsEvidence: string[],
): Promise<Read<HistoryFacts>> {
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

  // Change failure (src/delivery/releases.ts): the ancestry of a reverted commit is asked of git
  // only as far as the definition needs it.
  const reverts = scanned.filter(isRevert);
  const fixes = [
    ...hotfixes.map((h) => fixRecord(path, h)),
    ...reverts.map((c) => revertRecord(path, c)),
  ];
  const failure = await failedReleases(allReleases.map((r) => releaseRecord(path, r)), fixes, { start: w.start * 1000, end: w.end * 1000 }, async (target, r) => {
    const res = await git.run(['merge-base', '--is-ancestor', '--end-of-options', target, r.commit], { okExitCodes: [0, 1] }).catch((err) => {
      // A revert may name a commit this clone does not have (another fork, rewritten history).
      if (err instanceof GitCommandError && /not a valid (commit|object) name/i.test(err.stderr)) return { exitCode: 1, evidence: err.evidence };
      throw err;
    });
    evidence.push(res.evidence);
    return res.exitCode === 0;
  });

  return readOk({
    commits: branchCommits.filter((c) => !isMerge(c)).length,
    firstParent: line.length,
    merges: line.filter(isMerge).length,
    reverts: reverts.map((c) => `${short(c.sha)} "${c.subject}"`),
    hotfixes,
    // Lead time (src/delivery's leadTimes) is measured from these: the branch's non-merge commits
    // of the window, the releases of the window, and the graph that says which release holds which.
    changes: branchCommits.filter((c) => !isMerge(c)).map((c) => changeRecord(path, c)),
    releases: releases.map((r) => releaseRecord(path, r)),
    graph,
    releasesMeasured: failure.measured,
    failedReleases: failure.failed.map((f) => f.why),
  }, evidence);
}

async function readTree(git: Git, path: string, branch: RefFacts['branch'], refsEvidence: string[]): Promise<Read<TreeFacts | null>> {
  if (!branch) return readOk(null, [...refsEvidence]);
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
  return readOk(analyseTree(entries, contents, { deploy: unreadDeploy, other: unreadOther }), evidence);
}

function evidenceOf(err: unknown): string[] {
  if (err instanceof GitCommandError) return [err.evidence];
  if (isCollectError(err) && err.detail.evidence) return [err.detail.evidence];
  return [];
}

function classify(err: unknown, path: string): { reason: string; kind: FailureKind } {
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

/** The files whose contents are read: CODEOWNERS candidates and YAML files, deployment folders first. */
export function filesToRead(entries: readonly TreeEntry[], limits: { maxFileBytes: number; maxFiles: number; maxTotalBytes: number }): {
  read: TreeEntry[];
  /** YAML files left unread (too large, or beyond the limits), in deployment folders and elsewhere. */
  unreadDeploy: number;
  unreadOther: number;
} {
  const codeowners = entries.filter((e) => isBlob(e) && CODEOWNERS_LOCATIONS.git.includes(e.path));
  const yaml = entries.filter((e) => isBlob(e) && isYaml(e.path));
  const ordered = [...yaml.filter((e) => inDeployDir(e.path)), ...yaml.filter((e) => !inDeployDir(e.path))];
  const read: TreeEntry[] = [];
  let total = 0;
  let unreadDeploy = 0;
  let unreadOther = 0;
  for (const e of codeowners) {
    if (e.size <= limits.maxFileBytes) {
      read.push(e);
      total += e.size;
    }
  }
  for (const e of ordered) {
    if (e.size <= limits.maxFileBytes && read.length < limits.maxFiles && total + e.size <= limits.maxTotalBytes) {
      read.push(e);
      total += e.size;
    } else if (inDeployDir(e.path)) unreadDeploy++;
    else unreadOther++;
  }
  return { read, unreadDeploy, unreadOther };
}

