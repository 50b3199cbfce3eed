import { count, flag, ratio, seconds, type SignalIds } from '../../src/collector/kit.js';

/**
 * Every signal the NetBox collector emits. "Items" are the configuration items NetBox keeps of
 * the estate's machines: DCIM devices and virtual machines.
 */
export const SIGNALS = [
  flag('netbox.api.reachable', 'GET /api/status/ answered with the NetBox version for this token'),
  count('netbox.items.count', 'Configuration items: DCIM devices plus virtual machines'),
  count('netbox.items.infrastructure_count', 'Infrastructure items: DCIM devices plus virtual machines that do not record a Kubernetes workload (workload_roles)'),
  count('netbox.devices.count', 'DCIM devices'),
  count('netbox.virtual_machines.count', 'Virtual machines (workload records included)'),
  ratio('netbox.items.owner_ratio', 'Share of the items with an owner: a tenant, or a contact assigned to the object'),
  ratio('netbox.items.lifecycle_ratio', 'Share of the items with a lifecycle status (NetBox requires one, so this is 1 unless the API hides it)'),
  ratio('netbox.items.related_ratio', 'Share of the items related to another item: a device with a cable to another device\'s port or in a cluster; a virtual machine in a cluster or on a device'),
  ratio('netbox.items.fresh_ratio', 'Share of the items whose last_updated falls within the scan window'),
  count('netbox.relations.count', 'Relations recorded between items: cables, cluster memberships, virtual machines placed on a device'),
  count('netbox.custom_fields.count', 'Custom fields defined (GET /api/extras/custom-fields/)'),
  flag('netbox.history.kept', 'The change log (object changes) holds at least one entry, each with user, time and the object\'s data before and after'),
  count('netbox.history.changes_count', 'Object changes recorded in the scan window'),
  ratio('netbox.history.automated_ratio', 'Share of the window\'s object changes made by automation identities (user names matching automation_users)', 'max'),
  seconds('netbox.history.retained_seconds', 'Age of the oldest object change kept, from the window\'s end (how far back changes can be traced)', 'min'),
  count('netbox.notifications.count', 'Enabled event rules that act (webhook, script or notification) when a device or virtual machine is updated'),
  count('netbox.consumers.count', 'Enabled event rules that call a webhook of another system when a device or virtual machine is created, updated or deleted'),
  count('netbox.tenants.count', 'Tenants'),
  count('netbox.ipam.prefixes_count', 'IPAM prefixes'),
  count('netbox.ipam.ip_addresses_count', 'IPAM IP addresses'),
  count('netbox.journal.entries_count', 'Journal entries (notes kept on objects)'),
] as const;

export type NetboxSignalId = SignalIds<typeof SIGNALS>;
