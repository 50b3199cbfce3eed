import { httpUrl } from '../../src/config/schema.js';
import { z } from 'zod';

/** One Prometheus server (or a proxy in front of one). The core adds `name` and `http`. */
export const prometheusConfigSchema = z
  .object({
    url: httpUrl().describe('Base URL of the Prometheus HTTP API, with any route prefix (e.g. http://127.0.0.1:9090 or https://proxy/prometheus).'),
    bearer_token: z.string().min(1).optional().describe('Bearer token sent in the Authorization header (use ${ENV_VAR} or ${file:PATH}).'),
    basic_auth: z
      .object({
        username: z.string().min(1).describe('Basic-auth user.'),
        password: z.string().describe('Basic-auth password (use ${ENV_VAR} or ${file:PATH}).'),
      })
      .strict()
      .optional()
      .describe('Basic authentication, e.g. for a reverse proxy in front of Prometheus.'),
    tls: z
      .object({
        insecure_skip_verify: z.boolean().optional().describe('Accept any server certificate (testing only).'),
        ca_file: z.string().min(1).optional().describe('PEM file of the CA that signed the server certificate.'),
      })
      .strict()
      .optional()
      .describe('TLS settings for an https:// URL.'),
  })
  .strict()
  // Both would race for the one Authorization header; say so instead of silently picking one.
  .refine((c) => !(c.bearer_token && c.basic_auth), { message: 'set either bearer_token or basic_auth, not both', path: ['basic_auth'] });

export type PrometheusConfig = z.infer<typeof prometheusConfigSchema>;
