import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply } from '../http.js';
import { seeded } from '../random.js';
import type { KubeCluster, KubeObject } from './kubernetes.js';

/**
 * OpenCost for the sample estate, drawn from the sample cluster: every Deployment, StatefulSet
 * and DaemonSet runs its pods on the cluster's nodes at their requests (usage where a container
 * requests nothing), priced per core-hour and GiB-hour; pods carry their template labels and,
 * like OpenCost, their namespace's labels where the pod lacks them — so cost in the application
 * namespaces carries a `team`, and the system namespaces' does not (__unallocated__). What no
 * workload requested of the nodes is `__idle__`. The checkout services scale up in the last week.
 * Served as `GET /allocation/compute` with window, aggregate, accumulate, step and includeIdle.
 */

const CPU_HOUR = 0.031;
const GIB_HOUR = 0.0042;
const GIB = 1024 ** 3;
const DAY_MS = 86_400_000;

interface Workload {
  namespace: string;
  controller: string;
  controllerKind: string;
  labels: Record<string, string>;
  /** Per pod. */
  cpuRequest: number;
  ramRequestGib: number;
  cpuUse: number;
  ramUseGib: number;
  pods: number;
  nodes: string[];
  /** Extra pods from the day it scaled up (ms since epoch), if it did. */
  scaleUp?: { from: number; pods: number };
}

export interface OpencostModel {
  cluster: string;
  workloads: Workload[];
  nodes: { name: string; cpu: number; ramGib: number }[];
}

function cpuOf(q: unknown): number {
  if (typeof q !== 'string') return 0;
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}
function gibOf(q: unknown): number {
  if (typeof q !== 'string') return 0;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(q);
  if (!m) return 0;
  return Number(m[1]) / ({ Ki: 1024 ** 2, Mi: 1024, Gi: 1 }[m[2] as 'Ki' | 'Mi' | 'Gi'] ?? GIB);
}

export function generateOpencost(cluster: KubeCluster, now: Date, seed = 1756): OpencostModel {
  const rand = seeded(seed + 11);
  const list = (resource: string) => cluster.resources.find((r) => r.resource === resource && (r.group === 'apps' || r.group === ''))?.items ?? [];
  const nsLabels = new Map(list('namespaces').map((n) => [n.metadata.name, (n.metadata.labels ?? {}) as Record<string, string>]));
  const nodes = list('nodes').map((n) => {
    const alloc = (n as { status?: { allocatable?: Record<string, string> } }).status?.allocatable ?? {};
    return { name: n.metadata.name, cpu: cpuOf(alloc.cpu) || 8, ramGib: gibOf(alloc.memory) || 30 };
  });
  const workloads: Workload[] = [];
  const addFrom = (kind: string, objects: KubeObject[]) => {
    for (const o of objects) {
      const spec = o.spec as { replicas?: number; template: { metadata: { labels?: Record<string, string> }; spec: { containers: { resources?: { requests?: Record<string, string> } }[] } } };
      const containers = spec.template.spec.containers;
      const cpuRequest = containers.reduce((s, c) => s + cpuOf(c.resources?.requests?.cpu), 0);
      const ramRequestGib = containers.reduce((s, c) => s + gibOf(c.resources?.requests?.memory), 0);
      // Usage: 20–70 % of what is requested; without requests, what a small service uses.
      const share = 0.2 + rand() * 0.5;
      const pods = kind === 'daemonset' ? nodes.length : spec.replicas ?? 1;
      const ns = o.metadata.namespace!;
      const labels = { ...nsLabels.get(ns), ...spec.template.metadata.labels };
      const name = o.metadata.name;
      workloads.push({
        namespace: ns, controller: name, controllerKind: kind, labels, pods,
        cpuRequest, ramRequestGib, cpuUse: cpuRequest ? cpuRequest * share : 0.15, ramUseGib: ramRequestGib ? ramRequestGib * (share + 0.2) : 0.4,
        nodes: kind === 'daemonset' ? nodes.map((n) => n.name) : Array.from({ length: pods }, (_, i) => nodes[(workloads.length + i) % nodes.length].name),
        ...(name === 'checkout' ? { scaleUp: { from: now.getTime() - 6 * DAY_MS, pods: 2 } } : {}),
      });
    }
  };
  addFrom('deployment', list('deployments'));
  addFrom('statefulset', list('statefulsets'));
  addFrom('daemonset', list('daemonsets'));
  return { cluster: 'shop-prod', workloads, nodes };
}

type Allocation = Record<string, unknown> & { name: string; totalCost: number };

function allocation(name: string, props: Record<string, string>, start: number, end: number, a: { cpuReq: number; cpuUse: number; ramReq: number; ramUse: number }): Allocation {
  const minutes = (end - start) / 60_000;
  const hours = minutes / 60;
  const cpu = Math.max(a.cpuReq, a.cpuUse);
  const ram = Math.max(a.ramReq, a.ramUse);
  const cpuCost = cpu * hours * CPU_HOUR;
  const ramCost = ram * hours * GIB_HOUR;
  const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    name, properties: props, window: { start: iso(start), end: iso(end) }, start: iso(start), end: iso(end), minutes,
    cpuCores: cpu, cpuCoreRequestAverage: a.cpuReq, cpuCoreUsageAverage: a.cpuUse, cpuCoreHours: cpu * hours, cpuCost, cpuCostAdjustment: 0,
    cpuEfficiency: a.cpuReq > 0 ? a.cpuUse / a.cpuReq : a.cpuUse > 0 ? 1 : 0,
    gpuCount: 0, gpuHours: 0, gpuCost: 0, gpuCostAdjustment: 0,
    networkTransferBytes: 0, networkReceiveBytes: 0, networkCost: 0, networkCostAdjustment: 0, loadBalancerCost: 0, loadBalancerCostAdjustment: 0,
    pvBytes: 0, pvByteHours: 0, pvCost: 0, pvs: null, pvCostAdjustment: 0,
    ramBytes: ram * GIB, ramByteRequestAverage: a.ramReq * GIB, ramByteUsageAverage: a.ramUse * GIB, ramByteHours: ram * GIB * hours, ramCost, ramCostAdjustment: 0,
    ramEfficiency: a.ramReq > 0 ? a.ramUse / a.ramReq : a.ramUse > 0 ? 1 : 0,
    sharedCost: 0, externalCost: 0, totalCost: cpuCost + ramCost, totalEfficiency: 0, rawAllocationOnly: null,
  };
}

/** Adds b into a (sums; efficiencies recomputed from the averages, weighted by minutes). */
function merge(a: Allocation, b: Allocation, name: string): Allocation {
  const out: Allocation = { ...a, name };
  for (const k of Object.keys(b)) if (typeof b[k] === 'number' && typeof a[k] === 'number' && !k.endsWith('Efficiency') && !k.endsWith('Average') && k !== 'minutes') out[k] = (a[k] as number) + (b[k] as number);
  // concurrent pods: averages add up, weighted by the part of the step each ran
  const ma = a.minutes as number;
  const mb = b.minutes as number;
  const span = Math.max(ma, mb);
  for (const k of ['cpuCoreRequestAverage', 'cpuCoreUsageAverage', 'ramByteRequestAverage', 'ramByteUsageAverage']) out[k] = ((a[k] as number) * ma + (b[k] as number) * mb) / span;
  out.minutes = span;
  out.cpuEfficiency = (out.cpuCoreRequestAverage as number) > 0 ? (out.cpuCoreUsageAverage as number) / (out.cpuCoreRequestAverage as number) : 0;
  out.ramEfficiency = (out.ramByteRequestAverage as number) > 0 ? (out.ramByteUsageAverage as number) / (out.ramByteRequestAverage as number) : 0;
  const wa = a.window as { start: string; end: string };
  const wb = b.window as { start: string; end: string };
  out.window = { start: wa.start < wb.start ? wa.start : wb.start, end: wa.end > wb.end ? wa.end : wb.end };
  out.start = (out.window as { start: string }).start;
  out.end = (out.window as { end: string }).end;
  out.properties = { cluster: (a.properties as Record<string, string>).cluster };
  return out;
}

/** Adds b, a later step, into a: costs and hours summed, averages weighted by minutes, as OpenCost accumulates. */
function accumulate(a: Allocation, b: Allocation): Allocation {
  const ma = a.minutes as number;
  const mb = b.minutes as number;
  const out = merge(a, b, a.name);
  for (const k of ['cpuCoreRequestAverage', 'cpuCoreUsageAverage', 'ramByteRequestAverage', 'ramByteUsageAverage']) out[k] = ((a[k] as number) * ma + (b[k] as number) * mb) / (ma + mb);
  out.minutes = ma + mb;
  return out;
}

/**
 * The allocations of one step, and idle per node. Pods of a workload are summed into one
 * allocation per node when the query aggregates by node, else into one per workload (the sums
 * are the same; a large estate answers in a fraction of the time).
 */
function stepAllocations(m: OpencostModel, start: number, end: number, byNode: boolean): { key: (agg: string) => string; alloc: Allocation }[] {
  const out: { key: (agg: string) => string; alloc: Allocation }[] = [];
  const used = new Map<string, { cpu: number; ram: number }>();
  for (const w of m.workloads) {
    // pods added by a scale-up run from then on only
    const extra = w.scaleUp && end > w.scaleUp.from ? w.scaleUp.pods : 0;
    const pods = [...w.nodes.map((node) => ({ node, from: start })), ...Array.from({ length: extra }, (_, i) => ({ node: m.nodes[i % m.nodes.length].name, from: Math.max(start, w.scaleUp!.from) }))];
    const groups = new Map<string, { node: string; from: number; n: number }>();
    for (const p of pods) {
      const g = `${byNode ? p.node : '*'}|${p.from}`;
      const got = groups.get(g);
      if (got) got.n++;
      else groups.set(g, { node: p.node, from: p.from, n: 1 });
      const u = used.get(p.node) ?? { cpu: 0, ram: 0 };
      used.set(p.node, { cpu: u.cpu + Math.max(w.cpuRequest, w.cpuUse), ram: u.ram + Math.max(w.ramRequestGib, w.ramUseGib) });
    }
    for (const { node, from, n } of groups.values()) {
      const props = { cluster: m.cluster, ...(byNode ? { node } : {}), namespace: w.namespace, controller: w.controller, controllerKind: w.controllerKind };
      const alloc = allocation(w.controller, props, from, end, { cpuReq: w.cpuRequest * n, cpuUse: w.cpuUse * n, ramReq: w.ramRequestGib * n, ramUse: w.ramUseGib * n });
      out.push({
        alloc,
        key: (agg) => {
          if (agg === 'namespace') return w.namespace;
          if (agg === 'node') return node;
          if (agg === 'cluster') return m.cluster;
          if (agg === 'controller') return `${w.controllerKind}:${w.controller}`;
          if (agg.startsWith('label:')) {
            const name = agg.slice(6);
            const value = w.labels[name] ?? Object.entries(w.labels).find(([k]) => k.replace(/[^a-zA-Z0-9_]/g, '_') === name.replace(/[^a-zA-Z0-9_]/g, '_'))?.[1];
            return value ?? '__unallocated__';
          }
          return `${m.cluster}/${node}/${w.namespace}/${w.controller}`;
        },
      });
    }
  }
  for (const n of m.nodes) {
    const u = used.get(n.name) ?? { cpu: 0, ram: 0 };
    const idle = allocation('__idle__', { cluster: m.cluster, node: n.name }, start, end, { cpuReq: 0, cpuUse: Math.max(0, n.cpu - u.cpu), ramReq: 0, ramUse: Math.max(0, n.ramGib - u.ram) });
    out.push({ alloc: { ...idle, cpuCoreUsageAverage: 0, ramByteUsageAverage: 0, cpuEfficiency: 0, ramEfficiency: 0 }, key: () => '__idle__' });
  }
  return out;
}

export function opencostHandler(m: OpencostModel): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== '/allocation/compute' && path !== '/allocation') return reply(res, 404, { code: 404, message: `no route ${path}` });
    const window = url.searchParams.get('window') ?? '';
    const [from, to] = window.split(',').map((t) => Date.parse(t));
    if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return reply(res, 400, { code: 400, message: `Invalid 'window' parameter: ${window}` });
    const aggregate = url.searchParams.get('aggregate') ?? '';
    const accumulated = url.searchParams.get('accumulate') === 'true';
    const includeIdle = url.searchParams.get('includeIdle') === 'true' || url.searchParams.get('idle') === 'true';
    const stepMs = /^(\d+)d$/.exec(url.searchParams.get('step') ?? '')?.[1] ? Number(/^(\d+)d$/.exec(url.searchParams.get('step')!)![1]) * DAY_MS : to - from;
    const sets: Record<string, Allocation>[] = [];
    for (let start = from; start < to; start += stepMs) {
      const end = Math.min(to, start + stepMs);
      const set: Record<string, Allocation> = {};
      for (const { key, alloc } of stepAllocations(m, start, end, aggregate === 'node' || aggregate === '')) {
        const k = key(aggregate);
        if (k === '__idle__' && !includeIdle) continue;
        set[k] = set[k] ? merge(set[k], alloc, k) : { ...alloc, name: k };
      }
      sets.push(set);
    }
    if (accumulated && sets.length > 1) {
      const one: Record<string, Allocation> = {};
      for (const s of sets) for (const [k, a] of Object.entries(s)) one[k] = one[k] ? accumulate(one[k], a) : a;
      return reply(res, 200, { code: 200, status: 'success', data: [one] });
    }
    return reply(res, 200, { code: 200, status: 'success', data: sets });
  };
}
