import { z } from 'zod';
import { httpAuthShape, oneAuthorization } from '../../src/config/http-auth.js';
import { httpUrl } from '../../src/config/schema.js';

/**
 * One Prometheus that holds the rules Sloth or Pyrra generate and the journey probes. The core
 * adds `name` and `http`.
 */
export const sloConfigSchema = z
  .object({
    url: httpUrl().describe('Base URL of the Prometheus HTTP API that evaluates the SLO rules (with any route prefix).'),
    ...httpAuthShape,
    services: z.array(z.string().min(1)).optional()
      .describe('The services that should have an SLO. Without it they are read from Prometheus with services_query.'),
    services_query: z.string().min(1).default('group by (service) (up{service!=""})')
      .describe('PromQL whose result series name the services (by service_label) when `services` is not given; default: every scraped service.'),
    service_label: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name').default('service').describe('The label naming a service in services_query\'s result and on Pyrra\'s SLO series.'),
    journey_label: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name').default('journey').describe('The label that names the user journey (scenario) on probes, SLOs and alerting rules.'),
    core_journeys: z.array(z.string().min(1)).optional()
      .describe('The core journeys (e.g. login, payment). Without it, the journeys the probes name are taken as the core ones.'),
  })
  .strict()
  .refine(oneAuthorization.check, oneAuthorization.message);

export type SloConfig = z.infer<typeof sloConfigSchema>;
