import { fromRead, measuredValue, measureFailed, notAvailable, type Measured, type Read } from '../../../src/collector/kit.js';
import type { Alertmanagers, Sample } from '../api.js';
import type { RuleFacts } from './rules.js';
import { scalar } from './samples.js';

/** Alerts seen over the window and the notifications they led to (chapter 5.3). */
export function measureAlerts(reads: { alertmanagers: Read<Alertmanagers>; fired: Read<Sample[]>; notifications: Read<Sample[]> }, rules: Read<RuleFacts>): Record<string, Measured> {
  const fired = firedWindow(reads.fired, rules);
  const notifications = scalar(reads.notifications, 'alertmanager_notifications_total is not scraped by this Prometheus (no such series in the window)', Math.round);
  return {
    'prometheus.alertmanagers.count': fromRead(reads.alertmanagers, (d) => d.activeAlertmanagers.length),
    'prometheus.alerts.fired_window': fired,
    'prometheus.alerts.notifications_window': notifications,
    'prometheus.alerts.notifications_per_alert': perAlert(notifications, fired),
  };
}

/**
 * ALERTS series only exist while an alert is pending or firing, so an empty answer is a
 * measured zero only when this server has alerting rules that could have fired; without
 * any, nothing could be seen either way.
 */
export function firedWindow(fired: Read<Sample[]>, rules: Read<RuleFacts>): Measured {
  if (fired.status !== 'ok' || fired.data.length > 0) return scalar(fired, '', Math.round);
  if (rules.status !== 'ok') return measureFailed(`no ALERTS series in the window, and whether alerting rules exist is unknown: ${rules.reason}`, fired.evidence);
  if (rules.data.alerting > 0) {
    return measuredValue(0, [...fired.evidence, ...rules.evidence], { detail: `no alert fired in the window; ${rules.data.alerting} alerting rules loaded` });
  }
  return notAvailable('no alerting rules are loaded, so no alert could fire', fired.evidence);
}

/** Alert convergence: notifications sent per alert that fired, both over the window. */
export function perAlert(notifications: Measured, fired: Measured): Measured {
  for (const m of [notifications, fired]) if (m.status === 'failed') return m;
  for (const m of [notifications, fired]) if (m.status === 'not_available') return m;
  if (notifications.status !== 'value' || fired.status !== 'value') return measureFailed('unreachable');
  const n = notifications.value as number;
  const f = fired.value as number;
  if (f === 0) return notAvailable('no alert fired in the window', fired.evidence);
  return measuredValue(n / f, [...notifications.evidence, ...fired.evidence], { detail: `${n} notifications / ${f} alerts fired` });
}
