import { z } from 'zod';
import { httpUrl } from '../../src/config/schema.js';

/** One Grafana organisation, read with one service-account token. The core adds `name` and `http`. */
export const grafanaConfigSchema = z
  .object({
    url: httpUrl().describe('Grafana root URL (e.g. https://grafana.example.com).'),
    token: z.string().min(1).describe('A service-account token with the Viewer role (Admin on folders to read their permissions; alert provisioning read for alert rules and contact points), sent as a Bearer token (use ${GRAFANA_TOKEN} or ${file:PATH}).'),
    page_size: z.number().int().min(1).max(5000).default(1000).describe('Results per page for /api/search and /api/folders (Grafana allows at most 5000).'),
    max_dashboards: z.number().int().min(1).default(2000).describe('Dashboards read in full (GET /api/dashboards/uid/:uid); beyond it the dashboard measures say so and are computed on the first ones found.'),
    stale_days: z.number().int().min(1).default(180).describe('A dashboard not updated for this many days (meta.updated) counts as stale.'),
    annotations_limit: z.number().int().min(1).default(10000).describe('Most annotations asked for in the window; a full answer is reported as "at least".'),
  })
  .strict();

export type GrafanaConfig = z.infer<typeof grafanaConfigSchema>;
