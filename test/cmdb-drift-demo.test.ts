import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectors } from '../collectors/index.js';
import { serveLoopback, type LoopbackServer } from '../demo/http.js';
import { generateCluster, type KubeCluster } from '../demo/systems/kubernetes.js';
import { generateNetbox, netboxHandler } from '../demo/systems/netbox.js';
import { main } from '../src/cli/main.js';
import { fixedClock } from '../src/clock.js';
import type { Collector } from '../src/collector/types.js';
import type { InventoryItem } from '../src/inventory/records.js';

/*
 * The sample estate's NetBox against its cluster, end to end: scan, then `techops explain 7.1.2`
 * lists the drifting objects. The live side here is a stand-in publishing the cluster as the
 * Kubernetes collector keys it (workloads outside kube-* namespaces as <namespace>/<name>, nodes
 * by their first label), so this test does not depend on that collector's branch.
 */

const NOW = new Date('2026-11-25T10:00:00Z');
const TOKEN = 'nb-test-token-0123456789abcdef';
const SYSTEM = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

function liveOf(cluster: KubeCluster): InventoryItem[] {
  const workloads = cluster.resources.filter((r) => r.group === 'apps' && ['deployments', 'statefulsets', 'daemonsets'].includes(r.resource)).flatMap((r) => r.items)
    .filter((o) => !SYSTEM.has(o.metadata.namespace!))
    .map((o): InventoryItem => ({ role: 'live', kind: 'workload', key: `${o.metadata.namespace}/${o.metadata.name}`.toLowerCase(), name: `${o.metadata.namespace}/${o.metadata.name}` }));
  const nodes = cluster.resources.find((r) => r.resource === 'nodes')!.items
    .map((o): InventoryItem => ({ role: 'live', kind: 'node', key: o.metadata.name.toLowerCase().split('.')[0], name: o.metadata.name }));
  return [...workloads, ...nodes];
}

const cluster = generateCluster(1, NOW, 1756);
const liveStandIn: Collector<Record<string, never>> = {
  id: 'livestandin', description: 'the demo cluster as live inventory', signals: [], publishes: ['inventory'], configSchema: z.object({}).strict(),
  async collect(ctx) {
    ctx.publish('inventory', liveOf(cluster), ['live-evidence']);
  },
};

let server: LoopbackServer;
beforeAll(async () => {
  server = await serveLoopback(netboxHandler(generateNetbox(cluster, NOW, { seed: 1756 }), TOKEN));
});
afterAll(() => server.close());

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    registry: [...collectors, liveStandIn], stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false,
    clock: fixedClock(NOW), env: { NB_TOKEN: TOKEN },
  });
  return { code, stdout, stderr };
}

describe('the sample estate\'s NetBox against its cluster', () => {
  it('shows the deliberate drift, and `explain 7.1.2` names the drifting objects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-drift-'));
    const config = join(dir, 'techops.yaml');
    writeFileSync(config, `assessment: { name: drift }
window: 30d
collectors:
  netbox:
    - name: dc1
      url: ${server.url}
      token: \${NB_TOKEN}
  livestandin:
    - name: shop
`);
    const scan = await cli(['scan', '-c', config, '-o', dir, '-q', '-f', 'json']);
    expect(scan.stderr).not.toContain('error');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const signal = (id: string) => report.signals.find((s: { id: string }) => s.id === id);

    const live = liveOf(cluster);
    const workloads = live.filter((i) => i.kind === 'workload').map((i) => i.key).sort();
    const nodes = live.filter((i) => i.kind === 'node').map((i) => i.key);
    // every ninth workload (sorted) and the newest node are not recorded
    const expected = [...workloads.filter((_, i) => i % 9 === 4).map((k) => `workload ${k}`), `node ${nodes[nodes.length - 1]}`];
    expect(signal('cmdb.drift.unrecorded_count')).toMatchObject({ status: 'observed', value: expected.length });
    expect([...signal('cmdb.drift.unrecorded_count').objects.sample].sort()).toEqual(expected.sort());
    expect(signal('cmdb.drift.unrecorded_ratio').value).toBeCloseTo(expected.length / live.length);
    // the node and the workload long gone are still active; the decommissioning node and the offline workload are not stale
    expect(signal('cmdb.drift.stale_count')).toMatchObject({ status: 'observed', value: 2, objects: { total: 2, sample: ['node ip-10-20-9-99', 'workload shop-web/old-frontend'] } });

    const explain = await cli(['explain', '7.1.2', '--report', join(dir, 'report.json')]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/cmdb\.drift\.unrecorded_ratio = 0\.\d+/);
    expect(explain.stdout).toContain(`behind it: ${expected.length}: `);
    expect(explain.stdout).toContain(`node ${nodes[nodes.length - 1]}`);
    expect(explain.stdout).toContain('behind it: 2: node ip-10-20-9-99, workload shop-web/old-frontend');
    const crit = report.criteria.find((c: { id: string }) => c.id === '7.1.2-2.1');
    // drift beyond the allowance: not met, whatever is attested
    expect(crit.status).toBe('not_met');
  }, 120_000);
});
