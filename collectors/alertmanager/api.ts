import { z } from 'zod';
import type { HttpClient } from '../../src/http/client.js';

/**
 * Alertmanager API v2 responses (api/v2/openapi.yaml in prometheus/alertmanager), reduced to
 * the fields this collector reads. Unknown fields are dropped, so newer servers that add fields
 * still parse; a field we rely on that is missing or mistyped is a malformed response.
 */

const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an RFC 3339 date-time');

export const statusSchema = z.object({
  cluster: z.object({
    // The spec's enum is ready|settling|disabled; a string keeps a future state from failing the whole status.
    status: z.string(),
    peers: z.array(z.object({ name: z.string(), address: z.string() })).optional(),
  }),
  config: z.object({ original: z.string() }),
  versionInfo: z.object({ version: z.string() }).optional(),
});
export type Status = z.infer<typeof statusSchema>;

export const receiversSchema = z.array(z.object({ name: z.string() }));

const alertSchema = z.object({
  fingerprint: z.string(),
  status: z.object({
    state: z.string(),
    silencedBy: z.array(z.string()),
    inhibitedBy: z.array(z.string()),
  }),
});

export const alertsSchema = z.array(alertSchema);
export type Alert = z.infer<typeof alertSchema>;

export const alertGroupsSchema = z.array(
  z.object({
    receiver: z.object({ name: z.string() }),
    alerts: z.array(z.object({ fingerprint: z.string() })),
  }),
);

export const silencesSchema = z.array(
  z.object({
    id: z.string(),
    status: z.object({ state: z.string() }),
    startsAt: dateTime,
  }),
);
export type Silence = z.infer<typeof silencesSchema>[number];
export type Receivers = z.infer<typeof receiversSchema>;
export type AlertGroups = z.infer<typeof alertGroupsSchema>;

// Every filter is set explicitly, so the counts do not depend on a server's defaults.
const ALL_ALERTS = { active: true, silenced: true, inhibited: true, unprocessed: true };
// Groups of silenced or inhibited alerts send nothing; counting them would dilute alerts per group.
const NOTIFYING_GROUPS = { active: true, silenced: false, inhibited: false };
// The classic text format, so a server that could answer OpenMetrics or protobuf does not.
const TEXT_FORMAT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

type Answer<T> = Promise<{ data: T; evidence: string[] }>;

/** The requests, one function per endpoint, each with the evidence of the request it made. */
export function alertmanagerApi(http: HttpClient) {
  const get = async <T>(path: string, schema: z.ZodType<T>, params?: Record<string, boolean>): Answer<T> => {
    const res = await http.getJson(path, schema, params ? { params } : undefined);
    return { data: res.data, evidence: [res.evidence] };
  };
  return {
    status: (): Answer<Status> => get('/api/v2/status', statusSchema),
    receivers: (): Answer<Receivers> => get('/api/v2/receivers', receiversSchema),
    alerts: (): Answer<Alert[]> => get('/api/v2/alerts', alertsSchema, ALL_ALERTS),
    groups: (): Answer<AlertGroups> => get('/api/v2/alerts/groups', alertGroupsSchema, NOTIFYING_GROUPS),
    silences: (): Answer<Silence[]> => get('/api/v2/silences', silencesSchema),
    /** The Prometheus text exposition of the server's own metrics. */
    metrics: () => http.getText('/metrics', { headers: { Accept: TEXT_FORMAT } }),
  };
}
export type AlertmanagerApi = ReturnType<typeof alertmanagerApi>;
