import { emitAll, type Collector, type Measured } from '../../src/collector/kit.js';
import { opencostApi } from './api.js';
import { opencostConfigSchema, type OpencostConfig } from './config.js';
import { measureRead } from './measure.js';
import { readAllocations } from './read.js';
import { SIGNALS, type OpencostSignalId } from './signals.js';

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
    const labels = { team: config.team_label, service: config.service_label, environment: config.environment_label };
    const measured: Partial<Record<OpencostSignalId, Measured>> = {};
    // Each query measured as it is read, its allocation sets dropped before the next is asked.
    await readAllocations(opencostApi(http), config, ctx.window, (kind, read) => Object.assign(measured, measureRead(kind, read, ctx.window, labels)));
    emitAll(ctx, SIGNALS, measured, 'not measured');
  },
};
