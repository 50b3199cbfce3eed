import type { CollectContext, Collector } from '../../src/collector/types.js';
import { kubernetesConfigSchema, type KubernetesConfig } from './config.js';
import { versionSchema } from './api.js';
import { deriveSignals } from './derive.js';
import { KubeReader } from './reader.js';
import { KUBERNETES_SIGNALS } from './signals.js';
import { readSources } from './sources.js';

export type { KubernetesConfig } from './config.js';

export const kubernetesCollector: Collector<KubernetesConfig> = {
  id: 'kubernetes',
  description: 'Kubernetes API: workloads, autoscaling, disruption budgets, probes, topology, quotas, and the CRDs of rollouts, backups, database operators and chaos tools (get and list only)',
  signals: [...KUBERNETES_SIGNALS],
  configSchema: kubernetesConfigSchema,
  files: (c) => [
    ...(c.kubeconfig ? [{ key: 'kubeconfig', path: c.kubeconfig }] : []),
    ...(c.tls?.ca_file ? [{ key: 'tls.ca_file', path: c.tls.ca_file }] : []),
  ],
  collect,
};

async function collect(ctx: CollectContext<KubernetesConfig>): Promise<void> {
  const { config } = ctx;
  // @kubernetes/client-node costs about a second to load: only a configured instance pays it.
  const { connect } = await import('./connection.js');
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
  const sources = await readSources(reader, ctx.window);
  const signals = deriveSignals(sources, ctx.clock.now(), {
    text: `Kubernetes ${version.data.gitVersion}${version.data.platform ? ` (${version.data.platform})` : ''} via ${connection.source}`,
    evidence: version.evidence,
  }, { inventoryComplete: config.inventory_complete });
  for (const decl of KUBERNETES_SIGNALS) {
    const m = signals[decl.id];
    if (!m) continue;
    if (m.status === 'value') ctx.emit(decl.id, m.value, m.evidence, { detail: m.detail, objects: m.objects, notes: m.notes });
    else if (m.status === 'not_available') ctx.notAvailable(decl.id, m.reason, m.evidence);
    else ctx.failed(decl.id, m.reason, m.evidence);
  }
}
