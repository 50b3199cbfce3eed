import * as kit from '../../src/collector/kit.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

/** The kit's declarations, keeping each id as a literal type so measures can name only declared ids. */
const typed = <A extends unknown[]>(declare: (id: string, ...rest: A) => SignalDeclaration) =>
  <I extends string>(id: I, ...rest: A) => declare(id, ...rest) as SignalDeclaration & { id: I };
const count = typed(kit.count);
const ratio = typed(kit.ratio);
const flag = typed(kit.flag);
const seconds = typed(kit.seconds);

/**
 * "Workloads" are the Deployments and StatefulSets in scope; probes and resources also count
 * DaemonSets. Every ratio is not available when its denominator is empty, never 0.
 */
export const KUBERNETES_SIGNALS = [
  // Elasticity (9.1.1)
  flag('kubernetes.api.reachable', 'GET /version answered with the API server version, with these credentials'),
  count('kubernetes.workloads.count', 'Deployments plus StatefulSets in the namespaces in scope'),
  count('kubernetes.hpa.count', 'HorizontalPodAutoscalers (autoscaling/v2) in scope'),
  ratio('kubernetes.hpa.coverage_ratio', 'Workloads targeted by an HPA scaleTargetRef or a KEDA ScaledObject / workloads'),
  count('kubernetes.hpa.custom_metrics_count', 'HPAs with at least one Pods, Object, External or ContainerResource metric (beyond plain CPU/memory utilisation)'),
  count('kubernetes.keda.scaledobjects', 'KEDA ScaledObjects (keda.sh/v1alpha1) in scope; not available without the KEDA CRD'),
  flag('kubernetes.cluster_autoscaler.present', 'Nodes scale automatically: a cluster-autoscaler Deployment, the cluster-autoscaler-status ConfigMap in kube-system (self-managed, GKE, AKS), Karpenter NodePools/Provisioners, Karpenter-provisioned nodes, or nodes annotated for the cluster autoscaler'),
  ratio('kubernetes.rollout.rollback_ready_ratio', 'Deployments that keep an earlier ReplicaSet revision to roll back to (spec.revisionHistoryLimit unset, default 10, or at least 1) / Deployments'),
  ratio('kubernetes.rollout.capacity_kept_ratio', 'Deployments with a RollingUpdate strategy whose maxUnavailable resolves to 0 for their replica count (no capacity lost during a rollout) / Deployments'),
  count('kubernetes.progressive_delivery.count', 'Argo Rollouts with a canary or blueGreen strategy plus Flagger Canaries in scope; not available when neither CRD is installed'),
  count('kubernetes.services.count', 'Services in scope (the API server\'s own default/kubernetes Service left out)'),
  count('kubernetes.ingress.count', 'Ingresses (networking.k8s.io/v1) plus Gateway API HTTPRoutes and GRPCRoutes, where installed, in scope'),
  flag('kubernetes.service_mesh.present', 'Istio or Linkerd is installed and used: a namespace in scope labelled for sidecar or ambient injection (istio-injection=enabled, istio.io/rev, istio.io/dataplane-mode=ambient) or annotated linkerd.io/inject=enabled, a pod template asking for injection, or Istio VirtualServices'),
  // Resilience (9.1.2)
  ratio('kubernetes.replicas.multi_ratio', 'Workloads with spec.replicas > 1, or whose HPA minReplicas or KEDA minReplicaCount is > 1 / workloads'),
  ratio('kubernetes.probes.readiness_ratio', 'Deployments, StatefulSets and DaemonSets whose every container has a readinessProbe / those workloads'),
  ratio('kubernetes.probes.liveness_ratio', 'Deployments, StatefulSets and DaemonSets whose every container has a livenessProbe / those workloads'),
  ratio('kubernetes.pdb.coverage_ratio', 'Multi-replica workloads whose pod template labels a PodDisruptionBudget of their namespace selects / multi-replica workloads'),
  ratio('kubernetes.spread.ratio', 'Multi-replica workloads with topologySpreadConstraints or podAntiAffinity / multi-replica workloads'),
  ratio('kubernetes.spread.zone_ratio', 'Multi-replica workloads whose topologySpreadConstraints or podAntiAffinity use a zone or region topology key (topology.kubernetes.io/zone|region or the deprecated failure-domain labels) / multi-replica workloads; hostname spreading does not count'),
  count('kubernetes.nodes.count', 'Nodes of the cluster (Ready or not)'),
  count('kubernetes.nodes.zones', 'Distinct zones of the Ready nodes (topology.kubernetes.io/zone, else failure-domain.beta.kubernetes.io/zone); not available when no node carries a zone label', 'max'),
  count('kubernetes.nodes.regions', 'Distinct regions of the Ready nodes (topology.kubernetes.io/region, else failure-domain.beta.kubernetes.io/region); not available when no node carries a region label', 'max'),
  count('kubernetes.mesh.resilience_policies', 'Istio DestinationRules with outlierDetection or connectionPool, VirtualServices with retries or a timeout, and EnvoyFilters adding local rate limiting, in scope; not available without the Istio CRDs'),
  count('kubernetes.loadbalancing.policies', 'Traffic balanced by a chosen algorithm or split by weight: Istio DestinationRules with a loadBalancer, VirtualService routes and Gateway API HTTPRoute rules splitting over two or more weighted destinations, Ingresses with ingress-nginx load-balance, upstream-hash-by or canary-weight annotations; load balancers outside the cluster are not visible'),
  count('kubernetes.ratelimit.policies', 'Rate limits declared in the cluster: Istio EnvoyFilters adding local rate limiting, Ingresses with ingress-nginx or HAProxy rate-limit annotations (limit-rps, limit-rpm, limit-connections, rate-limit-requests), Traefik Middlewares with rateLimit; limits inside applications or in gateways outside the cluster are not visible'),
  // Data high availability (9.2.1, 9.2.2)
  count('kubernetes.databases.count', 'Database clusters in scope: CloudNativePG Clusters, Zalando postgresqls, and StatefulSets running a database image (postgres, mysql, mariadb, mongo, …) that no counted operator owns, grouped by app.kubernetes.io/instance; none found is not available (managed databases outside the cluster are not visible) unless the config says inventory_complete'),
  ratio('kubernetes.databases.replicated_ratio', 'Database clusters with more than one instance / database clusters'),
  ratio('kubernetes.databases.sync_ratio', 'Replicated database clusters that replicate synchronously (CloudNativePG minSyncReplicas >= 1 or postgresql.synchronous, Zalando patroni.synchronous_mode) / replicated database clusters; not available when a replicated StatefulSet database (mode not visible in the API) is among them'),
  flag('kubernetes.databases.sync_replication', 'Some database cluster replicates synchronously (CloudNativePG minSyncReplicas >= 1 or postgresql.synchronous, Zalando patroni.synchronous_mode)'),
  ratio('kubernetes.databases.backup_configured_ratio', 'Database clusters with a backup configured (CloudNativePG spec.backup, a ScheduledBackup or the barman-cloud plugin; Zalando logical backup or WAL-G/WAL-E env; a Velero Schedule covering the namespace; a backup CronJob in the namespace) / database clusters'),
  seconds('kubernetes.databases.last_backup_age_seconds', 'Oldest, over the CloudNativePG clusters with backups configured, of the time since each one\'s latest successful backup (since its creation when it never had one)'),
  count('kubernetes.caches.count', 'Caches in scope: Redis, Valkey, KeyDB, Dragonfly and Memcached StatefulSets/Deployments (grouped by app.kubernetes.io/instance) and Redis operator resources (Spotahome RedisFailover, OpsTree Redis, RedisReplication, RedisCluster); none found is not available (a managed cache outside the cluster is not visible) unless the config says inventory_complete'),
  ratio('kubernetes.caches.replicated_ratio', 'Caches with more than one instance or Sentinel failover / caches'),
  // Continuity (10.1.1, 10.2.1, 10.3.2)
  count('kubernetes.velero.schedules', 'Velero Schedules that are not paused; not available without the Velero CRDs'),
  seconds('kubernetes.velero.last_backup_age_seconds', 'Time since the newest completionTimestamp of a Velero Backup in phase Completed (a lower bound since the first Schedule or Backup was created, when none completed)'),
  ratio('kubernetes.velero.failed_ratio', 'Velero Backups started within the window that ended Failed, PartiallyFailed or FailedValidation / those that ended at all', 'max'),
  count('kubernetes.velero.locations', 'Velero BackupStorageLocations', 'max'),
  flag('kubernetes.velero.offsite', 'Backups leave the cluster\'s region: more than one BackupStorageLocation, or one whose config.region differs from every node region (an in-cluster s3Url is not offsite)'),
  count('kubernetes.chaos.experiments', 'Chaos experiment definitions in scope: Chaos Mesh faults (not those a Schedule or Workflow spawned), Schedules and Workflows, and Litmus ChaosEngines; not available when neither is installed'),
  count('kubernetes.chaos.runs_window', 'Chaos runs within the window: Chaos Mesh fault objects created in it (Schedule and Workflow runs included) and Litmus ChaosResults created in it'),
  seconds('kubernetes.chaos.last_run_age_seconds', 'Time since the most recent chaos run (a Chaos Mesh fault created, a Schedule fired, a Workflow or Litmus ChaosEngine/ChaosResult created)', 'min'),
  flag('kubernetes.chaos.node_level', 'Chaos reaches the node and OS: StressChaos, IOChaos, TimeChaos, KernelChaos or PhysicalMachineChaos (directly, scheduled or in a Workflow), or a Litmus node-* / service-kill experiment'),
  // Capacity (8.1)
  ratio('kubernetes.resources.requests_ratio', 'Containers of Deployments, StatefulSets and DaemonSets with both cpu and memory requests / those containers'),
  ratio('kubernetes.resources.limits_ratio', 'Containers of Deployments, StatefulSets and DaemonSets with both cpu and memory limits / those containers'),
  ratio('kubernetes.quotas.namespace_ratio', 'Namespaces in scope with at least one ResourceQuota / namespaces in scope'),
  count('kubernetes.vpa.count', 'VerticalPodAutoscalers (autoscaling.k8s.io/v1) in scope; not available without the VPA CRD'),
  // Service levels (11.x, 10.1.1)
  count('kubernetes.slo.objectives_count', 'SLOs declared in scope: each entry of spec.slos of a Sloth PrometheusServiceLevel (sloth.slok.dev/v1) plus each Pyrra ServiceLevelObjective (pyrra.dev/v1alpha1); not available when neither CRD is installed'),
  count('kubernetes.slo.services', 'Distinct services with at least one SLO declared in scope: spec.service of Sloth PrometheusServiceLevels with SLOs, the pyrra.dev/service (else service) label of Pyrra ServiceLevelObjectives; over several clusters the largest (one service may have SLOs in each); not available when neither CRD is installed', 'max'),
] as const satisfies readonly SignalDeclaration[];

export type KubernetesSignalId = (typeof KUBERNETES_SIGNALS)[number]['id'];
