import type { DaemonSet, Deployment, LabelSelector, StatefulSet } from '../api.js';
import type { Read } from '../../../src/collector/kit.js';
import { examples, Examples, objectsOf, share, sumOf } from './common.js';
import { addToGroup, CACHE_IMAGES, cacheEngineOf, DATABASE_IMAGES, engineOf, imageName, ownedByCountedOperator, SENTINEL_IMAGES, type Group } from './datastores.js';
import { ownerOf } from './inventory.js';
import { asksForMesh, hasCpuAndMemory, isAutoscaler, isSpread, isZoneSpread, keepsCapacity, keepsRevisions, selects } from './templates.js';

/**
 * What the collector keeps of Deployments, StatefulSets and DaemonSets: counters, a few example
 * names for the details, the database and cache groups, and one inventory entry per workload.
 * The HPA, KEDA and PDB indexes are read first, so each workload is judged as its page arrives
 * and then dropped.
 */

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** HPA and KEDA targets: `namespace/Kind/name` → the smallest replica count they allow. */
export type TargetIndex = Map<string, number>;
/** PDB selectors per namespace. */
export type PdbIndex = Map<string, LabelSelector[]>;

export interface Indexes {
  hpa?: TargetIndex;
  keda?: TargetIndex;
  pdb?: PdbIndex;
}

/** A workload in scope as the estate's inventory knows it. */
export interface WorkloadEntry {
  namespace: string;
  name: string;
  owner?: string;
}

export interface WorkloadFacts {
  kind: WorkloadKind;
  /** In scope. */
  count: number;
  /** Deployments and StatefulSets only. */
  multi: number;
  single: Examples;
  /** undefined when an index it needs was not read. */
  hpaTargeted?: number;
  hpaUntargeted: Examples;
  pdbCovered?: number;
  pdbUncovered: Examples;
  spread: number;
  unspread: Examples;
  /** Multi-replica workloads kept apart by zone or region, not only by host. */
  zoneSpread: number;
  zoneUnspread: Examples;
  readiness: number;
  noReadiness: Examples;
  liveness: number;
  noLiveness: Examples;
  containers: number;
  requests: number;
  limits: number;
  noRequests: Examples;
  noLimits: Examples;
  /** Deployments only. */
  capacityKept: number;
  capacityLost: Examples;
  /** Deployments that keep an earlier ReplicaSet to roll back to. */
  rollbackReady: number;
  noRollback: Examples;
  meshTemplates: Examples;
  /** cluster-autoscaler Deployments, in any namespace (kube-system included). */
  autoscalers: Examples;
  databases: Map<string, Group>;
  caches: Map<string, Group>;
  /** Every workload in scope, for the inventory the collector publishes. */
  entries: WorkloadEntry[];
}

export function newWorkloadFacts(kind: WorkloadKind, indexes: Indexes): WorkloadFacts {
  const replicated = kind !== 'DaemonSet';
  return {
    kind, count: 0, multi: 0, single: new Examples(),
    hpaTargeted: replicated && indexes.hpa && indexes.keda ? 0 : undefined, hpaUntargeted: new Examples(),
    pdbCovered: replicated && indexes.pdb && indexes.hpa && indexes.keda ? 0 : undefined, pdbUncovered: new Examples(),
    spread: 0, unspread: new Examples(), zoneSpread: 0, zoneUnspread: new Examples(),
    readiness: 0, noReadiness: new Examples(), liveness: 0, noLiveness: new Examples(),
    containers: 0, requests: 0, limits: 0, noRequests: new Examples(), noLimits: new Examples(),
    capacityKept: 0, capacityLost: new Examples(), rollbackReady: 0, noRollback: new Examples(), meshTemplates: new Examples(), autoscalers: new Examples(),
    databases: new Map(), caches: new Map(), entries: [],
  };
}

export function foldWorkload(acc: WorkloadFacts, w: Deployment | StatefulSet | DaemonSet, inScope: boolean, indexes: Indexes): void {
  const { metadata: meta } = w;
  const ns = meta.namespace ?? '';
  const id = `${ns}/${meta.name}`;
  const template = w.spec.template;
  if (acc.kind === 'Deployment' && isAutoscaler(meta)) acc.autoscalers.add(id);
  if (!inScope) return;
  acc.count++;
  acc.entries.push({ namespace: ns, name: meta.name, owner: ownerOf(meta.labels, template.metadata?.labels) });

  // probes and resources: every kind
  const containers = template.spec.containers;
  if (containers.every((c) => c.readinessProbe != null)) acc.readiness++;
  else acc.noReadiness.add(id);
  if (containers.every((c) => c.livenessProbe != null)) acc.liveness++;
  else acc.noLiveness.add(id);
  for (const c of containers) {
    acc.containers++;
    if (hasCpuAndMemory(c.resources?.requests)) acc.requests++;
    else acc.noRequests.add(`${id}:${c.name}`);
    if (hasCpuAndMemory(c.resources?.limits)) acc.limits++;
    else acc.noLimits.add(`${id}:${c.name}`);
  }
  if (asksForMesh(template)) acc.meshTemplates.add(id);
  if (acc.kind === 'DaemonSet') return;

  // replicas, autoscaling, disruption budgets, spread: Deployments and StatefulSets
  const spec = w.spec as Deployment['spec'] | StatefulSet['spec'];
  const replicas = spec.replicas ?? 1;
  const key = `${ns}/${acc.kind}/${meta.name}`;
  const hpaMin = indexes.hpa?.get(key);
  const kedaMin = indexes.keda?.get(key);
  if (acc.hpaTargeted !== undefined) {
    if (hpaMin !== undefined || kedaMin !== undefined) acc.hpaTargeted++;
    else acc.hpaUntargeted.add(id);
  }
  const multi = replicas > 1 || (hpaMin ?? 0) > 1 || (kedaMin ?? 0) > 1;
  if (multi) {
    acc.multi++;
    if (acc.pdbCovered !== undefined) {
      const labels = template.metadata?.labels ?? {};
      if ((indexes.pdb?.get(ns) ?? []).some((s) => selects(s, labels))) acc.pdbCovered++;
      else acc.pdbUncovered.add(id);
    }
    if (isSpread(template)) acc.spread++;
    else acc.unspread.add(id);
    if (isZoneSpread(template)) acc.zoneSpread++;
    else acc.zoneUnspread.add(id);
  } else acc.single.add(id);

  if (acc.kind === 'Deployment') {
    if (keepsCapacity(w as Deployment)) acc.capacityKept++;
    else acc.capacityLost.add(id);
    if (keepsRevisions(w as Deployment)) acc.rollbackReady++;
    else acc.noRollback.add(id);
  }

  if (ownedByCountedOperator(meta)) return;
  const instances = replicas;
  const images = containers.map((c) => ({ name: c.name, image: imageName(c.image) }));
  const db = images.find((i) => DATABASE_IMAGES.test(i.image));
  if (db && acc.kind === 'StatefulSet') addToGroup(acc.databases, meta, engineOf(db.image), instances, false, id);
  const cache = images.find((i) => CACHE_IMAGES.test(i.image));
  const sentinel = images.some((i) => SENTINEL_IMAGES.test(i.image) || /sentinel/i.test(i.name));
  if (cache) addToGroup(acc.caches, meta, cacheEngineOf(cache.image), instances, sentinel, id);
  else if (sentinel) addToGroup(acc.caches, meta, 'redis', 0, true, id);
}

/** The three workload lists, which most themes measure from. */
export interface WorkloadReads {
  deployments: Read<WorkloadFacts>;
  statefulsets: Read<WorkloadFacts>;
  daemonsets: Read<WorkloadFacts>;
}

/** How one share of workloads (or of their containers) is counted and worded. */
export interface WorkloadQuestion {
  have: (w: WorkloadFacts) => number;
  of: (w: WorkloadFacts) => number;
  /** The ones that fall short, named in the detail and as the objects. */
  short: (w: WorkloadFacts) => Examples;
  /** The not-available reason when there is nothing to divide by. */
  empty: string;
  detail: (have: number, of: number, short: string) => string;
  /** What the objects are. */
  what: string;
}

/** A share over several kinds of workloads: `have` of `of`, with those that fell short named. */
export function workloadShare(list: readonly WorkloadFacts[], evidence: string[], q: WorkloadQuestion) {
  const have = sumOf(list, q.have);
  const of = sumOf(list, q.of);
  const short = list.map(q.short);
  return share(have, of, evidence, q.empty, q.detail(have, of, examples(short)), { what: q.what, objects: objectsOf(short) });
}
