import { describe, expect, it } from 'vitest';
import { readOk, type Read } from '../../src/collector/kit.js';
import type { Alert, Status } from './api.js';
import { alertmanagerCounters, measureAlerts, measureNotifications, measureSilences, measureStatus } from './measure.js';
import { parseExposition } from './exposition.js';

/** The measures on plain reads, no HTTP: what a value, an absence and a failure each become. */

const ok = <T>(data: T, ev = 'ev-1'): Read<T> => readOk(data, [ev]);
const failed = (reason: string, ev = 'ev-x'): Read<never> => ({ status: 'failed', reason, kind: 'unavailable', evidence: [ev] });
const status = (cluster: Status['cluster']): Status => ({ cluster, config: { original: 'route: {receiver: a}\nreceivers: [{name: a}]\n' } });

describe('status', () => {
  it('clustering off: no peers, and readiness has nothing to measure', () => {
    const m = measureStatus(ok(status({ status: 'disabled' })));
    expect(m['alertmanager.cluster.peers']).toMatchObject({ status: 'value', value: 0, detail: 'clustering disabled' });
    expect(m['alertmanager.cluster.ready']).toMatchObject({ status: 'not_available', reason: expect.stringContaining('clustering is disabled') });
    expect(m['alertmanager.api.reachable']).toMatchObject({ status: 'value', value: true, evidence: ['ev-1'] });
  });

  it('a clustered server that lists no peers, or a state the spec does not know, is failed rather than guessed', () => {
    expect(measureStatus(ok(status({ status: 'ready' })))['alertmanager.cluster.peers']).toMatchObject({ status: 'failed', reason: "GET /api/v2/status lists no cluster.peers while cluster.status is 'ready'" });
    expect(measureStatus(ok(status({ status: 'gossiping', peers: [] })))['alertmanager.cluster.ready']).toMatchObject({ status: 'failed', reason: "unknown cluster.status 'gossiping' in GET /api/v2/status" });
  });
});

describe('alerts and groups', () => {
  const alert = (state: string, silencedBy: string[] = [], inhibitedBy: string[] = []): Alert => ({ fingerprint: state, status: { state, silencedBy, inhibitedBy } });
  const alerts = ok([alert('active'), alert('active'), alert('suppressed', [], ['x'])], 'ev-a');

  it('alerts per group divides active alerts by groups that notify; failed groups fail only what needs them', () => {
    const m = measureAlerts(alerts, ok([{ receiver: { name: 'r' }, alerts: [{ fingerprint: 'a' }] }, { receiver: { name: 'r' }, alerts: [] }], 'ev-g'));
    expect(m['alertmanager.alerts.per_group']).toEqual({ status: 'value', value: 2, evidence: ['ev-a', 'ev-g'], detail: '2 active alerts in 1 groups' });
    const broken = measureAlerts(alerts, failed('HTTP 503'));
    expect(broken['alertmanager.alerts.per_group']).toMatchObject({ status: 'failed', reason: 'HTTP 503' });
    expect(broken['alertmanager.alerts.groups'].status).toBe('failed');
    expect(broken['alertmanager.alerts.inhibited']).toMatchObject({ status: 'value', value: 1 });
  });

  it('no group holding an alert is not available, not 0 or infinity', () => {
    expect(measureAlerts(alerts, ok([]))['alertmanager.alerts.per_group']).toMatchObject({ status: 'not_available', reason: 'no alert group holds an unsuppressed alert now' });
  });
});

describe('silences', () => {
  it('counts silences that started inside the window, bounds included', () => {
    const window = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-30T00:00:00Z'), seconds: 29 * 86400 };
    const silence = (id: string, state: string, startsAt: string) => ({ id, status: { state }, startsAt });
    const m = measureSilences(ok([silence('1', 'expired', '2026-11-01T00:00:00Z'), silence('2', 'active', '2026-11-29T00:00:00Z'), silence('3', 'expired', '2026-10-31T23:59:59Z'), silence('4', 'pending', '2026-11-30T00:00:01Z')]), window);
    expect(m['alertmanager.silences.window']).toMatchObject({ value: 2, detail: '1 expired, 1 active' });
    expect(m['alertmanager.silences.active']).toMatchObject({ value: 1, detail: '4 silences known: 2 expired, 1 active, 1 pending' });
  });
});

describe('notification counters', () => {
  const counters = (text: string) => ok(alertmanagerCounters(parseExposition(text)), 'ev-m');

  it('without the failure counter the failed share is not available, naming the metric; the rest is measured', () => {
    const m = measureNotifications(counters('alertmanager_notifications_total{integration="email"} 4\nalertmanager_alerts_received_total{status="firing"} 8\n'));
    expect(m['alertmanager.notifications.failed_ratio']).toEqual({ status: 'not_available', reason: 'GET /metrics does not expose alertmanager_notifications_failed_total', evidence: ['ev-m'] });
    expect(m['alertmanager.notifications.per_alert']).toMatchObject({ status: 'value', value: 0.5, detail: '4 notifications for 8 firing alerts since the process started' });
    expect(m['alertmanager.integrations.used']).toMatchObject({ status: 'value', value: 1, detail: 'email since the process started' });
  });

  it('no firing alert received: notifications per alert is not available, not 0', () => {
    const m = measureNotifications(counters('alertmanager_notifications_total{integration="email"} 0\nalertmanager_notifications_failed_total{integration="email"} 0\nalertmanager_alerts_received_total{status="firing"} 0\n'));
    expect(m['alertmanager.notifications.per_alert']).toMatchObject({ status: 'not_available', reason: 'no firing alert received since the process started' });
    expect(m['alertmanager.notifications.failed_ratio']).toMatchObject({ status: 'not_available', reason: 'no notification attempted since the process started' });
    expect(m['alertmanager.alerts.received']).toMatchObject({ status: 'value', value: 0 });
  });
});
