import { z } from 'zod';
import { httpUrl } from '../../src/config/schema.js';
import { serviceAppsSchema } from '../../src/incidents/service-apps.js';

/** Opsgenie's two hosted regions; an account lives in exactly one and its API key works only there. */
export const REGION_URLS = {
  us: 'https://api.opsgenie.com',
  eu: 'https://api.eu.opsgenie.com',
} as const;

export const opsgenieConfigSchema = z
  .object({
    api_key: z.string().min(1).describe('Opsgenie API key of an API integration with read access only (use ${ENV_VAR} or ${file:PATH}); sent as "Authorization: GenieKey …".'),
    region: z.enum(['us', 'eu']).default('us').describe('Where the account lives: us → https://api.opsgenie.com, eu → https://api.eu.opsgenie.com.'),
    url: httpUrl().optional().describe('Explicit API base URL, instead of the region\'s (a proxy, or a local stand-in for tests and the demo).'),
    incidents: z.boolean().default(true).describe('Read the Incident API (/v1/incidents; Standard and Enterprise plans only). false on plans without it.'),
    max_log_reads: z.number().int().min(0).default(500).describe('Most incidents whose logs are read to find when they were resolved (one request or more each); the rest are counted as not read.'),
    service_apps: serviceAppsSchema,
  })
  .strict();

export type OpsgenieConfig = z.infer<typeof opsgenieConfigSchema>;

export function baseUrl(config: Pick<OpsgenieConfig, 'region' | 'url'>): string {
  return config.url ?? REGION_URLS[config.region];
}
