import { z } from 'zod';

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
