import { allReads, emitAll, mapRead, type Collector } from '../../src/collector/kit.js';
import { httpAuthOptions } from '../../src/config/http-auth.js';
import { sloApi } from './api.js';
import { sloConfigSchema, type SloConfig } from './config.js';
import { measureJourneys, measureSlos } from './measure.js';
import { sloReader } from './read.js';
import { SIGNALS } from './signals.js';

export { sloConfigSchema, type SloConfig } from './config.js';

export const sloCollector: Collector<SloConfig> = {
  id: 'slo',
  description: 'Service levels and user journeys from Prometheus: SLOs Sloth and Pyrra generate (objectives, error budget left, burn-rate alerts), services without one, blackbox probes per journey, web-vitals histograms',
  signals: SIGNALS,
  configSchema: sloConfigSchema,
  files: (c) => (c.tls?.ca_file ? [{ key: 'tls.ca_file', path: c.tls.ca_file }] : []),
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({ baseURL: config.url.replace(/\/+$/, ''), ...httpAuthOptions(config, ctx.resolvePath) });
    const read = sloReader(sloApi(http, ctx.window.end), {
      serviceLabel: config.service_label,
      journeyLabel: config.journey_label,
      windowSeconds: ctx.window.seconds,
      services: config.services,
      servicesQuery: config.services_query,
    });

    const rules = await read.rules();
    const [sloth, pyrra, services, journeys, names] = await Promise.all([read.sloth(), read.pyrra(), read.services(), read.journeys(), read.metricNames()]);
    // Both generators are read; either failing leaves the SLO list (and what rests on it) unknown.
    const slos = mapRead(allReads({ sloth, pyrra }), (d) => [...d.sloth, ...d.pyrra]);
    const measured = {
      ...measureSlos(slos, services, rules),
      ...measureJourneys(journeys, slos, rules, names, { label: config.journey_label, core: config.core_journeys }),
    };
    emitAll(ctx, SIGNALS, measured, 'not measured');
  },
};
