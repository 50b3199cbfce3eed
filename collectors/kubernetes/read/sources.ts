import type { z } from 'zod';
import { mapPool, mapRead, readOk, type Read, type Window } from '../../../src/collector/kit.js';
import * as api from '../api.js';
import * as caches from '../measure/caches.js';
import * as chaos from '../measure/chaos.js';
import type { MeasureReads } from '../measure/index.js';
import * as continuity from '../measure/continuity.js';
import * as databases from '../measure/databases.js';
import * as elasticity from '../measure/elasticity.js';
import * as resilience from '../measure/resilience.js';
import * as slo from '../measure/slo.js';
import * as traffic from '../measure/traffic.js';
import { foldWorkload, newWorkloadFacts, type Indexes, type WorkloadKind } from '../measure/workloads.js';
import type { KubeReader } from './reader.js';
import { CHAOS_MESH_KINDS, RESOURCE_BY_KEY, type ApiResource, type ChaosKey } from './resources.js';

/**
 * Reads every source the signals are measured from. Each list is folded page by page into what
 * its measures need (the folds live with them in measure/), so pages are dropped as they come.
 * The small indexes (HPAs, ScaledObjects, PDBs) are read before the workloads, which are then
 * judged page by page against them.
 */

export type Sources = MeasureReads;

/** Reads at once: gentle on the API server. */
const CONCURRENCY = 4;

function resource(key: string): ApiResource {
  const r = RESOURCE_BY_KEY.get(key);
  if (!r) throw new Error(`no resource ${key} in the request table`);
  return r;
}

type Task = () => Promise<Read<unknown>>;

/** Runs named reads a few at a time; each failure stays with its own source. */
async function settle<T extends Record<string, Task>>(tasks: T, signal?: AbortSignal): Promise<{ [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const entries = Object.entries(tasks);
  const results = await mapPool(entries, CONCURRENCY, ([, run]) => run(), signal);
  return Object.fromEntries(entries.map(([key], i) => [key, results[i]])) as { [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

export async function readSources(reader: KubeReader, window: Pick<Window, 'start' | 'end'>, signal?: AbortSignal): Promise<Sources> {
  /** Lists a resource, folding each item in scope (`all`: every item, for resources that live in a tool's namespace). */
  const fold = <S extends z.ZodType, A>(key: string, schema: S, init: () => A, add: (acc: A, item: z.infer<S>) => void, all = false) => () =>
    reader.list(resource(key), schema, init, (acc, item, inScope) => {
      if (all || inScope) add(acc, item);
    });
  /** Lists a resource into one record per item in scope. */
  const each = <S extends z.ZodType, R>(key: string, schema: S, one: (item: z.infer<S>) => R, all = false) =>
    fold(key, schema, (): R[] => [], (acc, item) => acc.push(one(item)), all);
  const count = (key: string, skip?: (m: api.ObjectMeta) => boolean) => () =>
    fold(key, api.metaOnlySchema, () => ({ n: 0 }), (acc, o) => {
      if (!skip?.(o.metadata)) acc.n++;
    })().then((o) => mapRead(o, (a) => a.n));
  const fault = (key: ChaosKey) => fold(key, api.chaosSchema, () => chaos.newChaos(CHAOS_MESH_KINDS[key][1]), (acc, o) => chaos.foldFault(acc, o, window));

  const tasks = {
    namespaces: () => readNamespaces(reader),
    // Nodes are cluster-wide: every one counts.
    nodes: fold('nodes', api.nodeSchema, resilience.newNodes, resilience.foldNode, true),
    // The API server's own Service says nothing about the applications.
    services: count('services', (m) => m.namespace === 'default' && m.name === 'kubernetes'),
    resourcequotas: fold('resourcequotas', api.metaOnlySchema, () => new Set<string>(), (acc, q) => {
      if (q.metadata.namespace) acc.add(q.metadata.namespace);
    }),
    autoscalerStatus: () =>
      reader
        .get('/api/v1/namespaces/kube-system/configmaps/cluster-autoscaler-status', api.metaOnlySchema, 'configmaps cluster-autoscaler-status in namespace kube-system')
        .then((o) => mapRead(o, (r) => r.found)),
    hpas: fold('hpas', api.hpaSchema, elasticity.newTargets, elasticity.foldHpa),
    scaledobjects: fold('scaledobjects', api.scaledObjectSchema, elasticity.newTargets, elasticity.foldScaledObject),
    pdbs: fold('pdbs', api.pdbSchema, resilience.newPdbs, resilience.foldPdb),
    cronjobs: fold('cronjobs', api.cronJobSchema, () => new Set<string>(), databases.foldCronJob),
    ingresses: fold('ingresses', api.metaOnlySchema, traffic.newIngresses, traffic.foldIngress),
    traefikMiddlewares: fold('traefikMiddlewares', api.traefikMiddlewareSchema, traffic.newMiddlewares, traffic.foldMiddleware),
    httproutes: fold('httproutes', api.httpRouteSchema, traffic.newRoutes, traffic.foldHttpRoute),
    grpcroutes: count('grpcroutes'),
    vpas: count('vpas'),
    nodepools: count('nodepools'),
    provisioners: count('provisioners'),
    canaries: count('canaries'),
    rollouts: fold('rollouts', api.rolloutSchema, () => ({ total: 0, progressive: 0 }), elasticity.foldRollout),
    destinationrules: fold('destinationrules', api.destinationRuleSchema, traffic.newTally, traffic.foldDestinationRule),
    virtualservices: fold('virtualservices', api.virtualServiceSchema, traffic.newTally, traffic.foldVirtualService),
    envoyfilters: fold('envoyfilters', api.envoyFilterSchema, traffic.newTally, traffic.foldEnvoyFilter),
    cnpgClusters: each('cnpgClusters', api.cnpgClusterSchema, databases.cnpgCluster),
    cnpgBackups: fold('cnpgBackups', api.cnpgBackupSchema, () => new Map<string, number>(), databases.foldCnpgBackup),
    cnpgScheduledBackups: fold('cnpgScheduledBackups', api.cnpgScheduledBackupSchema, () => new Set<string>(), databases.foldScheduledBackup),
    zalandoClusters: each('zalandoClusters', api.zalandoClusterSchema, databases.zalandoCluster),
    redisFailovers: each('redisFailovers', api.redisFailoverSchema, caches.redisFailover),
    opstreeRedis: each('opstreeRedis', api.opstreeRedisSchema, caches.opstreeRedis),
    opstreeReplications: each('opstreeReplications', api.opstreeReplicationSchema, caches.opstreeReplication),
    opstreeClusters: each('opstreeClusters', api.opstreeClusterSchema, caches.opstreeCluster),
    // Velero's objects live in its own namespace, not the applications': all of them count.
    veleroSchedules: fold('veleroSchedules', api.veleroScheduleSchema, continuity.newSchedules, continuity.foldVeleroSchedule, true),
    veleroBackups: fold('veleroBackups', api.veleroBackupSchema, continuity.newBackups, (acc, b) => continuity.foldVeleroBackup(acc, b, window), true),
    veleroLocations: each('veleroLocations', api.veleroLocationSchema, continuity.location, true),
    ...(Object.fromEntries((Object.keys(CHAOS_MESH_KINDS) as ChaosKey[]).map((k) => [`chaos.${k}`, fault(k)])) as Record<`chaos.${ChaosKey}`, () => Promise<Read<chaos.ChaosFacts>>>),
    chaosSchedules: fold('chaosSchedules', api.chaosScheduleSchema, () => chaos.newChaos('Schedule'), chaos.foldChaosSchedule),
    chaosWorkflows: fold('chaosWorkflows', api.chaosWorkflowSchema, () => chaos.newChaos('Workflow'), chaos.foldChaosWorkflow),
    litmusEngines: fold('litmusEngines', api.litmusEngineSchema, () => chaos.newChaos('ChaosEngine'), chaos.foldLitmusEngine),
    slothServiceLevels: fold('slothServiceLevels', api.slothServiceLevelSchema, () => slo.newSloObjects('Sloth'), slo.foldSlothServiceLevel),
    pyrraObjectives: fold('pyrraObjectives', api.pyrraObjectiveSchema, () => slo.newSloObjects('Pyrra'), slo.foldPyrraObjective),
    litmusResults: fold('litmusResults', api.metaOnlySchema, () => chaos.newChaos('ChaosResult'), (acc, r) => chaos.foldLitmusResult(acc, r, window)),
  };
  const done = await settle(tasks, signal);

  // The workloads last: every index they are judged against is known by now.
  const { hpas, scaledobjects: keda, pdbs } = done;
  const indexes: Indexes = {
    hpa: hpas.status === 'ok' ? hpas.data.index : undefined,
    keda: keda.status === 'ok' ? keda.data.index : keda.status === 'absent' ? new Map() : undefined,
    pdb: pdbs.status === 'ok' ? pdbs.data.index : undefined,
  };
  // Every workload is folded: a cluster-autoscaler Deployment counts in any namespace.
  const workloads = (key: string, kind: WorkloadKind, schema: z.ZodType<api.Deployment | api.StatefulSet | api.DaemonSet>) => () =>
    reader.list(resource(key), schema, () => newWorkloadFacts(kind, indexes), (acc, w, inScope) => foldWorkload(acc, w, inScope, indexes));
  const w = await settle({
    deployments: workloads('deployments', 'Deployment', api.deploymentSchema),
    statefulsets: workloads('statefulsets', 'StatefulSet', api.statefulSetSchema),
    daemonsets: workloads('daemonsets', 'DaemonSet', api.daemonSetSchema),
  }, signal);

  const faults = Object.fromEntries((Object.keys(CHAOS_MESH_KINDS) as ChaosKey[]).map((k) => [k, done[`chaos.${k}`]])) as Record<ChaosKey, Read<chaos.ChaosFacts>>;
  return { ...done, ...w, chaos: faults };
}

/** The namespaces in scope: listed, or each one the config names read on its own (a Role in it may allow only that). */
async function readNamespaces(reader: KubeReader): Promise<Read<elasticity.NamespaceFacts>> {
  const listed = reader.listedNamespaces();
  if (!listed) {
    return reader.list(resource('namespaces'), api.metaOnlySchema, elasticity.newNamespaces, (acc, n) => {
      if (reader.inScope(n.metadata.name)) elasticity.addNamespace(acc, n.metadata);
    });
  }
  const acc = elasticity.newNamespaces();
  const evidence: string[] = [];
  for (const ns of listed) {
    const o = await reader.get(`/api/v1/namespaces/${ns}`, api.metaOnlySchema, `namespaces ${ns}`);
    evidence.push(...o.evidence);
    if (o.status !== 'ok') return { ...o, evidence };
    if (o.data.found) elasticity.addNamespace(acc, o.data.object.metadata);
    else acc.missing.push(ns);
  }
  return readOk(acc, evidence);
}
