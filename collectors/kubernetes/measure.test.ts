import { describe, expect, it } from 'vitest';
import { readAbsent, readOk, type Read } from '../../src/collector/kit.js';
import type { Deployment, StatefulSet } from './api.js';
import { chaosSignals, foldFault, newChaos } from './measure/chaos.js';
import { quotaCoverage } from './measure/capacity.js';
import { databasesOf, databaseSignals, type CnpgCluster } from './measure/databases.js';
import { foldHpa, hpaCoverage, newTargets } from './measure/elasticity.js';
import { inventoryOf, nodeKey, ownerOf } from './measure/inventory.js';
import { offsite, type LocationFacts } from './measure/continuity.js';
import { multiReplica, newNodes, type NodeFacts } from './measure/resilience.js';
import { foldPyrraObjective, foldSlothServiceLevel, measureSloObjects, newSloObjects } from './measure/slo.js';
import { foldWorkload, newWorkloadFacts, type Indexes, type WorkloadFacts } from './measure/workloads.js';

/** Measuring without HTTP: the folds and measures of measure/ on plain API objects. */

const EV = ['ev-1'];
const container = { name: 'app', image: 'nginx:1.27' };
const deployment = (name: string, replicas: number, labels: Record<string, string> = {}): Deployment =>
  ({ metadata: { name, namespace: 'shop', labels }, spec: { replicas, template: { metadata: { labels: { app: name } }, spec: { containers: [container] } } } });
const statefulSet = (name: string, replicas: number, image: string): StatefulSet =>
  ({ metadata: { name, namespace: 'data' }, spec: { replicas, template: { spec: { containers: [{ name: 'db', image }] } } } });

function folded(kind: WorkloadFacts['kind'], items: (Deployment | StatefulSet)[], indexes: Indexes): WorkloadFacts {
  const acc = newWorkloadFacts(kind, indexes);
  for (const w of items) foldWorkload(acc, w, true, indexes);
  return acc;
}

describe('kubernetes measures on plain objects', () => {
  it('an HPA minimum above 1 makes a one-replica Deployment multi-replica, and targets it', () => {
    const hpas = newTargets();
    foldHpa(hpas, { metadata: { name: 'worker', namespace: 'shop' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'worker' }, minReplicas: 2, maxReplicas: 5 } });
    const indexes: Indexes = { hpa: hpas.index, keda: new Map(), pdb: new Map() };
    const d = folded('Deployment', [deployment('worker', 1), deployment('cron', 1), deployment('web', 3)], indexes);
    const st = folded('StatefulSet', [], indexes);
    expect(multiReplica([d, st], EV)).toMatchObject({ status: 'value', value: 2 / 3, detail: '2 of 3 workloads run more than one replica; single: shop/cron', objects: { total: 1, sample: ['shop/cron'] } });
    expect(hpaCoverage([d, st], EV)).toMatchObject({ status: 'value', value: 1 / 3, evidence: EV });
  });

  it('no workload is not available, never 0', () => {
    const empty = folded('Deployment', [], { hpa: new Map(), keda: new Map(), pdb: new Map() });
    expect(multiReplica([empty], EV)).toEqual({ status: 'not_available', reason: 'no Deployment or StatefulSet in scope', evidence: EV });
    expect(quotaCoverage([], new Set(), EV).status).toBe('not_available');
    expect(quotaCoverage(['shop', 'legacy'], new Set(['shop']), EV)).toMatchObject({ value: 0.5, objects: { total: 1, sample: ['legacy'] } });
  });

  it('a replicated StatefulSet database hides its replication mode: sync_ratio is not available, not 0', () => {
    const st = folded('StatefulSet', [statefulSet('mysql', 2, 'docker.io/library/mysql:8.0')], {});
    const cnpg: CnpgCluster = { id: 'shop/shop-db', namespace: 'shop', instances: 3, sync: true, backupSpec: true };
    const dbs = databasesOf({
      statefulsets: readOk(st, EV), cronjobs: readOk(new Set<string>(), EV), cnpgClusters: readOk([cnpg], EV),
      cnpgScheduledBackups: readOk(new Set<string>(), EV), zalandoClusters: readOk([], EV), veleroSchedules: readOk({ total: 0, paused: 0, coverage: [] }, EV),
    });
    expect(dbs.map((d) => [d.id, d.kind, d.instances, d.backup])).toEqual([['shop/shop-db', 'CloudNativePG', 3, true], ['data/mysql', 'StatefulSet', 2, false]]);
    const m = databaseSignals(dbs, EV, false);
    expect(m['kubernetes.databases.sync_ratio']).toMatchObject({ status: 'not_available', reason: expect.stringContaining('data/mysql') });
    expect(m['kubernetes.databases.sync_replication']).toMatchObject({ status: 'value', value: true });
    expect(m['kubernetes.databases.backup_configured_ratio']).toMatchObject({ value: 0.5, detail: expect.stringContaining('not: data/mysql') });
  });

  it('one backup location is offsite only in a region no node is in', () => {
    const nodes = (regions: string[]): Read<NodeFacts> => readOk({ ...newNodes(), regions: new Set(regions) }, ['ev-nodes']);
    const loc: LocationFacts = { name: 'velero/default', provider: 'aws', region: 'eu-west-1' };
    expect(offsite([loc], nodes(['eu-central-1']), EV)).toMatchObject({ value: true, evidence: ['ev-1', 'ev-nodes'] });
    expect(offsite([loc], nodes(['eu-west-1']), EV)).toMatchObject({ value: false });
    expect(offsite([{ ...loc, s3Url: 'http://minio.velero.svc:9000' }], nodes([]), EV)).toMatchObject({ value: false });
    expect(offsite([{ ...loc, region: undefined }], nodes(['eu-west-1']), EV).status).toBe('not_available');
  });

  it('counts fault injections in the window and recognises node-level faults', () => {
    const window = { start: new Date('2026-11-13T12:00:00Z'), end: new Date('2026-11-20T12:00:00Z') };
    const stress = newChaos('StressChaos');
    foldFault(stress, { metadata: { name: 'cpu', creationTimestamp: '2026-11-19T12:00:00Z' } }, window);
    foldFault(stress, { metadata: { name: 'old', creationTimestamp: '2026-10-01T00:00:00Z', ownerReferences: [{ apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'Schedule', name: 's' }] } }, window);
    const m = chaosSignals([stress], 'Chaos Mesh', EV, window.end.getTime());
    expect(m['kubernetes.chaos.experiments']).toMatchObject({ value: 1 }); // the spawned one is a run, not a definition
    expect(m['kubernetes.chaos.runs_window']).toMatchObject({ value: 1 });
    expect(m['kubernetes.chaos.last_run_age_seconds']).toMatchObject({ value: 86400 });
    expect(m['kubernetes.chaos.node_level']).toMatchObject({ value: true, detail: 'node-level faults in: StressChaos' });
  });

  it('the inventory keys workloads by namespace/name and nodes by their first label; a failed list gives none', () => {
    expect(nodeKey('IP-10-0-1-5.EC2.internal')).toBe('ip-10-0-1-5');
    expect(ownerOf({ team: 'web', 'app.kubernetes.io/part-of': 'shop' })).toBe('shop');
    expect(ownerOf({ app: 'x' }, { owner: 'ops' })).toBe('ops');
    expect(ownerOf(undefined, {})).toBeUndefined();
    const d = folded('Deployment', [deployment('Web', 2, { team: 'web' })], {});
    const none = folded('StatefulSet', [], {});
    const nodes = { ...newNodes(), entries: [{ name: 'node-1.example.internal' }] };
    const ok = inventoryOf({ deployments: readOk(d, ['a']), statefulsets: readOk(none, ['b']), daemonsets: readOk(none, ['c']), nodes: readOk(nodes, ['d']) });
    expect(ok).toEqual({
      status: 'ok', evidence: ['a', 'b', 'c', 'd'], data: [
        { role: 'live', kind: 'workload', key: 'shop/web', name: 'shop/Web', owner: 'web' },
        { role: 'live', kind: 'node', key: 'node-1', name: 'node-1.example.internal' },
      ],
    });
    const failed = inventoryOf({ deployments: readOk(d, ['a']), statefulsets: { status: 'failed', reason: 'HTTP 500', evidence: ['b'] }, daemonsets: readOk(none, ['c']), nodes: readOk(nodes, ['d']) });
    expect(failed).toMatchObject({ status: 'failed', reason: 'HTTP 500' });
  });

  it('SLO objects: Sloth counts each spec.slos entry, Pyrra each object; services by name, once each', () => {
    const sloth = newSloObjects('Sloth');
    foldSlothServiceLevel(sloth, { metadata: { name: 'checkout', namespace: 'shop' }, spec: { service: 'checkout', slos: [{ name: 'availability', objective: 99.9 }, { name: 'latency', objective: 99 }] } });
    foldSlothServiceLevel(sloth, { metadata: { name: 'empty', namespace: 'shop' }, spec: { service: 'report', slos: null } });
    const pyrra = newSloObjects('Pyrra');
    foldPyrraObjective(pyrra, { metadata: { name: 'checkout-errors', namespace: 'shop', labels: { 'pyrra.dev/service': 'checkout' } }, spec: { target: '99.5', window: '4w' } });
    foldPyrraObjective(pyrra, { metadata: { name: 'search-errors', namespace: 'shop', labels: { service: 'search' } }, spec: { target: '99' } });
    foldPyrraObjective(pyrra, { metadata: { name: 'anon', namespace: 'shop' }, spec: { target: '95', window: '2w' } });
    const m = measureSloObjects({ slothServiceLevels: readOk(sloth, EV), pyrraObjectives: readOk(pyrra, ['ev-2']) });
    expect(m['kubernetes.slo.objectives_count']).toMatchObject({ status: 'value', value: 5, evidence: ['ev-1', 'ev-2'], detail: 'Sloth and Pyrra installed; Sloth: 2 SLOs, Pyrra: 3 SLOs' });
    expect(m['kubernetes.slo.objectives_count']).toMatchObject({ objects: { total: 5, sample: ['shop/checkout availability 99.9%', 'shop/checkout latency 99%', 'shop/checkout-errors 99.5% over 4w', 'shop/search-errors 99%', 'shop/anon 95% over 2w'] } });
    expect(m['kubernetes.slo.services']).toMatchObject({ status: 'value', value: 2, detail: 'checkout, search; 1 Pyrra object naming no service', objects: { total: 2, sample: ['checkout', 'search'] } });
  });

  it('SLO objects: neither tool installed is not available; one installed with none declared is a measured 0; a failure fails both', () => {
    const absent = (what: string): Read<never> => readAbsent(`${what} is not installed`, [`ev-${what}`]);
    const none = measureSloObjects({ slothServiceLevels: absent('sloth'), pyrraObjectives: absent('pyrra') });
    expect(none['kubernetes.slo.objectives_count']).toMatchObject({ status: 'not_available' });
    expect(none['kubernetes.slo.services']).toMatchObject({ status: 'not_available' });
    const empty = measureSloObjects({ slothServiceLevels: readOk(newSloObjects('Sloth'), EV), pyrraObjectives: absent('pyrra') });
    expect(empty['kubernetes.slo.objectives_count']).toMatchObject({ status: 'value', value: 0, detail: 'Sloth installed; Sloth: 0 SLOs' });
    expect(empty['kubernetes.slo.services']).toMatchObject({ status: 'value', value: 0, detail: 'no service named' });
    const failed = measureSloObjects({ slothServiceLevels: readOk(newSloObjects('Sloth'), EV), pyrraObjectives: { status: 'failed', reason: 'permission denied', evidence: ['ev-3'] } });
    expect(failed['kubernetes.slo.objectives_count']).toMatchObject({ status: 'failed', reason: 'permission denied' });
    expect(failed['kubernetes.slo.services']).toMatchObject({ status: 'failed', reason: 'permission denied' });
  });
});
