import { attemptRead, mapPool, type Read, type ReadOptions } from '../../src/collector/kit.js';
import { isCollectError, type FailureKind } from '../../src/http/errors.js';
import type { Answer, BuildInfo, PrometheusApi, Sample } from './api.js';
import {
  BACKUP_AGE_QUERY,
  BUSINESS_METRICS_QUERY,
  firedAlertsQuery,
  INVENTORY_QUERY,
  NODE_INSTANCES_QUERY,
  notificationsQuery,
  probesAvailabilityQuery,
  probesWorstQuery,
  remoteWriteDeliveredQuery,
  replicationLagQuery,
  replicationP99Query,
  SHARED_POOLS_QUERY,
  VECTOR_ONE,
} from './queries.js';

/** Failures of the first request that no other request could get past. */
const FIRST_FATAL: FailureKind[] = ['credentials', 'unavailable', 'budget'];
/** A few requests at a time: fast enough for a scan, gentle on a busy server. */
const CONCURRENCY = 4;
/**
 * A 404 on a status endpoint means this server (its version, or a compatible backend) does not
 * offer it: absent, not failed. A query endpoint that is not found is a broken path, so queries
 * have no such option.
 */
const STATUS_ENDPOINT: ReadOptions = { absentOn: ['not_found'] };

type Task = () => Promise<Read<unknown>>;
type Settled<T extends Record<string, Task>> = { [K in keyof T]: Awaited<ReturnType<T[K]>> };

function reads(api: PrometheusApi, windowSeconds: number) {
  const status = <T>(run: () => Answer<T>) => () => attemptRead(run, STATUS_ENDPOINT);
  const query = (expr: string) => () => attemptRead(() => api.query(expr));
  const w = windowSeconds;
  return {
    config: status(api.config),
    flags: status(api.flags),
    runtime: status(api.runtimeInfo),
    tsdb: status(api.tsdb),
    targets: status(api.activeTargets),
    rules: status(api.rules),
    alertmanagers: status(api.alertmanagers),
    inventory: query(INVENTORY_QUERY),
    nodes: query(NODE_INSTANCES_QUERY),
    probesAvailability: query(probesAvailabilityQuery(w)),
    probesWorst: query(probesWorstQuery(w)),
    fired: query(firedAlertsQuery(w)),
    notifications: query(notificationsQuery(w)),
    backup: query(BACKUP_AGE_QUERY),
    replication: query(replicationLagQuery(w)),
    sharedPools: query(SHARED_POOLS_QUERY),
    remoteWriteDelivered: query(remoteWriteDeliveredQuery(w)),
    business: query(BUSINESS_METRICS_QUERY),
    replicationP99: query(replicationP99Query(w)),
  };
}

/** Every read the collector makes; each one may have failed (or be absent) on its own. */
export type PrometheusReads = Settled<ReturnType<typeof reads>> & {
  build: Read<BuildInfo>;
  up: Read<Sample[]>;
};

/**
 * Reads the server: build info and the query vector(1) first, which decide whether there is a
 * Prometheus to read at all, then every other endpoint and query a few at a time, each settled
 * into its own `Read` so that one failure stays with the signals built from it.
 */
export async function readPrometheus(api: PrometheusApi, windowSeconds: number, signal: AbortSignal): Promise<PrometheusReads> {
  let buildError: unknown;
  const build = await attemptRead(async () => {
    try {
      return await api.buildInfo();
    } catch (err) {
      buildError = err;
      throw err;
    }
  }, { fatal: FIRST_FATAL });
  // Not a request's failure (a bug, an unexpected throw): nothing else would go better.
  if (build.status === 'failed' && !isCollectError(buildError)) throw buildError;
  const up = await attemptRead(() => api.query(VECTOR_ONE));
  // Neither the status API nor the query API answers: the URL leads to no Prometheus.
  if (build.status === 'failed' && up.status === 'failed') throw buildError;

  const tasks = reads(api, windowSeconds);
  const keys = Object.keys(tasks) as (keyof typeof tasks)[];
  const settled = await mapPool(keys, CONCURRENCY, (k) => tasks[k]() as Promise<Read<unknown>>, signal);
  const rest = Object.fromEntries(keys.map((k, i) => [k, settled[i]])) as Settled<typeof tasks>;
  return { build, up, ...rest };
}
