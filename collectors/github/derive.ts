import { busiestDay, median, weeksWithEvent, workingDaysWithEvent } from '../../src/signals/cadence.js';
import type { Window } from '../../src/collector/types.js';
import type { DeploymentStatus } from './api.js';

/**
 * The delivery arithmetic, kept free of I/O so that every definition in the README can be read
 * (and tested) here. Times are epoch milliseconds; the window is [start, end].
 */

export const DAY = 86_400_000;
/** A successful deployment rolled back within this long counts as a failed change. */
export const ROLLBACK_FAILURE_WINDOW = DAY;

export type FinalState = 'success' | 'failure' | 'error';

export interface Deploy {
  repo: string;
  id: number;
  sha: string;
  /** The environment as GitHub names it. */
  environment: string;
  created: number;
  automated: boolean;
  /** Set for the production deployments in the window, once their statuses are read. */
  final?: { state: FinalState; at: number };
}

export function inWindow(t: number, w: Window): boolean {
  return t >= w.start.getTime() && t <= w.end.getTime();
}

/** The last status whose state is final (success, failure, error); `inactive` (superseded), queued, pending and in_progress are not. */
export function finalStatus(statuses: DeploymentStatus[]): { state: FinalState; at: number } | undefined {
  const ordered = [...statuses].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
  let final: { state: FinalState; at: number } | undefined;
  for (const s of ordered) {
    if (s.state === 'success' || s.state === 'failure' || s.state === 'error') final = { state: s.state, at: Date.parse(s.created_at) };
  }
  return final;
}

export interface Cadence {
  count: number;
  perWeek: number;
  weeks: { total: number; withDeploy: number };
  workingDays: { total: number; withDeploy: number };
  maxPerDay: { count: number; day?: string };
}

/** Counts over the production deployments created in the window, all repositories together. */
export function cadence(prod: Deploy[], w: Window): Cadence {
  const start = w.start.getTime();
  const end = w.end.getTime();
  const times = prod.map((d) => d.created).filter((t) => t >= start && t <= end);

  const span = { start, end };
  const weeks = weeksWithEvent(times, span);
  const working = workingDaysWithEvent(times, span);
  const busiest = busiestDay(times);
  const days = (end - start) / DAY;
  return {
    count: times.length,
    perWeek: days > 0 ? times.length / (days / 7) : 0,
    weeks: { total: weeks.weeks, withDeploy: weeks.withEvent },
    workingDays: { total: working.days, withDeploy: working.withEvent },
    maxPerDay: busiest,
  };
}

/** Deployments of one repository and environment, oldest first (creation time, then id). */
export function byEnvironment(deploys: Deploy[]): Map<string, Deploy[]> {
  const groups = new Map<string, Deploy[]>();
  for (const d of deploys) {
    const key = `${d.repo}\0${d.environment.toLowerCase()}`;
    const list = groups.get(key) ?? [];
    list.push(d);
    groups.set(key, list);
  }
  for (const list of groups.values()) list.sort((a, b) => a.created - b.created || a.id - b.id);
  return groups;
}

/**
 * Rollbacks: deployments in the window of a sha that was deployed to the same environment
 * before, with a deployment of another sha in between (so the environment went back to an
 * older version). A redeploy of the sha that is already there is not one. `history` holds every
 * deployment fetched for the environment, oldest first, including those before the window.
 */
export function rollbacks(history: Deploy[], w: Window): Deploy[] {
  const seen = new Set<string>();
  let last: string | undefined;
  const found: Deploy[] = [];
  for (const d of history) {
    if (last !== undefined && d.sha !== last && seen.has(d.sha) && inWindow(d.created, w)) found.push(d);
    seen.add(d.sha);
    last = d.sha;
  }
  return found;
}

/**
 * Successful deployments in the window that a rollback replaced within 24 h: for each rollback,
 * the last successful deployment to the same environment before it, when it is of another sha
 * and at most 24 h older.
 */
export function rolledBack(history: Deploy[], rollbackList: Deploy[], w: Window): Set<number> {
  const out = new Set<number>();
  for (const r of rollbackList) {
    const before = history.filter((d) => d.created < r.created || (d.created === r.created && d.id < r.id));
    const replaced = [...before].reverse().find((d) => d.final?.state === 'success');
    if (replaced && replaced.sha !== r.sha && inWindow(replaced.created, w) && r.created - replaced.created <= ROLLBACK_FAILURE_WINDOW) out.add(replaced.id);
  }
  return out;
}

/**
 * Time to restore for each failed production deployment in the window: from its creation to
 * the success status of the next deployment to the same environment whose final status is
 * success. Failures not yet followed by a success are returned apart (they have no time yet).
 */
export function restoreTimes(history: Deploy[], w: Window): { seconds: number[]; unrestored: number } {
  const seconds: number[] = [];
  let unrestored = 0;
  history.forEach((d, i) => {
    if (!inWindow(d.created, w) || (d.final?.state !== 'failure' && d.final?.state !== 'error')) return;
    const next = history.slice(i + 1).find((n) => n.final?.state === 'success');
    if (next?.final) seconds.push((next.final.at - d.created) / 1000);
    else unrestored++;
  });
  return { seconds, unrestored };
}

export { median };

/** "3 of 4" with the share, for details. */
export function share(n: number, of: number): string {
  return `${n} of ${of}`;
}
