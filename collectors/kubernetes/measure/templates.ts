import type { Deployment, LabelSelector, ObjectMeta, PodTemplate } from '../api.js';

/**
 * Pure judgements on one workload's spec and pod template, as the Kubernetes controllers and
 * scheduler read them: autoscaler Deployments, probes and resources, mesh injection, spread,
 * rollout capacity, label selectors. The workload fold applies them as each page arrives.
 */

export function isAutoscaler(meta: ObjectMeta): boolean {
  const l = meta.labels ?? {};
  return [meta.name, l['app.kubernetes.io/name'], l.app, l['k8s-app']].some((v) => v !== undefined && /cluster-autoscaler/.test(v));
}

export function hasCpuAndMemory(q: Record<string, string | number> | undefined): boolean {
  return q !== undefined && q.cpu !== undefined && q.memory !== undefined;
}

export function asksForMesh(t: PodTemplate): boolean {
  const a = t.metadata?.annotations ?? {};
  const l = t.metadata?.labels ?? {};
  return a['linkerd.io/inject'] === 'enabled' || l['sidecar.istio.io/inject'] === 'true' || a['sidecar.istio.io/inject'] === 'true';
}

export function isSpread(t: PodTemplate): boolean {
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
/**
 * Whether `kubectl rollout undo` has an earlier revision to return to: the Deployment keeps old
 * ReplicaSets (revisionHistoryLimit unset means the API's default of 10; 0 deletes them).
 */
export function keepsRevisions(d: Deployment): boolean {
  return (d.spec.revisionHistoryLimit ?? 10) > 0;
}

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
  // Called for every multi-replica workload against every PDB of its namespace: no array of
  // entries per call (Object.entries here was 77 MiB of garbage at the benchmark's x100).
  const matchLabels = selector.matchLabels ?? {};
  for (const k in matchLabels) if (Object.prototype.hasOwnProperty.call(matchLabels, k) && labels[k] !== matchLabels[k]) return false;
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

