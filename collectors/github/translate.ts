import type { DeploymentRecord, DeploymentStatus } from '../../src/delivery/records.js';
import type { DeploymentItem as Deployment, DeploymentStatus as GithubStatus } from './api.js';

/**
 * GitHub's deployment objects as the common delivery records (src/delivery): translation only,
 * every definition lives there.
 */

/**
 * The last status whose state is final: success → success, failure and error → failure.
 * Without one (only queued, pending, in_progress or inactive) the deployment is running as far
 * as GitHub shows; GitHub has no state for a deployment that never ran.
 */
export function finalStatus(statuses: readonly GithubStatus[]): { status: DeploymentStatus; at?: number } {
  const ordered = [...statuses].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
  let final: { status: DeploymentStatus; at?: number } = { status: 'running' };
  for (const s of ordered) {
    if (s.state === 'success') final = { status: 'success', at: Date.parse(s.created_at) };
    else if (s.state === 'failure' || s.state === 'error') final = { status: 'failure', at: Date.parse(s.created_at) };
  }
  return final;
}

/** A production deployment of `app`, before its statuses are read (running until they say otherwise). */
export function deploymentRecord(app: string, d: Deployment): DeploymentRecord {
  return {
    app,
    environment: d.environment,
    id: d.id,
    sha: d.sha,
    createdAt: Date.parse(d.created_at),
    status: 'running',
    // A deployment made by a bot account (Actions, Argo CD …) or through a GitHub App is automation.
    automated: d.creator?.type === 'Bot' || !!d.performed_via_github_app,
  };
}

/** The record once its statuses are read. */
export function withStatuses(record: DeploymentRecord, statuses: readonly GithubStatus[]): DeploymentRecord {
  const f = finalStatus(statuses);
  return { ...record, status: f.status, finishedAt: f.at };
}
