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
