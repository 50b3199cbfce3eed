import { z } from 'zod';
import { httpUrl } from '../../src/config/schema.js';

/** One Backstage software catalogue. The core adds `name` and `http`. */
export const backstageConfigSchema = z
  .object({
    url: httpUrl().describe('Backstage backend base URL (backend.baseUrl, e.g. https://backstage.example.com); the catalogue API is under catalog_path.'),
    token: z.string().min(1).optional().describe('A static external-access token (backend.auth.externalAccess, type static) sent as "Authorization: Bearer …" (use ${BACKSTAGE_TOKEN} or ${file:PATH}); leave out only where the catalogue allows guest reads.'),
    catalog_path: z.string().regex(/^\/[^?#]*$/, 'a path starting with /').default('/api/catalog').describe('Where the catalogue API is mounted under url (default /api/catalog).'),
    page_size: z.number().int().min(1).max(1000).default(500).describe('Entities per page (the `limit` of each catalogue request).'),
  })
  .strict();

export type BackstageConfig = z.infer<typeof backstageConfigSchema>;
