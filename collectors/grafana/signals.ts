import { count, flag, ratio, type SignalIds } from '../../src/collector/kit.js';

/** Every signal the Grafana collector emits: over the dashboards, folders and rules the token can see. */
export const SIGNALS = [
  flag('grafana.api.reachable', 'GET /api/search answered with the dashboards the token can see'),
  count('grafana.dashboards.count', 'Dashboards the token can see (GET /api/search?type=dash-db, every page)'),
  count('grafana.dashboards.custom_count', 'Dashboards read whose model has no gnetId, i.e. not imported from grafana.com: authored by the organisation'),
  count('grafana.panels.count', 'Panels on the dashboards read (rows excluded; panels inside rows counted)'),
  count('grafana.dashboards.with_variables', 'Dashboards with at least one templating variable other than a constant (views per team, service, scenario)'),
  ratio('grafana.dashboards.with_variables_ratio', 'Share of the dashboards read with at least one templating variable other than a constant'),
  count('grafana.dashboards.with_drilldown', 'Dashboards that link to another dashboard: dashboard links (by tag or /d/ URL), panel links or data links to a /d/ URL'),
  count('grafana.dashboards.with_key_metric_panels', 'Dashboards with a single-value panel (stat, gauge, bar gauge, singlestat) that shows a figure large and coloured by thresholds'),
  count('grafana.panels.conditional_count', 'Panels that compute by a chosen condition: their own time range or shift, interval or resolution, transformations, or a query over $__interval/$__rate_interval/$__range'),
  count('grafana.panels.topology_count', 'Panels drawing a topology or call graph (node graph, flowcharting, diagram, service dependency graph)'),
  ratio('grafana.dashboards.in_folder_ratio', 'Share of the dashboards read kept in a folder (an owner) rather than in General'),
  ratio('grafana.dashboards.provisioned_ratio', 'Share of the dashboards read provisioned from files or Git (meta.provisioned): dashboards as code'),
  ratio('grafana.dashboards.stale_ratio', 'Share of the dashboards read not updated for stale_days (meta.updated)', 'max'),
  count('grafana.datasources.types_used', 'Distinct data source types the panels of the dashboards read query', 'max'),
  count('grafana.folders.count', 'Folders the token can see (GET /api/folders, every page)'),
  ratio('grafana.folders.team_permission_ratio', 'Share of the folders whose permissions grant access to a team or a named user, beyond the organisation roles'),
  count('grafana.permissions.levels', 'Distinct permission levels (View, Edit, Admin) granted on the folders', 'max'),
  count('grafana.annotations.count', 'Annotations (events marked on dashboards) in the scan window, up to annotations_limit'),
  count('grafana.alert_rules.count', 'Grafana-managed alert rules (GET /api/v1/provisioning/alert-rules), paused ones excluded'),
  count('grafana.contact_points.count', 'Grafana-managed contact points (GET /api/v1/provisioning/contact-points)'),
];

export type GrafanaSignalId = SignalIds<typeof SIGNALS>;
