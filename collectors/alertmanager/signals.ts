import type { SignalDeclaration } from '../../src/signals/types.js';

/**
 * Where each signal's data comes from. When a source cannot be read, exactly the signals listed
 * under it are failed (or not available), and the others are still measured.
 */
export type Source = 'status' | 'config' | 'receivers' | 'alerts' | 'groups' | 'silences' | 'metrics';

interface AlertmanagerSignal extends SignalDeclaration {
  sources: readonly Source[];
}

const DECLS = [
  { id: 'alertmanager.api.reachable', type: 'boolean', aggregation: 'any', sources: ['status'],
    description: 'GET /api/v2/status answered with a valid status document' },
  { id: 'alertmanager.receivers.count', type: 'number', unit: 'count', aggregation: 'max', sources: ['receivers'],
    description: 'Receivers in the loaded configuration (GET /api/v2/receivers)' },
  { id: 'alertmanager.receivers.integration_types', type: 'number', unit: 'count', aggregation: 'max', sources: ['config'],
    description: 'Distinct integration kinds (email, webhook, pagerduty …) configured on receivers that the route tree uses' },
  { id: 'alertmanager.route.grouping', type: 'boolean', aggregation: 'any', sources: ['config'],
    description: 'The root route or a child route groups alerts (non-empty group_by other than "...")' },
  { id: 'alertmanager.route.severity_routing', type: 'boolean', aggregation: 'any', sources: ['config'],
    description: 'Some route matches on a severity or priority label (match, match_re or matchers)' },
  { id: 'alertmanager.route.count', type: 'number', unit: 'count', aggregation: 'max', sources: ['config'],
    description: 'Routes in the route tree, the root route included' },
  { id: 'alertmanager.route.escalation', type: 'boolean', aggregation: 'any', sources: ['config'],
    description: 'The route tree hands alerts on by severity or to a paging tool: continue plus a paging receiver, or a severity route to a receiver other than its parent\'s. Routing, not escalation: re-notifying the next role when nobody acknowledges happens in the paging tool' },
  { id: 'alertmanager.inhibit_rules.count', type: 'number', unit: 'count', aggregation: 'max', sources: ['config'],
    description: 'Inhibition rules in the configuration' },
  { id: 'alertmanager.cluster.peers', type: 'number', unit: 'count', aggregation: 'max', sources: ['status'],
    description: 'Cluster members this instance sees, itself included (0 when clustering is disabled)' },
  { id: 'alertmanager.cluster.ready', type: 'boolean', aggregation: 'all', sources: ['status'],
    description: 'The gossip cluster has settled (cluster.status is "ready"); not available when clustering is disabled' },
  { id: 'alertmanager.silences.active', type: 'number', unit: 'count', aggregation: 'sum', sources: ['silences'],
    description: 'Silences in state active now' },
  { id: 'alertmanager.silences.window', type: 'number', unit: 'count', aggregation: 'sum', sources: ['silences'],
    description: 'Silences (any state) whose startsAt falls within the scan window, as far as the silence retention reaches' },
  { id: 'alertmanager.alerts.active', type: 'number', unit: 'count', aggregation: 'sum', sources: ['alerts'],
    description: 'Alerts in state active (neither silenced nor inhibited) now' },
  { id: 'alertmanager.alerts.suppressed', type: 'number', unit: 'count', aggregation: 'sum', sources: ['alerts'],
    description: 'Alerts silenced or inhibited now (state suppressed)' },
  { id: 'alertmanager.alerts.inhibited', type: 'number', unit: 'count', aggregation: 'sum', sources: ['alerts'],
    description: 'Alerts inhibited by another alert now' },
  { id: 'alertmanager.alerts.groups', type: 'number', unit: 'count', aggregation: 'sum', sources: ['groups'],
    description: 'Alert groups (receiver × group_by labels) holding at least one unsuppressed alert now' },
  { id: 'alertmanager.alerts.per_group', type: 'number', aggregation: 'max', sources: ['alerts', 'groups'],
    description: 'Active alerts per alert group now (alerts.active / alerts.groups)' },
  { id: 'alertmanager.notifications.total', type: 'number', unit: 'count', aggregation: 'sum', sources: ['metrics'],
    description: 'Notifications attempted since the Alertmanager process started (alertmanager_notifications_total)' },
  { id: 'alertmanager.notifications.failed_ratio', type: 'ratio', aggregation: 'max', sources: ['metrics'],
    description: 'Share of notifications that failed since the process started' },
  { id: 'alertmanager.alerts.received', type: 'number', unit: 'count', aggregation: 'sum', sources: ['metrics'],
    description: 'Firing alerts received since the process started (alertmanager_alerts_received_total{status="firing"})' },
  { id: 'alertmanager.notifications.per_alert', type: 'number', aggregation: 'max', sources: ['metrics'],
    description: 'Notifications per firing alert received since the process started (alert convergence)' },
  { id: 'alertmanager.integrations.used', type: 'number', unit: 'count', aggregation: 'max', sources: ['metrics'],
    description: 'Integration kinds that have attempted at least one notification since the process started' },
] as const satisfies readonly AlertmanagerSignal[];

export type SignalId = (typeof DECLS)[number]['id'];

export const SIGNALS: SignalDeclaration[] = DECLS.map(({ sources: _sources, ...decl }) => decl);

/** The signals derived (wholly or partly) from a source. */
export function signalsFrom(source: Source): SignalId[] {
  return DECLS.filter((d) => (d.sources as readonly Source[]).includes(source)).map((d) => d.id);
}
