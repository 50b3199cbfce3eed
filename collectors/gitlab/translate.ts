import type { DeploymentRecord, DeploymentStatus } from '../../src/delivery/records.js';
import type { Deployment, IncidentIssue, MergeRequest, Pipeline } from './api.js';
import type { Grade, IncidentRecord } from '../../src/incidents/records.js';

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

/** The GitLab user that opens incidents from alerts and closes them when the alert resolves. */
export const ALERT_BOT = 'alert-bot';

/**
 * GitLab's incident severities on the core's grades, as PagerDuty's and Opsgenie's top two
 * priorities: S1 critical and S2 high are critical (and major), S3 medium pages as high, S4 low
 * does not page. UNKNOWN (GitLab's default, nobody set one) is graded high: an incident issue was
 * opened for it, but nobody declared it major.
 */
export const SEVERITY_GRADES: Record<string, Grade> = { CRITICAL: 'critical', HIGH: 'critical', MEDIUM: 'high', LOW: 'low', UNKNOWN: 'high' };
export const MAJOR_SEVERITIES = ['CRITICAL', 'HIGH'];

/**
 * An incident issue as the common incident record (src/incidents). The project is the service.
 * GitLab's REST API shows no acknowledgement and no timeline (timeline events are GraphQL-only),
 * no reopening and no postmortem object, so those stay unknown.
 */
export function incidentRecord(project: string, i: IncidentIssue): IncidentRecord {
  const severity = (i.severity ?? 'UNKNOWN').toUpperCase();
  const resolvedAt = i.state === 'closed' && i.closed_at ? Date.parse(i.closed_at) : undefined;
  return {
    id: `${project}#${i.iid}`,
    service: project,
    grade: SEVERITY_GRADES[severity] ?? 'high',
    createdAt: Date.parse(i.created_at),
    resolvedAt,
    source: i.author?.username === ALERT_BOT ? 'monitoring' : i.author ? 'human' : 'unknown',
    autoResolved: resolvedAt !== undefined && i.closed_by?.username === ALERT_BOT,
    major: MAJOR_SEVERITIES.includes(severity),
    reviewLinked: false,
  };
}

/**
 * The head pipeline of a merge request from the pipeline list already read, without asking for
 * the merge request itself: the newest merge request pipeline (refs/merge-requests/:iid/head)
 * for the merge request's head commit — how GitLab picks its head pipeline among them. Undefined
 * when the list holds none (a pipeline older than the window, a branch or merged-results
 * pipeline): the caller then asks GitLab.
 */
export function headPipelineIn(pipelines: readonly Pipeline[]): (mr: MergeRequest) => Pipeline | undefined {
  const newest = new Map<string, Pipeline>();
  for (const p of pipelines) {
    const iid = /^refs\/merge-requests\/(\d+)\/head$/.exec(p.ref ?? '')?.[1];
    if (!iid || !p.sha || p.id == null) continue;
    const key = `${iid}\0${p.sha}`;
    const known = newest.get(key);
    if (!known || (known.id ?? 0) < p.id) newest.set(key, p);
  }
  return (mr) => (mr.sha ? newest.get(`${mr.iid}\0${mr.sha}`) : undefined);
}
