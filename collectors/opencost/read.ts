import { attemptRead, readAbsent, readFailed, type Read, type Window } from '../../src/collector/kit.js';
import { isCollectError } from '../../src/http/errors.js';
import type { AllocationSet, OpencostApi } from './api.js';
import type { OpencostConfig } from './config.js';

/** OpenCost's window: an RFC 3339 pair, to the second. */
export function windowParam(w: Window): string {
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${iso(w.start)},${iso(w.end)}`;
}

/** The allocation queries, each read on its own. */
export interface OpencostReads {
  /** By namespace, idle included, one set for the window. */
  namespaces: Read<AllocationSet[]>;
  teams: Read<AllocationSet[]>;
  environments: Read<AllocationSet[]>;
  nodes: Read<AllocationSet[]>;
  /** By service label, one set for the window. */
  services: Read<AllocationSet[]>;
  /** The whole cluster, one set per day of the window. */
  daily: Read<AllocationSet[]>;
  /** By service label, the last two weeks of the window, one set per week. */
  weekly: Read<AllocationSet[]>;
}
export type AllocationRead = keyof OpencostReads;

const WEEK_MS = 7 * 86_400_000;

/**
 * The allocation queries one instance needs, each settled on its own. The first one also proves
 * the URL and credentials: a refused credential there ends the collection (every other query
 * would be refused alike), and so does no answer at all (refused connection, timeout, a body cut
 * off): the six other queries would each wait out the same timeouts and retries. An HTTP error
 * (OpenCost's 500 when a Prometheus query fails) fails only that query.
 *
 * Each read goes to `use` as soon as it is settled and is not kept here: a large cluster's sets
 * are megabytes each (the largest 7.7 MiB at the benchmark's x100), and holding all seven until
 * the last one arrived made the collector's memory grow with the cluster.
 */
export async function readAllocations(api: OpencostApi, config: OpencostConfig, w: Window, use: <K extends AllocationRead>(kind: K, read: OpencostReads[K]) => void): Promise<void> {
  const query = (aggregate: string, extra: { includeIdle?: boolean; step?: string; window?: Window } = {}) => async () => {
    const { window = w, ...rest } = extra;
    const res = await api.allocation({ window: windowParam(window), aggregate, accumulate: extra.step === undefined, ...rest });
    return { data: res.data, evidence: [res.evidence] };
  };
  use('namespaces', await attemptRead(query('namespace', { includeIdle: true }), { fatal: ['credentials', 'unavailable'] }).catch((err: unknown) => {
    if (isCollectError(err, 'unavailable') && (err.detail.status ?? 0) >= 400) return readFailed(err);
    throw err;
  }));
  use('teams', await attemptRead(query(`label:${config.team_label}`)));
  use('environments', await attemptRead(query(`label:${config.environment_label}`)));
  use('nodes', await attemptRead(query('node')));
  use('services', await attemptRead(query(`label:${config.service_label}`)));
  // Days by cluster and weeks by service, not days by service: a series per service per day is
  // as large as services × days, beyond a response's size on a large cluster.
  use('daily', await attemptRead(query('cluster', { step: '1d' })));
  const end = w.end.getTime();
  use('weekly', end - w.start.getTime() < 2 * WEEK_MS
    ? readAbsent('the window is shorter than two weeks')
    : await attemptRead(query(`label:${config.service_label}`, { step: '7d', window: { start: new Date(end - 2 * WEEK_MS), end: w.end, seconds: (2 * WEEK_MS) / 1000 } })));
}
