import { emitAll, type Collector } from '../../src/collector/kit.js';
import { opencostApi } from './api.js';
import { opencostConfigSchema, type OpencostConfig } from './config.js';
import { measureAll } from './measure.js';
import { readAllocations } from './read.js';
import { SIGNALS } from './signals.js';

export { opencostConfigSchema, type OpencostConfig } from './config.js';

export const opencostCollector: Collector<OpencostConfig> = {
  id: 'opencost',
  description: 'OpenCost (allocation API): cluster cost over the window, idle share, cost allocated to team and service labels, unit prices, efficiency, daily trend',
  signals: [...SIGNALS],
  configSchema: opencostConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({
      baseURL: config.url,
      ...(config.token ? { auth: { bearer: config.token } } : config.basic_auth ? { auth: { basic: config.basic_auth } } : {}),
    });
    const reads = await readAllocations(opencostApi(http), config, ctx.window);
    const measured = measureAll(reads, ctx.window, { team: config.team_label, service: config.service_label, environment: config.environment_label });
    emitAll(ctx, SIGNALS, measured, 'not measured');
  },
};
