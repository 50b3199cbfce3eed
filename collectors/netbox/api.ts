import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../../src/http/client.js';

/**
 * The parts of NetBox REST API 4.x responses techops reads (netbox-community/netbox,
 * contrib/openapi.json). Unknown fields are ignored; the fields read must have their documented
 * type, so a changed API fails loudly instead of measuring nonsense.
 */

/** Every list endpoint: limit/offset paging with the total in `count`. */
export const listOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ count: z.number().int().min(0), next: z.string().nullable(), previous: z.string().nullable().optional(), results: z.array(item) });
export type ListPage<T> = { count: number; next: string | null; results: T[] };

/** A nested object in its brief form (`{id, url, display, name, slug}`); only id is always there. */
const brief = z.object({ id: z.number(), name: z.string().nullish(), slug: z.string().nullish() }).passthrough();
/** Choice fields: `{ value, label }`. */
const choice = z.object({ value: z.string().nullable(), label: z.string().optional() });

export const statusSchema = z.object({ 'netbox-version': z.string() }).passthrough();

export const deviceSchema = z.object({
  id: z.number(),
  name: z.string().nullable(),
  status: choice.nullish(),
  role: brief.nullish(),
  tenant: brief.nullish(),
  cluster: brief.nullish(),
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
  last_updated: z.string().nullish(),
});
export const virtualMachineSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: choice.nullish(),
  role: brief.nullish(),
  tenant: brief.nullish(),
  cluster: brief.nullish(),
  device: brief.nullish(),
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
  last_updated: z.string().nullish(),
});
export const clusterSchema = z.object({ id: z.number(), name: z.string(), type: brief });
/** 4.x names the assigned object's type `object_type` (3.x `content_type`). */
export const contactAssignmentSchema = z.object({ id: z.number(), object_type: z.string().optional(), content_type: z.string().optional(), object_id: z.number() });
const termination = z.object({ object_type: z.string(), object_id: z.number(), object: z.object({ device: brief.nullish() }).passthrough().nullish() });
export const cableSchema = z.object({ id: z.number(), a_terminations: z.array(termination), b_terminations: z.array(termination) });
export const customFieldSchema = z.object({ id: z.number(), name: z.string(), object_types: z.array(z.string()).optional(), content_types: z.array(z.string()).optional() });
/** 4.1+ lists `event_types`; 4.0 has the booleans `type_create` / `type_update` / `type_delete`. */
export const eventRuleSchema = z.object({
  id: z.number(),
  name: z.string(),
  enabled: z.boolean(),
  object_types: z.array(z.string()),
  event_types: z.array(z.string()).optional(),
  type_create: z.boolean().optional(),
  type_update: z.boolean().optional(),
  type_delete: z.boolean().optional(),
  action_type: choice,
});
export const objectChangeSchema = z.object({
  id: z.number(),
  time: z.string(),
  user_name: z.string(),
  action: choice,
  changed_object_type: z.string(),
  changed_object_id: z.number(),
  object_repr: z.string().optional(),
  prechange_data: z.unknown().optional(),
  postchange_data: z.unknown().optional(),
});
/** Only the `count` of these is read (limit=1). */
export const anyObject = z.object({ id: z.number() }).passthrough();

export type Device = z.infer<typeof deviceSchema>;
export type VirtualMachine = z.infer<typeof virtualMachineSchema>;
export type Cluster = z.infer<typeof clusterSchema>;
export type ContactAssignment = z.infer<typeof contactAssignmentSchema>;
export type Cable = z.infer<typeof cableSchema>;
export type CustomField = z.infer<typeof customFieldSchema>;
export type EventRule = z.infer<typeof eventRuleSchema>;
export type ObjectChange = z.infer<typeof objectChangeSchema>;

export type Params = Record<string, string | number | boolean>;
/** One listing's pages; `path` names it in a reason. */
export type FetchPage<T> = ((params: Params) => Promise<HttpResponse<ListPage<T>>>) & { path?: string };

/** `fields=` keeps pages small (NetBox 4.0+ honours it; older versions ignore it and send everything). */
const DEVICE_FIELDS = 'id,name,status,role,tenant,cluster,custom_fields,last_updated';
const VM_FIELDS = 'id,name,status,role,tenant,cluster,device,custom_fields,last_updated';

/** The requests techops makes, one function per endpoint; all GET. */
export function netboxApi(http: HttpClient) {
  const list = <T extends z.ZodTypeAny>(path: string, item: T, fixed: Params = {}): FetchPage<z.infer<T>> =>
    Object.assign((params: Params) => http.getJson(path, listOf(item), { params: { ...fixed, ...params } }) as Promise<HttpResponse<ListPage<z.infer<T>>>>, { path });
  return {
    status: () => http.getJson('/api/status/', statusSchema),
    devices: list('/api/dcim/devices/', deviceSchema, { fields: DEVICE_FIELDS }),
    virtualMachines: list('/api/virtualization/virtual-machines/', virtualMachineSchema, { fields: VM_FIELDS }),
    clusters: list('/api/virtualization/clusters/', clusterSchema, { fields: 'id,name,type' }),
    contactAssignments: list('/api/tenancy/contact-assignments/', contactAssignmentSchema),
    cables: list('/api/dcim/cables/', cableSchema, { fields: 'id,a_terminations,b_terminations' }),
    customFields: list('/api/extras/custom-fields/', customFieldSchema),
    eventRules: list('/api/extras/event-rules/', eventRuleSchema),
    /** The change log: /api/core/object-changes/ since 4.1, /api/extras/object-changes/ before. */
    objectChanges: (legacy: boolean) => list(legacy ? '/api/extras/object-changes/' : '/api/core/object-changes/', objectChangeSchema),
    tenants: list('/api/tenancy/tenants/', anyObject, { brief: true }),
    journalEntries: list('/api/extras/journal-entries/', anyObject, { brief: true }),
    prefixes: list('/api/ipam/prefixes/', anyObject, { brief: true }),
    ipAddresses: list('/api/ipam/ip-addresses/', anyObject, { brief: true }),
  };
}

export type NetboxApi = ReturnType<typeof netboxApi>;
