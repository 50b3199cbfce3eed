import { fromRead, measureFailed, notAvailable, type Measured, type Read } from '../../../src/collector/kit.js';
import type { Window } from '../../../src/collector/types.js';
import type * as api from '../api.js';
import type { KubernetesSignalId } from '../signals.js';
import { ago, data, earlier, Examples, idOf, iso, list, need, objectsOf, plural, share, time, value, type MeasuredSet } from './common.js';
import type { NodeFacts } from './resilience.js';

/**
 * Continuity (10.1.1, 10.2.1, 6.1.1) through Velero: schedules, the last completed backup,
 * failed backups in the window, storage locations and whether backups leave the region.
 * Chaos experiments (10.3.2) are in chaos.ts.
 */

/** A time within the scan's window. */
export const inWindow = (t: number | undefined, w: Pick<Window, 'start' | 'end'>) => t !== undefined && t >= w.start.getTime() && t <= w.end.getTime();

export interface VeleroScheduleFacts {
  total: number;
  paused: number;
  earliestCreated?: number;
  /** Namespaces each active schedule backs up: undefined included = all. */
  coverage: { included?: string[]; excluded: string[] }[];
}
export const newSchedules = (): VeleroScheduleFacts => ({ total: 0, paused: 0, coverage: [] });

export function foldVeleroSchedule(acc: VeleroScheduleFacts, s: api.VeleroSchedule): void {
  acc.total++;
  acc.earliestCreated = earlier(acc.earliestCreated, time(s.metadata.creationTimestamp));
  if (s.spec.paused) {
    acc.paused++;
    return;
  }
  const included = s.spec.template?.includedNamespaces ?? [];
  acc.coverage.push({ included: included.length === 0 || included.includes('*') ? undefined : included, excluded: s.spec.template?.excludedNamespaces ?? [] });
}

export interface VeleroBackupFacts {
  total: number;
  newestCompleted?: { at: number; name: string };
  earliestCreated?: number;
  windowFinished: number;
  windowFailed: Examples;
}
export const newBackups = (): VeleroBackupFacts => ({ total: 0, windowFinished: 0, windowFailed: new Examples() });

export function foldVeleroBackup(acc: VeleroBackupFacts, b: api.VeleroBackup, window: Pick<Window, 'start' | 'end'>): void {
  acc.total++;
  const created = time(b.metadata.creationTimestamp);
  acc.earliestCreated = earlier(acc.earliestCreated, created);
  const phase = b.status?.phase;
  const done = time(b.status?.completionTimestamp);
  if (phase === 'Completed' && done !== undefined && (!acc.newestCompleted || done > acc.newestCompleted.at)) acc.newestCompleted = { at: done, name: b.metadata.name };
  if (!inWindow(time(b.status?.startTimestamp) ?? created, window)) return;
  if (phase === 'Completed') acc.windowFinished++;
  if (phase === 'Failed' || phase === 'PartiallyFailed' || phase === 'FailedValidation') {
    acc.windowFinished++;
    acc.windowFailed.add(`${b.metadata.name} (${phase})`);
  }
}

export interface LocationFacts {
  name: string;
  provider: string;
  region?: string;
  s3Url?: string;
}
export const location = (l: api.VeleroLocation): LocationFacts => ({ name: idOf(l.metadata), provider: l.spec.provider, region: l.spec.config?.region, s3Url: l.spec.config?.s3Url });

export interface VeleroReads {
  veleroSchedules: Read<VeleroScheduleFacts>;
  veleroBackups: Read<VeleroBackupFacts>;
  veleroLocations: Read<LocationFacts[]>;
  nodes: Read<NodeFacts>;
}

export function measureVelero(s: VeleroReads, now: number): MeasuredSet<KubernetesSignalId> {
  return {
    'kubernetes.velero.schedules': fromRead(s.veleroSchedules, (v) => v.total - v.paused, (v) => ({ detail: `${v.total} Schedules, ${v.paused} paused` })),
    'kubernetes.velero.last_backup_age_seconds': lastBackupAge(s, now),
    'kubernetes.velero.failed_ratio': fromRead(s.veleroBackups, (b) => failedRatio(b, [])),
    'kubernetes.velero.locations': fromRead(s.veleroLocations, (l) => l.length, (l) => ({ detail: list(l.map(describeLocation)) })),
    'kubernetes.velero.offsite': fromRead(s.veleroLocations, (l) => offsite(l, s.nodes, [])),
  };
}

function lastBackupAge(s: VeleroReads, now: number): Measured {
  const n = need([s.veleroBackups, s.veleroSchedules]);
  if (n.failed) return n.failed;
  const b = data(s.veleroBackups)!;
  const sch = data(s.veleroSchedules)!;
  if (b.newestCompleted) return value(ago(now, b.newestCompleted.at), n.evidence, `${b.newestCompleted.name} completed ${iso(b.newestCompleted.at)}`);
  // Nothing completed: the age is at least the time since backups were first asked for.
  const since = earlier(b.earliestCreated, sch.earliestCreated);
  if (since === undefined) return notAvailable('Velero is installed but has no Backup and no Schedule', n.evidence);
  return value(ago(now, since), n.evidence, `no Backup has completed; at least this long since the first Schedule or Backup was created (${iso(since)}); ${plural(b.total, 'Backup')} on record`);
}

export function failedRatio(b: VeleroBackupFacts, evidence: string[]): Measured {
  return share(b.windowFailed.count, b.windowFinished, evidence, 'no Velero Backup started within the window has finished',
    `${b.windowFailed.count} of ${b.windowFinished} finished Backups started in the window failed: ${b.windowFailed.text()}`,
    { what: 'failed Backups started in the window', objects: objectsOf([b.windowFailed]) });
}

/** Whether backups leave the cluster's region: a second location, or one in a region no node is in. */
export function offsite(locations: LocationFacts[], nodes: Read<NodeFacts>, locEvidence: string[]): Measured {
  if (locations.length === 0) return value(false, locEvidence, 'no BackupStorageLocation');
  if (locations.length > 1) return value(true, locEvidence, `${locations.length} BackupStorageLocations: ${list(locations.map(describeLocation))}`);
  const [loc] = locations;
  if (loc.s3Url && /\.svc(\.cluster\.local)?(:\d+)?(\/|$)|:\/\/(localhost|127\.)/.test(loc.s3Url)) return value(false, locEvidence, `${loc.name} stores in the cluster (${loc.s3Url})`);
  if (!loc.region) return notAvailable(`${loc.name} (${loc.provider}) names no region in its config: whether it is offsite cannot be told`, locEvidence);
  if (nodes.status === 'failed') return measureFailed(nodes.reason, [...locEvidence, ...nodes.evidence]);
  if (nodes.status === 'absent') return notAvailable(nodes.reason, nodes.evidence);
  const evidence = [...locEvidence, ...nodes.evidence];
  const regions = [...nodes.data.regions];
  if (regions.length === 0) return notAvailable(`no node carries a region label to compare ${loc.name}'s region ${loc.region} with`, evidence);
  const away = !regions.includes(loc.region);
  return value(away, evidence, `${loc.name} in region ${loc.region}; nodes in ${regions.sort().join(', ')}`);
}

function describeLocation(l: LocationFacts): string {
  return `${l.name} (${l.provider}${l.region ? `, ${l.region}` : ''})`;
}
