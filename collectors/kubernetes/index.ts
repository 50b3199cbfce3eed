import { emitAll, type CollectContext, type Collector } from '../../src/collector/kit.js';
import { versionSchema } from './api.js';
import { kubernetesConfigSchema, type KubernetesConfig } from './config.js';
import { connect } from './connection.js';
import { measureAll } from './measure/index.js';
import { inventoryOf } from './measure/inventory.js';
import { KubeReader } from './read/reader.js';
import { readSources } from './read/sources.js';
import { KUBERNETES_SIGNALS } from './signals.js';

export type { KubernetesConfig } from './config.js';

export const kubernetesCollector: Collector<KubernetesConfig> = {
  id: 'kubernetes',
  description: 'Kubernetes API: workloads, autoscaling, disruption budgets, probes, topology, quotas, and the CRDs of rollouts, backups, database operators and chaos tools (get and list only)',
  signals: [...KUBERNETES_SIGNALS],
  publishes: ['inventory'],
  configSchema: kubernetesConfigSchema,
  files: (c) => [
    ...(c.kubeconfig ? [{ key: 'kubeconfig', path: c.kubeconfig }] : []),
    ...(c.tls?.ca_file ? [{ key: 'tls.ca_file', path: c.tls.ca_file }] : []),
  ],
  collect,
};

async function collect(ctx: CollectContext<KubernetesConfig>): Promise<void> {
  const { config } = ctx;
  const connection = await connect(config, { resolvePath: ctx.resolvePath });
  const http = ctx.http(connection.options);
  ctx.log.debug('connecting', { source: connection.source, server: connection.options.baseURL });

  // The first request decides whether anything can be read: an unreachable server or rejected
  // credentials end the collection here (the harness fails every signal with the reason).
  const version = await http.getJson('/version', versionSchema);

  const reader = new KubeReader(http, connection.options.baseURL, config.page_size, {
    namespaces: config.namespaces,
    exclude: new Set(config.exclude_namespaces),
  });
  const sources = await readSources(reader, ctx.window, ctx.signal);
  const measured = measureAll(sources, ctx.clock.now(), {
    text: `Kubernetes ${version.data.gitVersion}${version.data.platform ? ` (${version.data.platform})` : ''} via ${connection.source}`,
    evidence: version.evidence,
  }, { inventoryComplete: config.inventory_complete });
  emitAll(ctx, KUBERNETES_SIGNALS, measured, 'not measured');

  // A workload or node list that was not read whole publishes nothing: the core then fails the
  // cross signals that need this cluster's inventory instead of comparing a part of it.
  const inventory = inventoryOf(sources);
  if (inventory.status === 'ok') ctx.publish('inventory', inventory.data, inventory.evidence);
  else ctx.log.debug('inventory not published', { reason: inventory.reason });
}
