import { MONTH, periodsWithEvent } from './cadence.js';
import { cadence, counts, successRatio } from './deployments.js';
import type { DeploymentRecord, Window } from './records.js';

/**
 * Cadence and success per application, so that forty applications deploying monthly do not
 * pass "weekly" or "on demand" together. The cadence names are the standard's (6.2.2: 以月为单位,
 * 以周为单位, 按天, 按需); the shares that define them are heuristics the README states, the same
 * ones the pooled checks used before.
 */
export const CADENCE_DEFINITIONS = {
  /** A production deployment in every whole 30-day period of the window. */
  monthly: { periodsShare: 1 },
  /** A production deployment in at least 75 % of the whole weeks of the window. */
  weekly: { weeksShare: 0.75 },
  /** A production deployment on at least 60 % of the whole working days of the window. */
  daily: { workingDaysShare: 0.6 },
  /** A production deployment on at least 80 % of the working days, and a day with two or more. */
  on_demand: { workingDaysShare: 0.8, maxPerDay: 2 },
} as const;

export type CadenceName = keyof typeof CADENCE_DEFINITIONS;
export const CADENCE_NAMES = Object.keys(CADENCE_DEFINITIONS) as CadenceName[];

export interface AppDelivery {
  app: string;
  /** Per cadence: met, or undefined when the window is too short to tell (no whole period). */
  cadence: Record<CadenceName, boolean | undefined>;
  deployments: number;
  /** Successful over finished production deployments of the window; undefined when none finished. */
  success?: number;
  finished: number;
}

/**
 * Each application's delivery over the window. `apps` are the applications in scope — those
 * that deploy to production at all — so an application that did not deploy in the window
 * counts (and meets no cadence).
 */
export function appDelivery(apps: readonly string[], records: readonly DeploymentRecord[], w: Window): AppDelivery[] {
  return [...new Set(apps)].sort().map((app) => {
    const counted = records.filter((d) => d.app === app && counts(d, w));
    const c = cadence(counted, w);
    const months = periodsWithEvent(counted.map((d) => d.createdAt), w, MONTH);
    const share = (n: number, of: number) => (of === 0 ? undefined : n / of);
    const weeks = share(c.weeks.withDeploy, c.weeks.total);
    const days = share(c.workingDays.withDeploy, c.workingDays.total);
    const def = CADENCE_DEFINITIONS;
    const success = counted.filter((d) => d.status === 'success');
    const failed = counted.filter((d) => d.status === 'failure');
    return {
      app,
      cadence: {
        monthly: months.periods === 0 ? undefined : months.withEvent / months.periods >= def.monthly.periodsShare,
        weekly: weeks === undefined ? undefined : weeks >= def.weekly.weeksShare,
        daily: days === undefined ? undefined : days >= def.daily.workingDaysShare,
        on_demand: days === undefined ? undefined : days >= def.on_demand.workingDaysShare && c.maxPerDay.count >= def.on_demand.maxPerDay,
      },
      deployments: counted.length,
      success: successRatio({ success, failed }),
      finished: success.length + failed.length,
    };
  });
}

/** Share of the applications meeting a cadence; undefined when there is no application or the window is too short. */
export function cadenceShare(apps: readonly AppDelivery[], name: CadenceName): { value: number; meeting: string[] } | undefined {
  if (apps.length === 0 || apps.some((a) => a.cadence[name] === undefined)) return undefined;
  const meeting = apps.filter((a) => a.cadence[name]).map((a) => a.app);
  return { value: meeting.length / apps.length, meeting };
}

/** The lowest success rate of an application with a finished deployment in the window, and which. */
export function worstSuccess(apps: readonly AppDelivery[]): { value: number; apps: string[]; of: number } | undefined {
  const rated = apps.filter((a) => a.success !== undefined);
  if (rated.length === 0) return undefined;
  const value = Math.min(...rated.map((a) => a.success!));
  return { value, apps: rated.filter((a) => a.success === value).map((a) => a.app), of: rated.length };
}
