import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../../src/http/client.js';

/**
 * The parts of the ServiceNow Table API (GET /api/now/table/{tableName}) techops reads. Every
 * answer is `{ result: [...] }` with the total in the X-Total-Count header and the next page in
 * `Link`. With sysparm_display_value=false (the default) and sysparm_exclude_reference_link=true
 * every field is a string: a reference is the sys_id, an empty field is "", a date-time is
 * "yyyy-MM-dd HH:mm:ss" in UTC.
 */
const str = z.string();

export const CI_FIELDS = ['sys_id', 'name', 'sys_class_name', 'install_status', 'owned_by', 'managed_by', 'support_group', 'discovery_source', 'last_discovered', 'sys_updated_on'] as const;
export const ciSchema = z.object(Object.fromEntries(CI_FIELDS.map((f) => [f, f === 'sys_id' ? str : str.optional()])) as Record<(typeof CI_FIELDS)[number], z.ZodString | z.ZodOptional<z.ZodString>>).passthrough();
export const relationSchema = z.object({ parent: str, child: str });
export const auditSchema = z.object({ tablename: str, documentkey: str, fieldname: str, user: str, sys_created_on: str, oldvalue: str.optional(), newvalue: str.optional() });
export const dictionarySchema = z.object({ name: str, element: str });

export type Ci = { sys_id: string } & Partial<Record<(typeof CI_FIELDS)[number], string>> & Record<string, unknown>;
export type Relation = z.infer<typeof relationSchema>;
export type Audit = z.infer<typeof auditSchema>;
export type DictionaryEntry = z.infer<typeof dictionarySchema>;

export const resultOf = <T extends z.ZodTypeAny>(item: T) => z.object({ result: z.array(item) });
export type Params = Record<string, string | number | boolean>;
/** One table's pages; `path` names it in a reason. */
export type FetchPage<T> = ((params: Params) => Promise<HttpResponse<{ result: T[] }>>) & { path?: string };

/** The requests techops makes, one per table; all GET. */
export function servicenowApi(http: HttpClient) {
  const table = <T extends z.ZodTypeAny>(name: string, item: T, fields: readonly string[]): FetchPage<z.infer<T>> =>
    Object.assign((params: Params) => http.getJson(`/api/now/table/${name}`, resultOf(item), {
      params: { sysparm_fields: fields.join(','), sysparm_exclude_reference_link: true, ...params },
    }) as Promise<HttpResponse<{ result: z.infer<T>[] }>>, { path: `/api/now/table/${name}` });
  return {
    /** cmdb_ci is the base table: every subclass's records, with sys_class_name naming the leaf class. */
    items: (extraFields: readonly string[]) => table('cmdb_ci', ciSchema, [...CI_FIELDS, ...extraFields]),
    relations: table('cmdb_rel_ci', relationSchema, ['parent', 'child']),
    audit: table('sys_audit', auditSchema, ['tablename', 'documentkey', 'fieldname', 'user', 'sys_created_on', 'oldvalue', 'newvalue']),
    dictionary: table('sys_dictionary', dictionarySchema, ['name', 'element']),
  };
}

export type ServicenowApi = ReturnType<typeof servicenowApi>;
