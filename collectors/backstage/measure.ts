import { allReads, fromRead, measuredValue, notAvailable, ratioOf, type Measured } from '../../src/collector/kit.js';
import type { InventoryItem } from '../../src/inventory/records.js';
import { SAMPLE_MAX } from '../../src/signals/types.js';
import type { Entity } from './api.js';
import type { BackstageReads } from './read.js';

/**
 * Pure functions from catalogue entities to measures and inventory records. Entity refs are
 * `kind:namespace/name`, compared case-insensitively as the catalogue compares them; a bare
 * `spec.owner` defaults to kind group and the entity's own namespace (Backstage's rule).
 */

export const K8S_ID = 'backstage.io/kubernetes-id';
export const K8S_NAMESPACE = 'backstage.io/kubernetes-namespace';
export const ORPHAN = 'backstage.io/orphan';

const APPLICATION_KINDS = new Set(['component', 'system', 'api']);
const LIFECYCLE_KINDS = new Set(['component', 'api']);
/** Relations between items (ownership is between an item and a principal). */
const ITEM_RELATIONS = new Set(['partof', 'haspart', 'dependson', 'dependencyof', 'providesapi', 'apiprovidedby', 'consumesapi', 'apiconsumedby']);
const FORWARD_RELATIONS = new Set(['partof', 'dependson', 'providesapi', 'consumesapi']);

const kindOf = (e: Entity) => e.kind.toLowerCase();
const nsOf = (e: Entity) => (e.metadata.namespace ?? 'default').toLowerCase();
export const refOf = (e: Entity) => `${kindOf(e)}:${nsOf(e)}/${e.metadata.name.toLowerCase()}`;
const sample = (names: string[]) => ({ total: names.length, sample: names.slice(0, SAMPLE_MAX) });

/** A ref as the catalogue completes it: `team-a` → `group:<namespace>/team-a`. */
export function completeRef(ref: string, defaultKind: string, defaultNamespace: string): string {
  const m = /^(?:([^:/]+):)?(?:([^:/]+)\/)?([^:/]+)$/.exec(ref.trim());
  if (!m) return ref.trim().toLowerCase();
  return `${(m[1] ?? defaultKind).toLowerCase()}:${(m[2] ?? defaultNamespace).toLowerCase()}/${m[3].toLowerCase()}`;
}

/** The owner's ref: the ownedBy relation the catalogue resolved, else spec.owner completed. */
export function ownerOf(e: Entity): string | undefined {
  const rel = e.relations?.find((r) => r.type.toLowerCase() === 'ownedby');
  if (rel) return rel.targetRef.toLowerCase();
  return e.spec?.owner ? completeRef(e.spec.owner, 'group', nsOf(e)) : undefined;
}

export function measureItems(items: readonly Entity[]): Record<string, Measured> {
  const ev: string[] = [];
  const components = items.filter((e) => kindOf(e) === 'component');
  const withLifecycle = items.filter((e) => LIFECYCLE_KINDS.has(kindOf(e)));
  const lifecycled = withLifecycle.filter((e) => (e.spec?.lifecycle ?? '').trim() !== '');
  const related = items.filter((e) => e.relations?.some((r) => ITEM_RELATIONS.has(r.type.toLowerCase())));
  const unrelated = items.filter((e) => !related.includes(e)).map(refOf);
  const relations = new Set(items.flatMap((e) => (e.relations ?? []).filter((r) => FORWARD_RELATIONS.has(r.type.toLowerCase())).map((r) => `${refOf(e)} ${r.type.toLowerCase()} ${r.targetRef.toLowerCase()}`)));
  const orphans = items.filter((e) => e.metadata.annotations?.[ORPHAN] === 'true').map(refOf);
  const k8s = components.filter((e) => (e.metadata.annotations?.[K8S_ID] ?? '').trim() !== '');
  const stages = [...new Set(lifecycled.map((e) => e.spec!.lifecycle!.trim().toLowerCase()))].sort();
  return {
    'backstage.items.count': measuredValue(items.length, ev, { detail: byKind(items) }),
    'backstage.items.application_count': measuredValue(items.filter((e) => APPLICATION_KINDS.has(kindOf(e))).length, ev),
    'backstage.resources.count': measuredValue(items.filter((e) => kindOf(e) === 'resource').length, ev),
    'backstage.items.lifecycle_ratio': ratioOf(lifecycled.length, withLifecycle.length, ev, 'components and APIs',
      { objects: sample(withLifecycle.filter((e) => !lifecycled.includes(e)).map(refOf)) }),
    'backstage.items.related_ratio': ratioOf(related.length, items.length, ev, 'items', { objects: sample(unrelated), notes: unrelated.length ? ['objects: the items with no relation to another item'] : undefined }),
    'backstage.relations.count': measuredValue(relations.size, ev),
    'backstage.items.orphan_count': measuredValue(orphans.length, ev, { objects: sample(orphans) }),
    'backstage.components.kubernetes_ratio': ratioOf(k8s.length, components.length, ev, 'components', unplacedNote(toInventory(items).unplaced)),
    'backstage.lifecycle.stages_count': withLifecycle.length === 0 ? notAvailable('no components or APIs in the catalogue')
      : measuredValue(stages.length, ev, { detail: stages.join(', ') || 'none', objects: sample(stages) }),
  };
}

/** Items whose owner is a group or user the catalogue holds; the objects name the others with the owner they give. */
export function measureOwners(items: readonly Entity[], principals: readonly Entity[]): Measured {
  const known = new Set(principals.map(refOf));
  const unowned = items.filter((e) => {
    const owner = ownerOf(e);
    return owner === undefined || !known.has(owner);
  });
  return ratioOf(items.length - unowned.length, items.length, [], 'items', {
    objects: sample(unowned.map((e) => `${refOf(e)} (owner ${ownerOf(e) ?? 'none'})`)),
    ...(unowned.length ? { notes: ['objects: the items without an owner the catalogue knows'] } : {}),
  });
}

function unplacedNote(unplaced: string[]): { notes?: string[] } {
  return unplaced.length ? { notes: [`${unplaced.length} name a workload without ${K8S_NAMESPACE} and are not matched against the cluster: ${unplaced.slice(0, 5).join(', ')}`] } : {};
}

function byKind(items: readonly Entity[]): string {
  const n = new Map<string, number>();
  for (const e of items) n.set(kindOf(e), (n.get(kindOf(e)) ?? 0) + 1);
  return [...n].sort().map(([k, c]) => `${c} ${k}`).join(', ');
}

/**
 * The workloads the catalogue names, as registered inventory: a component with
 * `backstage.io/kubernetes-id` and `backstage.io/kubernetes-namespace` is the workload
 * `<namespace>/<id>` (the convention that the id is the workload's name, which the Kubernetes
 * plugin's label `backstage.io/kubernetes-id=<id>` also carries). A component without the
 * namespace annotation cannot be placed: it is left out and counted in `unplaced`.
 */
export function toInventory(items: readonly Entity[]): { records: InventoryItem[]; unplaced: string[] } {
  const records: InventoryItem[] = [];
  const unplaced: string[] = [];
  for (const e of items) {
    if (kindOf(e) !== 'component') continue;
    const id = e.metadata.annotations?.[K8S_ID]?.trim();
    if (!id) continue;
    const ns = e.metadata.annotations?.[K8S_NAMESPACE]?.trim();
    if (!ns) {
      unplaced.push(refOf(e));
      continue;
    }
    const owner = ownerOf(e);
    records.push({
      role: 'registered', kind: 'workload', key: `${ns}/${id}`.toLowerCase(), name: refOf(e),
      ...(owner ? { owner } : {}), ...(e.spec?.lifecycle ? { lifecycle: e.spec.lifecycle } : {}),
    });
  }
  return { records, unplaced };
}

/** Every signal from the reads. */
export function measureAll(reads: BackstageReads): Record<string, Measured> {
  const out: Record<string, Measured> = {
    'backstage.api.reachable': fromRead(reads.items, () => true),
    'backstage.groups.count': fromRead(reads.principals, (p) => p.filter((e) => kindOf(e) === 'group').length),
    'backstage.items.owner_ratio': fromRead(allReads({ items: reads.items, principals: reads.principals }), ({ items, principals }) => measureOwners(items, principals)),
  };
  const measured = reads.items.status === 'ok' ? measureItems(reads.items.data) : undefined;
  for (const id of Object.keys(measureItems([]))) out[id] = fromRead(reads.items, () => measured![id]);
  return out;
}
