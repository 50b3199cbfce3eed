import { SAMPLE_MAX } from '../../src/signals/types.js';
import type { Container, DaemonSet, Deployment, LabelSelector, ObjectMeta, PodTemplate, StatefulSet } from './api.js';

/**
 * What the collector keeps of Deployments, StatefulSets and DaemonSets: counters, a few example
 * names for the details, and the database and cache groups. The HPA, KEDA and PDB indexes are
 * read first, so each workload is judged as its page arrives and then dropped.
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

/** Names shown in a detail line. */
const EXAMPLES = 5;

/** Up to SAMPLE_MAX names (the objects a report carries), and how many there were. */
export class Examples {
  readonly names: string[] = [];
  count = 0;
  add(name: string): void {
    this.count++;
    if (this.names.length < SAMPLE_MAX) this.names.push(name);
  }
  /** The first EXAMPLES names, for a detail line. */
  text(): string {
    if (!this.count) return 'none';
    const shown = this.names.slice(0, EXAMPLES);
    return shown.join(', ') + (this.count > shown.length ? ` (+${this.count - shown.length} more)` : '');
  }
}

export interface Group {
  namespace: string;
  name: string;
  engine: string;
  instances: number;
  failover: boolean;
  workloads: string[];
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
  meshTemplates: Examples;
  /** cluster-autoscaler Deployments, in any namespace (kube-system included). */
  autoscalers: Examples;
  databases: Map<string, Group>;
  caches: Map<string, Group>;
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
    capacityKept: 0, capacityLost: new Examples(), meshTemplates: new Examples(), autoscalers: new Examples(),
    databases: new Map(), caches: new Map(),
  };
}

/** The operators whose resources are counted on their own: the StatefulSets they own are not counted again. */
const COUNTED_OPERATOR_GROUPS = new Set(['postgresql.cnpg.io', 'acid.zalan.do', 'databases.spotahome.com', 'redis.redis.opstreelabs.in']);

export function foldWorkload(acc: WorkloadFacts, w: Deployment | StatefulSet | DaemonSet, inScope: boolean, indexes: Indexes): void {
  const { metadata: meta } = w;
  const ns = meta.namespace ?? '';
  const id = `${ns}/${meta.name}`;
  const template = w.spec.template;
  if (acc.kind === 'Deployment' && isAutoscaler(meta)) acc.autoscalers.add(id);
  if (!inScope) return;
  acc.count++;

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

function addToGroup(groups: Map<string, Group>, meta: ObjectMeta, engine: string, instances: number, failover: boolean, id: string): void {
  const ns = meta.namespace ?? '';
  const name = meta.labels?.['app.kubernetes.io/instance'] ?? meta.name;
  const key = `${ns}/${name}/${engine}`;
  const g = groups.get(key) ?? { namespace: ns, name, engine, instances: 0, failover: false, workloads: [] };
  g.instances += instances;
  g.failover ||= failover;
  if (g.workloads.length < EXAMPLES) g.workloads.push(id);
  groups.set(key, g);
}

function ownedByCountedOperator(meta: ObjectMeta): boolean {
  return (meta.ownerReferences ?? []).some((o) => COUNTED_OPERATOR_GROUPS.has(o.apiVersion.split('/')[0]));
}

/** The last path segment of an image reference, without registry, tag or digest: `bitnami/postgresql:16` → `postgresql`. */
export function imageName(image: string | undefined): string {
  if (!image) return '';
  const noDigest = image.split('@')[0];
  const last = noDigest.split('/').pop() ?? '';
  return last.split(':')[0].toLowerCase();
}

export const DATABASE_IMAGES =
  /^(postgres|postgresql|postgresql-repmgr|postgis|timescaledb|timescaledb-ha|mysql|mysql-server|mariadb|mariadb-galera|percona-server|percona-xtradb-cluster|mongo|mongodb|mongodb-community-server|percona-server-mongodb|cassandra|clickhouse-server|cockroach)$/;
export const CACHE_IMAGES = /^(redis|redis-stack-server|redis-cluster|valkey|valkey-cluster|keydb|dragonfly|memcached)$/;
const SENTINEL_IMAGES = /^(redis-sentinel|valkey-sentinel)$/;

function engineOf(image: string): string {
  if (/^(postgres|postgresql|postgis|timescale)/.test(image)) return 'postgresql';
  if (/^(mysql|percona-server$|percona-xtradb)/.test(image)) return 'mysql';
  if (/^mariadb/.test(image)) return 'mariadb';
  if (/mongo/.test(image)) return 'mongodb';
  return image.replace(/-server$/, '');
}

function cacheEngineOf(image: string): string {
  if (image.startsWith('memcached')) return 'memcached';
  if (image.startsWith('valkey')) return 'valkey';
  return image.startsWith('redis') ? 'redis' : image;
}

function isAutoscaler(meta: ObjectMeta): boolean {
  const l = meta.labels ?? {};
  return [meta.name, l['app.kubernetes.io/name'], l.app, l['k8s-app']].some((v) => v !== undefined && /cluster-autoscaler/.test(v));
}

function hasCpuAndMemory(q: Record<string, string | number> | undefined): boolean {
  return q !== undefined && q.cpu !== undefined && q.memory !== undefined;
}

function asksForMesh(t: PodTemplate): boolean {
  const a = t.metadata?.annotations ?? {};
  const l = t.metadata?.labels ?? {};
  return a['linkerd.io/inject'] === 'enabled' || l['sidecar.istio.io/inject'] === 'true' || a['sidecar.istio.io/inject'] === 'true';
}

function isSpread(t: PodTemplate): boolean {
  const anti = t.spec.affinity?.podAntiAffinity;
  return (t.spec.topologySpreadConstraints ?? []).length > 0
    || (anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0
    || (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
}

/** Topology keys that name a machine room or a site: zones and regions, current and deprecated labels. */
export const SITE_TOPOLOGY_KEYS = new Set([
  'topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region',
]);

/**
 * Whether the pods are kept apart across zones or regions: a topology spread constraint or a
 * pod anti-affinity term on a zone or region key. kubernetes.io/hostname only spreads over
 * machines, which may all stand in one machine room.
 */
export function isZoneSpread(t: PodTemplate): boolean {
  const anti = t.spec.affinity?.podAntiAffinity;
  const keys = [
    ...(t.spec.topologySpreadConstraints ?? []).map((c) => c.topologyKey),
    ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((a) => a.topologyKey),
    ...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((a) => a.podAffinityTerm?.topologyKey),
  ];
  return keys.some((k) => k !== undefined && SITE_TOPOLOGY_KEYS.has(k));
}

/**
 * Whether a rolling update keeps every replica serving: maxUnavailable resolves to 0. As the
 * Deployment controller resolves it (ResolveFenceposts): a percentage of the replicas, rounded
 * down for maxUnavailable and up for maxSurge (defaults 25 % each); when both come to 0,
 * maxUnavailable becomes 1. Recreate stops every pod first.
 */
export function keepsCapacity(d: Deployment): boolean {
  const strategy = d.spec.strategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  const replicas = d.spec.replicas ?? 1;
  const surge = scaled(strategy?.rollingUpdate?.maxSurge ?? '25%', replicas, true);
  const unavailable = scaled(strategy?.rollingUpdate?.maxUnavailable ?? '25%', replicas, false);
  if (surge === undefined || unavailable === undefined) return false;
  return unavailable === 0 && surge > 0;
}

function scaled(v: number | string, total: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v.trim());
  if (!m) return /^\d+$/.test(v.trim()) ? Number(v) : undefined;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * A label selector against a set of labels, as the API server matches them. An empty selector
 * selects everything; a null one (an absent PDB selector) nothing — the caller leaves those out.
 */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Containers of a CronJob that look like a database backup: a dump or backup tool in the image, command or arguments, or a backup/dump name. */
export function isBackupJob(name: string, containers: Container[]): boolean {
  if (/backup|dump/i.test(name)) return true;
  const tools = /(pg_dump|pg_dumpall|pg_basebackup|pgbackrest|wal-g|walg|barman|mysqldump|mariadb-dump|mariabackup|xtrabackup|mongodump|restic|kopia)/i;
  return containers.some((c) => tools.test([c.image ?? '', ...(c.command ?? []), ...(c.args ?? [])].join(' ')));
}
