import { emitAll, type Collector } from '../../src/collector/kit.js';
import { backstageApi } from './api.js';
import { backstageConfigSchema, type BackstageConfig } from './config.js';
import { measureAll, toInventory } from './measure.js';
import { readCatalogue } from './read.js';
import { SIGNALS } from './signals.js';

export { backstageConfigSchema, type BackstageConfig } from './config.js';

export const backstageCollector: Collector<BackstageConfig> = {
  id: 'backstage',
  description: 'Backstage software catalogue (catalog API): components, systems, APIs, resources and groups; owners, lifecycle, relations; the Kubernetes workloads components name',
  signals: [...SIGNALS],
  publishes: ['inventory'],
  configSchema: backstageConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({
      baseURL: config.url.replace(/\/+$/, '') + config.catalog_path.replace(/\/+$/, ''),
      ...(config.token ? { auth: { bearer: config.token } } : {}),
    });
    const reads = await readCatalogue(backstageApi(http), config.page_size, config.catalog_path.replace(/\/+$/, ''));
    // Only a whole listing is published: a part would make the drift against the cluster flatter or worse than it is.
    if (reads.items.status === 'ok') {
      // components naming a workload without its namespace are noted on backstage.components.kubernetes_ratio
      const { records } = toInventory(reads.items.data);
      ctx.publish('inventory', records, reads.items.evidence);
    }
    emitAll(ctx, SIGNALS, measureAll(reads), 'not measured');
  },
};
