import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { runCollectors, type InstanceConfig } from '../../src/collector/harness.js';
import type { Window } from '../../src/collector/types.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { silentLogger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import type { SignalState } from '../../src/signals/types.js';
import { json, startServer, type TestServer } from '../../test/helpers/http-server.js';
import { generateCluster, kubernetesHandler, type ClusterResource, type KubeCluster } from '../../demo/systems/kubernetes.js';
import { kubernetesConfigSchema } from './config.js';
import { kubernetesCollector } from './index.js';
import { GETS, NON_RESOURCE_URLS, RESOURCES } from './read/resources.js';
import { KUBERNETES_SIGNALS, type KubernetesSignalId } from './signals.js';
import { imageName } from './measure/datastores.js';
import { isZoneSpread, keepsCapacity, selects } from './measure/templates.js';
import type { Deployment } from './api.js';
import { scanCollector } from '../../test/helpers/scan.js';
import type { InventoryItem } from '../../src/inventory/records.js';

// The fixtures (fixtures/shop/) are lists as the API returns them, at this moment; see fixtures/README.md.
const NOW = new Date('2026-11-20T12:00:00Z');
const WINDOW: Window = { start: new Date(NOW.getTime() - 7 * 86400_000), end: NOW, seconds: 7 * 86400 };
const ALL_IDS = KUBERNETES_SIGNALS.map((s) => s.id);
const H = 3600;
const D = 86400;

/**
 * Loads fixture folders (one List per file, named <group|core>_<version>_<resource>.json) as a
 * cluster; a later folder's list replaces an earlier one's of the same resource.
 */
function loadCluster(...dirs: string[]): KubeCluster {
  const resources = new Map<string, ClusterResource>();
  let version: KubeCluster['version'] | undefined;
  for (const dir of dirs.length ? dirs : ['shop']) {
    const base = new URL(`./fixtures/${dir}/`, import.meta.url);
    for (const file of readdirSync(base).filter((f) => f.endsWith('.json'))) {
      if (file === 'version.json') {
        version = JSON.parse(readFileSync(new URL(file, base), 'utf8')) as KubeCluster['version'];
        continue;
      }
      const [group, v, resource] = file.replace(/\.json$/, '').split('_');
      const list = JSON.parse(readFileSync(new URL(file, base), 'utf8')) as { kind: string; items: ClusterResource['items'] };
      resources.set(file, {
        group: group === 'core' ? '' : group, version: v, resource, kind: list.kind.replace(/List$/, ''),
        namespaced: !['namespaces', 'nodes', 'nodepools', 'provisioners'].includes(resource), items: list.items,
      });
    }
  }
  return { version: version!, resourceVersion: 8813000, resources: [...resources.values()] };
}

type Intercept = (url: URL, req: IncomingMessage) => { status: number; body: unknown } | undefined;

const servers: TestServer[] = [];
async function serve(cluster: KubeCluster = loadCluster(), intercept?: Intercept): Promise<TestServer> {
  const inner = kubernetesHandler(cluster);
  const server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const r = intercept?.(url, req);
    if (r) return json(res, r.status, r.body);
    inner(req, res);
  });
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function instance(config: Record<string, unknown>, http: InstanceConfig['http'] = { retries: 0 }, baseDir?: string): InstanceConfig {
  return { collector: 'kubernetes', name: 'shop', config: kubernetesConfigSchema.parse(config), http, baseDir };
}

async function scan(inst: InstanceConfig) {
  const r = await scanCollector<KubernetesSignalId>({ collector: kubernetesCollector, instances: [inst], window: WINDOW, now: NOW });
  const urls = (pattern: RegExp) => r.evidence.records.filter((e) => pattern.test(new URL(e.url).pathname));
  const values = () => Object.fromEntries(ALL_IDS.map((id) => [id, [r.get(id).status, r.get(id).value ?? r.get(id).reason]]));
  return { ...r, urls, values };
}

const DEPLOYMENT_SIGNALS: KubernetesSignalId[] = [
  'kubernetes.workloads.count', 'kubernetes.hpa.coverage_ratio', 'kubernetes.replicas.multi_ratio', 'kubernetes.pdb.coverage_ratio', 'kubernetes.spread.ratio',
  'kubernetes.rollout.capacity_kept_ratio', 'kubernetes.rollout.rollback_ready_ratio', 'kubernetes.probes.readiness_ratio', 'kubernetes.probes.liveness_ratio', 'kubernetes.resources.requests_ratio',
  'kubernetes.resources.limits_ratio', 'kubernetes.caches.count', 'kubernetes.caches.replicated_ratio',
];

describe('kubernetes collector: the shop cluster', () => {
  it('measures the whole cluster (a well-run namespace and a neglected one) with get and list only', async () => {
    const server = await serve();
    const r = await scan(instance({ server: server.url }));
    expect(r.runs[0]).toMatchObject({ status: 'ok' });
    expect(r.evidence.records.every((e) => e.method === 'GET' && (e.status === 200 || e.status === 404))).toBe(true);
    expect(server.requests.every((q) => q.method === 'GET')).toBe(true);

    // elasticity
    expect(r.value('kubernetes.api.reachable')).toBe(true);
    expect(r.detail('kubernetes.api.reachable')).toContain('Kubernetes v1.29.6');
    expect(r.value('kubernetes.workloads.count')).toBe(9); // shop 4 + legacy 3 Deployments, 2 StatefulSets; kube-system left out
    expect(r.value('kubernetes.hpa.count')).toBe(4);
    expect(r.value('kubernetes.hpa.custom_metrics_count')).toBe(3); // External, Pods, KEDA's External
    expect(r.value('kubernetes.keda.scaledobjects')).toBe(1);
    expect(r.value('kubernetes.hpa.coverage_ratio')).toBe(4 / 9);
    expect(r.value('kubernetes.cluster_autoscaler.present')).toBe(true);
    expect(r.detail('kubernetes.cluster_autoscaler.present')).toContain('kube-system/cluster-autoscaler');
    expect(r.value('kubernetes.rollout.capacity_kept_ratio')).toBe(3 / 7); // frontend (0), checkout (25 % of 2), billing-old (25 % of 1)
    expect(r.value('kubernetes.rollout.rollback_ready_ratio')).toBe(6 / 7); // legacy/report keeps no old ReplicaSet (revisionHistoryLimit 0)
    expect(r.detail('kubernetes.rollout.rollback_ready_ratio')).toContain('legacy/report');
    expect(r.value('kubernetes.services.count')).toBe(4); // default/kubernetes left out, kube-system/kube-dns out of scope
    expect(r.value('kubernetes.ingress.count')).toBe(2); // 1 Ingress + 1 HTTPRoute
    expect(r.detail('kubernetes.ingress.count')).toBe('1 Ingress, 1 HTTPRoute, no GRPCRoute CRD');
    expect(r.value('kubernetes.service_mesh.present')).toBe(true);
    expect(r.detail('kubernetes.service_mesh.present')).toContain('namespaces with mesh injection: shop');

    // resilience
    expect(r.value('kubernetes.replicas.multi_ratio')).toBe(6 / 9); // worker via HPA min 2, queue-consumer via KEDA min 2
    expect(r.value('kubernetes.probes.readiness_ratio')).toBe(6 / 10); // DaemonSet log-agent counted
    expect(r.value('kubernetes.probes.liveness_ratio')).toBe(4 / 10);
    expect(r.value('kubernetes.pdb.coverage_ratio')).toBe(3 / 6); // frontend, checkout (In), redis (instance + Exists)
    expect(r.detail('kubernetes.pdb.coverage_ratio')).toContain('shop/worker'); // its PDB selects app=worker, which no pod carries
    expect(r.value('kubernetes.spread.ratio')).toBe(3 / 6);
    // hostname anti-affinity (checkout, redis-node) keeps pods on other machines, not in other machine rooms
    expect(r.value('kubernetes.spread.zone_ratio')).toBe(1 / 6);
    expect(r.detail('kubernetes.spread.zone_ratio')).toContain('shop/checkout');
    expect(r.value('kubernetes.ratelimit.policies')).toBe(1); // the frontend Ingress's limit-rps
    expect(r.detail('kubernetes.ratelimit.policies')).toContain('shop/frontend');
    expect(r.value('kubernetes.nodes.count')).toBe(4);
    expect(r.detail('kubernetes.nodes.count')).toBe('3 Ready');
    expect(r.value('kubernetes.nodes.zones')).toBe(3); // a, b, d (old label); c is not Ready
    expect(r.detail('kubernetes.nodes.zones')).toBe('eu-central-a, eu-central-b, eu-central-d');
    expect(r.value('kubernetes.nodes.regions')).toBe(1);

    // data
    expect(r.value('kubernetes.databases.count')).toBe(2); // CNPG shop-db + StatefulSet legacy/mysql
    expect(r.value('kubernetes.databases.replicated_ratio')).toBe(0.5);
    expect(r.value('kubernetes.databases.sync_replication')).toBe(true);
    expect(r.value('kubernetes.databases.sync_ratio')).toBe(1); // shop-db, the one replicated database, is synchronous
    expect(r.value('kubernetes.databases.backup_configured_ratio')).toBe(0.5);
    expect(r.detail('kubernetes.databases.backup_configured_ratio')).toContain('not: legacy/mysql');
    expect(r.value('kubernetes.databases.last_backup_age_seconds')).toBe(6 * H); // the Backup object is newer than status.lastSuccessfulBackup
    expect(r.value('kubernetes.caches.count')).toBe(1); // redis-node grouped as instance "redis"
    expect(r.value('kubernetes.caches.replicated_ratio')).toBe(1);

    // continuity
    expect(r.value('kubernetes.velero.schedules')).toBe(1); // weekly-all is paused
    expect(r.value('kubernetes.velero.last_backup_age_seconds')).toBe(20 * H + 300);
    expect(r.value('kubernetes.velero.failed_ratio')).toBe(2 / 5); // the in-progress one has no outcome yet, the 10-day-old one is outside
    expect(r.value('kubernetes.velero.locations')).toBe(1);
    expect(r.value('kubernetes.velero.offsite')).toBe(false);
    expect(r.detail('kubernetes.velero.offsite')).toBe('velero/default in region eu-central; nodes in eu-central');
    expect(r.value('kubernetes.chaos.experiments')).toBe(3); // 2 PodChaos + 1 Schedule; the NetworkChaos it spawned is a run
    expect(r.value('kubernetes.chaos.runs_window')).toBe(2);
    expect(r.value('kubernetes.chaos.last_run_age_seconds')).toBe(D);
    expect(r.value('kubernetes.chaos.node_level')).toBe(false);

    // capacity
    expect(r.value('kubernetes.resources.requests_ratio')).toBe(7 / 11);
    expect(r.value('kubernetes.resources.limits_ratio')).toBe(5 / 11);
    expect(r.value('kubernetes.quotas.namespace_ratio')).toBe(1 / 4); // default, legacy, shop, velero
    expect(r.value('kubernetes.vpa.count')).toBe(1);
  });

  it('says what is not installed instead of 0', async () => {
    const server = await serve();
    const r = await scan(instance({ server: server.url }));
    expect(r.get('kubernetes.progressive_delivery.count')).toMatchObject({
      status: 'not_available',
      reason: expect.stringContaining('argoproj.io/v1alpha1 rollouts is not installed (GET /apis/argoproj.io/v1alpha1: HTTP 404)'),
    });
    expect(r.get('kubernetes.progressive_delivery.count').reason).toContain('flagger.app/v1beta1 canaries is not installed');
    expect(r.get('kubernetes.mesh.resilience_policies')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('networking.istio.io') });
    expect(r.get('kubernetes.progressive_delivery.count').value).toBeUndefined();
    // the 404 discovery requests are the evidence
    const ev = r.get('kubernetes.progressive_delivery.count').evidence.map((id) => r.evidence.records.find((e) => e.id === id));
    expect(ev.map((e) => [new URL(e!.url).pathname, e!.status])).toEqual([['/apis/argoproj.io/v1alpha1', 404], ['/apis/flagger.app/v1beta1', 404]]);
  });

  it('a CRD whose list answers 404 after discovery listed it (uninstalled meanwhile) is not available', async () => {
    const server = await serve(undefined, (url) =>
      url.pathname === '/apis/velero.io/v1/schedules' ? { status: 404, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 } } : undefined);
    const r = await scan(instance({ server: server.url }));
    expect(r.get('kubernetes.velero.schedules')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('velero.io/v1 schedules is not installed') });
    expect(r.value('kubernetes.velero.failed_ratio')).toBe(0.4);
  });

  it('points every value at the requests it came from', async () => {
    const server = await serve();
    const r = await scan(instance({ server: server.url }));
    const ids = new Set(r.evidence.records.map((e) => e.id));
    for (const id of ALL_IDS) {
      const s = r.get(id);
      expect(s.evidence.length, id).toBeGreaterThan(0);
      for (const e of s.evidence) expect(ids.has(e), `${id} → ${e}`).toBe(true);
    }
    const paths = (id: KubernetesSignalId) => r.get(id).evidence.map((e) => new URL(r.evidence.records.find((x) => x.id === e)!.url).pathname);
    expect(paths('kubernetes.nodes.zones')).toEqual(['/api/v1/nodes']);
    expect(paths('kubernetes.pdb.coverage_ratio').sort()).toEqual(
      ['/apis/apps/v1/deployments', '/apis/apps/v1/statefulsets', '/apis/autoscaling/v2/horizontalpodautoscalers', '/apis/keda.sh/v1alpha1', '/apis/keda.sh/v1alpha1/scaledobjects', '/apis/policy/v1/poddisruptionbudgets'].sort());
  });

  it('reads only the neglected namespace when told to: low ratios, not unknown', async () => {
    const server = await serve();
    const r = await scan(instance({ server: server.url, namespaces: ['legacy'] }));
    expect(r.value('kubernetes.workloads.count')).toBe(4);
    expect(r.value('kubernetes.hpa.count')).toBe(0);
    expect(r.value('kubernetes.hpa.coverage_ratio')).toBe(0);
    expect(r.value('kubernetes.replicas.multi_ratio')).toBe(1 / 4); // api-old runs 2
    expect(r.value('kubernetes.pdb.coverage_ratio')).toBe(0);
    expect(r.value('kubernetes.spread.ratio')).toBe(0);
    expect(r.value('kubernetes.probes.readiness_ratio')).toBe(0);
    // the report names what fell short, with a note saying what the names are
    expect(r.get('kubernetes.probes.readiness_ratio')).toMatchObject({
      objects: { total: 4, sample: expect.arrayContaining(['legacy/api-old', 'legacy/billing-old', 'legacy/report', 'legacy/mysql']) },
      notes: ['objects: workloads without a readinessProbe on every container'],
    });
    expect(r.get('kubernetes.replicas.multi_ratio').objects).toEqual({ total: 3, sample: ['legacy/billing-old', 'legacy/report', 'legacy/mysql'] });
    expect(r.get('kubernetes.databases.backup_configured_ratio').objects).toEqual({ total: 1, sample: ['legacy/mysql'] });
    expect(r.value('kubernetes.probes.liveness_ratio')).toBe(0);
    expect(r.value('kubernetes.resources.requests_ratio')).toBe(0);
    expect(r.value('kubernetes.resources.limits_ratio')).toBe(0);
    expect(r.value('kubernetes.quotas.namespace_ratio')).toBe(0);
    expect(r.value('kubernetes.rollout.capacity_kept_ratio')).toBe(1 / 3);
    expect(r.value('kubernetes.databases.replicated_ratio')).toBe(0);
    expect(r.value('kubernetes.databases.backup_configured_ratio')).toBe(0);
    expect(r.value('kubernetes.service_mesh.present')).toBe(false);
    expect(r.value('kubernetes.chaos.experiments')).toBe(0);
    expect(r.value('kubernetes.chaos.runs_window')).toBe(0);
    // no cache in the cluster is a partial view (a managed cache may serve the estate), not a 0
    expect(r.get('kubernetes.caches.count')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('inventory_complete') });
    // what a single mysql StatefulSet cannot tell, and what does not exist, is said so
    expect(r.get('kubernetes.databases.sync_replication')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('legacy/mysql') });
    expect(r.get('kubernetes.caches.replicated_ratio')).toMatchObject({ status: 'not_available', reason: 'no cache in scope' });
    expect(r.get('kubernetes.chaos.last_run_age_seconds')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('no chaos experiment has run') });
    // the autoscaler Deployment in kube-system is out of sight when only legacy is read
    expect(r.value('kubernetes.cluster_autoscaler.present')).toBe(false);
    // listed namespaces are read one by one; Velero where it lives
    const paths = r.evidence.records.map((e) => new URL(e.url).pathname);
    expect(paths).toContain('/apis/apps/v1/namespaces/legacy/deployments');
    expect(paths).toContain('/api/v1/namespaces/legacy');
    expect(paths).toContain('/apis/velero.io/v1/backups');
    expect(paths).not.toContain('/apis/apps/v1/deployments');
    expect(r.value('kubernetes.velero.failed_ratio')).toBe(0.4);
  });

  it('an HTTPRoute splitting traffic by weight over two backends is a balancing policy; one weighted backend is not', async () => {
    const cluster = loadCluster();
    const routes = cluster.resources.find((x) => x.resource === 'httproutes')!;
    const none = await scan(instance({ server: (await serve(cluster)).url }));
    expect(none.value('kubernetes.loadbalancing.policies')).toBe(0);
    expect(none.detail('kubernetes.loadbalancing.policies')).toContain('no Istio DestinationRule CRD');
    const route = routes.items[0] as unknown as { spec: { rules: { backendRefs: Record<string, unknown>[] }[] } };
    route.spec.rules[0].backendRefs.push({ group: '', kind: 'Service', name: 'checkout-canary', port: 80, weight: 10 });
    const split = await scan(instance({ server: (await serve(cluster)).url }));
    expect(split.value('kubernetes.loadbalancing.policies')).toBe(1);
  });

  it('finding no cache or database is a measured 0 only when the config says the inventory is complete', async () => {
    const server = await serve();
    const r = await scan(instance({ server: server.url, namespaces: ['legacy'], inventory_complete: true }));
    expect(r.value('kubernetes.caches.count')).toBe(0);
    const cluster = loadCluster();
    const sts = cluster.resources.find((x) => x.resource === 'statefulsets')!;
    sts.items = [];
    const none = await scan(instance({ server: (await serve(cluster)).url, namespaces: ['legacy'] }));
    expect(none.get('kubernetes.databases.count')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('managed services outside the cluster') });
  });

  it('a configured namespace that does not exist is left out of the namespace count', async () => {
    const server = await serve();
    const r = await scan(instance({ server: server.url, namespaces: ['shop', 'gone'] }));
    expect(r.value('kubernetes.quotas.namespace_ratio')).toBe(1);
    expect(r.value('kubernetes.workloads.count')).toBe(5);
  });
});

describe('kubernetes collector: the other operators and tools', () => {
  it('reads Argo Rollouts, Flagger, Istio, Zalando, Redis operators, Litmus and Karpenter', async () => {
    const server = await serve(loadCluster('shop', 'operators'));
    const r = await scan(instance({ server: server.url }));
    expect(r.value('kubernetes.progressive_delivery.count')).toBe(3); // canary + blueGreen Rollouts (not the one without), 1 Flagger Canary
    expect(r.detail('kubernetes.progressive_delivery.count')).toBe('2 of 3 Argo Rollouts canary or blue-green; 1 Flagger Canary');
    expect(r.value('kubernetes.mesh.resilience_policies')).toBe(5); // 2 DestinationRules, 2 VirtualServices, 1 local rate limit
    expect(r.value('kubernetes.ratelimit.policies')).toBe(2); // the EnvoyFilter's local rate limit and the frontend Ingress's limit-rps
    expect(r.value('kubernetes.loadbalancing.policies')).toBe(1); // DestinationRule report: LEAST_REQUEST
    expect(r.get('kubernetes.loadbalancing.policies').objects).toEqual({ total: 1, sample: ['legacy/report'] });
    expect(r.value('kubernetes.databases.count')).toBe(4);
    expect(r.value('kubernetes.databases.replicated_ratio')).toBe(0.5); // shop-db 3, billing-pg 2; mysql and reports-pg 1
    expect(r.value('kubernetes.databases.backup_configured_ratio')).toBe(0.75); // logical backup, WAL-G env; not mysql
    expect(r.value('kubernetes.caches.count')).toBe(4);
    expect(r.value('kubernetes.caches.replicated_ratio')).toBe(0.5); // redis-node and the RedisFailover
    expect(r.value('kubernetes.chaos.experiments')).toBe(4);
    expect(r.value('kubernetes.chaos.runs_window')).toBe(3);
    expect(r.value('kubernetes.chaos.node_level')).toBe(true);
    expect(r.detail('kubernetes.chaos.node_level')).toContain('ChaosEngine');
    expect(r.detail('kubernetes.cluster_autoscaler.present')).toContain('1 Karpenter NodePool/Provisioner');
    // Velero has backups but none completed: the age is a lower bound, since the first Schedule
    expect(r.value('kubernetes.velero.last_backup_age_seconds')).toBe(300 * D);
    expect(r.detail('kubernetes.velero.last_backup_age_seconds')).toContain('no Backup has completed');
    expect(r.value('kubernetes.velero.failed_ratio')).toBe(1);
    expect(r.value('kubernetes.velero.offsite')).toBe(false);
    expect(r.detail('kubernetes.velero.offsite')).toBe('velero/default stores in the cluster (http://minio.velero.svc:9000)');
    // Istio v1 is not served here: the v1beta1 lists were read
    const paths = r.evidence.records.map((e) => [new URL(e.url).pathname, e.status]);
    expect(paths).toContainEqual(['/apis/networking.istio.io/v1', 404]);
    expect(paths).toContainEqual(['/apis/networking.istio.io/v1beta1/virtualservices', 200]);
  });

  it('sync replication is false only when every database shows its mode', async () => {
    const cluster = loadCluster('shop', 'operators');
    const sts = cluster.resources.find((x) => x.resource === 'statefulsets')!;
    sts.items = sts.items.filter((o) => o.metadata.name !== 'mysql');
    const server = await serve(cluster);
    const r = await scan(instance({ server: server.url, namespaces: ['legacy'] }));
    expect(r.value('kubernetes.databases.count')).toBe(2);
    expect(r.value('kubernetes.databases.sync_replication')).toBe(false);
    expect(r.get('kubernetes.databases.last_backup_age_seconds')).toMatchObject({ status: 'not_available', reason: 'no CloudNativePG cluster in scope has backups configured' });
  });

  it('one location without a region cannot be judged offsite; autoscaler-annotated nodes and a Sentinel Deployment are seen', async () => {
    const cluster = loadCluster();
    const bsl = cluster.resources.find((x) => x.group === 'velero.io' && x.resource === 'backupstoragelocations')!;
    (bsl.items[0] as unknown as { spec: { config: Record<string, string> } }).spec.config = {};
    const nodes = cluster.resources.find((x) => x.resource === 'nodes')!;
    nodes.items[0].metadata.annotations = { 'cluster-autoscaler.kubernetes.io/scale-down-disabled': 'true' };
    // a one-replica Redis StatefulSet with its Sentinels in a Deployment of the same release
    const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;
    type Workload = { metadata: { name: string; labels: Record<string, string> }; spec: { template: { spec: { containers: { name: string; image: string }[] } } } };
    const sts = cluster.resources.find((x) => x.resource === 'statefulsets')!;
    const deps = cluster.resources.find((x) => x.resource === 'deployments')!;
    const redis = clone(sts.items.find((o) => o.metadata.name === 'mysql')!) as unknown as Workload;
    redis.metadata.name = 'cache';
    redis.metadata.labels['app.kubernetes.io/instance'] = 'cache';
    redis.spec.template.spec.containers = [{ name: 'redis', image: 'docker.io/library/redis:7.2' }];
    const sentinel = clone(deps.items.find((o) => o.metadata.name === 'report')!) as unknown as Workload;
    sentinel.metadata.name = 'cache-sentinel';
    sentinel.metadata.labels['app.kubernetes.io/instance'] = 'cache';
    sentinel.spec.template.spec.containers = [{ name: 'sentinel', image: 'docker.io/bitnami/redis-sentinel:7.2' }];
    sts.items.push(redis as unknown as (typeof sts.items)[number]);
    deps.items.push(sentinel as unknown as (typeof deps.items)[number]);
    const server = await serve(cluster);
    const r = await scan(instance({ server: server.url, namespaces: ['legacy'] }));
    expect(r.get('kubernetes.velero.offsite')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('names no region') });
    expect(r.value('kubernetes.cluster_autoscaler.present')).toBe(true);
    expect(r.detail('kubernetes.cluster_autoscaler.present')).toContain('1 node annotated cluster-autoscaler.kubernetes.io/*');
    expect(r.value('kubernetes.caches.count')).toBe(1);
    expect(r.value('kubernetes.caches.replicated_ratio')).toBe(1); // failover through the Sentinel Deployment
    expect(r.detail('kubernetes.caches.count')).toBe('1 redis: legacy/cache');
  });
});

describe('kubernetes collector: paging', () => {
  it('a list over 3 pages gives the unpaged answer, one evidence record per page', async () => {
    const server = await serve();
    const whole = await scan(instance({ server: server.url }));
    const paged = await scan(instance({ server: server.url, page_size: 4 }));
    expect(paged.values()).toEqual(whole.values());
    expect(whole.urls(/^\/apis\/apps\/v1\/deployments$/)).toHaveLength(1);
    const pages = paged.urls(/^\/apis\/apps\/v1\/deployments$/); // 9 Deployments: 4 + 4 + 1
    expect(pages).toHaveLength(3);
    const params = pages.map((e) => new URL(e.url).searchParams);
    expect(params.map((p) => p.get('limit'))).toEqual(['4', '4', '4']);
    expect(params[0].has('continue')).toBe(false);
    expect(params[1].get('continue')).toBeTruthy();
    expect(params[2].get('continue')).not.toBe(params[1].get('continue'));
    expect(paged.get('kubernetes.workloads.count').evidence).toEqual(expect.arrayContaining(pages.map((e) => e.id)));
  });

  it('a 410 on a continue token restarts the list once, with the same answer', async () => {
    const expired = {
      kind: 'Status', apiVersion: 'v1', metadata: { continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTF9' }, status: 'Failure',
      message: 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
      reason: 'Expired', code: 410,
    };
    let gone = 1;
    const server = await serve(undefined, (url) => (url.pathname === '/apis/apps/v1/deployments' && url.searchParams.has('continue') && gone-- > 0 ? { status: 410, body: expired } : undefined));
    const whole = await scan(instance({ server: server.url }));
    gone = 1;
    const r = await scan(instance({ server: server.url, page_size: 4 }));
    expect(r.values()).toEqual(whole.values());
    expect(r.urls(/^\/apis\/apps\/v1\/deployments$/).map((e) => e.status)).toEqual([200, 410, 200, 200, 200]);

    gone = 2;
    const twice = await scan(instance({ server: server.url, page_size: 4 }));
    for (const id of DEPLOYMENT_SIGNALS) {
      expect(twice.get(id).status, id).toBe('failed');
      expect(twice.get(id).reason).toContain('list deployments.apps: the continue token expired again after a restart (HTTP 410: The provided continue parameter is too old');
    }
    expect(twice.value('kubernetes.nodes.count')).toBe(4);
    expect(twice.value('kubernetes.databases.count')).toBe(2);
  });
});

describe('kubernetes collector: failures', () => {
  it('403 on list deployments.apps fails exactly the signals that need Deployments, naming verb, resource and group', async () => {
    const message = 'deployments.apps is forbidden: User "system:serviceaccount:techops:techops" cannot list resource "deployments" in API group "apps" at the cluster scope';
    const server = await serve(undefined, (url) =>
      url.pathname === '/apis/apps/v1/deployments'
        ? { status: 403, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details: { group: 'apps', kind: 'deployments' }, code: 403 } }
        : undefined);
    const r = await scan(instance({ server: server.url }));
    for (const id of [...DEPLOYMENT_SIGNALS, 'kubernetes.cluster_autoscaler.present'] as KubernetesSignalId[]) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toBe(`permission denied: list deployments.apps (HTTP 403: ${message})`);
    }
    expect(r.runs[0].status).toBe('partial');
    expect(r.value('kubernetes.hpa.count')).toBe(4);
    expect(r.value('kubernetes.nodes.zones')).toBe(3);
    expect(r.value('kubernetes.databases.count')).toBe(2); // from StatefulSets and CNPG
    expect(r.value('kubernetes.service_mesh.present')).toBe(true); // the namespace annotation is enough
    expect(r.value('kubernetes.velero.schedules')).toBe(1);
  });

  it('an unreachable server fails every signal with the reason', async () => {
    const server = await serve();
    const url = server.url;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const r = await scan(instance({ server: url }));
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'unavailable', requests: 1 });
    for (const id of ALL_IDS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toContain(`cannot reach GET ${url}/version`);
    }
  });

  it('401 on GET /version fails every signal as rejected credentials, after one request', async () => {
    const server = await serve(undefined, (url) =>
      url.pathname === '/version' ? { status: 401, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 } } : undefined);
    const r = await scan(instance({ server: server.url, token: 'expired-token-0123' }));
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'credentials', requests: 1 });
    for (const id of ALL_IDS) expect(r.get(id).reason).toContain('credentials rejected (HTTP 401)');
    expect(server.requests[0].headers.authorization).toBe('Bearer expired-token-0123');
    expect(JSON.stringify(r.evidence.records)).not.toContain('expired-token-0123');
    expect(JSON.stringify([...r.signals.values()])).not.toContain('expired-token-0123');
  });

  it('malformed JSON fails the signals of that list only', async () => {
    const full = readFileSync(new URL('./fixtures/shop/apps_v1_deployments.json', import.meta.url), 'utf8');
    const server = await serve(undefined, (url) => (url.pathname === '/apis/apps/v1/deployments' ? { status: 200, body: full.slice(0, 900) } : undefined));
    const r = await scan(instance({ server: server.url }));
    for (const id of DEPLOYMENT_SIGNALS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toContain(`list deployments.apps: invalid JSON from GET ${server.url}/apis/apps/v1/deployments?limit=500 (HTTP 200, 900 bytes)`);
    }
    expect(r.value('kubernetes.nodes.count')).toBe(4);
    expect(r.value('kubernetes.hpa.count')).toBe(4);
  });

  it('an item of the wrong shape names its path', async () => {
    const list = JSON.parse(readFileSync(new URL('./fixtures/shop/autoscaling_v2_horizontalpodautoscalers.json', import.meta.url), 'utf8'));
    list.items[1].spec.minReplicas = 'three';
    const server = await serve(undefined, (url) => (url.pathname === '/apis/autoscaling/v2/horizontalpodautoscalers' ? { status: 200, body: list } : undefined));
    const r = await scan(instance({ server: server.url }));
    expect(r.get('kubernetes.hpa.count')).toMatchObject({ status: 'failed', reason: expect.stringContaining('items[1].spec.minReplicas') });
    expect(r.get('kubernetes.hpa.coverage_ratio').status).toBe('failed');
    expect(r.value('kubernetes.probes.readiness_ratio')).toBe(0.6); // does not need the HPAs
  });

  it('a server that answers the same continue token forever is stopped', async () => {
    const server = await serve(undefined, (url) =>
      url.pathname === '/api/v1/nodes' ? { status: 200, body: { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '1', continue: 'c2FtZQ==' }, items: [] } } : undefined);
    const r = await scan(instance({ server: server.url }));
    expect(r.get('kubernetes.nodes.count')).toMatchObject({ status: 'failed', reason: 'list nodes: the server returned the same continue token twice' });
    expect(r.urls(/^\/api\/v1\/nodes$/)).toHaveLength(2);
  });
});

describe('kubernetes collector: kubeconfig', () => {
  let dir: string;
  let ca: string;
  let https: { url: string; requests: { auth?: string; path: string }[]; close(): Promise<void> } | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'techops-kube-'));
    // A CA and a server certificate for 127.0.0.1, made here so that nothing secret is checked in.
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=techops-test-ca');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
    ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
    const handler = kubernetesHandler(loadCluster());
    const requests: { auth?: string; path: string }[] = [];
    const server = createHttpsServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (req, res) => {
      requests.push({ auth: req.headers.authorization, path: req.url ?? '' });
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    https = {
      url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      requests,
      close: () => new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    };
  });
  afterAll(async () => {
    await https?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubeconfig = (server: string, caLine: string) => `apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://prod.k8s.example.invalid:6443
- name: staging
  cluster:
    server: ${server}
${caLine}
contexts:
- name: prod
  context: {cluster: prod, user: prod-admin}
- name: staging
  context: {cluster: staging, user: techops}
users:
- name: prod-admin
  user: {token: prod-token-do-not-use}
- name: techops
  user: {token: staging-token-4f7a9c}
`;

  it('uses the chosen context: its server, its CA (https) and its token, which stays out of the evidence', async () => {
    writeFileSync(join(dir, 'kubeconfig'), kubeconfig(https!.url, '    certificate-authority: ca.pem'));
    https!.requests.length = 0;
    const r = await scan(instance({ kubeconfig: 'kubeconfig', context: 'staging' }, { retries: 0 }, dir));
    expect(r.runs[0].status).toBe('ok');
    expect(r.value('kubernetes.workloads.count')).toBe(9);
    expect(r.detail('kubernetes.api.reachable')).toContain(`context staging`);
    expect(https!.requests.length).toBeGreaterThan(20);
    expect(new Set(https!.requests.map((q) => q.auth))).toEqual(new Set(['Bearer staging-token-4f7a9c']));
    const everything = JSON.stringify([r.evidence.records, [...r.signals.values()], r.runs]);
    expect(everything).not.toContain('staging-token-4f7a9c');
    expect(everything).not.toContain('prod.k8s.example.invalid');
  });

  it('takes the CA from certificate-authority-data too', async () => {
    writeFileSync(join(dir, 'kubeconfig-data'), kubeconfig(https!.url, `    certificate-authority-data: ${Buffer.from(ca).toString('base64')}`));
    const r = await scan(instance({ kubeconfig: 'kubeconfig-data', context: 'staging' }, { retries: 0 }, dir));
    expect(r.value('kubernetes.nodes.count')).toBe(4);
  });

  it('without the CA the server certificate is refused', async () => {
    writeFileSync(join(dir, 'kubeconfig-noca'), kubeconfig(https!.url, ''));
    const r = await scan(instance({ kubeconfig: 'kubeconfig-noca', context: 'staging' }, { retries: 0 }, dir));
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'unavailable' });
    expect(r.get('kubernetes.nodes.count').reason).toMatch(/self-signed certificate|unable to verify/);
  });

  it('an unknown context or a missing file is a clear error', async () => {
    writeFileSync(join(dir, 'kubeconfig'), kubeconfig(https!.url, '    certificate-authority: ca.pem'));
    const a = await scan(instance({ kubeconfig: 'kubeconfig', context: 'qa' }, { retries: 0 }, dir));
    expect(a.runs[0].error).toBe(`kubeconfig ${join(dir, 'kubeconfig')} has no context 'qa' (contexts: prod, staging)`);
    const b = await scan(instance({ kubeconfig: 'nope.yaml' }, { retries: 0 }, dir));
    expect(b.runs[0].error).toBe(`cannot read kubeconfig ${join(dir, 'nope.yaml')}: no such file`);
    expect(b.get('kubernetes.nodes.count').status).toBe('failed');
  });

  it('in_cluster outside a pod says so', async () => {
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    delete process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_PORT;
    try {
      const r = await scan(instance({ in_cluster: true }));
      expect(r.runs[0].error).toContain('in_cluster is set, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not');
    } finally {
      if (saved.host !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved.host;
      if (saved.port !== undefined) process.env.KUBERNETES_SERVICE_PORT = saved.port;
    }
  });
});

describe('deploy/kubernetes/rbac.yaml', () => {
  const docs = parseAllDocuments(readFileSync(new URL('../../deploy/kubernetes/rbac.yaml', import.meta.url), 'utf8')).map((d) => d.toJS() as Record<string, any>);
  const role = docs.find((d) => d.kind === 'ClusterRole')!;
  type Rule = { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[]; verbs: string[] };
  const rules = role.rules as Rule[];

  it('binds a ServiceAccount in the techops namespace to the role', () => {
    expect(docs.find((d) => d.kind === 'Namespace')?.metadata.name).toBe('techops');
    expect(docs.find((d) => d.kind === 'ServiceAccount')?.metadata).toEqual({ name: 'techops', namespace: 'techops' });
    const binding = docs.find((d) => d.kind === 'ClusterRoleBinding')!;
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'techops', namespace: 'techops' }]);
  });

  it('grants only get and list, no wildcard', () => {
    for (const rule of rules) {
      for (const verb of rule.verbs) expect(['get', 'list']).toContain(verb);
      expect([...(rule.apiGroups ?? []), ...(rule.resources ?? [])]).not.toContain('*');
    }
  });

  it('covers every resource in the collector\'s request table, and nothing else', () => {
    const granted = (group: string, resource: string, verb: string, name?: string) =>
      rules.some((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes(verb) && (name === undefined ? !r.resourceNames : r.resourceNames?.includes(name)));
    const wanted = new Set<string>();
    for (const r of RESOURCES) {
      expect(granted(r.group, r.resource, 'list'), `list ${r.resource}.${r.group}`).toBe(true);
      wanted.add(`${r.group}/${r.resource}`);
    }
    for (const g of GETS) {
      const names = 'resourceNames' in g ? g.resourceNames : [undefined];
      for (const name of names) expect(granted(g.group, g.resource, 'get', name), `get ${g.resource}`).toBe(true);
      wanted.add(`${g.group}/${g.resource}`);
    }
    const extra = rules.flatMap((r) => (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${g}/${res}`))).filter((k) => !wanted.has(k));
    expect(extra).toEqual([]);
    const nonResource = rules.flatMap((r) => r.nonResourceURLs ?? []);
    expect(nonResource.sort()).toEqual([...NON_RESOURCE_URLS].sort());
  });

  it('grants what a scan actually requested', async () => {
    const server = await serve();
    await scan(instance({ server: server.url }));
    await scan(instance({ server: server.url, namespaces: ['legacy'] }));
    const allowed = (path: string): boolean => {
      if (path === '/version' || /^\/apis\/[^/]+\/[^/]+$/.test(path)) return rules.some((r) => r.nonResourceURLs?.some((u) => u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1)))));
      const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/(.+)$/.exec(path);
      if (!m) return false;
      const group = m[1] ?? '';
      const rest = m[2].split('/');
      const [verb, resource, name] =
        rest.length === 1 ? ['list', rest[0]]
        : rest[0] === 'namespaces' && rest.length === 2 ? ['get', 'namespaces', rest[1]]
        : rest[0] === 'namespaces' && rest.length === 3 ? ['list', rest[2]]
        : rest[0] === 'namespaces' && rest.length === 4 ? ['get', rest[2], rest[3]]
        : [];
      if (!verb) return false;
      return rules.some((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource!) && r.verbs.includes(verb) && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))));
    };
    const paths = [...new Set(server.requests.map((q) => new URL(q.url, 'http://x').pathname))];
    expect(paths.filter((p) => !allowed(p))).toEqual([]);
    expect(paths).toContain('/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status');
    expect(paths).toContain('/api/v1/namespaces/legacy');
  });
});

describe('kubernetes collector: pieces', () => {
  it('zone spread needs a zone or region topology key; hostname is not a machine room', () => {
    const template = (spec: Record<string, unknown>) => ({ spec: { containers: [{ name: 'app' }], ...spec } }) as Deployment['spec']['template'];
    const anti = (key: string) => ({ affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: key } }] } } });
    expect(isZoneSpread(template(anti('kubernetes.io/hostname')))).toBe(false);
    expect(isZoneSpread(template(anti('topology.kubernetes.io/zone')))).toBe(true);
    expect(isZoneSpread(template({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'failure-domain.beta.kubernetes.io/region' }] } } }))).toBe(true);
    expect(isZoneSpread(template({ topologySpreadConstraints: [{ topologyKey: 'kubernetes.io/hostname' }] }))).toBe(false);
    expect(isZoneSpread(template({ topologySpreadConstraints: [{ topologyKey: 'kubernetes.io/hostname' }, { topologyKey: 'topology.kubernetes.io/zone' }] }))).toBe(true);
    expect(isZoneSpread(template({}))).toBe(false);
  });

  const deployment = (replicas: number | undefined, strategy?: Deployment['spec']['strategy']): Deployment => ({
    metadata: { name: 'x' },
    spec: { replicas, strategy, template: { spec: { containers: [] } } },
  });

  it('resolves maxUnavailable as the Deployment controller does', () => {
    expect(keepsCapacity(deployment(3))).toBe(true); // 25 % of 3 rounds down to 0, surge 1
    expect(keepsCapacity(deployment(4))).toBe(false); // 25 % of 4 = 1
    expect(keepsCapacity(deployment(undefined))).toBe(true);
    expect(keepsCapacity(deployment(10, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '10%' } }))).toBe(true);
    expect(keepsCapacity(deployment(10, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '9%', maxSurge: 2 } }))).toBe(true);
    // both resolve to 0: the controller makes maxUnavailable 1
    expect(keepsCapacity(deployment(2, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } }))).toBe(false);
    expect(keepsCapacity(deployment(5, { type: 'Recreate' }))).toBe(false);
  });

  it('matches label selectors like the API server', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(selects({}, labels)).toBe(true);
    expect(selects({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: 'api' } }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selects({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, labels)).toBe(false);
  });

  it('names images without registry, tag or digest', () => {
    expect(imageName('docker.io/bitnami/postgresql:16.3.0')).toBe('postgresql');
    expect(imageName('mysql')).toBe('mysql');
    expect(imageName('registry:5000/team/redis@sha256:abc')).toBe('redis');
    expect(imageName(undefined)).toBe('');
  });

  it('accepts the documented config keys and rejects the rest', () => {
    expect(kubernetesConfigSchema.parse({ server: 'http://127.0.0.1:8001' })).toMatchObject({ page_size: 500, exclude_namespaces: ['kube-system', 'kube-public', 'kube-node-lease'] });
    expect(kubernetesConfigSchema.safeParse({}).success).toBe(true); // the default kubeconfig
    expect(kubernetesConfigSchema.safeParse({ server: 'http://x:1', kubeconfig: 'k' }).success).toBe(false);
    expect(kubernetesConfigSchema.safeParse({ in_cluster: true, context: 'a' }).success).toBe(false);
    expect(kubernetesConfigSchema.safeParse({ kubeconfig: 'k', token: 't' }).success).toBe(false);
    expect(kubernetesConfigSchema.safeParse({ page_size: 0 }).success).toBe(false);
    expect(kubernetesConfigSchema.safeParse({ page_size: 5001 }).success).toBe(false);
    expect(kubernetesConfigSchema.safeParse({ namespaces: ['Shop'] }).success).toBe(false);
    expect(kubernetesConfigSchema.safeParse({ url: 'http://x' }).success).toBe(false);
  });

  it('declares unique ids, each described in the README with the permissions', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    expect(new Set(ALL_IDS).size).toBe(ALL_IDS.length);
    for (const id of ALL_IDS) expect(readme, id).toContain(`\`${id}\``);
    expect(readme).toMatch(/RBAC/);
    for (const r of RESOURCES) expect(readme, r.resource).toContain(r.resource);
  });
});

describe('the demo cluster', () => {
  it('is the same on every run and scans into a healthy-but-imperfect shop', async () => {
    expect(JSON.stringify(generateCluster(1, NOW))).toBe(JSON.stringify(generateCluster(1, NOW)));
    const server = await serve(generateCluster(1, NOW));
    const r = await scan(instance({ server: server.url, page_size: 25 }));
    expect(r.runs[0].status).toBe('ok');
    const failed = ALL_IDS.filter((id) => r.get(id).status === 'failed');
    expect(failed).toEqual([]);
    const unavailable = ALL_IDS.filter((id) => r.get(id).status === 'not_available').sort();
    expect(unavailable).toEqual(['kubernetes.keda.scaledobjects', 'kubernetes.mesh.resilience_policies', 'kubernetes.progressive_delivery.count', 'kubernetes.vpa.count']);
    expect(r.value('kubernetes.workloads.count')).toBeGreaterThanOrEqual(40);
    expect(r.value('kubernetes.nodes.zones')).toBe(3);
    const ratio = (id: KubernetesSignalId) => r.value(id) as number;
    for (const id of ['kubernetes.hpa.coverage_ratio', 'kubernetes.probes.readiness_ratio', 'kubernetes.pdb.coverage_ratio', 'kubernetes.resources.requests_ratio'] as const) {
      expect(ratio(id), id).toBeGreaterThan(0.5);
      expect(ratio(id), id).toBeLessThan(1);
    }
    expect(r.value('kubernetes.velero.offsite')).toBe(true);
    expect(r.value('kubernetes.chaos.node_level')).toBe(true);
    expect(ratio('kubernetes.databases.backup_configured_ratio')).toBeLessThan(1);
    expect(r.urls(/^\/apis\/apps\/v1\/deployments$/).length).toBeGreaterThan(1); // paged
  });
});

describe('kubernetes collector: the live inventory it publishes', () => {
  /** The shop cluster with owner labels on two workloads and a node named with its domain. */
  function labelled(): KubeCluster {
    const cluster = loadCluster();
    const items = (resource: string) => cluster.resources.find((r) => r.resource === resource)!.items as { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: { template?: { metadata?: { labels?: Record<string, string> } } } }[];
    const deployment = (name: string) => items('deployments').find((d) => d.metadata.name === name)!;
    deployment('frontend').metadata.labels = { ...deployment('frontend').metadata.labels, 'app.kubernetes.io/part-of': 'storefront', team: 'web' };
    const checkout = deployment('checkout').spec!.template!.metadata!;
    checkout.labels = { ...checkout.labels, team: 'payments' };
    const node = items('nodes').find((n) => n.metadata.name === 'node-a1')!;
    node.metadata.name = 'Node-A1.eu-west-1.compute.internal';
    node.metadata.labels = { ...node.metadata.labels, owner: 'platform' };
    return cluster;
  }

  it('publishes every workload in scope and every node, keyed as the core matches them', async () => {
    const server = await serve(labelled());
    const r = await scan(instance({ server: server.url }));
    expect(r.publications).toHaveLength(1);
    const p = r.publications[0];
    expect(p).toMatchObject({ kind: 'inventory', collector: 'kubernetes', instance: 'shop', status: 'published' });
    if (p.status !== 'published') return;
    const items = p.records as InventoryItem[];
    expect(items.every((i) => i.role === 'live')).toBe(true);
    const workloads = items.filter((i) => i.kind === 'workload').map((i) => i.key).sort();
    // kube-system is out of scope: its Deployments and DaemonSet are not the estate's.
    expect(workloads).toEqual(['legacy/api-old', 'legacy/billing-old', 'legacy/mysql', 'legacy/report', 'shop/checkout', 'shop/frontend', 'shop/log-agent', 'shop/queue-consumer', 'shop/redis-node', 'shop/worker']);
    expect(items.find((i) => i.key === 'shop/frontend')).toEqual({ role: 'live', kind: 'workload', key: 'shop/frontend', name: 'shop/frontend', owner: 'storefront' });
    expect(items.find((i) => i.key === 'shop/checkout')?.owner).toBe('payments'); // from the pod template
    expect(items.find((i) => i.key === 'shop/worker')).not.toHaveProperty('owner');
    const nodes = items.filter((i) => i.kind === 'node');
    expect(nodes.map((i) => i.key).sort()).toEqual(['node-a1', 'node-b1', 'node-c1', 'node-old']);
    expect(nodes.find((i) => i.key === 'node-a1')).toEqual({ role: 'live', kind: 'node', key: 'node-a1', name: 'Node-A1.eu-west-1.compute.internal', owner: 'platform' });
    const paths = p.evidence.map((e) => new URL(r.urlOf(e)).pathname);
    expect(paths).toEqual(expect.arrayContaining(['/apis/apps/v1/deployments', '/apis/apps/v1/statefulsets', '/apis/apps/v1/daemonsets', '/api/v1/nodes']));
  });

  it('publishes nothing when a workload list failed, so the cross signals fail instead of comparing a part', async () => {
    const server = await serve(undefined, (url) =>
      url.pathname === '/apis/apps/v1/statefulsets' ? { status: 500, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcd timeout', code: 500 } } : undefined);
    const r = await scan(instance({ server: server.url }));
    expect(r.runs[0].status).toBe('partial');
    expect(r.publications).toEqual([expect.objectContaining({ kind: 'inventory', collector: 'kubernetes', status: 'missing' })]);
  });
});

describe('kubernetes collector: SLO objects (Sloth, Pyrra)', () => {
  const SLO_IDS: KubernetesSignalId[] = ['kubernetes.slo.objectives_count', 'kubernetes.slo.services'];

  it('neither CRD served: not available, never 0, with the discovery requests as evidence', async () => {
    const server = await serve();
    const r = await scan(instance({ server: server.url }));
    for (const id of SLO_IDS) {
      expect(r.get(id).status, id).toBe('not_available');
      expect(r.get(id).value).toBeUndefined();
      expect(r.get(id).reason).toBe('neither Sloth (sloth.slok.dev/v1 PrometheusServiceLevel) nor Pyrra (pyrra.dev/v1alpha1 ServiceLevelObjective) is installed');
    }
    const paths = r.get('kubernetes.slo.objectives_count').evidence.map((e) => new URL(r.evidence.records.find((x) => x.id === e)!.url).pathname);
    expect(paths).toEqual(['/apis/sloth.slok.dev/v1', '/apis/pyrra.dev/v1alpha1']);
  });

  it('counts Sloth SLOs and Pyrra objects in scope, and the services they name', async () => {
    const server = await serve(loadCluster('shop', 'slo'));
    const r = await scan(instance({ server: server.url }));
    // Sloth: shop/checkout 2 + shop/frontend 1 + legacy/report 0 (kube-system/coredns out of scope); Pyrra: 3 objects
    expect(r.value('kubernetes.slo.objectives_count')).toBe(6);
    expect(r.detail('kubernetes.slo.objectives_count')).toBe('Sloth and Pyrra installed; Sloth: 3 SLOs, Pyrra: 3 SLOs');
    expect(r.get('kubernetes.slo.objectives_count').objects).toEqual({
      total: 6,
      sample: ['shop/checkout requests-availability 99.9%', 'shop/checkout requests-latency 99%', 'shop/frontend requests-availability 99.5%',
        'shop/checkout-payment-errors 99.5% over 4w', 'shop/frontend-errors 95% over 2w', 'legacy/billing-errors 99% over 4w'],
    });
    // report has no SLO; billing-errors names no service
    expect(r.value('kubernetes.slo.services')).toBe(2);
    expect(r.detail('kubernetes.slo.services')).toBe('checkout, frontend; 1 Pyrra object naming no service');
    // the rest of the cluster reads as without the SLO objects
    const without = await scan(instance({ server: (await serve()).url }));
    const others = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).filter(([id]) => !id.startsWith('kubernetes.slo.')));
    expect(others(r.values())).toEqual(others(without.values()));
  });

  it('only one tool installed: its SLOs alone, the other tool named as not installed nowhere in a value', async () => {
    const cluster = loadCluster('shop', 'slo');
    cluster.resources = cluster.resources.filter((x) => x.group !== 'pyrra.dev');
    const server = await serve(cluster);
    const r = await scan(instance({ server: server.url }));
    expect(r.value('kubernetes.slo.objectives_count')).toBe(3);
    expect(r.detail('kubernetes.slo.objectives_count')).toBe('Sloth installed; Sloth: 3 SLOs');
    expect(r.value('kubernetes.slo.services')).toBe(2);
  });

  it('pages the CRD lists like the others, with the same answer', async () => {
    const server = await serve(loadCluster('shop', 'slo'));
    const whole = await scan(instance({ server: server.url }));
    const paged = await scan(instance({ server: server.url, page_size: 2 }));
    expect(paged.values()).toEqual(whole.values());
    const pages = paged.urls(/^\/apis\/sloth\.slok\.dev\/v1\/prometheusservicelevels$/); // 4 objects: 2 + 2
    expect(pages).toHaveLength(2);
    expect(new URL(pages[1].url).searchParams.get('continue')).toBeTruthy();
    expect(paged.urls(/^\/apis\/pyrra\.dev\/v1alpha1\/servicelevelobjectives$/)).toHaveLength(2); // 3 objects: 2 + 1
    expect(paged.get('kubernetes.slo.objectives_count').evidence).toEqual(expect.arrayContaining(pages.map((e) => e.id)));
  });

  it('a 403 on the Pyrra list fails only the SLO signals (one tool\'s SLOs would pass for all)', async () => {
    const message = 'servicelevelobjectives.pyrra.dev is forbidden: User "system:serviceaccount:techops:techops" cannot list resource "servicelevelobjectives" in API group "pyrra.dev" at the cluster scope';
    const server = await serve(loadCluster('shop', 'slo'), (url) =>
      url.pathname === '/apis/pyrra.dev/v1alpha1/servicelevelobjectives'
        ? { status: 403, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details: { group: 'pyrra.dev', kind: 'servicelevelobjectives' }, code: 403 } }
        : undefined);
    const r = await scan(instance({ server: server.url }));
    for (const id of SLO_IDS) {
      expect(r.get(id).status, id).toBe('failed');
      expect(r.get(id).reason).toBe(`permission denied: list servicelevelobjectives.pyrra.dev (HTTP 403: ${message})`);
    }
    expect(r.runs[0].status).toBe('partial');
    const failed = ALL_IDS.filter((id) => r.get(id).status === 'failed');
    expect(failed).toEqual(SLO_IDS);
    expect(r.value('kubernetes.workloads.count')).toBe(9);
  });

  it('the demo cluster declares the SLOs the demo Prometheus has series for', async () => {
    const { generateServiceLevels } = await import('../../demo/systems/service-levels.js');
    const model = generateServiceLevels().slos;
    const server = await serve(generateCluster(1, NOW));
    const r = await scan(instance({ server: server.url }));
    expect(r.value('kubernetes.slo.objectives_count')).toBe(model.length);
    expect(r.value('kubernetes.slo.services')).toBe(new Set(model.map((s) => s.service)).size);
    expect(r.get('kubernetes.slo.objectives_count').objects?.sample).toContain('monitoring/accounts login-availability 99.9%');
  });

  it('a namespace scope reads each listed namespace\'s objects only', async () => {
    const server = await serve(loadCluster('shop', 'slo'));
    const r = await scan(instance({ server: server.url, namespaces: ['legacy'] }));
    expect(r.value('kubernetes.slo.objectives_count')).toBe(1); // report has none; billing-errors
    expect(r.value('kubernetes.slo.services')).toBe(0);
    expect(r.urls(/^\/apis\/pyrra\.dev\/v1alpha1\/namespaces\/legacy\/servicelevelobjectives$/)).toHaveLength(1);
  });
});

describe('kubernetes collector: what it loads', () => {
  // Run against the build (test/global-setup.ts compiles it), in a process of its own, with a
  // resolve hook that says which specifiers are asked for.
  const loads = (config: string): string[] => {
    const hook = `data:text/javascript,${encodeURIComponent('export async function resolve(s, c, next) { if (s === "@kubernetes/client-node") process.stdout.write("LOADED client-node\\n"); return next(s, c); }')}`;
    const script = `import { register } from 'node:module';
register(${JSON.stringify(hook)});
const { connect } = await import(${JSON.stringify(new URL('../../dist/collectors/kubernetes/connection.js', import.meta.url).href)});
try { await connect(${config}, { resolvePath: (p) => p, env: {}, home: '/nonexistent' }); } catch (err) { process.stdout.write('FAILED ' + err.message + '\\n'); }`;
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim().split('\n');
  };

  it('a server and a token never load @kubernetes/client-node (~70 MiB for the whole scan)', () => {
    expect(loads(`{ server: 'http://127.0.0.1:9', token: 't' }`)).toEqual(['']);
  });

  it('a kubeconfig does load it', () => {
    const out = loads(`{ kubeconfig: '/nonexistent/kubeconfig' }`);
    expect(out[0]).toBe('LOADED client-node');
    expect(out[1]).toMatch(/^FAILED cannot read kubeconfig \/nonexistent\/kubeconfig: no such file/);
  });
});
