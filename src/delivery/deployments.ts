import { busiestDay, DAY, median, weeksWithEvent, workingDaysWithEvent } from './cadence.js';
import { inWindow, type ChangeRecord, type DeploymentRecord, type Window } from './records.js';

/**
 * The delivery definitions (README, "Delivery definitions"), each written once, over the
 * production deployments of every source. Pure functions: sources read and translate, this
 * module counts.
 */

/** A successful deployment undone by a rollback within this long counts as a failed change. */
export const ROLLBACK_FAILURE_WINDOW = DAY;
/**
 * How far before the window every source reads deployments, so that a rollback to a version
 * live shortly before the window is recognised (and the same for every source).
 */
export const HISTORY_BEFORE_WINDOW = 14 * DAY;

/** Deployments of one application and environment, oldest first (creation time, then id). */
export function histories(records: readonly DeploymentRecord[]): DeploymentRecord[][] {
  const groups = new Map<string, DeploymentRecord[]>();
  for (const d of records) {
    const key = `${d.app}\0${d.environment.toLowerCase()}`;
    const list = groups.get(key);
    if (list) list.push(d);
    else groups.set(key, [d]);
  }
  for (const list of groups.values()) list.sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  return [...groups.values()];
}

/** A production deployment counts when it was created in the window and is not known never to have run. */
export const counts = (d: DeploymentRecord, w: Window): boolean => d.status !== 'not_run' && inWindow(d.createdAt, w);

export interface Cadence {
  count: number;
  perWeek: number;
  weeks: { total: number; withDeploy: number };
  workingDays: { total: number; withDeploy: number };
  maxPerDay: { count: number; day?: string };
}

/** Cadence of the counted deployments (all applications together, or one application's). */
export function cadence(counted: readonly DeploymentRecord[], w: Window): Cadence {
  const times = counted.map((d) => d.createdAt);
  const weeks = weeksWithEvent(times, w);
  const working = workingDaysWithEvent(times, w);
  const days = (w.end - w.start) / DAY;
  return {
    count: times.length,
    perWeek: days > 0 ? times.length / (days / 7) : 0,
    weeks: { total: weeks.weeks, withDeploy: weeks.withEvent },
    workingDays: { total: working.days, withDeploy: working.withEvent },
    maxPerDay: busiestDay(times),
  };
}

export interface Rollback {
  rollback: DeploymentRecord;
  /** The successful deployments it undid, newest first. */
  undid: DeploymentRecord[];
}

/**
 * Rollbacks of one environment's history: a deployment (that ran) of a version that was live
 * there before, made while another version is live — the environment goes back to an older
 * version. A version is live from its successful deployment until another version's. "A ok,
 * B failed, A ok" is no rollback: B never went live (its failure counts as a failed change
 * already); "A ok, B ok, A" is one, and undoes B.
 */
export function rollbacksOf(history: readonly DeploymentRecord[], w: Window): Rollback[] {
  const found: Rollback[] = [];
  /** Successful deployments, oldest first. */
  const live: DeploymentRecord[] = [];
  for (const d of history) {
    if (d.status === 'not_run') continue;
    const current = live[live.length - 1];
    if (current && current.sha !== d.sha && live.some((x) => x.sha === d.sha) && inWindow(d.createdAt, w)) {
      const lastSame = live.map((x) => x.sha).lastIndexOf(d.sha);
      found.push({ rollback: d, undid: live.slice(lastSame + 1).filter((x) => x.sha !== d.sha).reverse() });
    }
    if (d.status === 'success') live.push(d);
  }
  return found;
}

export interface DeploymentFacts {
  /** Production deployments that count (created in the window, not known never to have run). */
  counted: DeploymentRecord[];
  success: DeploymentRecord[];
  failed: DeploymentRecord[];
  rollbacks: DeploymentRecord[];
  /** Successful deployments of the window undone by a rollback within 24 h. */
  rolledBack: DeploymentRecord[];
  /** Seconds from each failed deployment of the window to the end of the next successful one in its environment. */
  restores: number[];
  /** Failed deployments not followed (yet) by a success. */
  unrestored: number;
}

export function deploymentFacts(records: readonly DeploymentRecord[], w: Window): DeploymentFacts {
  const facts: DeploymentFacts = { counted: [], success: [], failed: [], rollbacks: [], rolledBack: [], restores: [], unrestored: 0 };
  const rolledBack = new Set<DeploymentRecord>();
  for (const history of histories(records)) {
    history.forEach((d, i) => {
      if (!counts(d, w)) return;
      facts.counted.push(d);
      if (d.status === 'success') facts.success.push(d);
      if (d.status !== 'failure') return;
      facts.failed.push(d);
      const next = history.slice(i + 1).find((n) => n.status === 'success' && n.finishedAt !== undefined);
      if (next) facts.restores.push(Math.max(0, next.finishedAt! - d.createdAt) / 1000);
      else facts.unrestored++;
    });
    for (const r of rollbacksOf(history, w)) {
      facts.rollbacks.push(r.rollback);
      for (const u of r.undid) if (counts(u, w) && r.rollback.createdAt - u.createdAt <= ROLLBACK_FAILURE_WINDOW) rolledBack.add(u);
    }
  }
  facts.rolledBack = [...rolledBack];
  return facts;
}

/** Success rate: successful over finished (success or failure) production deployments; undefined when none finished. */
export function successRatio(facts: Pick<DeploymentFacts, 'success' | 'failed'>): number | undefined {
  const finished = facts.success.length + facts.failed.length;
  return finished === 0 ? undefined : facts.success.length / finished;
}

/** Change failure rate: failed deployments plus successful ones rolled back within 24 h, over finished deployments. */
export function changeFailureRate(facts: DeploymentFacts): number | undefined {
  const finished = facts.success.length + facts.failed.length;
  return finished === 0 ? undefined : (facts.failed.length + facts.rolledBack.length) / finished;
}

/**
 * The deployments that may have shipped a change, in the order to try them: the successful
 * production deployments of its application created at or after the merge, oldest first,
 * rollbacks left out (a return to an older version cannot ship a new change). A source that can
 * tell whether a deployment contains the merge commit takes the first that does; one that cannot
 * takes the first.
 */
export function shippingCandidates(change: ChangeRecord, records: readonly DeploymentRecord[], rollbacks: ReadonlySet<DeploymentRecord>): DeploymentRecord[] {
  return records
    .filter((d) => d.app === change.app && d.status === 'success' && d.finishedAt !== undefined && d.createdAt >= change.mergedAt && !rollbacks.has(d))
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
}

/** Lead time of a change: from its merge to the end of the successful production deployment that shipped it. */
export function leadTimeSeconds(change: ChangeRecord, shipped: DeploymentRecord): number {
  return Math.max(0, (shipped.finishedAt ?? shipped.createdAt) - change.mergedAt) / 1000;
}

export interface LeadTimes {
  /** Seconds from each shipped change's merge to the end of the deployment that shipped it. */
  seconds: number[];
  /** Changes no deployment has shipped yet (left out of the median). */
  undeployed: ChangeRecord[];
  median?: number;
}

/**
 * Lead time for changes, the one definition for every source: each change ships with the first
 * of its shipping candidates (see shippingCandidates) that contains it — `contains` where the
 * source can tell (GitHub's compare, git's ancestry), otherwise the first candidate (GitLab's
 * deployment list does not say which merges a deployment holds).
 */
export function leadTimes(
  changes: readonly ChangeRecord[],
  records: readonly DeploymentRecord[],
  rollbacks: ReadonlySet<DeploymentRecord>,
  contains: (change: ChangeRecord, d: DeploymentRecord) => boolean = () => true,
): LeadTimes {
  const seconds: number[] = [];
  const undeployed: ChangeRecord[] = [];
  for (const c of changes) {
    const shipped = shippingCandidates(c, records, rollbacks).find((d) => contains(c, d));
    if (shipped) seconds.push(leadTimeSeconds(c, shipped));
    else undeployed.push(c);
  }
  return { seconds, undeployed, median: median(seconds) };
}

export { median };
