import type { Container, ObjectMeta } from '../api.js';
import { EXAMPLES } from './common.js';

/**
 * Databases and caches recognised by what they run: the image names of database and cache
 * servers, the operators whose own resources are counted instead, backup jobs, and the groups
 * (one Helm release, one database) StatefulSets and Deployments are gathered into.
 */

/** A database or cache: one operator resource, or the workloads of one release. */
export interface Group {
  namespace: string;
  name: string;
  engine: string;
  instances: number;
  failover: boolean;
  workloads: string[];
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
export const SENTINEL_IMAGES = /^(redis-sentinel|valkey-sentinel)$/;

export function engineOf(image: string): string {
  if (/^(postgres|postgresql|postgis|timescale)/.test(image)) return 'postgresql';
  if (/^(mysql|percona-server$|percona-xtradb)/.test(image)) return 'mysql';
  if (/^mariadb/.test(image)) return 'mariadb';
  if (/mongo/.test(image)) return 'mongodb';
  return image.replace(/-server$/, '');
}

export function cacheEngineOf(image: string): string {
  if (image.startsWith('memcached')) return 'memcached';
  if (image.startsWith('valkey')) return 'valkey';
  return image.startsWith('redis') ? 'redis' : image;
}

/** The operators whose resources are counted on their own: the StatefulSets they own are not counted again. */
const COUNTED_OPERATOR_GROUPS = new Set(['postgresql.cnpg.io', 'acid.zalan.do', 'databases.spotahome.com', 'redis.redis.opstreelabs.in']);

export function ownedByCountedOperator(meta: ObjectMeta): boolean {
  return (meta.ownerReferences ?? []).some((o) => COUNTED_OPERATOR_GROUPS.has(o.apiVersion.split('/')[0]));
}

/** Adds a workload to its group: the release (`app.kubernetes.io/instance`, else its name) in its namespace, per engine. */
export function addToGroup(groups: Map<string, Group>, meta: ObjectMeta, engine: string, instances: number, failover: boolean, id: string): void {
  const ns = meta.namespace ?? '';
  const name = meta.labels?.['app.kubernetes.io/instance'] ?? meta.name;
  const key = `${ns}/${name}/${engine}`;
  const g = groups.get(key) ?? { namespace: ns, name, engine, instances: 0, failover: false, workloads: [] };
  g.instances += instances;
  g.failover ||= failover;
  if (g.workloads.length < EXAMPLES) g.workloads.push(id);
  groups.set(key, g);
}

/** Containers of a CronJob that look like a database backup: a dump or backup tool in the image, command or arguments, or a backup/dump name. */
export function isBackupJob(name: string, containers: Container[]): boolean {
  if (/backup|dump/i.test(name)) return true;
  const tools = /(pg_dump|pg_dumpall|pg_basebackup|pgbackrest|wal-g|walg|barman|mysqldump|mariadb-dump|mariabackup|xtrabackup|mongodump|restic|kopia)/i;
  return containers.some((c) => tools.test([c.image ?? '', ...(c.command ?? []), ...(c.args ?? [])].join(' ')));
}
