import { allReads, mapRead, type Read } from '../../../src/collector/kit.js';
import type { InventoryItem } from '../../../src/inventory/records.js';
import type { NodeFacts } from './resilience.js';
import type { WorkloadFacts } from './workloads.js';

/**
 * What runs, as the inventory the collector publishes for comparison with a CMDB or catalogue
 * (src/inventory/): each workload in scope and each node, keyed as the core matches them.
 */

/** Labels that name who a workload or node belongs to, in order of preference. */
const OWNER_LABELS = ['app.kubernetes.io/part-of', 'owner', 'team'];

/** The owner a workload's (else its pod template's) labels name, if any. */
export function ownerOf(...labelSets: (Record<string, string> | undefined)[]): string | undefined {
  for (const labels of labelSets) {
    const found = OWNER_LABELS.map((k) => labels?.[k]).find((v) => v !== undefined && v !== '');
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A node's key: its name in lower case without a domain (`ip-10-0-1-5.ec2.internal` → `ip-10-0-1-5`). */
export const nodeKey = (name: string) => name.toLowerCase().split('.')[0];

export interface InventoryReads {
  deployments: Read<WorkloadFacts>;
  statefulsets: Read<WorkloadFacts>;
  daemonsets: Read<WorkloadFacts>;
  nodes: Read<NodeFacts>;
}

/**
 * The live inventory, when every workload list and the node list were read whole; otherwise
 * the read that was not (a part of the estate must not pass for all of it).
 */
export function inventoryOf(s: InventoryReads): Read<InventoryItem[]> {
  return mapRead(allReads({ deployments: s.deployments, statefulsets: s.statefulsets, daemonsets: s.daemonsets, nodes: s.nodes }), (d) => [
    ...[d.deployments, d.statefulsets, d.daemonsets].flatMap((w) => w.entries).map((e): InventoryItem =>
      ({ role: 'live', kind: 'workload', key: `${e.namespace}/${e.name}`.toLowerCase(), name: `${e.namespace}/${e.name}`, ...(e.owner ? { owner: e.owner } : {}) })),
    ...d.nodes.entries.map((n): InventoryItem => ({ role: 'live', kind: 'node', key: nodeKey(n.name), name: n.name, ...(n.owner ? { owner: n.owner } : {}) })),
  ]);
}
