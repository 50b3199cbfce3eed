import type { Redactor } from './redact.js';

/**
 * Fixed messages with fields: `log.warn('collector failed', {collector, instance, error})`.
 * JSON lines when stderr is not a terminal (so log shippers can parse them), short text otherwise.
 * Every field goes through the redactor.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  write: (line: string) => void;
  json: boolean;
  level?: LogLevel;
  redactor?: Redactor;
  now?: () => Date;
}

export function createLogger(opts: LoggerOptions, bound: Record<string, unknown> = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < min) return;
    let all: Record<string, unknown> = { ...bound, ...fields };
    if (opts.redactor) all = opts.redactor.value(all);
    const text = opts.redactor ? opts.redactor.text(msg) : msg;
    if (opts.json) {
      opts.write(JSON.stringify({ time: (opts.now?.() ?? new Date()).toISOString(), level, msg: text, ...all }) + '\n');
    } else {
      const extra = Object.entries(all)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      opts.write(`${level === 'info' ? '' : level + ': '}${text}${extra ? ' ' + extra : ''}\n`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(opts, { ...bound, ...fields }),
  };
}

export const silentLogger: Logger = {
  debug() {}, info() {}, warn() {}, error() {},
  child() { return silentLogger; },
};
