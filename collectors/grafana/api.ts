import { z } from 'zod';
import type { HttpClient } from '../../src/http/client.js';

/**
 * The parts of Grafana's HTTP API responses techops reads (grafana/grafana, public/openapi3.json:
 * Hit, DashboardFullWithMeta, Folder, DashboardACLInfoDTO, Annotation, ProvisionedAlertRule,
 * EmbeddedContactPoint). Unknown fields are ignored; the fields read must have their documented
 * type, so a changed API fails loudly instead of measuring nonsense.
 */

/** GET /api/search: a Hit per dashboard (HitList). */
export const hitList = z.array(z.object({
  uid: z.string(),
  title: z.string(),
  type: z.string().optional(),
  folderUid: z.string().nullish(),
  folderTitle: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
}));

/**
 * A dashboard's JSON model is free-form (`Json` in the OpenAPI description): the measures walk it
 * defensively, so only the wrapper and the meta fields read are typed here.
 */
export const dashboardFull = z.object({
  dashboard: z.object({
    uid: z.string().optional(),
    title: z.string().optional(),
    gnetId: z.union([z.number(), z.string()]).nullish(),
  }).passthrough(),
  meta: z.object({
    provisioned: z.boolean().optional(),
    provisionedExternalId: z.string().optional(),
    updated: z.string().optional(),
    created: z.string().optional(),
    folderUid: z.string().optional(),
    folderTitle: z.string().optional(),
  }).passthrough(),
});

/** GET /api/folders: Folder objects (id, uid, title), paged by `limit` and `page`. */
export const folderList = z.array(z.object({ uid: z.string(), title: z.string() }));

/** GET /api/folders/:uid/permissions: DashboardACLInfoDTO per grant. */
export const permissionList = z.array(z.object({
  role: z.string().nullish(),
  teamId: z.number().nullish(),
  team: z.string().nullish(),
  userId: z.number().nullish(),
  userLogin: z.string().nullish(),
  permission: z.number(),
  permissionName: z.string().nullish(),
  inherited: z.boolean().nullish(),
}));

/** GET /api/annotations: Annotation objects; only how many there are is read. */
export const annotationList = z.array(z.object({ id: z.number() }).passthrough());

/** GET /api/v1/provisioning/alert-rules: ProvisionedAlertRule objects. */
export const alertRuleList = z.array(z.object({
  uid: z.string().optional(),
  title: z.string(),
  folderUID: z.string().optional(),
  ruleGroup: z.string().optional(),
  labels: z.record(z.string(), z.string()).nullish(),
  isPaused: z.boolean().optional(),
  provenance: z.string().nullish(),
}));

/** GET /api/v1/provisioning/contact-points: EmbeddedContactPoint objects. */
export const contactPointList = z.array(z.object({
  uid: z.string().optional(),
  name: z.string(),
  type: z.string(),
}));

export type Hit = z.infer<typeof hitList>[number];
export type DashboardFull = z.infer<typeof dashboardFull>;
export type Folder = z.infer<typeof folderList>[number];
export type Permission = z.infer<typeof permissionList>[number];
export type AlertRule = z.infer<typeof alertRuleList>[number];
export type ContactPoint = z.infer<typeof contactPointList>[number];

/** The requests techops makes, one function per endpoint; all GET. */
export function grafanaApi(http: HttpClient) {
  return {
    search: (page: number, limit: number) => http.getJson('/api/search', hitList, { params: { type: 'dash-db', limit, page } }),
    dashboard: (uid: string) => http.getJson(`/api/dashboards/uid/${encodeURIComponent(uid)}`, dashboardFull),
    folders: (page: number, limit: number) => http.getJson('/api/folders', folderList, { params: { limit, page } }),
    folderPermissions: (uid: string) => http.getJson(`/api/folders/${encodeURIComponent(uid)}/permissions`, permissionList),
    annotations: (from: number, to: number, limit: number) => http.getJson('/api/annotations', annotationList, { params: { from, to, limit, type: 'annotation' } }),
    alertRules: () => http.getJson('/api/v1/provisioning/alert-rules', alertRuleList),
    contactPoints: () => http.getJson('/api/v1/provisioning/contact-points', contactPointList),
  };
}

export type GrafanaApi = ReturnType<typeof grafanaApi>;
