import { measuredValue, measureFailed, notAvailable, type Measured, type Read } from '../../../src/collector/kit.js';
import { parseDuration } from '../../../src/duration.js';
import type { Flags, RuntimeInfo } from '../api.js';

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

/**
 * prometheus.tsdb.retention_seconds: runtimeinfo where it says, else the flags; size-only
 * retention has no time to measure.
 */
export function measureRetention(runtime: Read<RuntimeInfo>, flags: Read<Flags>): Measured {
  const measured = (r: Retention, evidence: string[]): Measured => ('seconds' in r ? measuredValue(r.seconds, evidence, { detail: r.text }) : notAvailable(r.unbounded, evidence));
  if (runtime.status === 'ok' && runtime.data.storageRetention !== undefined) {
    const r = retentionFromRuntimeInfo(runtime.data.storageRetention);
    if (r) return measured(r, runtime.evidence);
  }
  if (flags.status === 'ok') return measured(retentionFromFlags(flags.data), flags.evidence);
  return measureFailed(runtime.status === 'ok' ? flags.reason : `${runtime.reason}; ${flags.reason}`, [...runtime.evidence, ...flags.evidence]);
}
