import { formatDuration } from '../duration.js';
import type { SignalValue } from '../signals/types.js';
import { appDelivery, cadenceShare, CADENCE_NAMES, worstSuccess, type CadenceName } from './apps.js';
import { cadence, changeFailureRate, deploymentFacts, median, successRatio, type DeploymentFacts } from './deployments.js';
import type { DeploymentRecord, Window } from './records.js';

/**
 * The deployment signals every delivery source (GitHub, GitLab) emits under its own prefix, with
 * one description and one computation, so `delivery.*` in signals/derived.yaml combines values
 * that mean the same thing.
 */

interface Described {
  type: 'number' | 'ratio' | 'duration';
  unit?: string;
  aggregation: 'sum' | 'max' | 'min';
  description: string;
}

export const DEPLOYMENT_SIGNALS = {
  'deployments.count': { type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Production deployments created in the window that ran (not known never to have run)' },
  'deployments.per_week': { type: 'number', unit: 'deployments/week', aggregation: 'sum',
    description: 'Production deployments per week over the window (count / (window days / 7))' },
  'deployments.weeks_with_deploy_ratio': { type: 'ratio', aggregation: 'max',
    description: 'Share of the whole 7-day periods of the window (counted back from its end) with a production deployment, all applications together' },
  'deployments.days_with_deploy_ratio': { type: 'ratio', aggregation: 'max',
    description: 'Share of the whole working days (Mon-Fri, UTC) of the window with a production deployment, all applications together' },
  'deployments.max_per_day': { type: 'number', unit: 'count', aggregation: 'max',
    description: 'Most production deployments created on one UTC day of the window' },
  'deployments.success_ratio': { type: 'ratio', aggregation: 'min',
    description: 'Production deployments of the window that succeeded / those that finished (succeeded or failed)' },
  'deployments.automated_ratio': { type: 'ratio', aggregation: 'min',
    description: 'Production deployments of the window made by automation (a CI job, a bot, an app) / all of them' },
  'deployments.rollbacks': { type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Production deployments of the window that returned an environment to a version live there before, while another version was live' },
  'changes.failure_rate': { type: 'ratio', aggregation: 'max',
    description: '(Failed production deployments of the window + successful ones undone by a rollback within 24 h) / finished production deployments' },
  'restore.median_seconds': { type: 'duration', unit: 'seconds', aggregation: 'max',
    description: 'Median, over the failed production deployments of the window, of the time from the failed deployment\'s creation to the end of the next successful deployment to the same environment' },
  'changes.lead_time_median_seconds': { type: 'duration', unit: 'seconds', aggregation: 'max',
    description: 'Median, over the changes merged into a default branch in the window, of the time from the merge to the end of the first later successful, non-rollback production deployment that ships it' },
  'apps.count': { type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Applications: repositories or projects that deploy to production (a production deployment read, or a production environment)' },
  'apps.monthly_ratio': { type: 'ratio', aggregation: 'min',
    description: 'Share of the applications with a production deployment in every whole 30-day period of the window (monthly cadence)' },
  'apps.weekly_ratio': { type: 'ratio', aggregation: 'min',
    description: 'Share of the applications with a production deployment in at least 75 % of the whole weeks of the window (weekly cadence)' },
  'apps.daily_ratio': { type: 'ratio', aggregation: 'min',
    description: 'Share of the applications with a production deployment on at least 60 % of the whole working days of the window (daily cadence)' },
  'apps.on_demand_ratio': { type: 'ratio', aggregation: 'min',
    description: 'Share of the applications with a production deployment on at least 80 % of the working days of the window and two or more on one day (on demand)' },
  'apps.success_ratio_min': { type: 'ratio', aggregation: 'min',
    description: 'Lowest success rate (succeeded / finished production deployments of the window) of an application with a finished deployment' },
} as const satisfies Record<string, Described>;

export type DeploymentSignal = keyof typeof DEPLOYMENT_SIGNALS;

/** The declaration of `<prefix>.<name>`. */
export function declare<P extends string, N extends DeploymentSignal>(prefix: P, name: N) {
  return { id: `${prefix}.${name}` as `${P}.${N}`, ...DEPLOYMENT_SIGNALS[name] };
}

/** Where signals go: the collector context's three verbs. */
export interface SignalSink {
  emit(signal: string, value: SignalValue, evidence: string[], detail?: string): void;
  notAvailable(signal: string, reason: string, evidence?: string[]): void;
  failed(signal: string, reason: string, evidence?: string[]): void;
}

export interface DeploymentInput {
  prefix: string;
  /** Production deployment records: the window and what was read before it. */
  records: readonly DeploymentRecord[];
  /** The applications in scope (see apps.count). */
  apps: readonly string[];
  window: Window;
  evidence: string[];
  /** What "automated" means for this source, for the detail. */
  automatedBy: string;
  /**
   * When the final states could not be read, why: the signals that need them fail, the cadence
   * ones (from the listing alone) are still emitted.
   */
  statusesFailed?: { reason: string; evidence: string[] };
}

const list = (items: string[], max = 12) => (items.length === 0 ? 'none' : items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', '));
const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** Emits every deployment signal of DEPLOYMENT_SIGNALS but the lead time (which needs changes). Returns the facts. */
export function emitDeploymentSignals(out: SignalSink, input: DeploymentInput): DeploymentFacts {
  const { prefix, window: w, evidence } = input;
  const id = (name: DeploymentSignal) => `${prefix}.${name}`;
  const facts = deploymentFacts(input.records, w);
  const c = cadence(facts.counted, w);
  const days = (w.end - w.start) / 86_400_000;

  out.emit(id('deployments.count'), c.count, evidence, `${c.count} production deployments in ${new Set(facts.counted.map((d) => d.app)).size} applications`);
  out.emit(id('deployments.per_week'), c.perWeek, evidence, `${c.count} production deployments over ${fmt(days)} days`);
  if (c.weeks.total === 0) out.notAvailable(id('deployments.weeks_with_deploy_ratio'), 'the window holds no whole week', evidence);
  else out.emit(id('deployments.weeks_with_deploy_ratio'), c.weeks.withDeploy / c.weeks.total, evidence, `${c.weeks.withDeploy} of ${c.weeks.total} whole weeks`);
  if (c.workingDays.total === 0) out.notAvailable(id('deployments.days_with_deploy_ratio'), 'the window holds no whole working day', evidence);
  else out.emit(id('deployments.days_with_deploy_ratio'), c.workingDays.withDeploy / c.workingDays.total, evidence, `${c.workingDays.withDeploy} of ${c.workingDays.total} working days (Mon-Fri, UTC)`);
  out.emit(id('deployments.max_per_day'), c.maxPerDay.count, evidence, c.maxPerDay.day ? `on ${c.maxPerDay.day}` : 'no production deployment');
  if (c.count === 0) out.notAvailable(id('deployments.automated_ratio'), 'no production deployment in the window', evidence);
  else {
    const automated = facts.counted.filter((d) => d.automated).length;
    out.emit(id('deployments.automated_ratio'), automated / c.count, evidence, `${automated} of ${c.count} made by ${input.automatedBy}`);
  }

  const apps = appDelivery(input.apps, input.records, w);
  out.emit(id('apps.count'), apps.length, evidence, list(apps.map((a) => `${a.app} (${a.deployments})`)));
  for (const name of CADENCE_NAMES) {
    const signal = id(`apps.${name}_ratio` as `apps.${CadenceName}_ratio`);
    const got = cadenceShare(apps, name);
    if (apps.length === 0) out.notAvailable(signal, 'no repository deploys to production', evidence);
    else if (!got) out.notAvailable(signal, `the window (${fmt(days)} days) holds no whole ${name === 'monthly' ? '30-day period' : name === 'weekly' ? 'week' : 'working day'}`, evidence);
    else out.emit(signal, got.value, evidence, `${got.meeting.length} of ${apps.length} applications: ${list(got.meeting)}`);
  }

  if (input.statusesFailed) {
    for (const name of ['deployments.success_ratio', 'deployments.rollbacks', 'changes.failure_rate', 'restore.median_seconds', 'apps.success_ratio_min'] as const) {
      out.failed(id(name), input.statusesFailed.reason, input.statusesFailed.evidence);
    }
    return facts;
  }
  const ev = [...evidence];
  const finished = facts.success.length + facts.failed.length;
  const noneFinished = c.count ? `none of the ${c.count} production deployments of the window has finished` : 'no production deployment in the window';
  const success = successRatio(facts);
  if (success === undefined) out.notAvailable(id('deployments.success_ratio'), noneFinished, ev);
  else out.emit(id('deployments.success_ratio'), success, ev, `${facts.success.length} of ${finished} finished production deployments succeeded (${c.count - finished} still running or without a final state)`);
  out.emit(id('deployments.rollbacks'), facts.rollbacks.length, ev,
    list(facts.rollbacks.map((d) => `${d.app} ${d.environment} ${d.sha.slice(0, 7)} on ${new Date(d.createdAt).toISOString().slice(0, 16)}Z`)));
  const cfr = changeFailureRate(facts);
  if (cfr === undefined) out.notAvailable(id('changes.failure_rate'), noneFinished, ev);
  else out.emit(id('changes.failure_rate'), cfr, ev, `${facts.failed.length} failed + ${facts.rolledBack.length} successful but rolled back within 24 h, of ${finished} finished production deployments`);
  const m = median(facts.restores);
  if (m === undefined) {
    out.notAvailable(id('restore.median_seconds'), facts.failed.length ? `none of the ${facts.failed.length} failed production deployments has been followed by a successful one yet` : 'no production deployment failed in the window', ev);
  } else {
    out.emit(id('restore.median_seconds'), m, ev, `median of ${facts.restores.length} restores (${formatDuration(m)})${facts.unrestored ? `; ${facts.unrestored} failures not restored yet, left out` : ''}`);
  }
  const worst = worstSuccess(apps);
  if (!worst) out.notAvailable(id('apps.success_ratio_min'), apps.length ? 'no application has a finished production deployment in the window' : 'no repository deploys to production', ev);
  else out.emit(id('apps.success_ratio_min'), worst.value, ev, `lowest of ${worst.of} applications: ${list(worst.apps, 5)}; ${apps.filter((a) => a.success !== undefined && a.success < 1).length} below 100 %`);
  return facts;
}
