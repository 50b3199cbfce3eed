import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectors } from '../../collectors/index.js';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/report/schema.js';
import { integrationRequired, missingBinaries, startStack, waitUntil, type Stack } from '../helpers/stack.js';

/**
 * techops against the real monitoring stack from Debian's packages, started here on loopback:
 * targets up, one probe succeeding and one failing, alerts firing, grouped, inhibited and
 * delivered to a webhook; then a scan through the CLI with the shipped rules and collectors.
 */
const missing = missingBinaries();
if (missing.length && integrationRequired()) throw new Error(`integration tests are required here (TECHOPS_REQUIRE_INTEGRATION=1), but missing: ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('a scan of the real Prometheus, Alertmanager and exporters', () => {
  let stack: Stack;
  let report: Report;
  let exitCode: number;
  const signal = (id: string) => report.signals.find((s) => s.id === id)!;
  const criterion = (id: string) => report.criteria.find((c) => c.id === id)!;
  const capability = (id: string) => report.capabilities.find((c) => c.id === id)!;

  beforeAll(async () => {
    stack = await startStack();
    // Let the stack do its work before scanning it: a notification delivered, the warning
    // inhibited by the critical alert, both probes scraped, Alertmanager's counters scraped twice.
    await waitUntil('a notification of ServiceDown at the webhook', async () => stack.webhook.notifications.find((n) => n.groupLabels.alertname === 'ServiceDown'), 40_000);
    await waitUntil('ServiceSlow inhibited', async () => {
      const alerts = (await (await fetch(`${stack.alertmanager}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { inhibitedBy: string[] } }[];
      return alerts.find((a) => a.labels.alertname === 'ServiceSlow' && a.status.inhibitedBy.length > 0);
    });
    await waitUntil('notifications counted by Prometheus', async () => {
      const q = encodeURIComponent('sum(increase(alertmanager_notifications_total[1h])) > 0');
      const body = (await (await fetch(`${stack.prometheus}/api/v1/query?query=${q}`)).json()) as { data: { result: unknown[] } };
      return body.data.result.length ? true : undefined;
    }, 40_000);
    await waitUntil('both probes scraped', async () => {
      const body = (await (await fetch(`${stack.prometheus}/api/v1/query?query=probe_success`)).json()) as { data: { result: unknown[] } };
      return body.data.result.length === 2 ? true : undefined;
    });

    const dir = mkdtempSync(join(tmpdir(), 'techops-real-'));
    const config = join(dir, 'techops.yaml');
    writeFileSync(
      config,
      `assessment: { name: real stack }
window: 1h
collectors:
  prometheus: [{ name: local, url: "${stack.prometheus}" }]
  alertmanager: [{ name: local, url: "${stack.alertmanager}" }]
`,
    );
    let stdout = '';
    exitCode = await main(['scan', '-c', config, '-o', dir, '-f', 'json', '-q'], { registry: collectors, stdout: (s) => void (stdout += s), stderr: () => {} });
    report = JSON.parse(stdout);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(report);
  }, 120_000);

  afterAll(async () => stack?.stop());

  it('finishes cleanly with both collectors', () => {
    expect(exitCode).toBe(0);
    expect(report.collectors.map((c) => [c.collector, c.status, c.error])).toEqual([
      ['alertmanager', 'ok', undefined],
      ['prometheus', 'ok', undefined],
    ]);
  });

  it('measures collection: OS metrics, targets, push and pull, per-job intervals and limits', () => {
    expect(signal('prometheus.api.reachable').value).toBe(true);
    expect(signal('prometheus.node.os_metrics').value).toBe(true);
    expect(signal('prometheus.node.instances').value).toBe(1);
    expect(signal('prometheus.targets.count').value).toBe(6);
    expect(signal('prometheus.targets.up_ratio').value).toBe(1);
    expect(signal('prometheus.jobs.count').value).toBe(5);
    expect(signal('prometheus.push.pushgateway').value).toBe(true);
    expect(signal('prometheus.ha.replica_label').value).toBe(true);
    expect(signal('prometheus.scrape.interval_distinct').value).toBe(2);
    expect(signal('prometheus.scrape.max_interval_seconds').value).toBe(2);
    expect(signal('prometheus.scrape.limits_ratio').value).toBeCloseTo(1 / 5);
    expect(signal('prometheus.scrape.tls_ratio').value).toBe(0);
    expect(signal('prometheus.remote_write.count').value).toBe(0);
    expect(signal('prometheus.tsdb.retention_seconds').value).toBe(15 * 86400);
    expect(signal('prometheus.tsdb.head_series').value as number).toBeGreaterThan(100);
  });

  it('measures rules and alerting: severity, runbooks, dynamic thresholds, capacity and forecasts', () => {
    expect(signal('prometheus.rules.alerting_count').value).toBe(5);
    expect(signal('prometheus.rules.recording_count').value).toBe(1);
    expect(signal('prometheus.rules.severity_ratio').value).toBe(1);
    expect(signal('prometheus.rules.severity_levels').value).toBe(3);
    expect(signal('prometheus.rules.runbook_ratio').value).toBeCloseTo(1 / 5);
    expect(signal('prometheus.rules.dynamic_threshold_count').value).toBe(1);
    expect(signal('prometheus.capacity.cpu_threshold_rules').value).toBe(1);
    expect(signal('prometheus.capacity.forecast_rules').value).toBe(1);
    expect(signal('prometheus.rules.max_interval_seconds').value).toBe(5);
    expect(signal('prometheus.alerts.firing').value as number).toBeGreaterThanOrEqual(2);
    expect(signal('prometheus.alertmanagers.count').value).toBe(1);
  });

  it('measures availability from the probes: one succeeds, one fails', () => {
    expect(signal('prometheus.probes.count').value).toBe(2);
    expect(signal('prometheus.probes.worst_availability').value).toBe(0);
    const availability = signal('prometheus.probes.availability').value as number;
    expect(availability).toBeGreaterThan(0.3);
    expect(availability).toBeLessThan(0.7);
    expect(criterion('10.1.1-2.2').status).toBe('not_met');
  });

  it('sees no database exporter: backups and replication are not available, and their criteria unknown', () => {
    expect(signal('prometheus.replication.max_lag_seconds').status).toBe('not_available');
    expect(signal('prometheus.backup.max_age_seconds').status).toBe('not_available');
    expect(criterion('9.2.1-2.1').status).toBe('unknown');
  });

  it('measures Alertmanager: channels, grouping, severity routes, inhibition, deliveries', () => {
    expect(signal('alertmanager.receivers.count').value).toBe(2);
    expect(signal('alertmanager.receivers.integration_types').value).toBe(2);
    expect(signal('alertmanager.route.grouping').value).toBe(true);
    expect(signal('alertmanager.route.severity_routing').value).toBe(true);
    expect(signal('alertmanager.inhibit_rules.count').value).toBe(1);
    expect(signal('alertmanager.alerts.inhibited').value as number).toBeGreaterThanOrEqual(1);
    expect(signal('alertmanager.notifications.total').value as number).toBeGreaterThanOrEqual(1);
    expect(signal('alertmanager.integrations.used').value as number).toBeGreaterThanOrEqual(1);
    expect(signal('alertmanager.cluster.ready').status).toBe('not_available');
    // Alertmanager counts a failure only when its retries give up, which takes longer than a test
    expect(signal('alertmanager.notifications.failed_ratio').status).toBe('observed');
    expect(signal('prometheus.alerts.notifications_window').value as number).toBeGreaterThanOrEqual(1);
  });

  it('decides chapter 5 criteria from the measurements', () => {
    expect(criterion('5.1.1-1.1')).toMatchObject({ status: 'met', basis: 'measured' });
    expect(criterion('5.3.1-1.1').status).toBe('met');
    expect(criterion('5.3.1-1.2').status).toBe('met');
    expect(criterion('5.3.1-2.1').status).toBe('met');
    expect(criterion('5.3.1-2.4').status).toBe('not_met');
    expect(criterion('5.3.1-2.4').explanation).toContain('prometheus.rules.runbook_ratio = 0.2');
    expect(criterion('5.3.1-3.2').status).toBe('met');
    // every target of this stack is on 127.0.0.1: no scrape crosses a network, so transmission
    // security has nothing to judge (it read not_met while loopback jobs were counted)
    expect(signal('prometheus.scrape.network_tls_ratio').status).toBe('not_available');
    expect(criterion('5.1.2-4.2').status).toBe('unknown');
    // one server scraping itself: HA is not observed, whatever its replica label says
    expect(signal('prometheus.ha.shared_scrape_servers').value).toBe(1);
    expect(criterion('5.1.1-2.3').status).toBe('not_met');
    expect(signal('prometheus.remote_write.delivering_destinations').value).toBe(0);
    // an alert fired and is stored as ALERTS; notifications counted but their analysis is not attested
    expect(criterion('5.3.1-2.3').status).toBe('met');
    expect(criterion('5.3.1-2.2').status).toBe('unknown');
    // the stack's always-firing test alerts are not named as a dead-man switch: no rule watches the pipeline
    expect(signal('prometheus.rules.pipeline_alert_rules').value).toBe(0);
    expect(criterion('5.2.2-3.5').status).toBe('not_met');
    expect(signal('prometheus.rules.custom_alerting_ratio').value).toBe(1);
    // explain names the rules behind the count
    expect(signal('prometheus.rules.alerting_count').objects).toEqual({ total: 5, sample: ['ServiceDown', 'ServiceSlow', 'ProbeFailing', 'HighCpu', 'DiskWillFill'] });
    expect(criterion('5.3.1-3.5').status).toBe('met');
    expect(criterion('5.2.1-4.1').status).toBe('met');
    expect(criterion('5.2.2-3.2').status).toBe('unknown'); // real time met, offline statistics need an attestation
    expect(criterion('8.1.1-3.3').status).toBe('met');
  });

  it('yields levels for 5.1.1, 5.1.2, 5.2.1 to 5.2.3 and 5.3.1', () => {
    const levels = Object.fromEntries(['5.1.1', '5.1.2', '5.2.1', '5.2.2', '5.2.3', '5.3.1'].map((id) => [id, [capability(id).level, capability(id).ceiling]]));
    expect(levels).toEqual({
      '5.1.1': [1, 1], // one server, no second one seen scraping the same targets (5.1.1-2.3); the replica label no longer counts
      '5.1.2': [1, 1], // no second server, no remote write delivering: one subscriber only (5.1.2-2.2)
      '5.2.1': [1, 1], // no forwarding path (5.2.1-2.1)
      '5.2.2': [0, 2], // 5.2.2-1.2 (abnormal data) awaits an attestation; no alert watches the processing itself (5.2.2-3.5)
      '5.2.3': [1, 2], // no remote storage tier (5.2.3-3.2)
      '5.3.1': [1, 1], // one alerting rule in five has a runbook (5.3.1-2.4)
    });
    expect(capability('5.1.2').blockers).toEqual(expect.arrayContaining([expect.objectContaining({ criterion: '5.1.2-2.2', status: 'not_met' })]));
    expect(capability('5.1.1').blockers).toEqual(expect.arrayContaining([expect.objectContaining({ criterion: '5.1.1-2.3', status: 'not_met' })]));
    expect(capability('5.3.1').blockers).toEqual(expect.arrayContaining([expect.objectContaining({ criterion: '5.3.1-2.4', status: 'not_met' })]));
  });

  it('backs every measured value with evidence records of the real requests', () => {
    const s = signal('prometheus.rules.severity_ratio');
    expect(s.evidence.length).toBeGreaterThan(0);
    for (const id of s.evidence) {
      const ev = report.evidence.find((e) => e.id === id)!;
      expect(ev).toMatchObject({ collector: 'prometheus', instance: 'local', method: 'GET', status: 200 });
      expect(ev.url.startsWith(stack.prometheus)).toBe(true);
      expect(ev.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const am = report.evidence.filter((e) => e.collector === 'alertmanager');
    expect(am.map((e) => new URL(e.url).pathname).sort()).toEqual(['/api/v2/alerts', '/api/v2/alerts/groups', '/api/v2/receivers', '/api/v2/silences', '/api/v2/status', '/metrics']);
    expect(report.evidence.every((e) => e.method === 'GET')).toBe(true);
  });
});
