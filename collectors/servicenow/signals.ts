import { count, flag, ratio, seconds, type SignalIds } from '../../src/collector/kit.js';

/** Every signal the ServiceNow collector emits. "Items" are the records of cmdb_ci and its subclasses. */
export const SIGNALS = [
  flag('servicenow.api.reachable', 'GET /api/now/table/cmdb_ci answered for these credentials'),
  count('servicenow.items.count', 'Configuration items (cmdb_ci, every subclass)'),
  count('servicenow.items.infrastructure_count', 'Items whose class (sys_class_name) matches infrastructure_classes: servers, computers, virtual machines, network and storage gear'),
  count('servicenow.items.application_count', 'Items whose class matches application_classes: business services, business applications, applications'),
  ratio('servicenow.items.owner_ratio', 'Share of the items with owned_by, managed_by or support_group set'),
  ratio('servicenow.items.lifecycle_ratio', 'Share of the items with install_status set'),
  ratio('servicenow.items.related_ratio', 'Share of the items that are parent or child of at least one cmdb_rel_ci relation'),
  ratio('servicenow.items.fresh_ratio', 'Share of the items updated (sys_updated_on) or discovered (last_discovered) within the scan window'),
  ratio('servicenow.items.discovered_ratio', 'Share of the items with a discovery_source other than "Manual Entry"'),
  count('servicenow.relations.count', 'Relations between items (cmdb_rel_ci records)'),
  count('servicenow.custom_fields.count', 'Custom fields (u_ elements in sys_dictionary) on cmdb_ci tables'),
  flag('servicenow.history.kept', 'sys_audit holds entries for cmdb_ci tables, each naming the user, the time and the old and new value'),
  count('servicenow.history.changes_count', 'sys_audit entries for cmdb_ci tables within the scan window'),
  ratio('servicenow.history.automated_ratio', 'Share of the window\'s sys_audit entries for cmdb_ci tables made by automation users (automation_users)', 'max'),
  seconds('servicenow.history.retained_seconds', 'Age of the oldest sys_audit entry for cmdb_ci tables, from the window\'s end', 'min'),
] as const;

export type ServicenowSignalId = SignalIds<typeof SIGNALS>;
