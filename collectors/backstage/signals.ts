import { count, flag, ratio } from '../../src/collector/kit.js';

/**
 * Every signal the Backstage collector emits. "Items" are the catalogue's components, systems,
 * APIs and resources (groups and users are who owns them, not items). The `items.*`,
 * `relations.count` and `api.reachable` signals feed the tool-independent `cmdb.*` signals
 * (signals/derived.yaml).
 */
export const SIGNALS = [
  flag('backstage.api.reachable', 'The catalogue API answered a listing with the configured token'),
  count('backstage.items.count', 'Catalogue items: Component, System, API and Resource entities'),
  count('backstage.items.application_count', 'Items of application kinds: Component, System and API entities'),
  // Not fed to cmdb.items.infrastructure_count: a Resource (a database, a bucket) is not hardware or a machine.
  count('backstage.resources.count', 'Resource entities: the databases, buckets and queues components need'),
  ratio('backstage.items.owner_ratio', 'Items whose owner (the ownedBy relation, or spec.owner read as a group ref) is a Group or User in the catalogue; an owner that names nobody the catalogue knows is no owner'),
  ratio('backstage.items.lifecycle_ratio', 'Components and APIs (the kinds whose schema has spec.lifecycle) with a lifecycle stage recorded'),
  ratio('backstage.items.related_ratio', 'Items with at least one relation to another item besides ownership (partOf, hasPart, dependsOn, dependencyOf, providesApi, apiProvidedBy, consumesApi, apiConsumedBy)'),
  count('backstage.relations.count', 'Relations between items, each counted once (its forward direction: partOf, dependsOn, providesApi, consumesApi)'),
  count('backstage.groups.count', 'Group entities (teams that can own items)', 'max'),
  count('backstage.items.orphan_count', 'Items the catalogue marks orphaned (annotation backstage.io/orphan: the source that declared them no longer does): stale records', 'sum'),
  ratio('backstage.components.kubernetes_ratio', 'Components that name their Kubernetes workload (annotation backstage.io/kubernetes-id)'),
  count('backstage.lifecycle.stages_count', 'Distinct lifecycle stages recorded on components and APIs (e.g. experimental, production, deprecated)', 'max'),
] as const;
