import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../../src/http/client.js';

/**
 * Opsgenie REST responses (repository opsgenie/opsgenie-oas: definitions/*.yaml and paths/*.yaml),
 * reduced to the fields this collector reads. Unknown fields are dropped; a field relied on that is
 * missing or mistyped makes the response malformed. Requests only: paging lives in read.ts.
 */

const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date-time');

/** PageDetails (definitions/common.yaml): URLs of neighbouring pages; `next` is absent on the last. */
const pageDetails = z.object({ next: z.string().optional() }).optional();

const teamMeta = z.object({ id: z.string().optional(), name: z.string().optional() });
const recipient = z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional(), username: z.string().optional() });

// GET /v2/teams → ListTeamsResponse
export const teamsSchema = z.object({ data: z.array(z.object({ id: z.string(), name: z.string() })) });
export type Team = z.infer<typeof teamsSchema>['data'][number];

// GET /v2/teams/{id}/routing-rules → ListTeamRoutingRulesResponse (notify is a Recipient: escalation, schedule or none)
export const routingRulesSchema = z.object({
  data: z.array(z.object({ id: z.string().optional(), name: z.string().optional(), isDefault: z.boolean().optional(), notify: recipient.optional() })),
});
export type RoutingRule = z.infer<typeof routingRulesSchema>['data'][number];

// GET /v1/services → ListServicesResponse (offset paging)
export const servicesSchema = z.object({
  data: z.array(z.object({ id: z.string(), name: z.string(), teamId: z.string().optional() })),
  paging: pageDetails,
});
export type Service = z.infer<typeof servicesSchema>['data'][number];

// GET /v2/escalations → ListEscalationsResponse; each rule is one level (condition, delay, recipient)
const escalationRule = z.object({
  condition: z.string(),
  notifyType: z.string().optional(),
  delay: z.object({ timeAmount: z.number(), timeUnit: z.string().optional() }),
  recipient,
});
export const escalationsSchema = z.object({
  data: z.array(z.object({
    id: z.string(),
    name: z.string(),
    ownerTeam: teamMeta.optional(),
    rules: z.array(escalationRule),
    repeat: z.object({ count: z.number().nullable().optional(), waitInterval: z.number().nullable().optional() }).nullable().optional(),
  })),
});
export type Escalation = z.infer<typeof escalationsSchema>['data'][number];

// GET /v2/schedules → ListSchedulesResponse
export const schedulesSchema = z.object({
  data: z.array(z.object({ id: z.string(), name: z.string(), timezone: z.string().optional(), enabled: z.boolean().optional(), ownerTeam: teamMeta.optional() })),
});
export type Schedule = z.infer<typeof schedulesSchema>['data'][number];

// GET /v2/schedules/{id}/timeline → GetScheduleTimelineResponse; finalTimeline is what actually pages people
const timelinePeriod = z.object({
  startDate: dateTime,
  endDate: dateTime,
  type: z.string().optional(),
  recipient: z.object({ id: z.string().optional(), name: z.string().optional(), type: z.string().optional() }).optional(),
});
export const timelineSchema = z.object({
  data: z.object({
    startDate: dateTime,
    endDate: dateTime,
    finalTimeline: z.object({ rotations: z.array(z.object({ id: z.string().optional(), name: z.string().optional(), periods: z.array(timelinePeriod).optional() })).optional() }).optional(),
  }),
});
export type Timeline = z.infer<typeof timelineSchema>['data'];

// GET /v2/alerts → ListAlertsResponse; report.ackTime / closeTime are milliseconds after createdAt.
// Only what alertRecord reads: thousands of alerts per window, each parsed (message, tags, source … are not).
export const alertsSchema = z.object({
  data: z.array(z.object({
    id: z.string(),
    tinyId: z.string().optional(),
    status: z.string(),
    createdAt: dateTime,
    updatedAt: dateTime.optional(),
    owner: z.string().optional(),
    priority: z.string().optional(),
    integration: z.object({ name: z.string().optional(), type: z.string().optional() }).optional(),
    report: z.object({ ackTime: z.number().optional(), closeTime: z.number().optional(), closedBy: z.string().optional() }).optional(),
  })),
  paging: pageDetails,
});
export type Alert = z.infer<typeof alertsSchema>['data'][number];

// GET /v1/incidents → ListIncidentsResponse (BaseIncident); impactedServices is in the live API, not in the description.
// Only what the declared-incident figures and records read.
export const incidentsSchema = z.object({
  data: z.array(z.object({
    id: z.string(),
    tinyId: z.string().optional(),
    message: z.string().optional(),
    status: z.string(),
    createdAt: dateTime,
    priority: z.string().optional(),
    ownerTeam: z.string().optional(),
    impactedServices: z.array(z.string()).optional(),
  })),
  paging: pageDetails,
});
export type Incident = z.infer<typeof incidentsSchema>['data'][number];

// GET /v1/incidents/{id}/logs → like ListAlertLogsResponse: log entries with an opaque `offset` cursor
export const logsSchema = z.object({
  data: z.array(z.object({ log: z.string(), createdAt: dateTime, offset: z.string().optional() })),
  paging: pageDetails,
});
export type LogEntry = z.infer<typeof logsSchema>['data'][number];

/** Every request this collector makes: GETs only, the query as documented. */
export function opsgenieApi(http: HttpClient) {
  const get = <T>(path: string, schema: z.ZodType<T>, params?: Record<string, string | number>): Promise<HttpResponse<T>> => http.getJson(path, schema, { params });
  return {
    teams: () => get('/v2/teams', teamsSchema),
    routingRules: (teamId: string) => get(`/v2/teams/${encodeURIComponent(teamId)}/routing-rules`, routingRulesSchema, { teamIdentifierType: 'id' }),
    services: (offset: number, limit: number) => get('/v1/services', servicesSchema, { offset, limit }),
    escalations: () => get('/v2/escalations', escalationsSchema),
    schedules: () => get('/v2/schedules', schedulesSchema),
    timeline: (scheduleId: string, date: Date, days: number) =>
      get(`/v2/schedules/${encodeURIComponent(scheduleId)}/timeline`, timelineSchema, { identifierType: 'id', interval: days, intervalUnit: 'days', date: date.toISOString() }),
    alerts: (query: string, offset: number, limit: number) => get('/v2/alerts', alertsSchema, { query, offset, limit, sort: 'createdAt', order: 'asc' }),
    incidents: (query: string, offset: number, limit: number) => get('/v1/incidents', incidentsSchema, { query, offset, limit, sort: 'createdAt', order: 'asc' }),
    incidentLogs: (incidentId: string, offset: string | undefined, limit: number) =>
      get(`/v1/incidents/${encodeURIComponent(incidentId)}/logs`, logsSchema, { identifierType: 'id', direction: 'next', order: 'asc', limit, ...(offset ? { offset } : {}) }),
  };
}
export type OpsgenieApi = ReturnType<typeof opsgenieApi>;
