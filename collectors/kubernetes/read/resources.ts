/**
 * Every API resource the collector reads, in one table: the collector lists exactly these, the
 * ClusterRole in deploy/kubernetes/rbac.yaml grants exactly these (a test holds the two together),
 * and the README lists them.
 */
export interface ApiResource {
  /** Name of the source in the collector. */
  key: string;
  /** API group; '' is the core group (/api/v1). */
  group: string;
  /** Versions to try, in order; built-in resources have one. */
  versions: readonly string[];
  /** The plural resource name of the URL. */
  resource: string;
  namespaced: boolean;
  /**
   * A built-in resource is listed directly; any other (a CRD) is first looked up in the discovery
   * document of its group/version (GET /apis/<group>/<version>), and is "not installed" when
   * that answers 404 or does not list it.
   */
  builtin: boolean;
  /** Listed in every namespace whatever the scope: the objects live in the tool's own namespace. */
  allNamespaces?: boolean;
}

const core = (key: string, resource: string, namespaced: boolean): ApiResource => ({ key, group: '', versions: ['v1'], resource, namespaced, builtin: true });
const builtin = (key: string, group: string, version: string, resource: string): ApiResource => ({ key, group, versions: [version], resource, namespaced: true, builtin: true });
const crd = (key: string, group: string, versions: string[], resource: string, namespaced = true, allNamespaces = false): ApiResource =>
  ({ key, group, versions, resource, namespaced, builtin: false, ...(allNamespaces ? { allNamespaces } : {}) });

/** Chaos Mesh fault kinds: source key → [resource, Kind]. */
export const CHAOS_MESH_KINDS = {
  podChaos: ['podchaos', 'PodChaos'],
  networkChaos: ['networkchaos', 'NetworkChaos'],
  stressChaos: ['stresschaos', 'StressChaos'],
  ioChaos: ['iochaos', 'IOChaos'],
  timeChaos: ['timechaos', 'TimeChaos'],
  kernelChaos: ['kernelchaos', 'KernelChaos'],
  dnsChaos: ['dnschaos', 'DNSChaos'],
  httpChaos: ['httpchaos', 'HTTPChaos'],
  physicalMachineChaos: ['physicalmachinechaos', 'PhysicalMachineChaos'],
} as const;
export type ChaosKey = keyof typeof CHAOS_MESH_KINDS;

export const RESOURCES = [
  core('nodes', 'nodes', false),
  core('namespaces', 'namespaces', false),
  core('services', 'services', true),
  core('resourcequotas', 'resourcequotas', true),
  builtin('deployments', 'apps', 'v1', 'deployments'),
  builtin('statefulsets', 'apps', 'v1', 'statefulsets'),
  builtin('daemonsets', 'apps', 'v1', 'daemonsets'),
  builtin('hpas', 'autoscaling', 'v2', 'horizontalpodautoscalers'),
  builtin('pdbs', 'policy', 'v1', 'poddisruptionbudgets'),
  builtin('ingresses', 'networking.k8s.io', 'v1', 'ingresses'),
  builtin('cronjobs', 'batch', 'v1', 'cronjobs'),
  crd('httproutes', 'gateway.networking.k8s.io', ['v1', 'v1beta1'], 'httproutes'),
  crd('grpcroutes', 'gateway.networking.k8s.io', ['v1', 'v1alpha2'], 'grpcroutes'),
  crd('scaledobjects', 'keda.sh', ['v1alpha1'], 'scaledobjects'),
  crd('nodepools', 'karpenter.sh', ['v1', 'v1beta1'], 'nodepools', false),
  crd('provisioners', 'karpenter.sh', ['v1alpha5'], 'provisioners', false),
  crd('vpas', 'autoscaling.k8s.io', ['v1'], 'verticalpodautoscalers'),
  crd('rollouts', 'argoproj.io', ['v1alpha1'], 'rollouts'),
  crd('canaries', 'flagger.app', ['v1beta1'], 'canaries'),
  crd('destinationrules', 'networking.istio.io', ['v1', 'v1beta1', 'v1alpha3'], 'destinationrules'),
  crd('virtualservices', 'networking.istio.io', ['v1', 'v1beta1', 'v1alpha3'], 'virtualservices'),
  crd('envoyfilters', 'networking.istio.io', ['v1alpha3'], 'envoyfilters'),
  crd('traefikMiddlewares', 'traefik.io', ['v1alpha1'], 'middlewares'),
  crd('cnpgClusters', 'postgresql.cnpg.io', ['v1'], 'clusters'),
  crd('cnpgBackups', 'postgresql.cnpg.io', ['v1'], 'backups'),
  crd('cnpgScheduledBackups', 'postgresql.cnpg.io', ['v1'], 'scheduledbackups'),
  crd('zalandoClusters', 'acid.zalan.do', ['v1'], 'postgresqls'),
  crd('redisFailovers', 'databases.spotahome.com', ['v1'], 'redisfailovers'),
  crd('opstreeRedis', 'redis.redis.opstreelabs.in', ['v1beta2', 'v1beta1'], 'redis'),
  crd('opstreeReplications', 'redis.redis.opstreelabs.in', ['v1beta2', 'v1beta1'], 'redisreplications'),
  crd('opstreeClusters', 'redis.redis.opstreelabs.in', ['v1beta2', 'v1beta1'], 'redisclusters'),
  crd('veleroSchedules', 'velero.io', ['v1'], 'schedules', true, true),
  crd('veleroBackups', 'velero.io', ['v1'], 'backups', true, true),
  crd('veleroLocations', 'velero.io', ['v1'], 'backupstoragelocations', true, true),
  ...Object.entries(CHAOS_MESH_KINDS).map(([key, [resource]]) => crd(key, 'chaos-mesh.org', ['v1alpha1'], resource)),
  crd('chaosSchedules', 'chaos-mesh.org', ['v1alpha1'], 'schedules'),
  crd('chaosWorkflows', 'chaos-mesh.org', ['v1alpha1'], 'workflows'),
  crd('litmusEngines', 'litmuschaos.io', ['v1alpha1'], 'chaosengines'),
  crd('litmusResults', 'litmuschaos.io', ['v1alpha1'], 'chaosresults'),
  crd('slothServiceLevels', 'sloth.slok.dev', ['v1'], 'prometheusservicelevels'),
  crd('pyrraObjectives', 'pyrra.dev', ['v1alpha1'], 'servicelevelobjectives'),
] as const satisfies readonly ApiResource[];

export const RESOURCE_BY_KEY: ReadonlyMap<string, ApiResource> = new Map(RESOURCES.map((r) => [r.key, r]));

/** Single objects read with GET (besides the lists): each listed namespace, and one ConfigMap. */
export const GETS = [
  { group: '', resource: 'namespaces', what: 'each namespace named in `namespaces` (when the scope lists them)' },
  { group: '', resource: 'configmaps', resourceNames: ['cluster-autoscaler-status'], namespace: 'kube-system', what: 'the status the cluster autoscaler writes (self-managed, GKE, AKS)' },
] as const;

/** Non-resource URLs: the version, and the discovery documents of CRD group/versions. */
export const NON_RESOURCE_URLS = ['/version', '/apis/*'] as const;

/** `deployments.apps`, `nodes`: how Kubernetes names a resource in its messages and RBAC. */
export function qualified(r: Pick<ApiResource, 'resource' | 'group'>): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export function apiPrefix(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}
