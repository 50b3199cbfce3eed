import { fromRead, measuredValue, measureFailed, type Measured, type Read } from '../../../src/collector/kit.js';
import type { BuildInfo, Flags, Sample, TsdbStatus } from '../api.js';

/**
 * prometheus.api.reachable and prometheus.servers.count. The API is reachable when the query API
 * evaluates vector(1): that is the data API every check reading "reachable" relies on. buildinfo
 * only names the version; a compatible backend or proxy without it is still reachable. A query
 * that failed without ending the scan (a 5xx after retries, a malformed answer) leaves
 * reachability unknown (failed), never false: the fatal failures that would show the server
 * unreachable end the collection before this point.
 */
export function measureReachability(build: Read<BuildInfo>, up: Read<Sample[]>): Record<string, Measured> {
  const evidence = [...build.evidence, ...up.evidence];
  const both = (m: Measured) => ({ 'prometheus.api.reachable': m, 'prometheus.servers.count': m });
  if (up.status !== 'ok') return both(measureFailed(`the query vector(1) failed: ${up.reason}`, evidence));
  if (up.data.length !== 1 || up.data[0].value !== 1) {
    return both(measureFailed(`the query vector(1) answered ${JSON.stringify(up.data.map((s) => s.value))}, not [1]: not a working PromQL engine`, evidence));
  }
  const detail = build.status === 'ok' ? `Prometheus ${build.data.version}` : `query API answers; ${build.reason}`;
  return {
    'prometheus.api.reachable': measuredValue(true, evidence, { detail }),
    'prometheus.servers.count': measuredValue(1, evidence, { detail }),
  };
}

/** prometheus.receiver.remote_write: the flag, or the feature flag of older servers. */
export function acceptsRemoteWrite(flags: Flags): boolean {
  if (flags['web.enable-remote-write-receiver']?.toLowerCase() === 'true') return true;
  return (flags['enable-feature'] ?? '').split(',').some((f) => f.trim() === 'remote-write-receiver');
}

export function measureServer(flags: Read<Flags>, tsdb: Read<TsdbStatus>): Record<string, Measured> {
  return {
    'prometheus.receiver.remote_write': fromRead(flags, acceptsRemoteWrite),
    'prometheus.tsdb.head_series': fromRead(tsdb, (d) => d.headStats.numSeries),
  };
}
