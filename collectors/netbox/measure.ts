import { allReads, fromRead, measuredValue, ratioOf, readOk, type Measured, type Read } from '../../src/collector/kit.js';
import type { InventoryItem } from '../../src/inventory/records.js';
import { SAMPLE_MAX } from '../../src/signals/types.js';
import type { Cable, Cluster, ContactAssignment, CustomField, Device, EventRule, ObjectChange, VirtualMachine } from './api.js';
import type { NetboxConfig } from './config.js';
import type { ChangeLog } from './read.js';
import type { NetboxSignalId } from './signals.js';

export type Measures = Partial<Record<NetboxSignalId, Measured>>;

const DEVICE = 'dcim.device';
const VM = 'virtualization.virtualmachine';

/** One configuration item as the measures see it: a device or a virtual machine. */
export interface Item {
  type: typeof DEVICE | typeof VM;
  id: number;
  name: string;
  /** What a report shows: `<namespace>/<name>` for a machine that records a workload, else the name. */
  label: string;
  status?: string;
  /** The tenant's name, when the item has one. */
  tenant?: string;
  cluster?: number;
  /** The device a virtual machine runs on. */
  device?: number;
  role?: string;
  customFields: Record<string, unknown>;
  lastUpdated?: string;
}

const tenantName = (t: { id: number; name?: string | null; slug?: string | null } | null | undefined) => (t ? (t.name ?? t.slug ?? `tenant #${t.id}`) : undefined);

/** `namespaceField`: the custom field naming a workload's namespace, for the labels reports show. */
export function toItems(devices: Device[], vms: VirtualMachine[], namespaceField?: string): Item[] {
  const nsOf = (v: VirtualMachine) => (namespaceField ? v.custom_fields?.[namespaceField] : undefined);
  return [
    ...devices.map((d): Item => ({
      type: DEVICE, id: d.id, name: d.name ?? `device #${d.id}`, label: d.name ?? `device #${d.id}`, status: d.status?.value ?? undefined, tenant: tenantName(d.tenant), cluster: d.cluster?.id,
      role: d.role?.slug ?? undefined, customFields: d.custom_fields ?? {}, lastUpdated: d.last_updated ?? undefined,
    })),
    ...vms.map((v): Item => ({
      type: VM, id: v.id, name: v.name, label: typeof nsOf(v) === 'string' && nsOf(v) ? `${nsOf(v)}/${v.name}` : v.name, status: v.status?.value ?? undefined, tenant: tenantName(v.tenant), cluster: v.cluster?.id, device: v.device?.id,
      role: v.role?.slug ?? undefined, customFields: v.custom_fields ?? {}, lastUpdated: v.last_updated ?? undefined,
    })),
  ];
}

const ref = (type: string, id: number) => `${type}:${id}`;
const names = (items: Item[]) => ({ total: items.length, sample: items.slice(0, SAMPLE_MAX).map((i) => i.label) });

/** Devices joined by a cable to a port of another device (interfaces, front and rear ports). */
export function cabledDevices(cables: Cable[]): Set<number> {
  const out = new Set<number>();
  for (const c of cables) {
    const a = c.a_terminations.map((t) => t.object?.device?.id).filter((x): x is number => x !== undefined);
    const b = c.b_terminations.map((t) => t.object?.device?.id).filter((x): x is number => x !== undefined);
    // a patch between two ports of one device relates it to nothing else
    if (a.length && b.length && [...a, ...b].some((x) => x !== a[0])) for (const d of [...a, ...b]) out.add(d);
  }
  return out;
}

export interface ItemReads {
  items: Read<Item[]>;
  contacts: Read<ContactAssignment[]>;
  cables: Read<Cable[]>;
}

/** Item measures: counts, owners, lifecycle, relations, freshness; each from the reads it needs. Pure. */
export function measureItems(reads: ItemReads, config: Pick<NetboxConfig, 'workload_roles'>, windowStart: Date): Measures {
  const workload = new Set(config.workload_roles);
  const withContacts = allReads({ items: reads.items, contacts: reads.contacts });
  const withCables = allReads({ items: reads.items, cables: reads.cables });
  const items = (m: (items: Item[]) => Measured | number) => fromRead(reads.items, m);
  return {
    'netbox.items.count': items((all) => all.length),
    'netbox.items.infrastructure_count': items((all) => all.filter((i) => !(i.type === VM && i.role && workload.has(i.role))).length),
    'netbox.devices.count': items((all) => all.filter((i) => i.type === DEVICE).length),
    'netbox.virtual_machines.count': items((all) => all.filter((i) => i.type === VM).length),
    'netbox.items.owner_ratio': fromRead(withContacts, ({ items, contacts }) => {
      const contacted = new Set(contacts.map((c) => ref(c.object_type ?? c.content_type ?? '', c.object_id)));
      const without = items.filter((i) => !i.tenant && !contacted.has(ref(i.type, i.id)));
      return ratioOf(items.length - without.length, items.length, [], 'items have an owner (tenant or contact)', { objects: names(without), notes: ['listed: the items without an owner'] });
    }),
    'netbox.items.lifecycle_ratio': items((all) => {
      const without = all.filter((i) => !i.status);
      return ratioOf(all.length - without.length, all.length, [], 'items have a lifecycle status', without.length ? { objects: names(without), notes: ['listed: the items without a status'] } : {});
    }),
    'netbox.items.related_ratio': fromRead(withCables, ({ items, cables }) => {
      const cabled = cabledDevices(cables);
      const alone = items.filter((i) => i.cluster === undefined && i.device === undefined && !(i.type === DEVICE && cabled.has(i.id)));
      return ratioOf(items.length - alone.length, items.length, [], 'items related to another item', { objects: names(alone), notes: ['listed: the items related to nothing'] });
    }),
    'netbox.items.fresh_ratio': items((all) => {
      const stale = all.filter((i) => !i.lastUpdated || Date.parse(i.lastUpdated) < windowStart.getTime());
      return ratioOf(all.length - stale.length, all.length, [], `items updated since ${windowStart.toISOString().slice(0, 10)}`, { objects: names(stale), notes: ['listed: the items not updated within the window'] });
    }),
    'netbox.relations.count': fromRead(withCables, ({ items, cables }) => {
      const placements = items.filter((i) => i.cluster !== undefined).length + items.filter((i) => i.device !== undefined).length;
      return measuredValue(cables.length + placements, [], { detail: `${cables.length} cables, ${placements} cluster memberships and VM placements` });
    }),
  };
}

/** The items Kubernetes can confirm: nodes (members of a Kubernetes-typed cluster) and workloads (virtual machines of a workload role). */
export function toInventory(items: Item[], clusters: Cluster[], config: Pick<NetboxConfig, 'workload_roles' | 'node_cluster_types' | 'namespace_field'>): InventoryItem[] {
  const workload = new Set(config.workload_roles);
  const kube = new Set(clusters.filter((c) => c.type.slug && config.node_cluster_types.includes(c.type.slug)).map((c) => c.id));
  const out: InventoryItem[] = [];
  for (const i of items) {
    const base = { role: 'registered' as const, name: i.name, ...(i.tenant ? { owner: i.tenant } : {}), ...(i.status ? { lifecycle: i.status } : {}) };
    if (i.type === VM && i.role && workload.has(i.role)) {
      const ns = i.customFields[config.namespace_field];
      const key = typeof ns === 'string' && ns ? `${ns}/${i.name}` : i.name;
      out.push({ ...base, kind: 'workload', key: key.toLowerCase() });
    } else if (i.cluster !== undefined && kube.has(i.cluster)) {
      out.push({ ...base, kind: 'node', key: i.name.toLowerCase().split('.')[0] });
    }
  }
  return out;
}

const firesOn = (r: EventRule, event: 'created' | 'updated' | 'deleted') =>
  r.event_types ? r.event_types.includes(`object_${event}`) : r[`type_${event === 'created' ? 'create' : event === 'updated' ? 'update' : 'delete'}`] === true;
const onItems = (r: EventRule) => r.object_types.some((t) => t === DEVICE || t === VM);

/** Event rules: notifications on status updates, and callbacks to other systems. Pure. */
export function measureEvents(read: Read<EventRule[]>): Measures {
  return {
    'netbox.notifications.count': fromRead(read, (rules) => {
      const got = rules.filter((r) => r.enabled && onItems(r) && firesOn(r, 'updated'));
      return measuredValue(got.length, [], { detail: `${got.length} of ${rules.length} event rules`, objects: { total: got.length, sample: got.slice(0, SAMPLE_MAX).map((r) => r.name) } });
    }),
    'netbox.consumers.count': fromRead(read, (rules) => {
      const got = rules.filter((r) => r.enabled && onItems(r) && r.action_type.value === 'webhook' && (['created', 'updated', 'deleted'] as const).some((e) => firesOn(r, e)));
      return measuredValue(got.length, [], { detail: `${got.length} of ${rules.length} event rules call a webhook`, objects: { total: got.length, sample: got.slice(0, SAMPLE_MAX).map((r) => r.name) } });
    }),
  };
}

/** A change is traceable when it names who, when and the data after (or before, for a deletion). */
const traceable = (c: ObjectChange) => !!c.user_name && !!c.time && (c.postchange_data != null || c.prechange_data != null);

/** The change log: kept, the window's changes, the automated share, how far back. Pure. */
export function measureHistory(read: Read<ChangeLog>, automationUsers: string[], windowEnd: Date): Measures {
  const automated = automationUsers.map((r) => new RegExp(r, 'i'));
  return {
    'netbox.history.kept': fromRead(read, (log) => measuredValue(log.kept > 0 && (!log.oldest || traceable(log.oldest)), [], { detail: `${log.kept} object changes kept at ${log.path}` })),
    'netbox.history.changes_count': fromRead(read, (log) => log.inWindow.length),
    'netbox.history.automated_ratio': fromRead(read, (log) => {
      const bots = log.inWindow.filter((c) => automated.some((r) => r.test(c.user_name)));
      const users = [...new Set(bots.map((c) => c.user_name))].sort();
      return ratioOf(bots.length, log.inWindow.length, [], 'changes in the window by automation identities', { objects: { total: users.length, sample: users.slice(0, SAMPLE_MAX) }, notes: ['listed: the automation identities that made changes'] });
    }),
    'netbox.history.retained_seconds': fromRead(read, (log) => {
      if (!log.oldest) return { status: 'not_available', reason: 'the change log is empty', evidence: [] };
      return Math.max(0, Math.round((windowEnd.getTime() - Date.parse(log.oldest.time)) / 1000));
    }),
  };
}

export function measureCustomFields(read: Read<CustomField[]>): Measures {
  return {
    'netbox.custom_fields.count': fromRead(read, (fields) => measuredValue(fields.length, [], { objects: { total: fields.length, sample: fields.slice(0, SAMPLE_MAX).map((f) => f.name) } })),
  };
}

export function measureCounts(reads: { tenants: Read<number>; prefixes: Read<number>; ipAddresses: Read<number>; journal: Read<number> }): Measures {
  return {
    'netbox.tenants.count': fromRead(reads.tenants, (n) => n),
    'netbox.ipam.prefixes_count': fromRead(reads.prefixes, (n) => n),
    'netbox.ipam.ip_addresses_count': fromRead(reads.ipAddresses, (n) => n),
    'netbox.journal.entries_count': fromRead(reads.journal, (n) => n),
  };
}

/** For tests and callers that already hold the objects. */
export const okRead = <T>(data: T): Read<T> => readOk(data, []);
