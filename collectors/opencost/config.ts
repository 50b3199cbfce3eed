import { z } from 'zod';
import { httpUrl } from '../../src/config/schema.js';

/** One OpenCost instance (one cluster's cost model). The core adds `name` and `http`. */
export const opencostConfigSchema = z
  .object({
    url: httpUrl().describe('OpenCost API base URL (the cost model\'s port 9003, e.g. http://opencost.opencost:9003, or the path a proxy serves it under).'),
    token: z.string().min(1).optional().describe('Bearer token, when a proxy in front of OpenCost asks for one (use ${OPENCOST_TOKEN} or ${file:PATH}). OpenCost itself has no authentication.'),
    basic_auth: z.object({ username: z.string().min(1), password: z.string().min(1) }).strict().optional()
      .describe('Basic credentials, when a proxy in front of OpenCost asks for them (the password as ${ENV} or ${file:PATH}).'),
    team_label: z.string().min(1).default('team').describe('The Kubernetes label that names the team a workload\'s cost is allocated to (OpenCost also reads it from the namespace\'s labels).'),
    service_label: z.string().min(1).default('app.kubernetes.io/name').describe('The label that names the service (application) a workload belongs to.'),
    environment_label: z.string().min(1).default('env').describe('The label that names the environment (production, test, development) a workload runs in.'),
  })
  .strict()
  .refine((c) => !(c.token && c.basic_auth), { message: 'give token or basic_auth, not both', path: ['token'] });

export type OpencostConfig = z.infer<typeof opencostConfigSchema>;
