import { z } from 'zod';
import { httpUrl } from '../../src/config/schema.js';
import { serviceAppsSchema } from '../../src/incidents/service-apps.js';

/** One PagerDuty account. The core adds `name` and `http`. */
export const pagerdutyConfigSchema = z
  .object({
    token: z.string().min(1).describe('A read-only REST API key (account or user key), sent as "Authorization: Token token=…" (use ${PAGERDUTY_TOKEN} or ${file:PATH}).'),
    api_url: httpUrl().default('https://api.pagerduty.com').describe('REST API root (default https://api.pagerduty.com; EU accounts use the same host).'),
    major_priorities: z.array(z.string().min(1)).min(1).default(['P1', 'P2'])
      .describe('Priority names that mark a critical-grade, major incident (default P1, P2). Other incidents are graded by urgency: high or low.'),
    page_size: z.number().int().min(1).max(100).default(100).describe('Objects per page for classic offset pagination (PagerDuty allows at most 100).'),
    service_apps: serviceAppsSchema,
  })
  .strict();

export type PagerdutyConfig = z.infer<typeof pagerdutyConfigSchema>;
