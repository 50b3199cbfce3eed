import { parseDuration } from '../../src/duration.js';

/** Time-based retention in seconds, or why there is none. */
export type Retention = { seconds: number; text: string } | { unbounded: string };

/** Prometheus keeps 15 days when neither a time nor a size limit is set. */
const DEFAULT_RETENTION = '15d';

/**
 * runtimeinfo renders storageRetention as "15d", "30d or 10GiB" or, with a size limit alone,
 * "10GiB" (no time limit then: data stays until the size is reached).
 */
export function retentionFromRuntimeInfo(text: string): Retention | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  for (const part of trimmed.split(/\s+or\s+/)) {
    const seconds = parseDuration(part);
    if (seconds !== undefined && seconds > 0) return { seconds, text: trimmed };
  }
  return { unbounded: `retention is limited by size only (${trimmed})` };
}

/** From the command-line flags, for servers whose runtimeinfo does not say. */
export function retentionFromFlags(flags: Record<string, string>): Retention {
  // storage.tsdb.retention is the pre-2.8 spelling, still honoured when the new flag is unset
  for (const key of ['storage.tsdb.retention.time', 'storage.tsdb.retention']) {
    const seconds = flags[key] !== undefined ? parseDuration(flags[key]) : undefined;
    if (seconds !== undefined && seconds > 0) return { seconds, text: `${key}=${flags[key]}` };
  }
  const size = flags['storage.tsdb.retention.size'];
  if (size && !/^0+\s*[A-Za-z]*$/.test(size.trim())) return { unbounded: `retention is limited by size only (storage.tsdb.retention.size=${size})` };
  return { seconds: parseDuration(DEFAULT_RETENTION) as number, text: `no retention flag set: the default ${DEFAULT_RETENTION}` };
}
