import { z } from 'zod';
import { httpAuthShape, oneAuthorization } from '../../src/config/http-auth.js';
import { httpUrl } from '../../src/config/schema.js';

/** One Alertmanager (or a proxy in front of one). The core adds `name` and `http`. */
export const alertmanagerConfigSchema = z
  .object({
    url: httpUrl().describe('Base URL of the Alertmanager, with its --web.route-prefix if any, e.g. http://127.0.0.1:9093'),
    ...httpAuthShape,
  })
  .strict()
  .refine(oneAuthorization.check, oneAuthorization.message);

export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;
