import { styleText } from 'node:util';
import type { CollectorRun, HarnessOptions } from '../collector/harness.js';
import { formatDuration } from '../duration.js';
import { fill, progressLabels, type Lang } from '../report/i18n.js';
import type { LogLevel } from '../log.js';

export type ProgressEvent = Parameters<NonNullable<HarnessOptions['onProgress']>>[0];

export interface ProgressContext {
  /** Whether stderr is a terminal. */
  stderrIsTTY: boolean;
  quiet: boolean;
  logFormat: 'auto' | 'json' | 'text';
  logLevel: LogLevel;
  env: NodeJS.ProcessEnv;
}

/**
 * A progress line per collector is for a person watching a terminal: never when stderr is piped
 * or a file, never in CI logs (CI=… set, even where the runner fakes a terminal), never with
 * --quiet, JSON logs, a log level above info, or TERM=dumb. Otherwise the scan logs its
 * `collecting`/`collected` lines as before.
 */
export function showProgress(c: ProgressContext): boolean {
  if (!c.stderrIsTTY || c.quiet) return false;
  if (c.logFormat === 'json') return false;
  if (c.logLevel !== 'info' && c.logLevel !== 'debug') return false;
  if (c.env.CI !== undefined && c.env.CI !== '' && c.env.CI !== 'false') return false;
  return c.env.TERM !== 'dumb';
}

const MARK: Record<CollectorRun['status'], string> = { ok: '✓', partial: '!', failed: '✗' };
const COLOUR = { ok: 'green', partial: 'yellow', failed: 'red' } as const;

/**
 * `→ prometheus/main collecting…`, then `✓ prometheus/main 42/45 signals, 12 requests, 1.2s`;
 * with `colour` (the caller honours NO_COLOR) the mark is green, yellow or red.
 */
export function progressLine(e: ProgressEvent, lang: Lang, colour = false): string {
  const p = progressLabels(lang);
  const who = `${e.collector}/${e.instance}`;
  if (e.phase === 'start' || !e.run) return `→ ${who} ${p.collecting}…\n`;
  const r = e.run;
  const parts = [
    fill(p.signalsN, { n: `${r.signals_observed}/${r.signals_declared}` }),
    ...(r.signals_failed ? [fill(p.failedN, { n: r.signals_failed })] : []),
    fill(p.requestsN, { n: r.requests }) + (r.requests_failed ? ` (${fill(p.failedN, { n: r.requests_failed })})` : ''),
    formatDuration(r.duration_ms / 1000),
  ];
  const why = r.status !== 'ok' && (r.error ?? r.status_reason) ? ` — ${truncate(r.error ?? r.status_reason ?? '', 100)}` : '';
  const mark = colour ? styleText(COLOUR[r.status], MARK[r.status], { validateStream: false }) : MARK[r.status];
  return `${mark} ${who} ${parts.join(', ')}${why}\n`;
}

function truncate(s: string, n: number): string {
  const line = s.split('\n')[0];
  return line.length > n ? `${line.slice(0, n - 1)}…` : line;
}
