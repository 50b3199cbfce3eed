import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply } from '../http.js';
import { pick, seeded } from '../random.js';
import { generateServiceLevels } from './service-levels.js';

/**
 * A Kubernetes API server for the sample estate: /version, discovery (/api/v1, /apis,
 * /apis/<group>/<version>), and list and get of every resource the cluster holds, cluster-wide
 * and per namespace, paged with limit and continue tokens as kube-apiserver pages them. A group
 * or version the cluster does not have answers 404 with a Status, as a cluster without that CRD
 * does. Objects are stored as the API returns them; lists of built-in kinds carry no
 * apiVersion/kind on their items, lists of custom resources do.
 */

export type KubeObject = { metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

export interface ClusterResource {
  group: string;
  version: string;
  /** Plural, as in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
  items: KubeObject[];
}

export interface KubeCluster {
  version: { major: string; minor: string; gitVersion: string; gitCommit: string; gitTreeState: string; buildDate: string; goVersion: string; compiler: string; platform: string };
  resourceVersion: number;
  resources: ClusterResource[];
}

const BUILTIN_GROUPS = new Set(['', 'apps', 'autoscaling', 'policy', 'batch', 'networking.k8s.io']);

const status = (code: number, reason: string, message: string, details: Record<string, unknown> = {}) => ({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code,
});
const notFound = () => status(404, 'NotFound', 'the server could not find the requested resource');

export function kubernetesHandler(cluster: KubeCluster): (req: IncomingMessage, res: ServerResponse) => void {
  const gvs = new Map<string, ClusterResource[]>();
  for (const r of cluster.resources) {
    const gv = r.group ? `${r.group}/${r.version}` : r.version;
    gvs.set(gv, [...(gvs.get(gv) ?? []), r]);
  }

  const list = (res: ServerResponse, r: ClusterResource, ns: string | undefined, url: URL) => {
    const all = r.items.filter((o) => ns === undefined || o.metadata.namespace === ns);
    const limit = Number(url.searchParams.get('limit') ?? 0);
    const token = url.searchParams.get('continue');
    let start = 0;
    let rv = String(cluster.resourceVersion);
    if (token) {
      const decoded = decodeContinue(token);
      if (!decoded) return reply(res, 400, status(400, 'BadRequest', `continue key is not valid: illegal base64 data at input byte 0`));
      start = decoded.start;
      rv = String(decoded.rv);
    }
    const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
    const builtin = BUILTIN_GROUPS.has(r.group);
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    const items = all.slice(start, end).map((o) => (builtin ? o : { apiVersion, kind: r.kind, ...o }));
    const metadata: Record<string, unknown> = { resourceVersion: rv };
    if (end < all.length) {
      metadata.continue = encodeContinue(Number(rv), end);
      metadata.remainingItemCount = all.length - end;
    }
    return reply(res, 200, { kind: `${r.kind}List`, apiVersion, metadata, items });
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/version') return reply(res, 200, cluster.version);
    if (path === '/api') return reply(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:6443' }] });
    if (path === '/apis') {
      const groups = new Map<string, string[]>();
      for (const gv of gvs.keys()) {
        if (!gv.includes('/')) continue;
        const [g, v] = gv.split('/');
        groups.set(g, [...(groups.get(g) ?? []), v]);
      }
      return reply(res, 200, {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => ({
          name, versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })), preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        })),
      });
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(path);
    if (!m) return reply(res, 404, notFound());
    const gv = m[1] ?? `${m[2]}/${m[3]}`;
    const served = gvs.get(gv);
    if (!served) return reply(res, 404, notFound());
    const rest = m[4] ? m[4].split('/') : [];
    if (rest.length === 0) {
      return reply(res, 200, {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv,
        resources: served.map((r) => ({
          name: r.resource, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind,
          verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
        })),
      });
    }
    const find = (name: string) => served.find((r) => r.resource === name);
    const [a, b, c, d] = rest;
    if (rest.length === 1) {
      const r = find(a);
      return r ? list(res, r, undefined, url) : reply(res, 404, notFound());
    }
    if (a === 'namespaces' && rest.length === 2) {
      // GET one namespace
      const r = find('namespaces');
      const o = r?.items.find((x) => x.metadata.name === b);
      if (o) return reply(res, 200, { kind: 'Namespace', apiVersion: 'v1', ...o });
      return reply(res, 404, status(404, 'NotFound', `namespaces "${b}" not found`, { name: b, kind: 'namespaces' }));
    }
    if (a === 'namespaces' && rest.length === 3) {
      const r = find(c);
      return r && r.namespaced ? list(res, r, b, url) : reply(res, 404, notFound());
    }
    if (a === 'namespaces' && rest.length === 4) {
      const r = find(c);
      if (!r) return reply(res, 404, notFound());
      const o = r.items.find((x) => x.metadata.namespace === b && x.metadata.name === d);
      const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
      if (o) return reply(res, 200, { kind: r.kind, apiVersion, ...o });
      const what = r.group ? `${r.resource}.${r.group}` : r.resource;
      return reply(res, 404, status(404, 'NotFound', `${what} "${d}" not found`, { name: d, group: r.group || undefined, kind: r.resource }));
    }
    return reply(res, 404, notFound());
  };
}

/** kube-apiserver's continue token: base64 of {"v":"meta.k8s.io/v1","rv":…,"start":…}; here start is an offset. */
export function encodeContinue(rv: number, start: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: String(start) })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: number } | undefined {
  try {
    const j = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (j.v !== 'meta.k8s.io/v1' || typeof j.rv !== 'number' || !/^\d+$/.test(j.start ?? '')) return undefined;
    return { rv: j.rv, start: Number(j.start) };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The sample cluster

const APP_NAMESPACES = ['shop-web', 'shop-api', 'payments', 'orders', 'catalog', 'search', 'data', 'legacy'] as const;
const SERVICES = ['frontend', 'gateway', 'cart', 'checkout', 'pricing', 'inventory', 'recommend', 'notify', 'profile', 'reviews', 'shipping', 'auth'];

/**
 * The shop's production cluster: ~40×factor Deployments over 8 application namespaces, most
 * with HPAs, PDBs, probes and requests, the `legacy` namespace neglected; nodes in 3 zones of
 * one region; CloudNativePG clusters with backups; Velero schedules and backups to two
 * locations; a few Chaos Mesh experiments; the Sloth and Pyrra SLO objects of the shop's
 * services. No Argo Rollouts, Flagger, KEDA, Istio, Litmus, VPA
 * or Karpenter: those answer 404.
 */
export function generateCluster(factor: number, now: Date, seed = 1756): KubeCluster {
  const rand = seeded(seed);
  const f = Math.max(1, Math.round(factor));
  const t = now.getTime();
  const at = (secondsAgo: number) => new Date(t - secondsAgo * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const day = 86400;
  let rv = 4_200_000;
  const uid = () => {
    const h = () => Math.floor(rand() * 0x10000).toString(16).padStart(4, '0');
    return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
  };
  const meta = (name: string, namespace: string | undefined, age: number, extra: Record<string, unknown> = {}) => ({
    name, ...(namespace ? { namespace } : {}), uid: uid(), resourceVersion: String(rv++), generation: 1, creationTimestamp: at(age), ...extra,
  });

  const namespaces: KubeObject[] = [];
  const addNs = (name: string, labels: Record<string, string> = {}, annotations?: Record<string, string>) =>
    namespaces.push({
      metadata: { ...meta(name, undefined, 400 * day), labels: { 'kubernetes.io/metadata.name': name, ...labels }, ...(annotations ? { annotations } : {}) },
      spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' },
    });
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'velero', 'cnpg-system', 'chaos-mesh', 'monitoring']) addNs(ns);
  for (const ns of APP_NAMESPACES) addNs(ns, { team: ns.split('-')[0] }, ns === 'payments' || ns === 'orders' ? { 'linkerd.io/inject': 'enabled' } : undefined);

  // nodes: 6×f in three zones, one NotReady
  const region = 'cn-east-2';
  const zones = ['cn-east-2a', 'cn-east-2b', 'cn-east-2c'];
  const nodes: KubeObject[] = Array.from({ length: 6 * f }, (_, i) => {
    const zone = zones[i % 3];
    const name = `ip-10-20-${Math.floor(i / 200)}-${(i % 200) + 10}.${region}.compute.internal`;
    return {
      metadata: {
        ...meta(name, undefined, 30 * day - i * 600),
        labels: {
          'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': pick(rand, ['m6i.2xlarge', 'm6i.4xlarge']), 'topology.kubernetes.io/region': region, 'topology.kubernetes.io/zone': zone,
        },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      },
      spec: { providerID: `aws:///${zone}/i-0${uid().replace(/-/g, '').slice(0, 16)}` },
      status: {
        capacity: { cpu: '8', memory: '32386452Ki', pods: '58' },
        allocatable: { cpu: '7910m', memory: '31369620Ki', pods: '58' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: at(30), lastTransitionTime: at(20 * day), reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
          { type: 'DiskPressure', status: 'False', lastHeartbeatTime: at(30), lastTransitionTime: at(20 * day), reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
          { type: 'PIDPressure', status: 'False', lastHeartbeatTime: at(30), lastTransitionTime: at(20 * day), reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
          i === 5
            ? { type: 'Ready', status: 'Unknown', lastHeartbeatTime: at(3600), lastTransitionTime: at(3000), reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }
            : { type: 'Ready', status: 'True', lastHeartbeatTime: at(30), lastTransitionTime: at(20 * day), reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
        nodeInfo: { kubeletVersion: 'v1.29.6', containerRuntimeVersion: 'containerd://1.7.13', osImage: 'Amazon Linux 2', kernelVersion: '5.10.219-208.866.amzn2.x86_64', architecture: 'amd64', operatingSystem: 'linux' },
      },
    };
  });

  const deployments: KubeObject[] = [];
  const statefulsets: KubeObject[] = [];
  const daemonsets: KubeObject[] = [];
  const services: KubeObject[] = [{
    metadata: { ...meta('kubernetes', 'default', 400 * day), labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '172.20.0.1', clusterIPs: ['172.20.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }], type: 'ClusterIP', sessionAffinity: 'None' },
  }];
  const hpas: KubeObject[] = [];
  const pdbs: KubeObject[] = [];
  const ingresses: KubeObject[] = [];
  const quotas: KubeObject[] = [];
  const cronjobs: KubeObject[] = [];

  const container = (name: string, image: string, o: { probes: boolean; liveness?: boolean; requests: boolean; limits: boolean; port?: number }) => ({
    name, image, imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: o.port ?? 8080, protocol: 'TCP' }],
    resources: {
      ...(o.limits ? { limits: { cpu: '1', memory: '1Gi' } } : {}),
      ...(o.requests ? { requests: { cpu: '250m', memory: '512Mi' } } : {}),
    },
    ...(o.probes ? { readinessProbe: { httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 } } : {}),
    ...(o.probes && o.liveness !== false ? { livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 15, timeoutSeconds: 1, periodSeconds: 20, successThreshold: 1, failureThreshold: 3 } } : {}),
    terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
  });
  const podSpec = (containers: unknown[], app: string, spread: boolean) => ({
    containers, restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', securityContext: {}, schedulerName: 'default-scheduler',
    ...(spread ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': app } } }] } : {}),
  });
  const labelsOf = (app: string, instance = app) => ({ 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/part-of': 'shop' });

  const addDeployment = (ns: string, name: string, o: { replicas: number; image: string; probes: boolean; requests: boolean; limits: boolean; spread: boolean; maxUnavailable?: number | string; instance?: string; labels?: Record<string, string> }) => {
    const labels = { ...labelsOf(name, o.instance), ...o.labels };
    deployments.push({
      metadata: { ...meta(name, ns, 90 * day * rand() + day, { generation: 3 }), labels, annotations: { 'deployment.kubernetes.io/revision': String(1 + Math.floor(rand() * 40)) } },
      spec: {
        replicas: o.replicas, selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: { metadata: { labels, ...(ns === 'payments' || ns === 'orders' ? { annotations: { 'linkerd.io/inject': 'enabled' } } : {}) }, spec: podSpec([container(name, o.image, o)], name, o.spread) },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: o.maxUnavailable ?? '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
      },
      status: { observedGeneration: 3, replicas: o.replicas, updatedReplicas: o.replicas, readyReplicas: o.replicas, availableReplicas: o.replicas, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: at(day), lastTransitionTime: at(day) }] },
    });
    services.push({
      metadata: { ...meta(name, ns, 90 * day), labels },
      spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], type: 'ClusterIP', clusterIP: `172.20.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}`, sessionAffinity: 'None' },
    });
  };

  let hpaIndex = 0;
  for (const ns of APP_NAMESPACES) {
    const neglected = ns === 'legacy';
    for (let i = 0; i < 5 * f; i++) {
      const name = `${SERVICES[(APP_NAMESPACES.indexOf(ns) * 5 + i) % SERVICES.length]}${i >= SERVICES.length ? `-${i}` : ''}`;
      const healthy = !neglected && rand() < 0.9;
      const replicas = neglected ? 1 : healthy ? 2 + Math.floor(rand() * 3) : 1;
      const image = `registry.shop.example.invalid/${ns}/${name}:1.${Math.floor(rand() * 30)}.${Math.floor(rand() * 10)}`;
      addDeployment(ns, name, {
        replicas, image, probes: !neglected && rand() < 0.9, requests: !neglected && rand() < 0.85, limits: !neglected && rand() < 0.6,
        spread: healthy && rand() < 0.7, maxUnavailable: healthy && rand() < 0.5 ? 0 : '25%',
      });
      if (healthy && rand() < 0.95) {
        const custom = rand() < 0.25;
        hpas.push({
          metadata: meta(name, ns, 60 * day),
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: replicas, maxReplicas: replicas * 4,
            metrics: [
              { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
              ...(custom ? [{ type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } }] : []),
            ],
            behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } },
          },
          status: { currentReplicas: replicas, desiredReplicas: replicas, lastScaleTime: at(3600 * (1 + hpaIndex++ % 48)) },
        });
      }
      if (healthy && replicas > 1 && rand() < 0.8) {
        pdbs.push({ metadata: meta(name, ns, 60 * day), spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } } }, status: { currentHealthy: replicas, desiredHealthy: replicas - 1, disruptionsAllowed: 1, expectedPods: replicas } });
      }
    }
    if (!['legacy', 'data'].includes(ns)) quotas.push({ metadata: meta('compute', ns, 200 * day), spec: { hard: { 'requests.cpu': '40', 'requests.memory': '80Gi', 'limits.cpu': '80', 'limits.memory': '160Gi' } } });
  }
  for (const [ns, host] of [['shop-web', 'www'], ['shop-api', 'api'], ['payments', 'pay'], ['catalog', 'catalog'], ['search', 'search'], ['legacy', 'old']] as const) {
    ingresses.push({ metadata: meta(host, ns, 120 * day, { annotations: { 'nginx.ingress.kubernetes.io/limit-rps': '50' } }), spec: { ingressClassName: 'nginx', rules: [{ host: `${host}.shop.example.invalid`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: SERVICES[0], port: { number: 80 } } } }] } }] } });
  }
  // Infrastructure: the operators' controllers, the cluster autoscaler, monitoring agents.
  addDeployment('velero', 'velero', { replicas: 1, image: 'velero/velero:v1.13.2', probes: false, requests: true, limits: true, spread: false });
  addDeployment('cnpg-system', 'cnpg-controller-manager', { replicas: 1, image: 'ghcr.io/cloudnative-pg/cloudnative-pg:1.23.2', probes: true, requests: true, limits: true, spread: false });
  addDeployment('chaos-mesh', 'chaos-controller-manager', { replicas: 3, image: 'ghcr.io/chaos-mesh/chaos-mesh:v2.6.3', probes: true, requests: true, limits: false, spread: false });
  addDeployment('kube-system', 'cluster-autoscaler', { replicas: 1, image: 'registry.k8s.io/autoscaling/cluster-autoscaler:v1.29.2', probes: true, requests: true, limits: true, spread: false, labels: { 'app.kubernetes.io/name': 'aws-cluster-autoscaler' } });
  addDeployment('kube-system', 'coredns', { replicas: 2, image: 'registry.k8s.io/coredns/coredns:v1.11.1', probes: true, requests: true, limits: false, spread: false });
  addDeployment('search', 'memcached', { replicas: 2, image: 'docker.io/library/memcached:1.6.26', probes: true, requests: true, limits: true, spread: true });
  for (const [ns, name, image, privileged] of [['kube-system', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.29.6', true], ['monitoring', 'node-exporter', 'quay.io/prometheus/node-exporter:v1.8.1', false], ['monitoring', 'fluent-bit', 'cr.fluentbit.io/fluent/fluent-bit:3.0.7', false]] as const) {
    const labels = labelsOf(name);
    daemonsets.push({
      metadata: { ...meta(name, ns, 200 * day), labels },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: { metadata: { labels }, spec: podSpec([container(name, image, { probes: name !== 'fluent-bit' && !privileged, requests: true, limits: name !== 'fluent-bit', port: 9100 })], name, false) },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      },
      status: { currentNumberScheduled: nodes.length, desiredNumberScheduled: nodes.length, numberReady: nodes.length - 1, numberAvailable: nodes.length - 1 },
    });
  }
  const addStatefulSet = (ns: string, name: string, replicas: number, containers: unknown[], instance = name) => {
    const labels = labelsOf(name, instance);
    statefulsets.push({
      metadata: { ...meta(name, ns, 300 * day), labels },
      spec: {
        replicas, serviceName: `${name}-headless`, podManagementPolicy: 'OrderedReady', selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: { metadata: { labels }, spec: podSpec(containers, name, replicas > 1) },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } }],
      },
      status: { observedGeneration: 1, replicas, readyReplicas: replicas, currentReplicas: replicas, updatedReplicas: replicas },
    });
  };
  addStatefulSet('catalog', 'redis-node', 3, [container('redis', 'docker.io/bitnami/redis:7.2.5', { probes: true, requests: true, limits: true, port: 6379 }), container('sentinel', 'docker.io/bitnami/redis-sentinel:7.2.5', { probes: true, requests: true, limits: true, port: 26379 })], 'redis');
  addStatefulSet('orders', 'rabbitmq', 3, [container('rabbitmq', 'docker.io/bitnami/rabbitmq:3.13.3', { probes: true, requests: true, limits: true, port: 5672 })]);
  addStatefulSet('legacy', 'mysql', 1, [container('mysql', 'docker.io/library/mysql:5.7.44', { probes: false, requests: false, limits: false, port: 3306 })]);
  addStatefulSet('legacy', 'redis', 1, [container('redis', 'docker.io/library/redis:6.2', { probes: false, requests: false, limits: false, port: 6379 })]);
  for (const r of statefulsets) {
    const name = r.metadata.name;
    services.push({ metadata: meta(`${name}-headless`, r.metadata.namespace, 300 * day), spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'tcp', port: 6379, protocol: 'TCP', targetPort: 6379 }], type: 'ClusterIP' } });
  }
  cronjobs.push({
    metadata: meta('report-export', 'legacy', 300 * day),
    spec: { schedule: '0 3 * * *', suspend: false, concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'export', image: 'registry.shop.example.invalid/legacy/report:2.1', args: ['--since', '24h'] }] } } } } },
  });

  // CloudNativePG: four clusters; analytics has a single instance and no backup.
  const cnpgClusters: KubeObject[] = [];
  const cnpgBackups: KubeObject[] = [];
  const cnpgScheduled: KubeObject[] = [];
  const pgClusters = [
    { ns: 'orders', name: 'orders-db', instances: 3, sync: 1, backup: true, scheduled: true },
    { ns: 'payments', name: 'payments-db', instances: 3, sync: 1, backup: true, scheduled: true },
    { ns: 'catalog', name: 'catalog-db', instances: 2, sync: 0, backup: true, scheduled: true },
    { ns: 'data', name: 'analytics-db', instances: 1, sync: 0, backup: false, scheduled: false },
    ...Array.from({ length: f - 1 }, (_, i) => ({ ns: 'data', name: `warehouse-${i}-db`, instances: 2, sync: 0, backup: true, scheduled: true })),
  ];
  for (const c of pgClusters) {
    const lastBackup = c.backup ? 3600 * (6 + Math.floor(rand() * 14)) : undefined;
    cnpgClusters.push({
      metadata: meta(c.name, c.ns, 200 * day),
      spec: {
        instances: c.instances, imageName: 'ghcr.io/cloudnative-pg/postgresql:16.3', primaryUpdateStrategy: 'unsupervised',
        ...(c.sync ? { minSyncReplicas: c.sync, maxSyncReplicas: c.instances - 1 } : {}),
        storage: { size: '100Gi' },
        ...(c.backup ? { backup: { retentionPolicy: '30d', barmanObjectStore: { destinationPath: `s3://shop-pg-backups/${c.name}`, s3Credentials: { accessKeyId: { name: 'pg-backup-s3', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 'pg-backup-s3', key: 'ACCESS_SECRET_KEY' } }, wal: { compression: 'gzip' } } } } : {}),
      },
      status: {
        instances: c.instances, readyInstances: c.instances, phase: 'Cluster in healthy state', currentPrimary: `${c.name}-1`,
        ...(lastBackup !== undefined ? { lastSuccessfulBackup: at(lastBackup), firstRecoverabilityPoint: at(30 * day) } : {}),
      },
    });
    if (c.scheduled) {
      cnpgScheduled.push({ metadata: meta(`${c.name}-daily`, c.ns, 200 * day), spec: { schedule: '0 0 2 * * *', backupOwnerReference: 'self', cluster: { name: c.name }, immediate: true } });
      for (let d = 0; d < 3; d++) {
        const started = (lastBackup ?? 0) + d * day + 1800;
        const failed = d === 1 && c.name === 'catalog-db';
        cnpgBackups.push({
          metadata: meta(`${c.name}-daily-${d}`, c.ns, started),
          spec: { cluster: { name: c.name }, method: 'barmanObjectStore' },
          status: { phase: failed ? 'failed' : 'completed', startedAt: at(started), ...(failed ? { error: 'exit status 4' } : { stoppedAt: at(started - 1800) }), method: 'barmanObjectStore' },
        });
      }
    }
  }

  // Velero: two schedules (the legacy and data namespaces are not covered), a month of backups, two locations.
  const veleroSchedules: KubeObject[] = [
    { metadata: meta('daily-apps', 'velero', 180 * day), spec: { schedule: '0 1 * * *', template: { includedNamespaces: ['shop-web', 'shop-api', 'payments', 'orders', 'catalog', 'search'], snapshotVolumes: true, ttl: '720h0m0s', storageLocation: 'default' } }, status: { phase: 'Enabled', lastBackup: at(23 * 3600) } },
    { metadata: meta('hourly-payments', 'velero', 90 * day), spec: { schedule: '@every 1h', template: { includedNamespaces: ['payments'], ttl: '72h0m0s', storageLocation: 'secondary' } }, status: { phase: 'Enabled', lastBackup: at(1800) } },
  ];
  const veleroBackups: KubeObject[] = [];
  for (let d = 0; d < 30; d++) {
    const started = 23 * 3600 + d * day;
    const phase = d === 4 || d === 17 ? 'PartiallyFailed' : d === 9 ? 'Failed' : 'Completed';
    veleroBackups.push({
      metadata: meta(`daily-apps-${d}`, 'velero', started, { labels: { 'velero.io/schedule-name': 'daily-apps', 'velero.io/storage-location': 'default' } }),
      spec: { includedNamespaces: ['shop-web', 'shop-api', 'payments', 'orders', 'catalog', 'search'], storageLocation: 'default', ttl: '720h0m0s' },
      status: { phase, startTimestamp: at(started), ...(phase === 'Failed' ? {} : { completionTimestamp: at(started - 900) }), expiration: at(started - 30 * day), version: 1, ...(phase !== 'Completed' ? { errors: 2 } : {}) },
    });
  }
  for (let h = 0; h < 72; h++) {
    const started = 1800 + h * 3600;
    veleroBackups.push({
      metadata: meta(`hourly-payments-${h}`, 'velero', started, { labels: { 'velero.io/schedule-name': 'hourly-payments', 'velero.io/storage-location': 'secondary' } }),
      spec: { includedNamespaces: ['payments'], storageLocation: 'secondary', ttl: '72h0m0s' },
      status: { phase: 'Completed', startTimestamp: at(started), completionTimestamp: at(started - 120), expiration: at(started - 3 * day), version: 1 },
    });
  }
  const veleroLocations: KubeObject[] = [
    { metadata: meta('default', 'velero', 400 * day), spec: { provider: 'aws', objectStorage: { bucket: 'shop-velero' }, config: { region } , default: true }, status: { phase: 'Available', lastValidationTime: at(60) } },
    { metadata: meta('secondary', 'velero', 300 * day), spec: { provider: 'aws', objectStorage: { bucket: 'shop-velero-dr' }, config: { region: 'cn-north-1' } }, status: { phase: 'Available', lastValidationTime: at(60) } },
  ];

  // Chaos Mesh: pod and network faults, a weekly stress test (node level) run by a Schedule.
  const chaosMeta = (name: string, ns: string, age: number, owner?: string) => meta(name, ns, age, owner ? { ownerReferences: [{ apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'Schedule', name: owner, uid: uid(), controller: true, blockOwnerDeletion: true }] } : {});
  const selector = (ns: string, app: string) => ({ namespaces: [ns], labelSelectors: { 'app.kubernetes.io/name': app } });
  const podChaos: KubeObject[] = [
    { metadata: chaosMeta('kill-checkout', 'orders', 6 * day), spec: { action: 'pod-kill', mode: 'one', selector: selector('orders', 'checkout') }, status: { conditions: [{ type: 'AllInjected', status: 'True' }] } },
    { metadata: chaosMeta('kill-cart', 'shop-api', 40 * day), spec: { action: 'pod-kill', mode: 'one', selector: selector('shop-api', 'cart') } },
    { metadata: chaosMeta('failure-pricing', 'catalog', 75 * day), spec: { action: 'pod-failure', mode: 'fixed-percent', value: '50', duration: '5m', selector: selector('catalog', 'pricing') } },
  ];
  const networkChaos: KubeObject[] = [
    { metadata: chaosMeta('delay-payments', 'payments', 12 * day), spec: { action: 'delay', mode: 'all', selector: selector('payments', 'checkout'), delay: { latency: '200ms', jitter: '50ms' }, duration: '10m' } },
    { metadata: chaosMeta('partition-search', 'search', 50 * day), spec: { action: 'partition', mode: 'all', selector: selector('search', 'recommend'), direction: 'to', duration: '5m' } },
  ];
  const stressChaos: KubeObject[] = [
    { metadata: chaosMeta('weekly-cpu-stress-28xk2', 'shop-web', 5 * day, 'weekly-cpu-stress'), spec: { mode: 'one', selector: selector('shop-web', 'frontend'), stressors: { cpu: { workers: 2, load: 80 } }, duration: '15m' } },
  ];
  const chaosSchedules: KubeObject[] = [
    { metadata: chaosMeta('weekly-cpu-stress', 'shop-web', 120 * day), spec: { schedule: '0 10 * * 2', type: 'StressChaos', historyLimit: 1, concurrencyPolicy: 'Forbid', stressChaos: { mode: 'one', selector: selector('shop-web', 'frontend'), stressors: { cpu: { workers: 2, load: 80 } }, duration: '15m' } }, status: { lastScheduleTime: at(5 * day) } },
  ];
  const cm = (resource: string, kind: string, items: KubeObject[] = []): ClusterResource => ({ group: 'chaos-mesh.org', version: 'v1alpha1', resource, kind, namespaced: true, items });

  // The SLO objects behind the series the demo's Prometheus serves (service-levels.ts): Sloth
  // PrometheusServiceLevels (one per service) and Pyrra ServiceLevelObjectives, in `monitoring`.
  // Made last, so the rest of the cluster stays what the seed made it.
  const slos = generateServiceLevels().slos;
  const slothServiceLevels: KubeObject[] = [...new Set(slos.filter((s) => s.tool === 'sloth').map((s) => s.service))].map((service) => ({
    metadata: { ...meta(service, 'monitoring', 200 * day), labels: { 'app.kubernetes.io/part-of': 'shop' } },
    spec: {
      service, labels: { owner: 'shop-team' },
      slos: slos.filter((s) => s.tool === 'sloth' && s.service === service).map((s) => ({
        name: s.name, objective: Math.round(s.objective * 100_000) / 1000, ...(s.journey ? { labels: { journey: s.journey } } : {}),
        sli: { events: { errorQuery: `sum(rate(http_requests_total{service="${service}",code=~"5.."}[{{.window}}]))`, totalQuery: `sum(rate(http_requests_total{service="${service}"}[{{.window}}]))` } },
        alerting: { name: `${service}-${s.name}-burn`, pageAlert: { labels: { severity: 'critical' } }, ticketAlert: { disable: true } },
      })),
    },
    status: { observedGeneration: 1, promOpRulesGenerated: true },
  }));
  const pyrraObjectives: KubeObject[] = slos.filter((s) => s.tool === 'pyrra').map((s) => ({
    metadata: { ...meta(s.name, 'monitoring', 150 * day), labels: { prometheus: 'k8s', role: 'alert-rules', 'pyrra.dev/service': s.service, ...(s.journey ? { 'pyrra.dev/journey': s.journey } : {}) } },
    spec: {
      target: String(Math.round(s.objective * 100_000) / 1000), window: `${s.periodDays}d`,
      indicator: { ratio: { errors: { metric: `http_requests_total{service="${s.service}",code=~"5.."}` }, total: { metric: `http_requests_total{service="${s.service}"}` } } },
    },
    status: {},
  }));

  return {
    version: { major: '1', minor: '29', gitVersion: 'v1.29.6-eks-db838b0', gitCommit: '3a2e6f0ab9a5bd3e0bd8abf6283f4d8e1b2d6b5b', gitTreeState: 'clean', buildDate: '2024-06-11T21:32:36Z', goVersion: 'go1.21.11', compiler: 'gc', platform: 'linux/amd64' },
    resourceVersion: rv,
    resources: [
      { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, items: namespaces },
      { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, items: nodes },
      { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, items: services },
      { group: '', version: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true, items: quotas },
      { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, items: [{ metadata: meta('cluster-autoscaler-status', 'kube-system', 60), data: { status: 'Cluster-autoscaler status at 2024-06-20 10:00:00: Cluster-wide: Health: Healthy (ready=5 unready=1)' } }] },
      { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, items: deployments },
      { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true, items: statefulsets },
      { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true, items: daemonsets },
      { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, items: hpas },
      { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true, items: pdbs },
      { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', kind: 'Ingress', namespaced: true, items: ingresses },
      { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true, items: cronjobs },
      { group: 'postgresql.cnpg.io', version: 'v1', resource: 'clusters', kind: 'Cluster', namespaced: true, items: cnpgClusters },
      { group: 'postgresql.cnpg.io', version: 'v1', resource: 'backups', kind: 'Backup', namespaced: true, items: cnpgBackups },
      { group: 'postgresql.cnpg.io', version: 'v1', resource: 'scheduledbackups', kind: 'ScheduledBackup', namespaced: true, items: cnpgScheduled },
      { group: 'postgresql.cnpg.io', version: 'v1', resource: 'poolers', kind: 'Pooler', namespaced: true, items: [] },
      { group: 'velero.io', version: 'v1', resource: 'schedules', kind: 'Schedule', namespaced: true, items: veleroSchedules },
      { group: 'velero.io', version: 'v1', resource: 'backups', kind: 'Backup', namespaced: true, items: veleroBackups },
      { group: 'velero.io', version: 'v1', resource: 'backupstoragelocations', kind: 'BackupStorageLocation', namespaced: true, items: veleroLocations },
      { group: 'velero.io', version: 'v1', resource: 'restores', kind: 'Restore', namespaced: true, items: [] },
      cm('podchaos', 'PodChaos', podChaos),
      cm('networkchaos', 'NetworkChaos', networkChaos),
      cm('stresschaos', 'StressChaos', stressChaos),
      cm('iochaos', 'IOChaos'),
      cm('timechaos', 'TimeChaos'),
      cm('kernelchaos', 'KernelChaos'),
      cm('dnschaos', 'DNSChaos'),
      cm('httpchaos', 'HTTPChaos'),
      cm('physicalmachinechaos', 'PhysicalMachineChaos'),
      cm('schedules', 'Schedule', chaosSchedules),
      cm('workflows', 'Workflow'),
      { group: 'sloth.slok.dev', version: 'v1', resource: 'prometheusservicelevels', kind: 'PrometheusServiceLevel', namespaced: true, items: slothServiceLevels },
      { group: 'pyrra.dev', version: 'v1alpha1', resource: 'servicelevelobjectives', kind: 'ServiceLevelObjective', namespaced: true, items: pyrraObjectives },
    ],
  };
}
