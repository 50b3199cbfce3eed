/**
 * One object of the estate as a system knows it, so that what a CMDB or catalogue records can be
 * compared with what runs:
 * - live: seen running by a system that observes the estate (Kubernetes, Prometheus targets);
 * - registered: recorded in a system of record (NetBox, ServiceNow, Backstage).
 * `key` is what the two sides are matched on (`<namespace>/<name>` for a workload, a host name for
 * a node), already normalised by the collector that publishes it (lower case, no domain suffix).
 */
export interface InventoryItem {
  role: 'live' | 'registered';
  /** workload, node, service, host, database … as the core compares them (same kind on both sides). */
  kind: string;
  key: string;
  /** The name an auditor reads (may differ from the key). */
  name: string;
  owner?: string;
  lifecycle?: string;
}
