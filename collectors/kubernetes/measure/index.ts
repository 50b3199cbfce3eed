import type { Measured } from '../../../src/collector/kit.js';
import type { KubernetesSignalId } from '../signals.js';
import { measureCaches, type CacheReads } from './caches.js';
import { measureCapacity, type CapacityReads } from './capacity.js';
import { measureChaos, type ChaosReads } from './chaos.js';
import { value, type MeasuredSet } from './common.js';
import { measureVelero, type VeleroReads } from './continuity.js';
import { measureDatabases, type DatabaseReads } from './databases.js';
import { measureElasticity, type ElasticityReads } from './elasticity.js';
import { measureResilience, type ResilienceReads } from './resilience.js';
import { measureSloObjects, type SloObjectReads } from './slo.js';
import { measureTraffic, type TrafficReads } from './traffic.js';

/**
 * Every read the measures need: each theme names its own (read/sources.ts reads them all).
 * Measuring is pure: the same reads give the same values, without HTTP.
 */
export type MeasureReads = ElasticityReads & ResilienceReads & TrafficReads & DatabaseReads & CacheReads & VeleroReads & ChaosReads & CapacityReads & SloObjectReads;

export interface MeasureOptions {
  /** Every database and cache of the estate runs in the cluster: finding none is a measured 0. */
  inventoryComplete?: boolean;
}

/** Every signal of the collector, theme by theme, from what was read. */
export function measureAll(s: MeasureReads, now: Date, version: { text: string; evidence: string }, options: MeasureOptions = {}): MeasuredSet<KubernetesSignalId> {
  const t = now.getTime();
  const inventoryComplete = options.inventoryComplete === true;
  const reachable: Measured = value(true, [version.evidence], version.text);
  return {
    'kubernetes.api.reachable': reachable,
    ...measureElasticity(s),
    ...measureResilience(s),
    ...measureTraffic(s),
    ...measureDatabases(s, t, inventoryComplete),
    ...measureCaches(s, inventoryComplete),
    ...measureVelero(s, t),
    ...measureChaos(s, t),
    ...measureCapacity(s),
    ...measureSloObjects(s),
  };
}
