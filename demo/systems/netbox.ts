import type { IncomingMessage, ServerResponse } from 'node:http';
import { seeded } from '../random.js';
import { reply } from '../http.js';
import type { KubeCluster, KubeObject } from './kubernetes.js';

/**
 * The shop's NetBox (REST API 4.x shapes: `{ count, next, previous, results }` lists paged by
 * limit/offset, brief nested objects, `{ value, label }` choices). It records the Kubernetes
 * cluster of demo/systems/kubernetes.ts — its nodes as virtual machines of a Kubernetes-typed
 * cluster, its workloads as virtual machines of the `kubernetes-workload` role with the namespace
 * in a custom field — plus the data-centre gear. Deliberate drift, as a real CMDB has it: a
 * handful of workloads and the newest node are not recorded, a node and a workload long gone are
 * still `active`, and the `legacy` namespace's workloads have no owner.
 */

/** Namespaces the Kubernetes collector leaves out by default: nobody registers them. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
const DAY = 86_400_000;

type Obj = Record<string, unknown> & { id: number };

export interface NetboxData {
  devices: Obj[];
  virtualMachines: Obj[];
  clusters: Obj[];
  contactAssignments: Obj[];
  cables: Obj[];
  customFields: Obj[];
  eventRules: Obj[];
  /** Oldest first. */
  objectChanges: (Obj & { time: string })[];
  tenants: Obj[];
  prefixes: number;
  ipAddresses: number;
  journalEntries: number;
}

export interface NetboxOptions {
  /** Filler servers in racks, for the benchmark's large CMDB (0 in the demo). */
  extraDevices?: number;
  seed?: number;
}

const workloadsOf = (cluster: KubeCluster): KubeObject[] =>
  cluster.resources.filter((r) => r.group === 'apps' && ['deployments', 'statefulsets', 'daemonsets'].includes(r.resource)).flatMap((r) => r.items)
    .filter((o) => !SYSTEM_NAMESPACES.has(o.metadata.namespace ?? ''));
const nodesOf = (cluster: KubeCluster): KubeObject[] => cluster.resources.find((r) => r.resource === 'nodes')?.items ?? [];

export function generateNetbox(cluster: KubeCluster, now: Date, o: NetboxOptions = {}): NetboxData {
  const rand = seeded(o.seed ?? 1756);
  const t = now.getTime();
  // NetBox writes microseconds
  const iso = (msAgo: number) => new Date(t - msAgo).toISOString().replace('Z', '000Z');
  const brief = (path: string, id: number, name: string, slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')) => ({ id, url: `/api/${path}/${id}/`, display: name, name, slug });
  const status = (value: string) => ({ value, label: value[0].toUpperCase() + value.slice(1) });

  const teams = ['shop', 'payments', 'orders', 'catalog', 'search', 'data', 'platform', 'network'];
  const tenants = teams.map((name, i) => brief('tenancy/tenants', i + 1, name));
  const tenant = (name: string) => tenants.find((x) => x.name === name);
  const kubeType = brief('virtualization/cluster-types', 1, 'Kubernetes', 'kubernetes');
  const clusters = [{ id: 1, url: '/api/virtualization/clusters/1/', display: 'shop-prod', name: 'shop-prod', type: kubeType, status: status('active') }];
  const roles = {
    node: brief('dcim/device-roles', 1, 'Kubernetes node', 'kubernetes-node'),
    workload: brief('dcim/device-roles', 2, 'Kubernetes workload', 'kubernetes-workload'),
    switch: brief('dcim/device-roles', 3, 'Switch'),
    firewall: brief('dcim/device-roles', 4, 'Firewall'),
    storage: brief('dcim/device-roles', 5, 'Storage'),
    server: brief('dcim/device-roles', 6, 'Server'),
  };

  // Virtual machines: the nodes (all but the newest, which the sync has not caught yet) and the workloads.
  const vms: Obj[] = [];
  const vm = (name: string, role: object, o2: { tenant?: object; ns?: string; status?: string; updatedAgo: number }) => vms.push({
    id: vms.length + 1, url: `/api/virtualization/virtual-machines/${vms.length + 1}/`, display: name, name, status: status(o2.status ?? 'active'), role,
    tenant: o2.tenant ?? null, cluster: clusters[0], device: null, custom_fields: { kubernetes_namespace: o2.ns ?? null, cost_center: null }, last_updated: iso(o2.updatedAgo),
  });
  const nodes = nodesOf(cluster);
  for (const n of nodes.slice(0, -1)) vm(n.metadata.name, roles.node, { tenant: tenant('platform'), updatedAgo: Math.floor(rand() * 3 * DAY) });
  vm('ip-10-20-9-99.cn-east-2.compute.internal', roles.node, { tenant: tenant('platform'), updatedAgo: 140 * DAY });
  vm('ip-10-20-9-98.cn-east-2.compute.internal', roles.node, { tenant: tenant('platform'), status: 'decommissioning', updatedAgo: 20 * DAY });

  const workloads = workloadsOf(cluster).sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  // Every ninth workload was deployed without its CMDB record.
  const unrecorded = new Set(workloads.filter((_, i) => i % 9 === 4).map((w) => w.metadata.uid));
  for (const w of workloads) {
    if (unrecorded.has(w.metadata.uid)) continue;
    const ns = w.metadata.namespace!;
    const legacy = ns === 'legacy';
    vm(w.metadata.name, roles.workload, { ns, tenant: legacy ? undefined : tenant(ns.split('-')[0]) ?? tenant('platform'), updatedAgo: legacy ? 200 * DAY : Math.floor(rand() * 20 * DAY) });
  }
  vm('old-frontend', roles.workload, { ns: 'shop-web', tenant: tenant('shop'), updatedAgo: 260 * DAY });
  vm('batch-v1', roles.workload, { ns: 'orders', tenant: tenant('orders'), status: 'offline', updatedAgo: 90 * DAY });

  // Devices: the data-centre gear, cabled, and (for the benchmark) racks of filler servers.
  const devices: Obj[] = [];
  const device = (name: string, role: object, o2: { tenant?: object; status?: string; updatedAgo: number }) => devices.push({
    id: devices.length + 1, url: `/api/dcim/devices/${devices.length + 1}/`, display: name, name, status: status(o2.status ?? 'active'), role,
    tenant: o2.tenant ?? null, cluster: null, custom_fields: { cost_center: o2.tenant ? 'CC-100' : null }, last_updated: iso(o2.updatedAgo),
  });
  device('dc1-core-sw-1', roles.switch, { tenant: tenant('network'), updatedAgo: 12 * DAY });
  device('dc1-core-sw-2', roles.switch, { tenant: tenant('network'), updatedAgo: 12 * DAY });
  device('dc1-fw-1', roles.firewall, { updatedAgo: 45 * DAY });
  device('dc1-storage-1', roles.storage, { tenant: tenant('data'), updatedAgo: 33 * DAY });
  device('dc1-spare-3', roles.server, { status: 'planned', updatedAgo: 300 * DAY });
  for (let i = 0; i < (o.extraDevices ?? 0); i++) device(`dc2-r${Math.floor(i / 40)}-srv-${i % 40}`, roles.server, { tenant: tenants[i % tenants.length], updatedAgo: Math.floor(rand() * 60 * DAY) });

  const iface = (id: number, dev: Obj) => ({ object_type: 'dcim.interface', object_id: id, object: { id, url: `/api/dcim/interfaces/${id}/`, display: 'eth0', device: brief('dcim/devices', dev.id, String(dev.name)), name: 'eth0', cable: null } });
  const cables: Obj[] = [[0, 1], [0, 2], [1, 3]].map(([a, b], i) => ({ id: i + 1, url: `/api/dcim/cables/${i + 1}/`, display: `#${i + 1}`, a_terminations: [iface(100 + i, devices[a])], b_terminations: [iface(200 + i, devices[b])] }));
  // filler servers are cabled to the core switches in pairs of racks
  for (const d of devices.slice(5)) cables.push({ id: cables.length + 1, url: '', display: `#${cables.length + 1}`, a_terminations: [iface(1000 + d.id, d)], b_terminations: [iface(500, devices[d.id % 2])] });
  const contactAssignments = [{ id: 1, url: '/api/tenancy/contact-assignments/1/', object_type: 'dcim.device', object_id: 3, object: { id: 3, name: 'dc1-fw-1' }, contact: brief('tenancy/contacts', 1, 'Network on-call'), role: null, priority: null }];
  const customFields = [
    { id: 1, url: '/api/extras/custom-fields/1/', display: 'Kubernetes namespace', name: 'kubernetes_namespace', object_types: ['virtualization.virtualmachine'], type: { value: 'text', label: 'Text' } },
    { id: 2, url: '/api/extras/custom-fields/2/', display: 'Cost centre', name: 'cost_center', object_types: ['dcim.device', 'virtualization.virtualmachine'], type: { value: 'text', label: 'Text' } },
  ];
  const eventRules = [{
    id: 1, url: '/api/extras/event-rules/1/', display: 'CMDB changes to monitoring', name: 'CMDB changes to monitoring', enabled: true,
    object_types: ['dcim.device', 'virtualization.virtualmachine'], event_types: ['object_created', 'object_updated', 'object_deleted'],
    conditions: null, action_type: { value: 'webhook', label: 'Webhook' }, action_object_type: 'extras.webhook', action_object_id: 1,
  }];

  // The change log: the cluster sync updates node records a few times a day; people edit by hand now and then.
  const changes: (Obj & { time: string })[] = [];
  const change = (msAgo: number, user: string, obj: Obj, type: string) => changes.push({
    id: changes.length + 1, url: `/api/core/object-changes/${changes.length + 1}/`, display: String(obj.name), time: iso(msAgo), user: { id: user === 'admin' ? 1 : 2, username: user }, user_name: user,
    request_id: `00000000-0000-4000-8000-${String(changes.length + 1).padStart(12, '0')}`, action: { value: 'update', label: 'Update' },
    changed_object_type: type, changed_object_id: obj.id, object_repr: String(obj.name), prechange_data: { status: 'active' }, postchange_data: { status: 'active' },
  });
  for (let d = 300; d > 0; d--) {
    for (let k = 0; k < 3; k++) change(d * DAY - k * 3_600_000, 'k8s-netbox-sync', vms[Math.floor(rand() * vms.length)], 'virtualization.virtualmachine');
    if (d % 7 === 0) change(d * DAY - 5 * 3_600_000, 'wang.lei', devices[Math.floor(rand() * Math.min(5, devices.length))], 'dcim.device');
  }
  return { devices, virtualMachines: vms, clusters, contactAssignments, cables, customFields, eventRules, objectChanges: changes, tenants, prefixes: 24, ipAddresses: nodes.length * 2 + 40, journalEntries: 12 };
}

/** NetBox's answers for the collector's requests; any token but `token` gets 403 as NetBox sends it. */
export function netboxHandler(data: NetboxData, token: string): (req: IncomingMessage, res: ServerResponse) => void {
  const lists: Record<string, Obj[]> = {
    '/api/dcim/devices/': data.devices,
    '/api/virtualization/virtual-machines/': data.virtualMachines,
    '/api/virtualization/clusters/': data.clusters,
    '/api/tenancy/contact-assignments/': data.contactAssignments,
    '/api/dcim/cables/': data.cables,
    '/api/extras/custom-fields/': data.customFields,
    '/api/extras/event-rules/': data.eventRules,
    '/api/tenancy/tenants/': data.tenants,
  };
  const counted: Record<string, number> = { '/api/ipam/prefixes/': data.prefixes, '/api/ipam/ip-addresses/': data.ipAddresses, '/api/extras/journal-entries/': data.journalEntries };
  return (req, res) => {
    if (req.headers.authorization !== `Token ${token}`) return reply(res, 403, { detail: 'Invalid token' });
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = url.searchParams;
    if (url.pathname === '/api/status/') return reply(res, 200, { 'django-version': '5.1.4', 'installed-apps': {}, 'netbox-version': '4.2.1', plugins: {}, 'python-version': '3.12.3', 'rq-workers-running': 1 });
    const limit = Math.min(1000, Math.max(1, Number(q.get('limit') ?? 50)));
    const offset = Math.max(0, Number(q.get('offset') ?? 0));
    const page = (all: unknown[], count = all.length) => {
      const next = offset + limit < count ? `${url.origin}${url.pathname}?limit=${limit}&offset=${offset + limit}` : null;
      const previous = offset > 0 ? `${url.origin}${url.pathname}?limit=${limit}&offset=${Math.max(0, offset - limit)}` : null;
      return reply(res, 200, { count, next, previous, results: all.slice(offset, offset + limit) });
    };
    if (url.pathname === '/api/core/object-changes/') {
      let all: (Obj & { time: string })[] = data.objectChanges;
      const after = q.get('time_after');
      const before = q.get('time_before');
      if (after) all = all.filter((c) => Date.parse(c.time) >= Date.parse(after));
      if (before) all = all.filter((c) => Date.parse(c.time) <= Date.parse(before));
      // NetBox lists changes newest first unless asked otherwise
      return page(q.get('ordering') === 'time' ? all : [...all].reverse());
    }
    if (lists[url.pathname]) return page(lists[url.pathname]);
    if (counted[url.pathname] !== undefined) return page(Array.from({ length: Math.min(limit, counted[url.pathname]) }, (_, i) => ({ id: offset + i + 1 })), counted[url.pathname]);
    return reply(res, 404, { detail: 'Not found.' });
  };
}
