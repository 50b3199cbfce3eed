import { allReads, fromRead, measuredValue, ratioOf, type Measured, type Read } from '../../src/collector/kit.js';
import type { InventoryItem } from '../../src/inventory/records.js';
import { SAMPLE_MAX } from '../../src/signals/types.js';
import type { Audit, Ci, DictionaryEntry, Relation } from './api.js';
import type { ServicenowConfig } from './config.js';
import type { AuditLog } from './read.js';
import type { ServicenowSignalId } from './signals.js';

export type Measures = Partial<Record<ServicenowSignalId, Measured>>;

/** install_status choices of cmdb_ci (the labels are what drift and reports read). */
export const INSTALL_STATUS: Record<string, string> = {
  '1': 'Installed', '2': 'On Order', '3': 'In Maintenance', '4': 'Pending Install', '5': 'Pending Repair', '6': 'In Stock', '7': 'Retired', '8': 'Stolen', '100': 'Absent',
};

const set = (v: unknown) => typeof v === 'string' && v.trim() !== '';
/** ServiceNow's "yyyy-MM-dd HH:mm:ss" (UTC) as epoch milliseconds. */
export const glideMs = (v: string | undefined) => (v ? Date.parse(v.replace(' ', 'T') + 'Z') : NaN);
const nameOf = (c: Ci) => (set(c.name) ? c.name! : c.sys_id);
const names = (items: Ci[]) => ({ total: items.length, sample: items.slice(0, SAMPLE_MAX).map(nameOf) });
const matcher = (patterns: string[]) => {
  const r = patterns.map((p) => new RegExp(p, 'i'));
  return (s: string | undefined) => !!s && r.some((x) => x.test(s));
};

export interface ItemReads {
  items: Read<Ci[]>;
  relations: Read<Relation[]>;
}

export function measureItems(reads: ItemReads, config: Pick<ServicenowConfig, 'infrastructure_classes' | 'application_classes'>, windowStart: Date): Measures {
  const infra = matcher(config.infrastructure_classes);
  const app = matcher(config.application_classes);
  const items = (m: (items: Ci[]) => Measured | number) => fromRead(reads.items, m);
  const withRelations = allReads({ items: reads.items, relations: reads.relations });
  return {
    'servicenow.items.count': items((all) => all.length),
    'servicenow.items.infrastructure_count': items((all) => all.filter((c) => infra(c.sys_class_name)).length),
    'servicenow.items.application_count': items((all) => {
      const apps = all.filter((c) => app(c.sys_class_name));
      return measuredValue(apps.length, [], { objects: names(apps) });
    }),
    'servicenow.items.owner_ratio': items((all) => {
      const without = all.filter((c) => !set(c.owned_by) && !set(c.managed_by) && !set(c.support_group));
      return ratioOf(all.length - without.length, all.length, [], 'items have an owner (owned_by, managed_by or support_group)', { objects: names(without), notes: ['listed: the items without an owner'] });
    }),
    'servicenow.items.lifecycle_ratio': items((all) => {
      const without = all.filter((c) => !set(c.install_status));
      return ratioOf(all.length - without.length, all.length, [], 'items have an install_status', { objects: names(without), notes: ['listed: the items without an install_status'] });
    }),
    'servicenow.items.related_ratio': fromRead(withRelations, ({ items, relations }) => {
      const related = new Set(relations.flatMap((r) => [r.parent, r.child]));
      const alone = items.filter((c) => !related.has(c.sys_id));
      return ratioOf(items.length - alone.length, items.length, [], 'items in at least one relation', { objects: names(alone), notes: ['listed: the items related to nothing'] });
    }),
    'servicenow.items.fresh_ratio': items((all) => {
      const since = windowStart.getTime();
      const stale = all.filter((c) => !(glideMs(c.sys_updated_on) >= since) && !(glideMs(c.last_discovered) >= since));
      return ratioOf(all.length - stale.length, all.length, [], `items updated or discovered since ${windowStart.toISOString().slice(0, 10)}`, { objects: names(stale), notes: ['listed: the items neither updated nor discovered within the window'] });
    }),
    'servicenow.items.discovered_ratio': items((all) => {
      const manual = all.filter((c) => !set(c.discovery_source) || c.discovery_source!.trim().toLowerCase() === 'manual entry');
      return ratioOf(all.length - manual.length, all.length, [], 'items kept by discovery', { objects: names(manual), notes: ['listed: the items entered by hand (no discovery source, or Manual Entry)'] });
    }),
    'servicenow.relations.count': fromRead(reads.relations, (r) => r.length),
  };
}

/** Nodes and workloads the live cluster can confirm, keyed as the Kubernetes collector keys them. */
export function toInventory(items: Ci[], config: Pick<ServicenowConfig, 'node_classes' | 'workload_classes' | 'namespace_field'>): InventoryItem[] {
  const out: InventoryItem[] = [];
  for (const c of items) {
    if (!set(c.name) || !c.sys_class_name) continue;
    const status = c.install_status ? INSTALL_STATUS[c.install_status] ?? c.install_status : undefined;
    const base = { role: 'registered' as const, name: c.name!, ...(status ? { lifecycle: status } : {}), ...(set(c.owned_by) ? { owner: c.owned_by! } : {}) };
    if (config.node_classes.includes(c.sys_class_name)) out.push({ ...base, kind: 'node', key: c.name!.toLowerCase().split('.')[0] });
    else if (config.workload_classes.includes(c.sys_class_name)) {
      const ns = c[config.namespace_field];
      out.push({ ...base, kind: 'workload', key: (typeof ns === 'string' && ns ? `${ns}/${c.name}` : c.name!).toLowerCase() });
    }
  }
  return out;
}

const traceable = (a: Audit) => set(a.user) && set(a.sys_created_on) && (a.oldvalue !== undefined || a.newvalue !== undefined);

export function measureHistory(read: Read<AuditLog>, automationUsers: string[], windowEnd: Date): Measures {
  const automated = matcher(automationUsers);
  return {
    'servicenow.history.kept': fromRead(read, (log) => measuredValue(log.kept > 0 && (!log.oldest || traceable(log.oldest)), [], { detail: `${log.kept} sys_audit entries for cmdb_ci tables` })),
    'servicenow.history.changes_count': fromRead(read, (log) => log.inWindow.length),
    'servicenow.history.automated_ratio': fromRead(read, (log) => {
      const bots = log.inWindow.filter((a) => automated(a.user));
      const users = [...new Set(bots.map((a) => a.user))].sort();
      return ratioOf(bots.length, log.inWindow.length, [], 'changes in the window by automation users', { objects: { total: users.length, sample: users.slice(0, SAMPLE_MAX) }, notes: ['listed: the automation users that made changes'] });
    }),
    'servicenow.history.retained_seconds': fromRead(read, (log) => {
      const t = glideMs(log.oldest?.sys_created_on);
      if (!log.oldest || Number.isNaN(t)) return { status: 'not_available', reason: 'sys_audit holds no entry for cmdb_ci tables', evidence: [] };
      return Math.max(0, Math.round((windowEnd.getTime() - t) / 1000));
    }),
  };
}

export function measureCustomFields(read: Read<DictionaryEntry[]>): Measures {
  return {
    'servicenow.custom_fields.count': fromRead(read, (fields) => measuredValue(fields.length, [], { objects: { total: fields.length, sample: fields.slice(0, SAMPLE_MAX).map((f) => `${f.name}.${f.element}`) } })),
  };
}
