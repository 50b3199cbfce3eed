import { z } from 'zod';

/**
 * Kubernetes API responses, reduced to the fields this collector reads (unknown fields are
 * dropped, so newer servers and CRD versions that add fields still parse). Fields the API may
 * omit are optional; a field we rely on that is mistyped makes the page malformed, and the
 * error names its path (items[3].spec.replicas).
 */

const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an RFC 3339 date-time');
const stringMap = z.record(z.string(), z.string());
const intOrString = z.union([z.number(), z.string()]);
/** Present (an object, whatever its fields) or not. */
const anyObject = z.record(z.string(), z.unknown());

export const versionSchema = z.object({
  major: z.string(),
  minor: z.string(),
  gitVersion: z.string(),
  platform: z.string().optional(),
});
export type Version = z.infer<typeof versionSchema>;

/** GET /apis/<group>/<version>: which resources a group/version serves. */
export const resourceListSchema = z.object({
  kind: z.literal('APIResourceList'),
  groupVersion: z.string(),
  resources: z.array(z.object({ name: z.string(), namespaced: z.boolean(), kind: z.string() })),
});

/** The metav1.Status the API server answers errors with (403, 404, 410 …). */
export const statusSchema = z.object({
  kind: z.literal('Status'),
  status: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().optional(),
});

export const listSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    kind: z.string().regex(/List$/, 'expected a list kind (…List)'),
    apiVersion: z.string(),
    metadata: z.object({ resourceVersion: z.string().optional(), continue: z.string().optional() }),
    // The API server answers an empty list with []; null is tolerated.
    items: z.array(item).nullable().transform((a) => a ?? []),
  });

const ownerReference = z.object({ apiVersion: z.string(), kind: z.string(), name: z.string() });
export const objectMeta = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  creationTimestamp: dateTime.optional(),
  ownerReferences: z.array(ownerReference).optional(),
});
export type ObjectMeta = z.infer<typeof objectMeta>;
const withMeta = <T extends z.ZodRawShape>(shape: T) => z.object({ metadata: objectMeta, ...shape });
export const metaOnlySchema = withMeta({});

export const labelSelector = z.object({
  matchLabels: stringMap.nullable().optional(),
  matchExpressions: z
    .array(z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).nullable().optional() }))
    .nullable()
    .optional(),
});
export type LabelSelector = z.infer<typeof labelSelector>;

const quantities = z.record(z.string(), intOrString);
const container = z.object({
  name: z.string(),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  readinessProbe: anyObject.nullable().optional(),
  livenessProbe: anyObject.nullable().optional(),
  resources: z.object({ requests: quantities.optional(), limits: quantities.optional() }).optional(),
  env: z.array(z.object({ name: z.string() })).optional(),
});
export type Container = z.infer<typeof container>;

/** Only the topology key is read: it says whether pods are kept apart per host, zone or region. */
const affinityTerm = z.object({ topologyKey: z.string().optional() });

const podTemplate = z.object({
  metadata: z.object({ labels: stringMap.optional(), annotations: stringMap.optional() }).optional(),
  spec: z.object({
    containers: z.array(container),
    affinity: z
      .object({
        podAntiAffinity: z
          .object({
            requiredDuringSchedulingIgnoredDuringExecution: z.array(affinityTerm).nullable().optional(),
            preferredDuringSchedulingIgnoredDuringExecution: z
              .array(z.object({ podAffinityTerm: affinityTerm.nullable().optional() }))
              .nullable()
              .optional(),
          })
          .nullable()
          .optional(),
      })
      .nullable()
      .optional(),
    topologySpreadConstraints: z.array(z.object({ topologyKey: z.string().optional() })).nullable().optional(),
  }),
});
export type PodTemplate = z.infer<typeof podTemplate>;

export const deploymentSchema = withMeta({
  spec: z.object({
    replicas: z.number().int().optional(),
    revisionHistoryLimit: z.number().int().nullable().optional(),
    template: podTemplate,
    strategy: z
      .object({
        type: z.string().optional(),
        rollingUpdate: z.object({ maxUnavailable: intOrString.optional(), maxSurge: intOrString.optional() }).nullable().optional(),
      })
      .optional(),
  }),
});
export const statefulSetSchema = withMeta({ spec: z.object({ replicas: z.number().int().optional(), template: podTemplate }) });
export const daemonSetSchema = withMeta({ spec: z.object({ template: podTemplate }) });
export type Deployment = z.infer<typeof deploymentSchema>;
export type StatefulSet = z.infer<typeof statefulSetSchema>;
export type DaemonSet = z.infer<typeof daemonSetSchema>;

export const namespaceSchema = metaOnlySchema;
export const nodeSchema = withMeta({
  status: z.object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() }).optional(),
});
export type Node = z.infer<typeof nodeSchema>;

export const hpaSchema = withMeta({
  spec: z.object({
    scaleTargetRef: z.object({ kind: z.string(), name: z.string(), apiVersion: z.string().optional() }),
    minReplicas: z.number().int().optional(),
    maxReplicas: z.number().int(),
    metrics: z.array(z.object({ type: z.string() })).nullable().optional(),
  }),
});
export const scaledObjectSchema = withMeta({
  spec: z.object({
    scaleTargetRef: z.object({ name: z.string(), kind: z.string().optional(), apiVersion: z.string().optional() }),
    minReplicaCount: z.number().int().optional(),
  }),
});
export const pdbSchema = withMeta({ spec: z.object({ selector: labelSelector.nullable().optional() }) });

export const cronJobSchema = withMeta({
  spec: z.object({
    suspend: z.boolean().optional(),
    jobTemplate: z.object({ spec: z.object({ template: z.object({ spec: z.object({ containers: z.array(container) }) }) }) }),
  }),
});
export type CronJob = z.infer<typeof cronJobSchema>;

export const rolloutSchema = withMeta({
  spec: z.object({
    strategy: z.object({ canary: anyObject.nullable().optional(), blueGreen: anyObject.nullable().optional() }).optional(),
  }),
});

const trafficSettings = z.object({
  outlierDetection: anyObject.nullable().optional(),
  connectionPool: anyObject.nullable().optional(),
  loadBalancer: anyObject.nullable().optional(),
});
const trafficPolicy = trafficSettings.extend({ portLevelSettings: z.array(trafficSettings).nullable().optional() });
export const destinationRuleSchema = withMeta({
  spec: z.object({
    trafficPolicy: trafficPolicy.nullable().optional(),
    subsets: z.array(z.object({ trafficPolicy: trafficPolicy.nullable().optional() })).nullable().optional(),
  }),
});
export type TrafficPolicy = z.infer<typeof trafficPolicy>;
export const virtualServiceSchema = withMeta({
  spec: z.object({
    http: z
      .array(
        z.object({
          retries: anyObject.nullable().optional(),
          timeout: z.string().nullable().optional(),
          route: z.array(z.object({ weight: z.number().nullable().optional() })).nullable().optional(),
        }),
      )
      .nullable()
      .optional(),
  }),
});
/** Gateway API HTTPRoute: only the backends' weights are read. */
export const httpRouteSchema = withMeta({
  spec: z.object({
    rules: z.array(z.object({ backendRefs: z.array(z.object({ weight: z.number().nullable().optional() })).nullable().optional() })).nullable().optional(),
  }),
});

/** Traefik Middleware: a rateLimit section makes it a rate limiter. */
export const traefikMiddlewareSchema = withMeta({ spec: z.object({ rateLimit: anyObject.nullable().optional() }) });

export const envoyFilterSchema = withMeta({
  spec: z.object({ configPatches: z.array(z.object({ patch: z.unknown().optional() })).nullable().optional() }),
});

export const cnpgClusterSchema = withMeta({
  spec: z.object({
    instances: z.number().int(),
    minSyncReplicas: z.number().int().optional(),
    postgresql: z.object({ synchronous: z.object({ number: z.number().int().optional() }).nullable().optional() }).nullable().optional(),
    backup: z
      .object({ barmanObjectStore: anyObject.nullable().optional(), volumeSnapshot: anyObject.nullable().optional() })
      .nullable()
      .optional(),
    plugins: z.array(z.object({ name: z.string(), enabled: z.boolean().optional(), isWALArchiver: z.boolean().optional() })).nullable().optional(),
  }),
  status: z.object({ lastSuccessfulBackup: dateTime.optional() }).optional(),
});
export type CnpgCluster = z.infer<typeof cnpgClusterSchema>;
export const cnpgBackupSchema = withMeta({
  spec: z.object({ cluster: z.object({ name: z.string() }) }),
  status: z.object({ phase: z.string().optional(), stoppedAt: dateTime.optional() }).optional(),
});
export const cnpgScheduledBackupSchema = withMeta({
  spec: z.object({ cluster: z.object({ name: z.string() }), suspend: z.boolean().optional() }),
});
export const zalandoClusterSchema = withMeta({
  spec: z.object({
    numberOfInstances: z.number().int(),
    patroni: z.object({ synchronous_mode: z.boolean().optional() }).nullable().optional(),
    enableLogicalBackup: z.boolean().optional(),
    env: z.array(z.object({ name: z.string() })).nullable().optional(),
  }),
});
export type ZalandoCluster = z.infer<typeof zalandoClusterSchema>;

export const redisFailoverSchema = withMeta({
  spec: z.object({
    redis: z.object({ replicas: z.number().int().optional() }).optional(),
    sentinel: z.object({ replicas: z.number().int().optional() }).optional(),
  }),
});
export const opstreeRedisSchema = metaOnlySchema;
export const opstreeReplicationSchema = withMeta({ spec: z.object({ clusterSize: z.number().int() }) });
export const opstreeClusterSchema = withMeta({
  spec: z.object({ clusterSize: z.number().int(), redisFollower: z.object({ replicas: z.number().int().optional() }).nullable().optional() }),
});

export const veleroScheduleSchema = withMeta({
  spec: z.object({
    schedule: z.string(),
    paused: z.boolean().optional(),
    template: z
      .object({ includedNamespaces: z.array(z.string()).nullable().optional(), excludedNamespaces: z.array(z.string()).nullable().optional() })
      .optional(),
  }),
});
export type VeleroSchedule = z.infer<typeof veleroScheduleSchema>;
export const veleroBackupSchema = withMeta({
  status: z
    .object({ phase: z.string().optional(), startTimestamp: dateTime.optional(), completionTimestamp: dateTime.optional() })
    .optional(),
});
export const veleroLocationSchema = withMeta({
  spec: z.object({ provider: z.string(), config: z.record(z.string(), z.string()).nullable().optional() }),
});

export const chaosSchema = metaOnlySchema;
export const chaosScheduleSchema = withMeta({
  spec: z.object({ type: z.string().optional() }),
  status: z.object({ lastScheduleTime: dateTime.optional() }).optional(),
});
export const chaosWorkflowSchema = withMeta({
  spec: z.object({ templates: z.array(z.object({ templateType: z.string().optional() })).nullable().optional() }),
});
export const litmusEngineSchema = withMeta({
  spec: z.object({ experiments: z.array(z.object({ name: z.string() })).nullable().optional() }),
});
/** Sloth PrometheusServiceLevel (sloth.slok.dev/v1): one service, its SLOs with objectives in percent. */
export const slothServiceLevelSchema = withMeta({
  spec: z.object({
    service: z.string(),
    slos: z.array(z.object({ name: z.string(), objective: z.number() })).nullable().optional(),
  }),
});
/** Pyrra ServiceLevelObjective (pyrra.dev/v1alpha1): one SLO; target is a percentage as a string ('99.9'), window a duration ('4w'). */
export const pyrraObjectiveSchema = withMeta({
  spec: z.object({ target: z.string(), window: z.string().optional() }),
});
export type Hpa = z.infer<typeof hpaSchema>;
export type ScaledObject = z.infer<typeof scaledObjectSchema>;
export type Pdb = z.infer<typeof pdbSchema>;
export type Rollout = z.infer<typeof rolloutSchema>;
export type DestinationRule = z.infer<typeof destinationRuleSchema>;
export type VirtualService = z.infer<typeof virtualServiceSchema>;
export type HttpRoute = z.infer<typeof httpRouteSchema>;
export type TraefikMiddleware = z.infer<typeof traefikMiddlewareSchema>;
export type EnvoyFilter = z.infer<typeof envoyFilterSchema>;
export type CnpgBackup = z.infer<typeof cnpgBackupSchema>;
export type CnpgScheduledBackup = z.infer<typeof cnpgScheduledBackupSchema>;
export type RedisFailover = z.infer<typeof redisFailoverSchema>;
export type OpstreeReplication = z.infer<typeof opstreeReplicationSchema>;
export type OpstreeCluster = z.infer<typeof opstreeClusterSchema>;
export type VeleroBackup = z.infer<typeof veleroBackupSchema>;
export type VeleroLocation = z.infer<typeof veleroLocationSchema>;
export type ChaosSchedule = z.infer<typeof chaosScheduleSchema>;
export type ChaosWorkflow = z.infer<typeof chaosWorkflowSchema>;
export type LitmusEngine = z.infer<typeof litmusEngineSchema>;
export type MetaOnly = z.infer<typeof metaOnlySchema>;
export type SlothServiceLevel = z.infer<typeof slothServiceLevelSchema>;
export type PyrraObjective = z.infer<typeof pyrraObjectiveSchema>;
