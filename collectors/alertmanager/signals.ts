import { count, flag, number, ratio } from '../../src/collector/kit.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

/** Every signal the collector emits; measured in measure.ts. */
export const SIGNALS: SignalDeclaration[] = [
  flag('alertmanager.api.reachable', 'GET /api/v2/status answered with a valid status document'),
  count('alertmanager.receivers.count', 'Receivers in the loaded configuration (GET /api/v2/receivers)', 'max'),
  count('alertmanager.receivers.integration_types', 'Distinct integration kinds (email, webhook, pagerduty …) configured on receivers that the route tree uses', 'max'),
  flag('alertmanager.route.grouping', 'The root route or a child route groups alerts (non-empty group_by other than "...")'),
  flag('alertmanager.route.severity_routing', 'Some route matches on a severity or priority label (match, match_re or matchers)'),
  count('alertmanager.route.count', 'Routes in the route tree, the root route included', 'max'),
  flag('alertmanager.route.escalation', 'The route tree hands alerts on by severity or to a paging tool: continue plus a paging receiver, or a severity route to a receiver other than its parent\'s. Routing, not escalation: re-notifying the next role when nobody acknowledges happens in the paging tool'),
  count('alertmanager.inhibit_rules.count', 'Inhibition rules in the configuration', 'max'),
  count('alertmanager.cluster.peers', 'Cluster members this instance sees, itself included (0 when clustering is disabled)', 'max'),
  flag('alertmanager.cluster.ready', 'The gossip cluster has settled (cluster.status is "ready"); not available when clustering is disabled', 'all'),
  count('alertmanager.silences.active', 'Silences in state active now'),
  count('alertmanager.silences.window', 'Silences (any state) whose startsAt falls within the scan window, as far as the silence retention reaches'),
  count('alertmanager.alerts.active', 'Alerts in state active (neither silenced nor inhibited) now'),
  count('alertmanager.alerts.suppressed', 'Alerts silenced or inhibited now (state suppressed)'),
  count('alertmanager.alerts.inhibited', 'Alerts inhibited by another alert now'),
  count('alertmanager.alerts.groups', 'Alert groups (receiver × group_by labels) holding at least one unsuppressed alert now'),
  number('alertmanager.alerts.per_group', 'alerts/group', 'Active alerts per alert group now (alerts.active / alerts.groups)'),
  count('alertmanager.notifications.total', 'Notifications attempted since the Alertmanager process started (alertmanager_notifications_total)'),
  ratio('alertmanager.notifications.failed_ratio', 'Share of notifications that failed since the process started', 'max'),
  count('alertmanager.alerts.received', 'Firing alerts received since the process started (alertmanager_alerts_received_total{status="firing"})'),
  number('alertmanager.notifications.per_alert', 'notifications/alert', 'Notifications per firing alert received since the process started (alert convergence)'),
  count('alertmanager.integrations.used', 'Integration kinds that have attempted at least one notification since the process started', 'max'),
];
