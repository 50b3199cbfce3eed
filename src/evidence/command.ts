import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { EvidenceLog } from './types.js';
import type { Redactor } from '../redact.js';

/**
 * Evidence for a local command, recorded like a request so that an auditor can follow a signal
 * to what was run, where, when and what came back. The harness gives each collector instance
 * `ctx.recordCommand`, bound to its evidence log and redactor.
 *
 * The record maps onto the existing EvidenceRecord fields:
 * - method: the program in upper case (`GIT`);
 * - url: `file://<working directory>#<program> <arguments>` (arguments quoted where needed),
 *   plus `< stdin: <n> lines, sha256 <hex>` when the command read its standard input;
 * - status: the exit code (absent when the command did not run to its end);
 * - error: why it failed: the first line of its standard error, a timeout, an output bound;
 * - bytes, sha256, excerpt: of the full standard output.
 */
export interface CommandRecord {
  /** The program as run, e.g. `git`. */
  program: string;
  /** Every argument, in order, global options included. */
  args: readonly string[];
  /** The working directory the command ran in (absolute). */
  cwd: string;
  /** What was written to its standard input, if anything. */
  stdin?: string;
  /** The exit code; absent when it was killed or could not start. */
  exitCode?: number;
  error?: string;
  /** The full standard output; absent when it was not kept (e.g. it exceeded its bound). */
  stdout?: Buffer;
  startedAt: Date;
  durationMs: number;
}

export type RecordCommand = (command: CommandRecord) => string;

export interface CommandRecorderOptions {
  collector: string;
  instance: string;
  evidence: EvidenceLog;
  redactor: Redactor;
  excerptChars?: number;
}

export type CommandRecorder = RecordCommand & { readonly requestCount: number };

export function createCommandRecorder(opts: CommandRecorderOptions): CommandRecorder {
  const excerptChars = opts.excerptChars ?? 512;
  let count = 0;
  const record: RecordCommand = (c) => {
    count++;
    return opts.evidence.add({
      collector: opts.collector,
      instance: opts.instance,
      method: c.program.toUpperCase(),
      url: opts.redactor.text(commandLocator(c)),
      status: c.exitCode,
      error: c.error === undefined ? undefined : opts.redactor.text(c.error),
      attempt: 1,
      started_at: c.startedAt.toISOString(),
      duration_ms: c.durationMs,
      bytes: c.stdout?.length,
      sha256: c.stdout ? createHash('sha256').update(c.stdout).digest('hex') : undefined,
      excerpt: c.stdout ? opts.redactor.text(c.stdout.subarray(0, excerptChars * 4).toString('utf8').slice(0, excerptChars)) : undefined,
    }).id;
  };
  return Object.defineProperty(record, 'requestCount', { get: () => count }) as CommandRecorder;
}

/** `file:///repo#git --no-pager log --format=%H …` */
export function commandLocator(c: Pick<CommandRecord, 'program' | 'args' | 'cwd' | 'stdin'>): string {
  const line = [c.program, ...c.args].map(quote).join(' ');
  let where = `${pathToFileURL(c.cwd).href}#${line}`;
  if (c.stdin !== undefined) {
    const lines = c.stdin.split('\n').filter((l) => l !== '').length;
    where += ` < stdin: ${lines} lines, sha256 ${createHash('sha256').update(c.stdin).digest('hex')}`;
  }
  return where;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./^-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
