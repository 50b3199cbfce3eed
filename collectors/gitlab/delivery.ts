import { busiestDay, median, weeksWithEvent, workingDaysWithEvent } from '../../src/signals/cadence.js';
/**
 * The delivery arithmetic (DORA figures and cadence), free of HTTP so it can be checked by hand.
 * Times are epoch milliseconds; the window is [start, end].
 */

export interface Deploy {
  project: string;
  env: string;
  id: number;
  sha: string;
  /** created, running, success, failed, canceled, skipped, blocked */
  status: string;
  createdAt: number;
  /** finished_at when GitLab sets it, else updated_at (the last status change). */
  finishedAt: number;
  /** Run by a CI job (`deployable` set). */
  automated: boolean;
}

export interface Merge {
  project: string;
  iid: number;
  mergedAt: number;
}

export interface Span {
  start: number;
  end: number;
}

const DAY = 86_400_000;
const ROLLBACK_HORIZON = DAY;

/**
 * Deployments that ran: a deployment GitLab created for a job that never started (created,
 * blocked waiting for approval, skipped) or canceled with its pipeline is not a deployment.
 */
export const RAN = new Set(['running', 'success', 'failed']);
export const FINAL = new Set(['success', 'failed']);

export interface DeploymentFacts {
  /** Production deployments created in the window that ran. */
  counted: Deploy[];
  success: number;
  failed: number;
  rollbacks: Deploy[];
  /** Successful deployments in the window rolled back within 24 h (they count as failed changes). */
  rolledBack: Deploy[];
  /** Seconds from each failed deployment in the window to the next success in its environment. */
  restores: number[];
  /** Failed deployments not followed (yet) by a success. */
  unrestored: number;
}

export function deploymentFacts(all: Deploy[], w: Span): DeploymentFacts {
  const inWindow = (d: Deploy) => d.createdAt >= w.start && d.createdAt <= w.end;
  const isCounted = (d: Deploy) => RAN.has(d.status) && inWindow(d);
  const facts: DeploymentFacts = { counted: [], success: 0, failed: 0, rollbacks: [], rolledBack: [], restores: [], unrestored: 0 };
  const rolledBack = new Set<Deploy>();
  for (const history of byEnvironment(all).values()) {
    history.forEach((d, k) => {
      if (!isCounted(d)) return;
      facts.counted.push(d);
      if (d.status === 'success') facts.success++;
      if (d.status === 'failed') facts.failed++;
      // A rollback: this sha was deployed successfully before, and something else after it.
      let lastSame = -1;
      for (let j = 0; j < k; j++) if (history[j].status === 'success' && history[j].sha === d.sha) lastSame = j;
      if (lastSame >= 0) {
        const undone = history.slice(lastSame + 1, k).filter((s) => s.status === 'success' && s.sha !== d.sha);
        if (undone.length > 0) {
          facts.rollbacks.push(d);
          for (const s of undone) if (isCounted(s) && d.createdAt - s.createdAt <= ROLLBACK_HORIZON) rolledBack.add(s);
        }
      }
      if (d.status === 'failed') {
        const next = history.slice(k + 1).find((s) => s.status === 'success');
        if (next) facts.restores.push(Math.max(0, next.finishedAt - d.finishedAt) / 1000);
        else facts.unrestored++;
      }
    });
  }
  facts.rolledBack = [...rolledBack];
  return facts;
}

/** Deployments per project and environment, oldest first (ties by id). */
function byEnvironment(all: Deploy[]): Map<string, Deploy[]> {
  const groups = new Map<string, Deploy[]>();
  for (const d of all) {
    const key = `${d.project}\0${d.env}`;
    const list = groups.get(key);
    if (list) list.push(d);
    else groups.set(key, [d]);
  }
  for (const list of groups.values()) list.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  return groups;
}

/** Whole 7-day buckets counted back from the window's end; undefined when the window is shorter than a week. */
export function weeksWithDeploy(times: number[], w: Span): { withDeploy: number; weeks: number } | undefined {
  const r = weeksWithEvent(times, w);
  return r.weeks < 1 ? undefined : { withDeploy: r.withEvent, weeks: r.weeks };
}

/** Whole UTC days Monday to Friday inside the window, and how many of them saw a deployment. */
export function workingDaysWithDeploy(times: number[], w: Span): { withDeploy: number; days: number } | undefined {
  const r = workingDaysWithEvent(times, w);
  return r.days === 0 ? undefined : { withDeploy: r.withEvent, days: r.days };
}

export function maxPerDay(times: number[]): { max: number; day?: string } {
  const r = busiestDay(times);
  return { max: r.count, day: r.day };
}

/**
 * Lead time of each merge: to the first successful production deployment of its project created
 * at or after the merge that is not a rollback (a redeploy of an older sha cannot ship it).
 * Merges not deployed yet are left out and counted.
 */
export function leadTimes(merges: Merge[], deploys: Deploy[], rollbacks: Set<Deploy>): { seconds: number[]; undeployed: number } {
  const shipping = new Map<string, number[]>();
  for (const d of deploys) {
    if (d.status !== 'success' || rollbacks.has(d)) continue;
    const list = shipping.get(d.project);
    if (list) list.push(d.createdAt);
    else shipping.set(d.project, [d.createdAt]);
  }
  for (const list of shipping.values()) list.sort((a, b) => a - b);
  const seconds: number[] = [];
  let undeployed = 0;
  for (const m of merges) {
    const at = shipping.get(m.project)?.find((t) => t >= m.mergedAt);
    if (at === undefined) undeployed++;
    else seconds.push((at - m.mergedAt) / 1000);
  }
  return { seconds, undeployed };
}

export { median };

/** GitLab's wildcard protected-branch names: `*` matches any characters. */
export function branchMatches(pattern: string, branch: string): boolean {
  if (!pattern.includes('*')) return pattern === branch;
  const re = new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(branch);
}
