import { httpAuthShape, oneAuthorization } from '../../src/config/http-auth.js';
import { httpUrl } from '../../src/config/schema.js';
import { z } from 'zod';

/** One Prometheus server (or a proxy in front of one). The core adds `name` and `http`. */
export const prometheusConfigSchema = z
  .object({
    url: httpUrl().describe('Base URL of the Prometheus HTTP API, with any route prefix (e.g. http://127.0.0.1:9090 or https://proxy/prometheus).'),
    ...httpAuthShape,
  })
  .strict()
  .refine(oneAuthorization.check, oneAuthorization.message);

export type PrometheusConfig = z.infer<typeof prometheusConfigSchema>;
