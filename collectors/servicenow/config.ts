import { z } from 'zod';
import { httpUrl, regexPattern } from '../../src/config/schema.js';

const regex = regexPattern();

/** Leaf classes (sys_class_name) of machines, network and storage gear. */
export const DEFAULT_INFRASTRUCTURE = ['^cmdb_ci_(hardware|computer|server|mainframe|netgear|storage_device|kubernetes_node|rack)$', '_server$', '^cmdb_ci_vm', '^cmdb_ci_ip_(switch|router|firewall)$', '^cmdb_ci_(lb|storage)'];
/** Leaf classes of business services and applications. */
export const DEFAULT_APPLICATION = ['^cmdb_ci_service', '^cmdb_ci_business_app$', '^cmdb_ci_appl', '^service_offering$'];
/** User names of automation: discovery, MID servers, integrations, the system user of scheduled jobs. */
export const DEFAULT_AUTOMATION_USERS = ['^system$', 'discovery', 'mid[._-]?server', 'integration', '(^|[-_.])(bot|sync|svc)([-_.]|$)'];

/** One ServiceNow instance (Table API). The core adds `name` and `http`. */
export const servicenowConfigSchema = z
  .object({
    url: httpUrl().describe('Instance URL, e.g. https://acme.service-now.com (the Table API is url + /api/now/table/).'),
    username: z.string().min(1).optional().describe('User for basic authentication, with the roles to read cmdb_ci, cmdb_rel_ci, sys_audit and sys_dictionary (e.g. itil and a read ACL on sys_audit).'),
    password: z.string().min(1).optional().describe('Password of that user (use ${SERVICENOW_PASSWORD} or ${file:PATH}).'),
    token: z.string().min(1).optional().describe('An OAuth access token instead of a user and password, sent as "Authorization: Bearer …" (use ${SERVICENOW_TOKEN}).'),
    page_size: z.number().int().min(1).max(10_000).default(1000).describe('Records per page (sysparm_limit; default 1000).'),
    infrastructure_classes: z.array(regex).min(1).default(DEFAULT_INFRASTRUCTURE).describe('Regexes on sys_class_name of infrastructure items.'),
    application_classes: z.array(regex).min(1).default(DEFAULT_APPLICATION).describe('Regexes on sys_class_name of business and application items.'),
    automation_users: z.array(regex).min(1).default(DEFAULT_AUTOMATION_USERS).describe('Regexes on the user of a sys_audit entry that mark automated changes.'),
    node_classes: z.array(z.string().min(1)).default(['cmdb_ci_kubernetes_node']).describe('Classes whose items are Kubernetes nodes, compared with the live cluster by host name.'),
    workload_classes: z.array(z.string().min(1)).default([]).describe('Classes whose items record Kubernetes workloads, compared as <namespace>/<name> (none by default).'),
    namespace_field: z.string().min(1).default('namespace').describe('Field of a workload item holding its Kubernetes namespace.'),
  })
  .strict()
  .refine((c) => (c.token !== undefined) !== (c.username !== undefined && c.password !== undefined) && (c.username === undefined) === (c.password === undefined),
    { message: 'set either token, or username and password', path: ['token'] });

export type ServicenowConfig = z.infer<typeof servicenowConfigSchema>;
