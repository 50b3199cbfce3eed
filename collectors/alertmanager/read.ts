import { attemptRead, readFailed, readOk, type Read } from '../../src/collector/kit.js';
import { errorMessage } from '../../src/errors.js';
import type { AlertGroups, Alert, AlertmanagerApi, Receivers, Silence, Status } from './api.js';
import { parseExposition, type Exposition } from './exposition.js';

export interface AlertmanagerReads {
  status: Read<Status>;
  receivers: Read<Receivers>;
  alerts: Read<Alert[]>;
  groups: Read<AlertGroups>;
  silences: Read<Silence[]>;
  /** Absent when the server does not serve /metrics (404). */
  metrics: Read<Exposition>;
}

/**
 * Reads the server one endpoint after another, each settled into its own `Read`. Without the
 * status nothing else can be trusted to come from a working server with these credentials, so
 * a refused or unreachable status ends the collection (the harness fails every signal).
 */
export async function readAlertmanager(api: AlertmanagerApi): Promise<AlertmanagerReads> {
  const status = await attemptRead(api.status, { fatal: ['credentials', 'unavailable'] });
  const receivers = await attemptRead(api.receivers);
  const alerts = await attemptRead(api.alerts);
  const groups = await attemptRead(api.groups);
  const silences = await attemptRead(api.silences);
  const metrics = await attemptRead(() => readMetrics(api), { absentOn: ['not_found'] });
  return { status, receivers, alerts, groups, silences, metrics };
}

/**
 * Every sample line must parse: an HTML login page or a truncated body served with status 200
 * is a failed read rather than "no notifications".
 */
async function readMetrics(api: AlertmanagerApi): Promise<Read<Exposition>> {
  const res = await api.metrics();
  try {
    return readOk(parseExposition(res.data), [res.evidence]);
  } catch (err) {
    return readFailed(new Error(`GET /metrics did not return the Prometheus text format (HTTP ${res.status}): ${errorMessage(err)}`), [res.evidence]);
  }
}
