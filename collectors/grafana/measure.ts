import { fromRead, measuredValue, notAvailable, ratioOf, type Measured, type Read } from '../../src/collector/kit.js';
import { SAMPLE_MAX } from '../../src/signals/types.js';
import type { AlertRule, ContactPoint, DashboardFull, Folder, Hit, Permission } from './api.js';
import type { GrafanaSignalId } from './signals.js';

/**
 * Dashboard models → facts, and facts → measures. A dashboard's JSON model is free-form, so it
 * is walked defensively: a field of an unexpected type counts as absent.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const KEY_METRIC_TYPES = new Set(['stat', 'gauge', 'bargauge', 'singlestat']);
const TOPOLOGY_TYPES = new Set(['nodeGraph', 'agenty-flowcharting-panel', 'jdbranham-diagram-panel', 'novatec-sdg-panel', 'grafana-flowcharting-panel']);
const CONDITION_MACROS = /\$__(interval|rate_interval|range|interval_ms)\b/;
/** Grafana's own pseudo data sources: they query nothing. */
const PSEUDO_DATASOURCES = new Set(['-- Mixed --', '-- Dashboard --', '-- Grafana --', 'datasource', 'grafana', 'mixed', 'dashboard']);

export interface DashboardFacts {
  uid: string;
  title: string;
  panels: number;
  custom: boolean;
  variables: number;
  drilldown: boolean;
  keyMetric: boolean;
  conditionalPanels: number;
  topologyPanels: number;
  datasourceTypes: string[];
  inFolder: boolean;
  provisioned: boolean;
  /** ms since the epoch, when meta.updated parses. */
  updated?: number;
}

/** Panels of a model, those inside rows (current schema) and in `rows` (pre-5.0 schema) included; rows themselves left out. */
function panelsOf(model: Obj): Obj[] {
  const out: Obj[] = [];
  const walk = (items: unknown[]) => {
    for (const p of items) {
      if (!isObj(p)) continue;
      if (p.type !== 'row') out.push(p);
      walk(list(p.panels));
    }
  };
  walk(list(model.panels));
  for (const row of list(model.rows)) if (isObj(row)) walk(list(row.panels));
  return out;
}

const linksToDashboard = (links: unknown): boolean => list(links).some((l) => isObj(l) && (l.type === 'dashboards' || /\/d\//.test(str(l.url) ?? '')));

function panelLinksToDashboard(p: Obj): boolean {
  const fc = isObj(p.fieldConfig) ? p.fieldConfig : {};
  const defaults = isObj(fc.defaults) ? fc.defaults : {};
  const overrideLinks = list(fc.overrides).flatMap((o) => (isObj(o) ? list(o.properties) : [])).filter((prop) => isObj(prop) && prop.id === 'links').flatMap((prop) => list((prop as Obj).value));
  return linksToDashboard(p.links) || linksToDashboard(defaults.links) || linksToDashboard(overrideLinks);
}

function isConditional(p: Obj): boolean {
  if (str(p.timeFrom) || str(p.timeShift) || str(p.interval) || typeof p.maxDataPoints === 'number') return true;
  if (list(p.transformations).length > 0) return true;
  return list(p.targets).some((t) => isObj(t) && Object.values(t).some((v) => typeof v === 'string' && CONDITION_MACROS.test(v)));
}

/** A data source reference as a type (`{type, uid}`), or its name (older string references); templated references are skipped. */
function datasourceType(ref: unknown): string | undefined {
  if (isObj(ref)) {
    const type = str(ref.type);
    if (type && !PSEUDO_DATASOURCES.has(type)) return type;
    return undefined;
  }
  const name = str(ref);
  if (!name || PSEUDO_DATASOURCES.has(name) || name.startsWith('$')) return undefined;
  return `named:${name}`;
}

export function dashboardFacts(d: DashboardFull): DashboardFacts {
  const model = d.dashboard as Obj;
  const panels = panelsOf(model);
  const templating = isObj(model.templating) ? model.templating : {};
  const variables = list(templating.list).filter((v) => isObj(v) && v.type !== 'constant').length;
  const types = new Set<string>();
  for (const p of panels) {
    const own = datasourceType(p.datasource);
    if (own) types.add(own);
    for (const t of list(p.targets)) {
      const ds = isObj(t) ? datasourceType(t.datasource) : undefined;
      if (ds) types.add(ds);
    }
  }
  const updated = d.meta.updated ? Date.parse(d.meta.updated) : NaN;
  return {
    uid: d.dashboard.uid ?? '',
    title: d.dashboard.title ?? d.dashboard.uid ?? '',
    panels: panels.length,
    custom: d.dashboard.gnetId === undefined || d.dashboard.gnetId === null || d.dashboard.gnetId === '' || d.dashboard.gnetId === 0,
    variables,
    drilldown: linksToDashboard(model.links) || panels.some(panelLinksToDashboard),
    keyMetric: panels.some((p) => KEY_METRIC_TYPES.has(str(p.type) ?? '')),
    conditionalPanels: panels.filter(isConditional).length,
    topologyPanels: panels.filter((p) => TOPOLOGY_TYPES.has(str(p.type) ?? '')).length,
    datasourceTypes: [...types].sort(),
    inFolder: Boolean(d.meta.folderUid),
    provisioned: d.meta.provisioned === true,
    ...(Number.isFinite(updated) && updated > 0 ? { updated } : {}),
  };
}

const objects = (names: string[]) => ({ total: names.length, sample: names.slice(0, SAMPLE_MAX) });

export interface DashboardInput {
  hits: Read<Hit[]>;
  dashboards: Read<DashboardFacts[]>;
  /** Dashboards listed but not read in full (beyond max_dashboards). */
  unread: number;
  now: number;
  staleDays: number;
}

/** Measures of the dashboards: the listing alone gives the count, the models the rest. */
export function measureDashboards(i: DashboardInput): Partial<Record<GrafanaSignalId, Measured>> {
  const notes = i.unread > 0 ? { notes: [`${i.unread} dashboards beyond max_dashboards were not read in full; the measures cover the first ones listed`] } : {};
  const of = (measure: (ds: DashboardFacts[]) => Measured | number) => {
    const m = fromRead(i.dashboards, measure);
    return m.status === 'value' && notes.notes ? { ...m, notes: [...(m.notes ?? []), ...notes.notes] } : m;
  };
  const countOf = (pick: (d: DashboardFacts) => boolean, what: string) => of((ds) => {
    const names = ds.filter(pick).map((d) => d.title);
    return measuredValue(names.length, [], { detail: `${names.length} of ${ds.length} dashboards ${what}`, objects: objects(names) });
  });
  const ratioFor = (pick: (d: DashboardFacts) => boolean, what: string) => of((ds) => {
    const names = ds.filter(pick).map((d) => d.title);
    return ratioOf(names.length, ds.length, [], 'dashboards', { objects: objects(names), detail: `${names.length} of ${ds.length} dashboards ${what}` });
  });
  const staleBefore = i.now - i.staleDays * 86_400_000;
  return {
    'grafana.api.reachable': fromRead(i.hits, () => true),
    'grafana.dashboards.count': fromRead(i.hits, (h) => measuredValue(h.length, [], { objects: objects(h.map((x) => x.title)) })),
    'grafana.dashboards.custom_count': countOf((d) => d.custom, 'authored in-house (no gnetId)'),
    'grafana.panels.count': of((ds) => measuredValue(ds.reduce((n, d) => n + d.panels, 0), [], { detail: `on ${ds.length} dashboards` })),
    'grafana.dashboards.with_variables': countOf((d) => d.variables > 0, 'with variables'),
    'grafana.dashboards.with_variables_ratio': ratioFor((d) => d.variables > 0, 'with variables'),
    'grafana.dashboards.with_drilldown': countOf((d) => d.drilldown, 'linking to another dashboard'),
    'grafana.dashboards.with_key_metric_panels': countOf((d) => d.keyMetric, 'with a single-value panel'),
    'grafana.panels.conditional_count': of((ds) => {
      const names = ds.filter((d) => d.conditionalPanels > 0).map((d) => `${d.title} (${d.conditionalPanels})`);
      return measuredValue(ds.reduce((n, d) => n + d.conditionalPanels, 0), [], { objects: objects(names) });
    }),
    'grafana.panels.topology_count': of((ds) => {
      const names = ds.filter((d) => d.topologyPanels > 0).map((d) => `${d.title} (${d.topologyPanels})`);
      return measuredValue(ds.reduce((n, d) => n + d.topologyPanels, 0), [], { objects: objects(names) });
    }),
    'grafana.dashboards.in_folder_ratio': ratioFor((d) => d.inFolder, 'in a folder'),
    'grafana.dashboards.provisioned_ratio': ratioFor((d) => d.provisioned, 'provisioned'),
    'grafana.dashboards.stale_ratio': of((ds) => {
      const dated = ds.filter((d) => d.updated !== undefined);
      if (dated.length === 0) return notAvailable('no dashboard carries meta.updated');
      const stale = dated.filter((d) => d.updated! < staleBefore).map((d) => d.title);
      return ratioOf(stale.length, dated.length, [], 'dashboards with an update time', { objects: objects(stale), detail: `${stale.length} of ${dated.length} dashboards not updated for ${i.staleDays} days` });
    }),
    'grafana.datasources.types_used': of((ds) => {
      const types = [...new Set(ds.flatMap((d) => d.datasourceTypes))].sort();
      return measuredValue(types.length, [], { objects: objects(types.map((t) => t.replace(/^named:/, 'named '))) });
    }),
  };
}

export const PERMISSION_NAMES: Record<number, string> = { 1: 'View', 2: 'Edit', 4: 'Admin' };

export function measureFolders(folders: Read<Folder[]>, permissions: Read<Map<string, Permission[]>> | undefined): Partial<Record<GrafanaSignalId, Measured>> {
  const out: Partial<Record<GrafanaSignalId, Measured>> = {
    'grafana.folders.count': fromRead(folders, (f) => measuredValue(f.length, [], { objects: objects(f.map((x) => x.title)) })),
  };
  if (!permissions) return out;
  out['grafana.folders.team_permission_ratio'] = fromRead(permissions, (byFolder) => {
    const granted = folders.status === 'ok' ? folders.data.filter((f) => (byFolder.get(f.uid) ?? []).some((p) => p.teamId || p.userId)).map((f) => f.title) : [];
    return ratioOf(granted.length, byFolder.size, [], 'folders', { objects: objects(granted) });
  });
  out['grafana.permissions.levels'] = fromRead(permissions, (byFolder) => {
    const levels = [...new Set([...byFolder.values()].flat().map((p) => p.permission))].sort();
    return measuredValue(levels.length, [], { detail: levels.map((l) => PERMISSION_NAMES[l] ?? String(l)).join(', ') || 'none' });
  });
  return out;
}

export function measureAlerting(rules: Read<AlertRule[]>, contactPoints: Read<ContactPoint[]>): Partial<Record<GrafanaSignalId, Measured>> {
  return {
    'grafana.alert_rules.count': fromRead(rules, (r) => {
      const active = r.filter((x) => !x.isPaused);
      return measuredValue(active.length, [], { objects: objects(active.map((x) => x.title)), detail: `${active.length} active of ${r.length}` });
    }),
    'grafana.contact_points.count': fromRead(contactPoints, (c) => measuredValue(c.length, [], { objects: objects(c.map((x) => `${x.name} (${x.type})`)) })),
  };
}

export function measureAnnotations(n: Read<number>, limit: number): Partial<Record<GrafanaSignalId, Measured>> {
  return { 'grafana.annotations.count': fromRead(n, (k) => measuredValue(k, [], k >= limit ? { notes: [`at least ${limit}: the answer was cut at annotations_limit`] } : {})) };
}
