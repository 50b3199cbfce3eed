import { attemptRead, type Read, type Window } from '../../src/collector/kit.js';
import type { AllocationSet, OpencostApi } from './api.js';
import type { OpencostConfig } from './config.js';

/** OpenCost's window: an RFC 3339 pair, to the second. */
export function windowParam(w: Window): string {
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${iso(w.start)},${iso(w.end)}`;
}

export interface OpencostReads {
  /** By namespace, idle included, one set for the window. */
  namespaces: Read<AllocationSet[]>;
  teams: Read<AllocationSet[]>;
  environments: Read<AllocationSet[]>;
  nodes: Read<AllocationSet[]>;
  /** By service label, one set per day of the window. */
  daily: Read<AllocationSet[]>;
}

/**
 * The allocation queries one instance needs, each settled on its own. The first one also proves
 * the URL and credentials: a refused credential there ends the collection (every other query
 * would be refused alike).
 */
export async function readAllocations(api: OpencostApi, config: OpencostConfig, w: Window): Promise<OpencostReads> {
  const window = windowParam(w);
  const query = (aggregate: string, extra: { includeIdle?: boolean; step?: string } = {}) => async () => {
    const res = await api.allocation({ window, aggregate, accumulate: extra.step === undefined, ...extra });
    return { data: res.data, evidence: [res.evidence] };
  };
  const namespaces = await attemptRead(query('namespace', { includeIdle: true }), { fatal: ['credentials'] });
  const teams = await attemptRead(query(`label:${config.team_label}`));
  const environments = await attemptRead(query(`label:${config.environment_label}`));
  const nodes = await attemptRead(query('node'));
  const daily = await attemptRead(query(`label:${config.service_label}`, { step: '1d' }));
  return { namespaces, teams, environments, nodes, daily };
}
