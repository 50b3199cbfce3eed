import { fromRead, type Read } from '../../../src/collector/kit.js';
import type { KubernetesSignalId } from '../signals.js';
import { data, list, need, objectsIn, plural, share, type MeasuredSet } from './common.js';
import type { NamespaceFacts } from './elasticity.js';
import { workloadShare, type WorkloadFacts, type WorkloadReads } from './workloads.js';

/**
 * Capacity (8.1): containers that request and limit cpu and memory, namespaces with a
 * ResourceQuota, VerticalPodAutoscalers.
 */

export interface CapacityReads extends WorkloadReads {
  namespaces: Read<NamespaceFacts>;
  resourcequotas: Read<Set<string>>;
  vpas: Read<number>;
}

export function measureCapacity(s: CapacityReads): MeasuredSet<KubernetesSignalId> {
  const all = need([s.deployments, s.statefulsets, s.daemonsets]);
  const every = () => [data(s.deployments)!, data(s.statefulsets)!, data(s.daemonsets)!];
  const quotas = need([s.namespaces, s.resourcequotas]);
  return {
    'kubernetes.resources.requests_ratio': all.failed ?? resources(every(), 'requests', all.evidence),
    'kubernetes.resources.limits_ratio': all.failed ?? resources(every(), 'limits', all.evidence),
    'kubernetes.quotas.namespace_ratio': quotas.failed ?? quotaCoverage(data(s.namespaces)!.names, data(s.resourcequotas)!, quotas.evidence),
    'kubernetes.vpa.count': fromRead(s.vpas, (n) => n),
  };
}

/** Containers (DaemonSets' included) that set both cpu and memory requests, or limits. */
export const resources = (list: readonly WorkloadFacts[], which: 'requests' | 'limits', evidence: string[]) => workloadShare(list, evidence, {
  have: (w) => (which === 'requests' ? w.requests : w.limits), of: (w) => w.containers, short: (w) => (which === 'requests' ? w.noRequests : w.noLimits),
  empty: 'no container in scope', detail: (n, of, short) => `${n} of ${of} containers set cpu and memory ${which}; not: ${short}`,
  what: `containers without cpu and memory ${which}`,
});

/** Namespaces in scope with at least one ResourceQuota. */
export function quotaCoverage(names: string[], withQuota: ReadonlySet<string>, evidence: string[]) {
  const covered = names.filter((x) => withQuota.has(x));
  const without = names.filter((x) => !withQuota.has(x));
  return share(covered.length, names.length, evidence, 'no namespace in scope', `${covered.length} of ${plural(names.length, 'namespace')} have a ResourceQuota; not: ${list(without)}`,
    { what: 'namespaces without a ResourceQuota', objects: objectsIn(without) });
}
