import { measureFailed, notAvailable, type Measured, type Read } from '../../../src/collector/kit.js';
import type * as api from '../api.js';
import type { KubernetesSignalId } from '../signals.js';
import { ago, countBy, data, idOf, iso, list, named, need, objectsIn, plural, share, time, value, type MeasuredSet } from './common.js';
import type { VeleroScheduleFacts } from './continuity.js';
import { isBackupJob, type Group } from './datastores.js';
import type { WorkloadFacts } from './workloads.js';

/**
 * Data high availability (9.2.1, 9.2.2) of databases: CloudNativePG and Zalando clusters and
 * database StatefulSets, their instances, synchronous replication, backups configured, and the
 * age of CloudNativePG's last backup.
 */

/** A database cluster an operator runs: where, how many instances, whether it replicates synchronously. */
interface OperatedDatabase {
  id: string;
  namespace: string;
  instances: number;
  sync: boolean;
}

export interface CnpgCluster extends OperatedDatabase {
  backupSpec: boolean;
  lastSuccess?: number;
  created?: number;
}
export function cnpgCluster(c: api.CnpgCluster): CnpgCluster {
  const s = c.spec;
  return {
    id: idOf(c.metadata),
    namespace: c.metadata.namespace ?? '',
    instances: s.instances,
    sync: (s.minSyncReplicas ?? 0) >= 1 || (s.postgresql?.synchronous?.number ?? 0) >= 1,
    backupSpec: Boolean(s.backup?.barmanObjectStore || s.backup?.volumeSnapshot)
      || (s.plugins ?? []).some((p) => p.enabled !== false && (p.isWALArchiver === true || p.name === 'barman-cloud.cloudnative-pg.io')),
    lastSuccess: time(c.status?.lastSuccessfulBackup),
    created: time(c.metadata.creationTimestamp),
  };
}

/** `namespace/cluster` → the newest `stoppedAt` of its completed Backups. */
export function foldCnpgBackup(acc: Map<string, number>, b: api.CnpgBackup): void {
  if (b.status?.phase !== 'completed') return;
  const at = time(b.status.stoppedAt);
  if (at === undefined) return;
  const key = `${b.metadata.namespace}/${b.spec.cluster.name}`;
  acc.set(key, Math.max(acc.get(key) ?? 0, at));
}

/** `namespace/cluster` of each ScheduledBackup that is not suspended. */
export function foldScheduledBackup(acc: Set<string>, s: api.CnpgScheduledBackup): void {
  if (!s.spec.suspend) acc.add(`${s.metadata.namespace}/${s.spec.cluster.name}`);
}

export interface ZalandoCluster extends OperatedDatabase {
  backup: boolean;
}
export function zalandoCluster(c: api.ZalandoCluster): ZalandoCluster {
  return {
    id: idOf(c.metadata),
    namespace: c.metadata.namespace ?? '',
    instances: c.spec.numberOfInstances,
    sync: c.spec.patroni?.synchronous_mode === true,
    backup: c.spec.enableLogicalBackup === true || (c.spec.env ?? []).some((e) => /^(WALG_|WALE_|WAL_S3_BUCKET|WAL_GS_BUCKET|WAL_AZ_|USE_WALG_BACKUP)/.test(e.name)),
  };
}

/** Namespaces with a backup CronJob that is not suspended. */
export function foldCronJob(acc: Set<string>, c: api.CronJob): void {
  if (c.spec.suspend) return;
  if (isBackupJob(c.metadata.name, c.spec.jobTemplate.spec.template.spec.containers) && c.metadata.namespace) acc.add(c.metadata.namespace);
}

export interface Database {
  id: string;
  namespace: string;
  kind: 'CloudNativePG' | 'Zalando' | 'StatefulSet';
  instances: number;
  /** undefined: not visible from the API. */
  sync?: boolean;
  backup: boolean;
}

export interface DatabaseReads {
  statefulsets: Read<WorkloadFacts>;
  cronjobs: Read<Set<string>>;
  cnpgClusters: Read<CnpgCluster[]>;
  cnpgBackups: Read<Map<string, number>>;
  cnpgScheduledBackups: Read<Set<string>>;
  zalandoClusters: Read<ZalandoCluster[]>;
  veleroSchedules: Read<VeleroScheduleFacts>;
}

/** Why finding no database or cache in the cluster is not a measured zero. */
export const PARTIAL_VIEW = 'managed services outside the cluster are not visible from its API (set inventory_complete: true when every one runs in the cluster)';

const DB_IDS = ['kubernetes.databases.count', 'kubernetes.databases.replicated_ratio', 'kubernetes.databases.sync_replication', 'kubernetes.databases.sync_ratio', 'kubernetes.databases.backup_configured_ratio'] as const;

export function measureDatabases(s: DatabaseReads, now: number, inventoryComplete: boolean): MeasuredSet<KubernetesSignalId> {
  const n = need([s.statefulsets, s.cronjobs], [s.cnpgClusters, s.zalandoClusters, s.cnpgScheduledBackups, s.veleroSchedules]);
  const age = { 'kubernetes.databases.last_backup_age_seconds': lastBackupAge(s, now) };
  if (n.failed) return { ...Object.fromEntries(DB_IDS.map((id) => [id, n.failed])), ...age };
  return { ...databaseSignals(databasesOf(s), n.evidence, inventoryComplete), ...age };
}

/** Every database in scope, with whether a backup is configured for it. */
export function databasesOf(s: Omit<DatabaseReads, 'cnpgBackups'>): Database[] {
  const scheduled = data(s.cnpgScheduledBackups) ?? new Set<string>();
  const backupJobs = data(s.cronjobs) ?? new Set<string>();
  const velero = data(s.veleroSchedules);
  const veleroCovers = (ns: string) => (velero?.coverage ?? []).some((c) => !c.excluded.includes(ns) && (c.included === undefined || c.included.includes(ns)));
  const external = (ns: string) => backupJobs.has(ns) || veleroCovers(ns);
  return [
    ...(data(s.cnpgClusters) ?? []).map((c): Database => ({ id: c.id, namespace: c.namespace, kind: 'CloudNativePG', instances: c.instances, sync: c.sync, backup: c.backupSpec || scheduled.has(c.id) || external(c.namespace) })),
    ...(data(s.zalandoClusters) ?? []).map((c): Database => ({ id: c.id, namespace: c.namespace, kind: 'Zalando', instances: c.instances, sync: c.sync, backup: c.backup || external(c.namespace) })),
    ...[...(data(s.statefulsets)?.databases.values() ?? [])].map((g: Group): Database => ({ id: `${g.namespace}/${g.name}`, namespace: g.namespace, kind: 'StatefulSet', instances: g.instances, backup: external(g.namespace) })),
  ];
}

export function databaseSignals(dbs: Database[], evidence: string[], inventoryComplete: boolean): MeasuredSet<KubernetesSignalId> {
  const ids = (list: Database[]) => list.map((d) => d.id);
  const count = dbs.length || inventoryComplete
    ? named(value(dbs.length, evidence, dbs.length ? `${countBy(dbs.map((d) => d.kind))}: ${list(ids(dbs))}` : 'no CloudNativePG or Zalando cluster and no database StatefulSet (inventory_complete: the estate has no other)'), 'the databases found', objectsIn(ids(dbs)))
    : notAvailable(`no CloudNativePG or Zalando cluster and no database StatefulSet in the cluster; ${PARTIAL_VIEW}`, evidence);
  if (dbs.length === 0) return { 'kubernetes.databases.count': count, ...Object.fromEntries(DB_IDS.slice(1).map((id) => [id, notAvailable('no database cluster in scope', evidence)])) };
  const replicated = dbs.filter((d) => d.instances > 1);
  const single = ids(dbs.filter((d) => d.instances <= 1));
  const backed = dbs.filter((d) => d.backup);
  const unbacked = ids(dbs.filter((d) => !d.backup));
  return {
    'kubernetes.databases.count': count,
    'kubernetes.databases.replicated_ratio': share(replicated.length, dbs.length, evidence, '', `${replicated.length} of ${dbs.length} databases run more than one instance; single: ${list(single)}`,
      { what: 'databases with a single instance', objects: objectsIn(single) }),
    'kubernetes.databases.sync_replication': syncReplication(dbs, evidence),
    'kubernetes.databases.sync_ratio': syncRatio(replicated, evidence),
    'kubernetes.databases.backup_configured_ratio': share(backed.length, dbs.length, evidence, '', `${backed.length} of ${dbs.length} databases have a backup configured; not: ${list(unbacked)}`,
      { what: 'databases without a backup configured', objects: objectsIn(unbacked) }),
  };
}

function syncReplication(dbs: Database[], evidence: string[]): Measured {
  const sync = dbs.filter((d) => d.sync === true);
  const unseen = dbs.filter((d) => d.sync === undefined);
  if (sync.length) return value(true, evidence, `synchronous: ${list(sync.map((d) => d.id))}`);
  if (unseen.length) return notAvailable(`no operator-managed database replicates synchronously, and the replication mode of ${plural(unseen.length, 'StatefulSet database')} (${list(unseen.map((d) => d.id))}) is not visible in the API`, evidence);
  return value(false, evidence, `none of ${plural(dbs.length, 'operator-managed database')} sets minSyncReplicas, postgresql.synchronous or patroni.synchronous_mode`);
}

function syncRatio(replicated: Database[], evidence: string[]): Measured {
  const syncOf = replicated.filter((d) => d.sync === true);
  const hidden = replicated.filter((d) => d.sync === undefined);
  const async = replicated.filter((d) => d.sync !== true).map((d) => d.id);
  if (replicated.length === 0) return notAvailable('no database cluster runs more than one instance', evidence);
  if (hidden.length) return notAvailable(`the replication mode of ${plural(hidden.length, 'replicated StatefulSet database')} (${list(hidden.map((d) => d.id))}) is not visible in the API`, evidence);
  return share(syncOf.length, replicated.length, evidence, '', `${syncOf.length} of ${replicated.length} replicated databases replicate synchronously; asynchronous: ${list(async)}`,
    { what: 'replicated databases replicating asynchronously', objects: objectsIn(async) });
}

/** Backup age: CloudNativePG records it; the others' backups are not visible per database. */
export function lastBackupAge(s: Pick<DatabaseReads, 'cnpgClusters' | 'cnpgBackups' | 'cnpgScheduledBackups'>, now: number): Measured {
  const n = need([s.cnpgClusters], [s.cnpgBackups, s.cnpgScheduledBackups]);
  if (n.failed) return n.failed;
  const scheduled = data(s.cnpgScheduledBackups) ?? new Set<string>();
  const backups = data(s.cnpgBackups) ?? new Map<string, number>();
  const withBackup = data(s.cnpgClusters)!.filter((c) => c.backupSpec || scheduled.has(c.id));
  if (withBackup.length === 0) return notAvailable('no CloudNativePG cluster in scope has backups configured', n.evidence);
  const ages = withBackup.map((c) => {
    const last = Math.max(c.lastSuccess ?? 0, backups.get(c.id) ?? 0) || undefined;
    return { id: c.id, last, age: last !== undefined ? ago(now, last) : c.created !== undefined ? ago(now, c.created) : undefined };
  });
  const unknown = ages.filter((a) => a.age === undefined);
  const oldest = ages.filter((a) => a.age !== undefined).sort((a, b) => b.age! - a.age!)[0];
  if (!oldest) return measureFailed(`no backup time and no creationTimestamp for ${list(unknown.map((a) => a.id))}`, n.evidence);
  const never = ages.filter((a) => a.last === undefined && a.age !== undefined);
  const detail = oldest.last !== undefined
    ? `${oldest.id}: last successful backup ${iso(oldest.last)}`
    : `${oldest.id}: no successful backup since it was created (at least this long)`;
  return value(oldest.age!, n.evidence, detail + (never.length ? `; never backed up: ${list(never.map((a) => a.id))}` : ''));
}
