import type { DeploymentRecord, DeploymentStatus } from '../../src/delivery/records.js';
import type { Deployment } from './api.js';

/**
 * GitLab's objects as the common delivery records (src/delivery): translation only, every
 * definition lives there.
 */

export interface Span {
  start: number;
  end: number;
}

/**
 * GitLab's deployment status: success and failed finished; running is running; a deployment
 * GitLab created for a job that never started (created, blocked waiting for approval, skipped)
 * or canceled with its pipeline never ran.
 */
export function deploymentStatus(status: string): DeploymentStatus {
  if (status === 'success') return 'success';
  if (status === 'failed') return 'failure';
  if (status === 'running') return 'running';
  return 'not_run';
}

export function deploymentRecord(project: string, d: Deployment): DeploymentRecord {
  const status = deploymentStatus(d.status);
  return {
    app: project,
    environment: d.environment.name,
    id: d.id,
    sha: d.sha,
    createdAt: Date.parse(d.created_at),
    // finished_at when GitLab sets it, else updated_at (the last status change).
    finishedAt: status === 'success' || status === 'failure' ? Date.parse(d.finished_at ?? d.updated_at) : undefined,
    status,
    // Run by a CI job (`deployable` set), not recorded by hand through the API.
    automated: d.deployable != null,
  };
}

/** GitLab's wildcard protected-branch names: `*` matches any characters. */
export function branchMatches(pattern: string, branch: string): boolean {
  if (!pattern.includes('*')) return pattern === branch;
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(branch);
}
