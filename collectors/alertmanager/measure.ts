import { fromRead, mapRead, measuredValue, measureFailed, notAvailable, type Measured, type Read, type Window } from '../../src/collector/kit.js';
import { errorMessage } from '../../src/errors.js';
import type { Alert, AlertGroups, Silence, Status } from './api.js';
import { analyseConfig, type ConfigFacts } from './config-analysis.js';
import type { Exposition, Sample } from './exposition.js';
import type { AlertmanagerReads } from './read.js';

/**
 * Every signal from the reads: pure functions, tested on plain objects. A read that failed
 * fails exactly the signals built from it; the others are still measured.
 */
export function measureAlertmanager(reads: AlertmanagerReads, window: Window): Record<string, Measured> {
  return {
    ...measureStatus(reads.status),
    ...measureConfig(mapRead(reads.status, configOf)),
    'alertmanager.receivers.count': fromRead(reads.receivers, (r) => r.length, (r) => ({ detail: r.map((x) => x.name).join(', ') || undefined })),
    ...measureAlerts(reads.alerts, reads.groups),
    ...measureSilences(reads.silences, window),
    ...measureNotifications(mapRead(reads.metrics, alertmanagerCounters)),
  };
}

/** The loaded configuration as the status reports it; a config that does not parse names where it came from. */
function configOf(status: Status): ConfigFacts {
  try {
    return analyseConfig(status.config.original);
  } catch (err) {
    throw new Error(`GET /api/v2/status: ${errorMessage(err)}`);
  }
}

export function measureStatus(status: Read<Status>): Record<string, Measured> {
  return {
    'alertmanager.api.reachable': fromRead(status, () => true, (s) => ({ detail: s.versionInfo ? `Alertmanager ${s.versionInfo.version}` : undefined })),
    'alertmanager.cluster.peers': fromRead(status, ({ cluster }) => {
      if (cluster.peers) return measuredValue(cluster.peers.length, [], { detail: `cluster status ${cluster.status}` });
      // A server with clustering off has no peers; one that is clustered must list at least itself.
      if (cluster.status === 'disabled') return measuredValue(0, [], { detail: 'clustering disabled' });
      return measureFailed(`GET /api/v2/status lists no cluster.peers while cluster.status is '${cluster.status}'`);
    }),
    'alertmanager.cluster.ready': fromRead(status, ({ cluster }) => {
      if (cluster.status === 'ready' || cluster.status === 'settling') return measuredValue(cluster.status === 'ready', [], { detail: `cluster status ${cluster.status}` });
      if (cluster.status === 'disabled') return notAvailable('clustering is disabled on this Alertmanager (empty --cluster.listen-address): there is no cluster to be ready');
      return measureFailed(`unknown cluster.status '${cluster.status}' in GET /api/v2/status`);
    }),
  };
}

export function measureConfig(config: Read<ConfigFacts>): Record<string, Measured> {
  const of = (measure: (c: ConfigFacts) => number | boolean, detail?: (c: ConfigFacts) => string) => fromRead(config, measure, detail && ((c) => ({ detail: detail(c) })));
  return {
    'alertmanager.receivers.integration_types': of((c) => c.integrations.kinds.length, ({ integrations: i }) => {
      const unrouted = i.unroutedReceivers.length ? `; not routed: ${i.unroutedReceivers.join(', ')}` : '';
      return `${i.kinds.join(', ') || 'none'} (routed receivers: ${i.routedReceivers.join(', ') || 'none'}${unrouted})`;
    }),
    'alertmanager.route.grouping': of((c) => c.grouping.value, (c) => c.grouping.routes.join('; ') || 'no route has a group_by'),
    'alertmanager.route.severity_routing': of((c) => c.severityRouting.value, (c) => c.severityRouting.routes.join('; ') || 'no route matches a severity or priority label'),
    'alertmanager.route.count': of((c) => c.routes.length),
    'alertmanager.route.escalation': of((c) => c.escalation.value,
      (c) => c.escalation.reasons.join('; ') || 'neither continue with a paging receiver nor a severity route to another receiver'),
    'alertmanager.inhibit_rules.count': of((c) => c.inhibitRules),
  };
}

export function measureAlerts(alerts: Read<Alert[]>, groups: Read<AlertGroups>): Record<string, Measured> {
  const active = (list: Alert[]) => list.filter((a) => a.status.state === 'active').length;
  const inhibited = (list: Alert[]) => list.filter((a) => a.status.inhibitedBy.length > 0).length;
  const notifying = (g: AlertGroups) => g.filter((x) => x.alerts.length > 0);
  return {
    'alertmanager.alerts.active': fromRead(alerts, active,
      (list) => ({ detail: `${list.length} alerts: ${active(list)} active, ${list.filter((a) => a.status.state === 'unprocessed').length} unprocessed` })),
    'alertmanager.alerts.suppressed': fromRead(alerts, (list) => list.filter((a) => a.status.state === 'suppressed').length,
      (list) => ({ detail: `${list.filter((a) => a.status.silencedBy.length > 0).length} silenced, ${inhibited(list)} inhibited` })),
    'alertmanager.alerts.inhibited': fromRead(alerts, inhibited),
    'alertmanager.alerts.groups': fromRead(groups, (g) => notifying(g).length,
      (g) => ({ detail: `${notifying(g).length} groups for ${new Set(notifying(g).map((x) => x.receiver.name)).size} receivers` })),
    'alertmanager.alerts.per_group': fromRead(alerts, (list) => fromRead(groups, (g) => {
      const withAlerts = notifying(g).length;
      if (withAlerts === 0) return notAvailable('no alert group holds an unsuppressed alert now');
      return measuredValue(active(list) / withAlerts, [], { detail: `${active(list)} active alerts in ${withAlerts} groups` });
    })),
  };
}

export function measureSilences(silences: Read<Silence[]>, window: Window): Record<string, Measured> {
  const inWindow = (list: Silence[]) => list.filter((s) => {
    const t = Date.parse(s.startsAt);
    return t >= window.start.getTime() && t <= window.end.getTime();
  });
  return {
    'alertmanager.silences.active': fromRead(silences, (list) => list.filter((s) => s.status.state === 'active').length,
      (list) => ({ detail: `${list.length} silences known: ${countBy(list.map((s) => s.status.state))}` })),
    'alertmanager.silences.window': fromRead(silences, (list) => inWindow(list).length,
      (list) => ({ detail: inWindow(list).length ? countBy(inWindow(list).map((s) => s.status.state)) : undefined })),
  };
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

export interface AlertmanagerCounters {
  /** alertmanager_notifications_total per `integration` label; undefined when not exposed. */
  notifications?: Map<string, number>;
  failed?: number;
  /** Firing alerts received; undefined when not exposed. */
  receivedFiring?: number;
  /** process_start_time_seconds, when exposed: the counters count from here. */
  processStart?: Date;
}

const sum = (samples: Sample[]) => samples.reduce((n, s) => n + s.value, 0);

/**
 * The counters the notification signals use. Series are summed across every other label, so
 * servers that add labels (receiver_name since 0.28, reason on failures) give the same totals.
 */
export function alertmanagerCounters(expo: Exposition): AlertmanagerCounters {
  const out: AlertmanagerCounters = {};
  const notifications = expo.get('alertmanager_notifications_total');
  if (notifications) {
    out.notifications = new Map();
    for (const s of notifications) {
      const integration = s.labels.integration ?? '';
      out.notifications.set(integration, (out.notifications.get(integration) ?? 0) + s.value);
    }
  }
  const failed = expo.get('alertmanager_notifications_failed_total');
  if (failed) out.failed = sum(failed);
  const received = expo.get('alertmanager_alerts_received_total');
  // 0.25 labels the series status="firing"|"resolved"; a series without the label counts whole.
  if (received) out.receivedFiring = sum(received.filter((s) => s.labels.status === undefined || s.labels.status === 'firing'));
  const start = expo.get('process_start_time_seconds')?.[0]?.value;
  if (start !== undefined && Number.isFinite(start)) out.processStart = new Date(start * 1000);
  return out;
}

/** The notification signals from the counters, which count from the process start. */
export function measureNotifications(metrics: Read<AlertmanagerCounters>): Record<string, Measured> {
  const missing = (metric: string) => notAvailable(`GET /metrics does not expose ${metric}`);
  const since = (c: AlertmanagerCounters) => (c.processStart ? `since the process started at ${c.processStart.toISOString()}` : 'since the process started');
  const total = (c: AlertmanagerCounters) => [...(c.notifications?.values() ?? [])].reduce((a, b) => a + b, 0);
  const of = (measure: (c: AlertmanagerCounters) => Measured) => fromRead(metrics, measure);
  return {
    'alertmanager.notifications.total': of((c) => (c.notifications ? measuredValue(total(c), [], { detail: since(c) }) : missing('alertmanager_notifications_total'))),
    'alertmanager.integrations.used': of((c) => {
      if (!c.notifications) return missing('alertmanager_notifications_total');
      const used = [...c.notifications].filter(([name, n]) => name !== '' && n > 0).map(([name]) => name).sort();
      return measuredValue(used.length, [], { detail: `${used.join(', ') || 'none'} ${since(c)}` });
    }),
    'alertmanager.notifications.failed_ratio': of((c) => {
      if (!c.notifications) return missing('alertmanager_notifications_total');
      if (c.failed === undefined) return missing('alertmanager_notifications_failed_total');
      if (total(c) === 0) return notAvailable(`no notification attempted ${since(c)}`);
      return measuredValue(c.failed / total(c), [], { detail: `${c.failed} of ${total(c)} notifications failed ${since(c)}` });
    }),
    'alertmanager.alerts.received': of((c) => (c.receivedFiring === undefined ? missing('alertmanager_alerts_received_total') : measuredValue(c.receivedFiring, [], { detail: since(c) }))),
    'alertmanager.notifications.per_alert': of((c) => {
      if (!c.notifications) return missing('alertmanager_notifications_total');
      if (c.receivedFiring === undefined) return missing('alertmanager_alerts_received_total');
      if (c.receivedFiring === 0) return notAvailable(`no firing alert received ${since(c)}`);
      return measuredValue(total(c) / c.receivedFiring, [], { detail: `${total(c)} notifications for ${c.receivedFiring} firing alerts ${since(c)}` });
    }),
  };
}
