import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { CollectError } from '../../src/http/errors.js';
import type { RecordCommand } from '../../src/evidence/command.js';

/**
 * The only git subcommands the collector runs. Each only reads the object database and refs;
 * none refreshes the index, takes a lock, fetches or writes anything (the collector's
 * equivalent of the HTTP client's GET-only rule).
 */
export const READ_ONLY_SUBCOMMANDS: ReadonlySet<string> = new Set(['for-each-ref', 'rev-list', 'log', 'merge-base', 'ls-tree', 'cat-file', 'rev-parse']);

/** Global options put before every subcommand. */
export const GLOBAL_OPTIONS: readonly string[] = ['--no-pager', '-c', 'core.quotepath=off'];

const STDERR_LIMIT = 64 * 1024;

/**
 * The environment git runs in: the caller's, without any GIT_* variable that could point git at
 * another repository, index or object store, plus
 * - GIT_OPTIONAL_LOCKS=0: no optional lock and no opportunistic index refresh, so nothing is written;
 * - GIT_TERMINAL_PROMPT=0: never prompts;
 * - GIT_ALLOW_PROTOCOL='' (empty): every transport is refused, so nothing can be fetched, not even the
 *   missing objects of a partial clone (git then fails instead of fetching them);
 * - GIT_NO_LAZY_FETCH=1: the same for git 2.44 and later;
 * - GIT_CEILING_DIRECTORIES=<parent of the path>: the path itself must be the repository; git does
 *   not climb to a repository that happens to contain it;
 * - LC_ALL=C: messages in English, which the collector classifies.
 */
export function gitEnvironment(repo: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('GIT_') && k !== 'LANGUAGE') env[k] = v;
  return {
    ...env,
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: '',
    GIT_NO_LAZY_FETCH: '1',
    GIT_CEILING_DIRECTORIES: dirname(repo),
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    LC_ALL: 'C',
  };
}

export interface GitResult {
  stdout: Buffer;
  exitCode: number;
  stderr: string;
  evidence: string;
}

export interface RunOptions {
  /** Written to the command's standard input (for --stdin and --batch modes). */
  stdin?: string;
  /** Bound on the standard output; the command is killed and fails beyond it. */
  maxBytes?: number;
  /** Exit codes that are answers rather than failures (merge-base --is-ancestor: 0 and 1). */
  okExitCodes?: readonly number[];
}

/** A git command that ran and failed (non-zero exit, output bound, could not start). */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly evidence: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

export interface Git {
  readonly repo: string;
  run(args: readonly string[], options?: RunOptions): Promise<GitResult>;
}

export interface GitOptions {
  record: RecordCommand;
  signal: AbortSignal;
  /** Default bound on a command's standard output. */
  maxBytes: number;
  /** The git executable (tests may point elsewhere). */
  binary?: string;
}

/**
 * Runs read-only git commands in one repository: execFile-style (no shell), with the
 * environment above, bounded output, the collector's abort signal, and one evidence record per
 * command whatever its outcome.
 */
export function openGit(repo: string, opts: GitOptions): Git {
  const env = gitEnvironment(repo);
  const binary = opts.binary ?? 'git';
  return {
    repo,
    run(args, options = {}) {
      const sub = args[0];
      if (!sub || !READ_ONLY_SUBCOMMANDS.has(sub)) {
        return Promise.reject(new CollectError('rejected', `refusing git ${sub ?? ''}: the git collector only runs ${[...READ_ONLY_SUBCOMMANDS].join(', ')}`));
      }
      const fullArgs = [...GLOBAL_OPTIONS, ...args];
      const maxBytes = options.maxBytes ?? opts.maxBytes;
      const okCodes = options.okExitCodes ?? [0];
      const what = `git ${sub} in ${repo}`;
      if (opts.signal.aborted) return Promise.reject(new CollectError('aborted', `deadline passed before ${what}`));

      return new Promise<GitResult>((resolve, reject) => {
        const startedAt = new Date();
        const started = Date.now();
        const chunks: Buffer[] = [];
        let size = 0;
        let overflow = false;
        let stderr = '';
        let spawnError: Error | undefined;
        let settled = false;

        const child = spawn(binary, fullArgs, {
          cwd: repo,
          env,
          shell: false,
          windowsHide: true,
          signal: opts.signal,
          stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        });
        child.stdout!.on('data', (chunk: Buffer) => {
          if (overflow) return;
          size += chunk.length;
          if (size > maxBytes) {
            overflow = true;
            chunks.length = 0;
            child.kill('SIGKILL');
            return;
          }
          chunks.push(chunk);
        });
        child.stderr!.on('data', (chunk: Buffer) => {
          if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
        });
        if (options.stdin !== undefined && child.stdin) {
          // A command that exits before reading all of its input closes the pipe: not an error of ours.
          child.stdin.on('error', () => undefined);
          child.stdin.end(options.stdin);
        }
        child.on('error', (err) => {
          spawnError = err;
          // 'close' may not follow when the process never started.
          if (child.pid === undefined) finish(undefined);
        });
        child.on('close', (code) => finish(code ?? undefined));

        function finish(code: number | undefined): void {
          if (settled) return;
          settled = true;
          const durationMs = Date.now() - started;
          const stdout = Buffer.concat(chunks);
          const aborted = opts.signal.aborted;
          const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
          const firstLine = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? '';
          let error: string | undefined;
          if (overflow) error = `output exceeded ${maxBytes} bytes`;
          else if (aborted) error = 'aborted: the collector deadline passed';
          else if (spawnError && code === undefined) error = `could not run ${binary}: ${spawnError.message}`;
          else if (code === undefined || !okCodes.includes(code)) error = firstLine || `exit code ${code ?? 'none'}`;
          const evidence = opts.record({
            program: 'git', args: fullArgs, cwd: repo, stdin: options.stdin,
            exitCode: overflow || aborted ? undefined : code, error,
            stdout: overflow || aborted ? undefined : stdout, startedAt, durationMs,
          });
          if (aborted) return reject(new CollectError('aborted', `deadline passed during ${what}`, { evidence }));
          if (error !== undefined) return reject(new GitCommandError(`${what} failed: ${error}`, evidence, overflow ? undefined : code, stderr));
          resolve({ stdout, exitCode: code as number, stderr, evidence });
        }
      });
    },
  };
}

// ---- git's output formats: what each read-only command prints, parsed ----

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

export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  /** Bytes; -1 when git gives none (trees, submodules). */
  size: number;
  path: string;
}

/** Parses `git ls-tree -r -z -l --full-tree` output: `<mode> <type> <oid> <size>\t<path>\0`. */
export function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    if (tab < 0) throw new Error(`unexpected git ls-tree line: ${record.slice(0, 120)}`);
    const [mode, type, oid, size] = record.slice(0, tab).trim().split(/\s+/);
    if (!mode || !type || !oid) throw new Error(`unexpected git ls-tree line: ${record.slice(0, 120)}`);
    entries.push({ mode, type, oid, size: size === undefined || size === '-' ? -1 : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

export const isBlob = (e: TreeEntry) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755');
export const isYaml = (path: string) => /\.ya?ml$/i.test(path);

/** Parses `git cat-file --batch` output into contents by object id. */
export function parseCatFileBatch(out: Buffer): Map<string, Buffer> {
  const objects = new Map<string, Buffer>();
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(0x0a, at);
    if (nl < 0) throw new Error('truncated git cat-file --batch output');
    const header = out.subarray(at, nl).toString('utf8');
    at = nl + 1;
    const parts = header.split(' ');
    if (parts[1] === 'missing' || parts[1] === 'ambiguous') continue;
    const size = Number(parts[2]);
    if (parts.length !== 3 || !Number.isInteger(size) || at + size > out.length) throw new Error(`unexpected git cat-file --batch header: ${header.slice(0, 120)}`);
    objects.set(parts[0], out.subarray(at, at + size));
    at += size + 1; // the content is followed by a newline
  }
  return objects;
}

