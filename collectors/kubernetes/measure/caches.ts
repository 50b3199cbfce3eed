import { notAvailable, type Read } from '../../../src/collector/kit.js';
import type * as api from '../api.js';
import type { KubernetesSignalId } from '../signals.js';
import { countBy, data, idOf, list, named, need, objectsIn, share, value, type MeasuredSet } from './common.js';
import { PARTIAL_VIEW } from './databases.js';
import type { Group } from './datastores.js';
import type { WorkloadFacts } from './workloads.js';

/**
 * Data high availability (9.2.1) of caches: Redis, Valkey, KeyDB, Dragonfly and Memcached
 * workloads and the Redis operators' resources, with their replicas and Sentinel failover.
 */

function group(meta: api.ObjectMeta, instances: number, failover: boolean): Group {
  return { namespace: meta.namespace ?? '', name: meta.name, engine: 'redis', instances, failover, workloads: [idOf(meta)] };
}

/** A RedisFailover always runs Sentinels (3 by default) in front of its replicas. */
export const redisFailover = (r: api.RedisFailover): Group => group(r.metadata, r.spec.redis?.replicas ?? 3, (r.spec.sentinel?.replicas ?? 3) > 0);
export const opstreeRedis = (r: api.MetaOnly): Group => group(r.metadata, 1, false);
export const opstreeReplication = (r: api.OpstreeReplication): Group => group(r.metadata, r.spec.clusterSize, false);
/** clusterSize leaders, each with followers (as many as leaders unless redisFollower.replicas says). */
export const opstreeCluster = (r: api.OpstreeCluster): Group => group(r.metadata, r.spec.clusterSize + (r.spec.redisFollower?.replicas ?? r.spec.clusterSize), false);

export interface CacheReads {
  statefulsets: Read<WorkloadFacts>;
  deployments: Read<WorkloadFacts>;
  redisFailovers: Read<Group[]>;
  opstreeRedis: Read<Group[]>;
  opstreeReplications: Read<Group[]>;
  opstreeClusters: Read<Group[]>;
}

export function measureCaches(s: CacheReads, inventoryComplete: boolean): MeasuredSet<KubernetesSignalId> {
  const operators = [s.redisFailovers, s.opstreeRedis, s.opstreeReplications, s.opstreeClusters];
  const n = need([s.statefulsets, s.deployments], operators);
  if (n.failed) return { 'kubernetes.caches.count': n.failed, 'kubernetes.caches.replicated_ratio': n.failed };
  const caches = cachesOf([data(s.statefulsets)!, data(s.deployments)!], operators.flatMap((o) => data(o) ?? []));
  return cacheSignals(caches, n.evidence, inventoryComplete);
}

/**
 * The caches: StatefulSets and Deployments of one release (app.kubernetes.io/instance) are one
 * cache — a Sentinel Deployment beside a Redis StatefulSet gives it failover — and each operator
 * resource is one.
 */
export function cachesOf(workloads: readonly WorkloadFacts[], operated: Group[]): Group[] {
  const merged = new Map<string, Group>();
  for (const [key, g] of workloads.flatMap((w) => [...w.caches])) {
    const m = merged.get(key);
    merged.set(key, m ? { ...m, instances: m.instances + g.instances, failover: m.failover || g.failover, workloads: [...m.workloads, ...g.workloads] } : g);
  }
  // Sentinels grouped with no Redis are not a cache of their own.
  return [...merged.values(), ...operated].filter((g) => g.instances > 0);
}

export function cacheSignals(caches: Group[], evidence: string[], inventoryComplete: boolean): MeasuredSet<KubernetesSignalId> {
  const names = (list: Group[]) => list.map((c) => `${c.namespace}/${c.name}`);
  const replicated = caches.filter((c) => c.instances > 1 || c.failover);
  const single = names(caches.filter((c) => !(c.instances > 1 || c.failover)));
  return {
    'kubernetes.caches.count': caches.length || inventoryComplete
      ? named(value(caches.length, evidence, caches.length ? `${countBy(caches.map((c) => c.engine))}: ${list(names(caches))}` : 'no Redis, Valkey or Memcached workload and no Redis operator resource (inventory_complete: the estate has no other)'), 'the caches found', objectsIn(names(caches)))
      : notAvailable(`no Redis, Valkey or Memcached workload and no Redis operator resource in the cluster; ${PARTIAL_VIEW}`, evidence),
    'kubernetes.caches.replicated_ratio': share(replicated.length, caches.length, evidence, 'no cache in scope',
      `${replicated.length} of ${caches.length} caches replicated or with Sentinel failover; single: ${list(single)}`, { what: 'caches without a replica or Sentinel', objects: objectsIn(single) }),
  };
}
