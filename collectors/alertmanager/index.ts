import { z } from 'zod';
import type { CollectContext, Collector } from '../../src/collector/types.js';
import { errorMessage } from '../../src/errors.js';
import type { HttpClient } from '../../src/http/client.js';
import { isCollectError, type FailureKind } from '../../src/http/errors.js';
import { alertGroupsSchema, alertsSchema, receiversSchema, silencesSchema, statusSchema, type Status } from './api.js';
import { httpAuthOptions, httpAuthShape, oneAuthorization } from '../../src/config/http-auth.js';
import { httpUrl } from '../../src/config/schema.js';
import { analyseConfig } from './config-analysis.js';
import { alertmanagerCounters, parseExposition } from './metrics.js';
import { SIGNALS, signalsFrom, type Source } from './signals.js';

export const alertmanagerConfigSchema = z
  .object({
    url: httpUrl().describe('Base URL of the Alertmanager, with its --web.route-prefix if any, e.g. http://127.0.0.1:9093'),
    ...httpAuthShape,
  })
  .strict()
  .refine(oneAuthorization.check, oneAuthorization.message);

export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;

type Ctx = CollectContext<AlertmanagerConfig>;

// Every filter is set explicitly, so the counts do not depend on a server's defaults.
const ALL_ALERTS = { active: true, silenced: true, inhibited: true, unprocessed: true };
// Groups of silenced or inhibited alerts send nothing; counting them would dilute alerts per group.
const NOTIFYING_GROUPS = { active: true, silenced: false, inhibited: false };

export const alertmanagerCollector: Collector<AlertmanagerConfig> = {
  id: 'alertmanager',
  description: 'Prometheus Alertmanager: routing configuration, receivers, alerts, silences and notification counters (API v2 and /metrics)',
  signals: SIGNALS,
  configSchema: alertmanagerConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({ baseURL: config.url, ...httpAuthOptions(config, ctx.resolvePath) });
    const read = reader(ctx);

    // Without the status nothing else can be trusted to come from a working server with these
    // credentials, so those two failures end the collection (the harness fails every signal).
    const status = await read(['status', 'config'], () => http.getJson('/api/v2/status', statusSchema), { fatal: ['credentials', 'unavailable'] });
    if (status) collectStatus(ctx, status.data, status.evidence);

    const receivers = await read(['receivers'], () => http.getJson('/api/v2/receivers', receiversSchema));
    if (receivers) {
      const names = receivers.data.map((r) => r.name);
      ctx.emit('alertmanager.receivers.count', names.length, [receivers.evidence], names.join(', ') || undefined);
    }

    const alerts = await read(['alerts'], () => http.getJson('/api/v2/alerts', alertsSchema, { params: ALL_ALERTS }));
    let active: number | undefined;
    if (alerts) {
      const list = alerts.data;
      active = list.filter((a) => a.status.state === 'active').length;
      const silenced = list.filter((a) => a.status.silencedBy.length > 0).length;
      const inhibited = list.filter((a) => a.status.inhibitedBy.length > 0).length;
      const unprocessed = list.filter((a) => a.status.state === 'unprocessed').length;
      const ev = [alerts.evidence];
      ctx.emit('alertmanager.alerts.active', active, ev, `${list.length} alerts: ${active} active, ${unprocessed} unprocessed`);
      ctx.emit('alertmanager.alerts.suppressed', list.filter((a) => a.status.state === 'suppressed').length, ev, `${silenced} silenced, ${inhibited} inhibited`);
      ctx.emit('alertmanager.alerts.inhibited', inhibited, ev);
    }

    const groups = await read(['groups'], () => http.getJson('/api/v2/alerts/groups', alertGroupsSchema, { params: NOTIFYING_GROUPS }));
    if (groups) {
      const withAlerts = groups.data.filter((g) => g.alerts.length > 0);
      const receiversUsed = new Set(withAlerts.map((g) => g.receiver.name));
      ctx.emit('alertmanager.alerts.groups', withAlerts.length, [groups.evidence], `${withAlerts.length} groups for ${receiversUsed.size} receivers`);
      if (alerts && active !== undefined) {
        if (withAlerts.length === 0) ctx.notAvailable('alertmanager.alerts.per_group', 'no alert group holds an unsuppressed alert now');
        else ctx.emit('alertmanager.alerts.per_group', active / withAlerts.length, [alerts.evidence, groups.evidence], `${active} active alerts in ${withAlerts.length} groups`);
      }
    }

    const silences = await read(['silences'], () => http.getJson('/api/v2/silences', silencesSchema));
    if (silences) {
      const { start, end } = ctx.window;
      const inWindow = silences.data.filter((s) => {
        const t = Date.parse(s.startsAt);
        return t >= start.getTime() && t <= end.getTime();
      });
      const ev = [silences.evidence];
      ctx.emit('alertmanager.silences.active', silences.data.filter((s) => s.status.state === 'active').length, ev, `${silences.data.length} silences known: ${countBy(silences.data.map((s) => s.status.state))}`);
      ctx.emit('alertmanager.silences.window', inWindow.length, ev, inWindow.length ? countBy(inWindow.map((s) => s.status.state)) : undefined);
    }

    await collectMetrics(ctx, http, read);
  },
};

type Reader = <T>(sources: Source[], fetch: () => Promise<T>, opts?: { fatal?: FailureKind[]; absentIfNotFound?: boolean }) => Promise<T | undefined>;

/**
 * Runs one read; when it fails, fails exactly the signals derived from its sources and lets the
 * collection go on. A passed deadline, or a failure the caller names fatal, ends the collection.
 */
function reader(ctx: Ctx): Reader {
  return async (sources, fetch, opts = {}) => {
    try {
      return await fetch();
    } catch (err) {
      if (isCollectError(err) && (err.kind === 'aborted' || opts.fatal?.includes(err.kind))) throw err;
      const reason = errorMessage(err);
      const absent = opts.absentIfNotFound && isCollectError(err, 'not_found');
      for (const id of sources.flatMap(signalsFrom)) {
        if (absent) ctx.notAvailable(id, reason);
        else ctx.failed(id, reason);
      }
      return undefined;
    }
  };
}

function collectStatus(ctx: Ctx, status: Status, evidence: string): void {
  const ev = [evidence];
  ctx.emit('alertmanager.api.reachable', true, ev, status.versionInfo ? `Alertmanager ${status.versionInfo.version}` : undefined);

  const { cluster } = status;
  if (cluster.peers) ctx.emit('alertmanager.cluster.peers', cluster.peers.length, ev, `cluster status ${cluster.status}`);
  // A server with clustering off has no peers; one that is clustered must list at least itself.
  else if (cluster.status === 'disabled') ctx.emit('alertmanager.cluster.peers', 0, ev, 'clustering disabled');
  else ctx.failed('alertmanager.cluster.peers', `GET /api/v2/status lists no cluster.peers while cluster.status is '${cluster.status}'`);

  if (cluster.status === 'ready' || cluster.status === 'settling') ctx.emit('alertmanager.cluster.ready', cluster.status === 'ready', ev, `cluster status ${cluster.status}`);
  else if (cluster.status === 'disabled') ctx.notAvailable('alertmanager.cluster.ready', 'clustering is disabled on this Alertmanager (empty --cluster.listen-address): there is no cluster to be ready');
  else ctx.failed('alertmanager.cluster.ready', `unknown cluster.status '${cluster.status}' in GET /api/v2/status`);

  let facts;
  try {
    facts = analyseConfig(status.config.original);
  } catch (err) {
    for (const id of signalsFrom('config')) ctx.failed(id, `GET /api/v2/status: ${errorMessage(err)}`);
    return;
  }
  const { integrations, grouping, severityRouting, escalation } = facts;
  const unrouted = integrations.unroutedReceivers.length ? `; not routed: ${integrations.unroutedReceivers.join(', ')}` : '';
  ctx.emit('alertmanager.receivers.integration_types', integrations.kinds.length, ev,
    `${integrations.kinds.join(', ') || 'none'} (routed receivers: ${integrations.routedReceivers.join(', ') || 'none'}${unrouted})`);
  ctx.emit('alertmanager.route.grouping', grouping.value, ev, grouping.routes.join('; ') || 'no route has a group_by');
  ctx.emit('alertmanager.route.severity_routing', severityRouting.value, ev, severityRouting.routes.join('; ') || 'no route matches a severity or priority label');
  ctx.emit('alertmanager.route.count', facts.routes.length, ev);
  ctx.emit('alertmanager.route.escalation', escalation.value, ev, escalation.reasons.join('; ') || 'neither continue with a paging receiver nor a severity route to another receiver');
  ctx.emit('alertmanager.inhibit_rules.count', facts.inhibitRules, ev);
}

async function collectMetrics(ctx: Ctx, http: HttpClient, read: Reader): Promise<void> {
  const metrics = await read(['metrics'], async () => {
    // Ask for the classic text format, so a server that could answer OpenMetrics or protobuf does not.
    const res = await http.getText('/metrics', { headers: { Accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' } });
    try {
      return { counters: alertmanagerCounters(parseExposition(res.data)), evidence: res.evidence };
    } catch (err) {
      throw new Error(`GET /metrics did not return the Prometheus text format (HTTP ${res.status}): ${errorMessage(err)}`);
    }
  }, { absentIfNotFound: true });
  if (!metrics) return;
  const { counters, evidence } = metrics;
  const ev = [evidence];
  const missing = (metric: string) => `GET /metrics does not expose ${metric}`;
  const since = counters.processStart ? `since the process started at ${counters.processStart.toISOString()}` : 'since the process started';

  let total: number | undefined;
  if (!counters.notifications) {
    for (const id of ['alertmanager.notifications.total', 'alertmanager.notifications.failed_ratio', 'alertmanager.notifications.per_alert', 'alertmanager.integrations.used'] as const) {
      ctx.notAvailable(id, missing('alertmanager_notifications_total'));
    }
  } else {
    total = [...counters.notifications.values()].reduce((a, b) => a + b, 0);
    ctx.emit('alertmanager.notifications.total', total, ev, since);
    const used = [...counters.notifications].filter(([name, n]) => name !== '' && n > 0).map(([name]) => name).sort();
    ctx.emit('alertmanager.integrations.used', used.length, ev, `${used.join(', ') || 'none'} ${since}`);

    if (counters.failed === undefined) ctx.notAvailable('alertmanager.notifications.failed_ratio', missing('alertmanager_notifications_failed_total'));
    else if (total === 0) ctx.notAvailable('alertmanager.notifications.failed_ratio', `no notification attempted ${since}`);
    else ctx.emit('alertmanager.notifications.failed_ratio', counters.failed / total, ev, `${counters.failed} of ${total} notifications failed ${since}`);
  }

  if (counters.receivedFiring === undefined) {
    ctx.notAvailable('alertmanager.alerts.received', missing('alertmanager_alerts_received_total'));
    if (total !== undefined) ctx.notAvailable('alertmanager.notifications.per_alert', missing('alertmanager_alerts_received_total'));
    return;
  }
  ctx.emit('alertmanager.alerts.received', counters.receivedFiring, ev, since);
  if (total === undefined) return;
  if (counters.receivedFiring === 0) ctx.notAvailable('alertmanager.notifications.per_alert', `no firing alert received ${since}`);
  else ctx.emit('alertmanager.notifications.per_alert', total / counters.receivedFiring, ev, `${total} notifications for ${counters.receivedFiring} firing alerts ${since}`);
}


function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

