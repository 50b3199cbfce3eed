/**
 * The common records every delivery source (GitHub, GitLab, git) translates its API objects
 * into. The definitions in this folder read only these records, so a DORA figure means one thing
 * whatever system an organisation uses. Times are epoch milliseconds.
 */

/**
 * Where a deployment got to:
 * - success, failure: it finished (GitHub: the last final status; GitLab: success / failed);
 * - running: it started and has not finished (or the source shows no final state yet);
 * - not_run: the source knows it never ran (GitLab: created, blocked, skipped, canceled).
 */
export type DeploymentStatus = 'success' | 'failure' | 'running' | 'not_run';

export interface DeploymentRecord {
  /** The application: the repository or project that deploys (`owner/name`, `group/project`). */
  app: string;
  /** The environment as the source names it (only production environments are translated). */
  environment: string;
  /** The source's id, unique within the app; orders deployments created at the same instant. */
  id: number;
  sha: string;
  createdAt: number;
  /** When it reached success or failure; undefined otherwise. */
  finishedAt?: number;
  status: DeploymentStatus;
  /** Made by automation (a CI job, a bot, an app), not by a person. */
  automated: boolean;
}

/** A change merged into an application's default branch. */
export interface ChangeRecord {
  app: string;
  /** The source's name for it (`#12`, `!7`). */
  id: string;
  mergedAt: number;
  /** The merge commit, where the source gives one. */
  sha?: string;
}

export interface Window {
  start: number;
  end: number;
}

export const inWindow = (t: number, w: Window): boolean => t >= w.start && t <= w.end;
