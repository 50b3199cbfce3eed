import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Estate } from '../estate.js';
import { reply } from '../http.js';

/** Alertmanager API v2 and /metrics, shaped like Alertmanager 0.25's responses. */
export function alertmanagerHandler(estate: Estate): (req: IncomingMessage, res: ServerResponse) => void {
  const am = estate.alertmanager;
  const now = estate.now.toISOString();
  const firing = estate.prometheus.groups.flatMap((g) => g.rules.filter((r) => r.kind === 'alerting' && r.firing > 0));
  const alerts = firing.flatMap((r, i) =>
    Array.from({ length: r.firing }, (_, k) => {
      const labels: Record<string, string> = { alertname: r.name, instance: `10.20.0.${10 + k}:9100`, ...r.labels };
      const inhibited = labels.severity === 'warning' && i % 3 === 0;
      return {
        annotations: r.annotations,
        endsAt: new Date(estate.now.getTime() + 4 * 60_000).toISOString(),
        fingerprint: (0x1000000000000 + i * 64 + k).toString(16),
        receivers: [{ name: labels.severity === 'critical' ? 'sre-pagerduty' : 'default-email' }],
        startsAt: new Date(estate.now.getTime() - (i + 1) * 600_000).toISOString(),
        status: { inhibitedBy: inhibited ? ['1a2b3c4d5e6f7081'] : [], silencedBy: [], state: inhibited ? 'suppressed' : 'active' },
        updatedAt: now,
        generatorURL: `http://prometheus.shop.example.invalid:9090/graph?g0.expr=${encodeURIComponent(r.expr)}`,
        labels,
      };
    }),
  );
  const groups = new Map<string, typeof alerts>();
  for (const a of alerts) groups.set(a.labels.alertname, [...(groups.get(a.labels.alertname) ?? []), a]);
  const peers = Array.from({ length: am.peers }, (_, i) => ({ address: `10.30.0.${i + 1}:9094`, name: `01HAMPEER${i}XXXXXXXXXXXXXXX` }));

  const metrics = () => {
    const lines = [
      '# HELP alertmanager_alerts_received_total The total number of received alerts.',
      '# TYPE alertmanager_alerts_received_total counter',
      `alertmanager_alerts_received_total{status="firing",version="v2"} ${am.alertsReceived}`,
      `alertmanager_alerts_received_total{status="resolved",version="v2"} ${Math.round(am.alertsReceived * 0.9)}`,
      '# HELP alertmanager_notifications_failed_total The total number of failed notifications.',
      '# TYPE alertmanager_notifications_failed_total counter',
    ];
    const integrations = new Map<string, number>();
    for (const r of am.receivers) for (const [k, v] of Object.entries(r.integrations)) integrations.set(k, (integrations.get(k) ?? 0) + v);
    for (const k of ['email', 'opsgenie', 'pagerduty', 'pushover', 'slack', 'sns', 'telegram', 'victorops', 'webhook', 'wechat']) {
      lines.push(`alertmanager_notifications_failed_total{integration="${k}"} ${k === 'email' ? am.notificationsFailed : 0}`);
    }
    lines.push('# HELP alertmanager_notifications_total The total number of attempted notifications.', '# TYPE alertmanager_notifications_total counter');
    for (const k of ['email', 'opsgenie', 'pagerduty', 'pushover', 'slack', 'sns', 'telegram', 'victorops', 'webhook', 'wechat']) {
      lines.push(`alertmanager_notifications_total{integration="${k}"} ${integrations.get(k) ?? 0}`);
    }
    lines.push('# HELP alertmanager_cluster_members Number indicating current number of members in cluster.', '# TYPE alertmanager_cluster_members gauge', `alertmanager_cluster_members ${am.peers}`);
    return lines.join('\n') + '\n';
  };

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    switch (path) {
      case '/api/v2/status':
        return reply(res, 200, {
          cluster: { name: '01HAMCLUSTERXXXXXXXXXXXXXX', peers, status: am.peers > 0 ? 'ready' : 'disabled' },
          config: { original: am.configYaml },
          uptime: new Date(estate.now.getTime() - 9 * 86400_000).toISOString(),
          versionInfo: { branch: 'debian/sid', buildDate: '20230315-12:00:00', buildUser: 'team+pkg-go@tracker.debian.org', goVersion: 'go1.19.8', revision: '0.25.0+ds-1', version: am.version },
        });
      case '/api/v2/receivers':
        return reply(res, 200, am.receivers.map((r) => ({ name: r.name })));
      case '/api/v2/alerts':
        return reply(res, 200, alerts);
      case '/api/v2/alerts/groups':
        return reply(res, 200, [...groups.entries()].map(([name, list]) => ({ alerts: list, labels: { alertname: name }, receiver: { name: list[0].receivers[0].name } })));
      case '/api/v2/silences':
        return reply(res, 200, am.silences.map((s) => ({
          id: s.id, status: { state: s.state }, updatedAt: s.startsAt, comment: 'Planned maintenance', createdBy: 'sre@shop.example.invalid',
          endsAt: s.endsAt, startsAt: s.startsAt, matchers: s.matchers.map((m) => ({ isEqual: true, isRegex: false, name: m.name, value: m.value })),
        })));
      case '/metrics':
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        return res.end(metrics());
      case '/-/ready':
      case '/-/healthy':
        res.writeHead(200);
        return res.end('OK');
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('404 page not found\n');
    }
  };
}
