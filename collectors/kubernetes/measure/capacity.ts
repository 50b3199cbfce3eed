import type { Read } from '../../../src/collector/kit.js';
import type { KubernetesSignalId } from '../signals.js';
import { data, examples, list, need, objectsIn, objectsOf, plural, share, sumOf, value, type MeasuredSet } from './common.js';
import type { NamespaceFacts } from './elasticity.js';
import type { WorkloadFacts } from './workloads.js';

/**
 * Capacity (8.1): containers that request and limit cpu and memory, namespaces with a
 * ResourceQuota, VerticalPodAutoscalers.
 */

export interface CapacityReads {
  deployments: Read<WorkloadFacts>;
  statefulsets: Read<WorkloadFacts>;
  daemonsets: Read<WorkloadFacts>;
  namespaces: Read<NamespaceFacts>;
  resourcequotas: Read<Set<string>>;
  vpas: Read<number>;
}

export function measureCapacity(s: CapacityReads): MeasuredSet<KubernetesSignalId> {
  const all = need([s.deployments, s.statefulsets, s.daemonsets]);
  const every = () => [data(s.deployments)!, data(s.statefulsets)!, data(s.daemonsets)!];
  const quotas = need([s.namespaces, s.resourcequotas]);
  const vpas = need([s.vpas]);
  return {
    'kubernetes.resources.requests_ratio': all.failed ?? resources(every(), 'requests', all.evidence),
    'kubernetes.resources.limits_ratio': all.failed ?? resources(every(), 'limits', all.evidence),
    'kubernetes.quotas.namespace_ratio': quotas.failed ?? quotaCoverage(data(s.namespaces)!.names, data(s.resourcequotas)!, quotas.evidence),
    'kubernetes.vpa.count': vpas.failed ?? value(data(s.vpas)!, vpas.evidence),
  };
}

/** Containers (DaemonSets' included) that set both cpu and memory requests, or limits. */
export function resources(list: readonly WorkloadFacts[], which: 'requests' | 'limits', evidence: string[]) {
  const containers = sumOf(list, (w) => w.containers);
  const have = sumOf(list, (w) => (which === 'requests' ? w.requests : w.limits));
  const missing = list.map((w) => (which === 'requests' ? w.noRequests : w.noLimits));
  return share(have, containers, evidence, 'no container in scope', `${have} of ${containers} containers set cpu and memory ${which}; not: ${examples(missing)}`,
    { what: `containers without cpu and memory ${which}`, objects: objectsOf(missing) });
}

/** Namespaces in scope with at least one ResourceQuota. */
export function quotaCoverage(names: string[], withQuota: ReadonlySet<string>, evidence: string[]) {
  const covered = names.filter((x) => withQuota.has(x));
  const without = names.filter((x) => !withQuota.has(x));
  return share(covered.length, names.length, evidence, 'no namespace in scope', `${covered.length} of ${plural(names.length, 'namespace')} have a ResourceQuota; not: ${list(without)}`,
    { what: 'namespaces without a ResourceQuota', objects: objectsIn(without) });
}
