import { z } from 'zod';
import type { HttpClient } from '../../src/http/client.js';

/**
 * The parts of PagerDuty REST API v2 responses techops reads (PagerDuty/api-schema,
 * reference/REST/openapiv3.json). Unknown fields are ignored; the fields read are required to
 * have their documented type, so a changed API fails loudly instead of measuring nonsense.
 */

const reference = z.object({ id: z.string(), type: z.string().optional(), summary: z.string().nullish() });

/** Classic pagination: `offset`, `limit`, `more` (and `total` when asked for). */
const classic = { limit: z.number(), offset: z.number(), more: z.boolean(), total: z.number().nullish() };

export const abilitiesSchema = z.object({ abilities: z.array(z.string()) });

export const servicesPage = z.object({
  services: z.array(z.object({ id: z.string(), name: z.string(), status: z.string().optional(), escalation_policy: reference.nullish() })),
  ...classic,
});

export const escalationPoliciesPage = z.object({
  escalation_policies: z.array(z.object({
    id: z.string(),
    name: z.string(),
    escalation_rules: z.array(z.object({ id: z.string().optional(), escalation_delay_in_minutes: z.number().optional(), targets: z.array(reference) })),
  })),
  ...classic,
});

export const schedulesPage = z.object({ schedules: z.array(z.object({ id: z.string(), name: z.string() })), ...classic });

export const oncallsPage = z.object({
  oncalls: z.array(z.object({
    escalation_level: z.number().optional(),
    schedule: reference.nullish(),
    // null for someone on call permanently (not through a schedule)
    start: z.string().nullish(),
    end: z.string().nullish(),
  })),
  ...classic,
});

export const prioritiesPage = z.object({ priorities: z.array(z.object({ id: z.string(), name: z.string() })), ...classic });

export const incidentsPage = z.object({
  incidents: z.array(z.object({
    id: z.string(),
    incident_number: z.number().optional(),
    status: z.enum(['triggered', 'acknowledged', 'resolved']),
    urgency: z.enum(['high', 'low']),
    created_at: z.string(),
    resolved_at: z.string().nullish(),
    service: reference,
    priority: z.object({ id: z.string(), name: z.string().optional(), summary: z.string().nullish() }).nullish(),
  })),
  ...classic,
});

export const logEntriesPage = z.object({
  log_entries: z.array(z.object({
    id: z.string(),
    type: z.string(),
    created_at: z.string(),
    agent: reference.nullish(),
    channel: z.object({ type: z.string() }).passthrough().nullish(),
    incident: reference.nullish(),
  })),
  ...classic,
});

export type Service = z.infer<typeof servicesPage>['services'][number];
export type EscalationPolicy = z.infer<typeof escalationPoliciesPage>['escalation_policies'][number];
export type Schedule = z.infer<typeof schedulesPage>['schedules'][number];
export type Oncall = z.infer<typeof oncallsPage>['oncalls'][number];
export type Priority = z.infer<typeof prioritiesPage>['priorities'][number];
export type Incident = z.infer<typeof incidentsPage>['incidents'][number];
export type LogEntry = z.infer<typeof logEntriesPage>['log_entries'][number];

type Params = Record<string, string | number | boolean>;

/** The requests techops makes, one function per endpoint; all GET. */
export function pagerdutyApi(http: HttpClient) {
  // `path` (without its query) names the listing in a reason
  const page = <T>(path: string, schema: z.ZodType<T>) => Object.assign((params: Params) => http.getJson(path, schema, { params }), { path: path.split('?')[0] });
  return {
    abilities: () => http.getJson('/abilities', abilitiesSchema),
    services: page('/services', servicesPage),
    escalationPolicies: page('/escalation_policies', escalationPoliciesPage),
    schedules: page('/schedules', schedulesPage),
    oncalls: page('/oncalls', oncallsPage),
    priorities: page('/priorities', prioritiesPage),
    // Repeated `key[]` parameters go in the path: the client's params take one value per key.
    incidents: page(`/incidents?${['triggered', 'acknowledged', 'resolved'].map((s) => `statuses[]=${s}`).join('&')}`, incidentsPage),
    logEntries: page('/log_entries', logEntriesPage),
  };
}

export type PagerdutyApi = ReturnType<typeof pagerdutyApi>;
