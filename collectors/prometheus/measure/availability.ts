import { fromRead, measuredValue, type Measured, type Read } from '../../../src/collector/kit.js';
import type { Sample } from '../api.js';
import { REPLICATION_LAG_METRICS } from '../queries.js';
import { largestBySource, scalar } from './samples.js';

const NO_PROBES = 'no probe_success series in the window';
const NO_LAG = `no replication lag metric (${REPLICATION_LAG_METRICS.join(', ')}) in the window`;
const YEAR = 365 * 86400;
const clampRatio = (v: number) => Math.min(1, Math.max(0, v));

/** Probe availability, backup age and replication lag (chapters 9 and 10). */
export function measureAvailability(reads: {
  probesAvailability: Read<Sample[]>;
  probesWorst: Read<Sample[]>;
  backup: Read<Sample[]>;
  replication: Read<Sample[]>;
  replicationP99: Read<Sample[]>;
}, windowSeconds: number): Record<string, Measured> {
  return {
    'prometheus.probes.availability': scalar(reads.probesAvailability, NO_PROBES, clampRatio),
    'prometheus.probes.worst_availability': worstProbe(reads.probesWorst, windowSeconds),
    'prometheus.backup.max_age_seconds': largestBySource(reads.backup, 'no backup metric from velero, CloudNativePG, pgBackRest, WAL-G or postgres_exporter (pg_stat_archiver)'),
    'prometheus.replication.max_lag_seconds': largestBySource(reads.replication, NO_LAG),
    'prometheus.replication.p99_lag_seconds': largestBySource(reads.replicationP99, NO_LAG),
  };
}

/** The worst probe, with the window it covers said next to it: the standard's figures are per year. */
export function worstProbe(worst: Read<Sample[]>, windowSeconds: number): Measured {
  return fromRead(worst, (samples) => {
    const one = samples[0];
    if (!one || !Number.isFinite(one.value)) return scalar(worst, NO_PROBES, clampRatio);
    const days = Math.round(windowSeconds / 86400);
    const who = Object.entries(one.metric).map(([k, v]) => `${k}=${v}`).join(', ');
    return measuredValue(clampRatio(one.value), [], {
      detail: `over ${days} days${windowSeconds < YEAR ? ', shorter than the year the standard counts downtime over' : ''}${who ? `; the worst probe: ${who}` : ''}`,
    });
  });
}
