import type { SignalState } from '../signals/types.js';

/**
 * The DORA figures (change failure and time to restore twice each: from deployments and from incidents), read from the derived delivery signals, each with the definition it
 * is computed by, so a report reader can compare them with other tools' numbers.
 */
export const DORA = [
  {
    metric: 'deployment_frequency',
    title: { en: 'Deployment frequency', zh: '部署频率' },
    signal: 'delivery.deployments.per_week',
    unit: 'deployments/week',
    definition: 'Production deployments created in the window that ran, divided by the window in weeks; production only (environments matching production_environments), all repositories in scope together.',
  },
  {
    metric: 'lead_time_for_changes',
    title: { en: 'Lead time for changes', zh: '变更前置时间' },
    signal: 'delivery.changes.lead_time_median_seconds',
    unit: 'seconds',
    definition: 'Median over changes merged in the window of the time from merge to the end of the first successful, non-rollback production deployment that shipped them (for local clones: commit to the first release tag containing it).',
  },
  {
    metric: 'change_failure_rate',
    title: { en: 'Change failure rate', zh: '变更失败率' },
    signal: 'delivery.changes.failure_rate',
    unit: 'ratio',
    definition: 'Failed production deployments, and successful ones rolled back within 24 hours, over finished production deployments: failed deployments over deployments, not incidents over deployments.',
  },
  {
    metric: 'change_failure_rate_incidents',
    title: { en: 'Change failure rate (incidents)', zh: '变更失败率（事件）' },
    signal: 'change_failure.incidents.ratio',
    unit: 'ratio',
    definition: 'Production deployments (that ran, created in the window at least 24 hours before its end) followed within 24 hours by an urgent (critical or high grade) incident of the same service in the incident tools, over those deployments; a service belongs to an app through the tool\'s service_apps mapping, else by normalised name. Unknown when no incident\'s service matches a deployed app. Beside the deployment-based figure, not instead of it: it also counts successful deployments that broke production.',
  },
  {
    metric: 'time_to_restore',
    title: { en: 'Time to restore', zh: '恢复时间' },
    signal: 'delivery.restore.median_seconds',
    unit: 'seconds',
    definition: 'Median over failed production deployments in the window of the time from the failed deployment\'s creation to the end of the next successful deployment to the same environment.',
  },
  {
    metric: 'time_to_restore_incidents',
    title: { en: 'Time to restore (incidents)', zh: '恢复时间（事件）' },
    signal: 'incident.resolve_median_seconds',
    unit: 'seconds',
    definition: 'Median over incidents created in the window in the incident tools (PagerDuty …) of the time from the incident\'s creation to its resolution; incidents still open count at their age; with several tools, the slowest tool\'s median. Beside the deployment-based figure, not instead of it.',
  },
] as const;

export function doraFigures(signals: Map<string, SignalState>) {
  return DORA.map((d) => {
    const s = signals.get(d.signal);
    return {
      metric: d.metric,
      title: d.title,
      signal: d.signal,
      unit: d.unit,
      definition: d.definition,
      status: s?.status ?? 'not_configured',
      value: typeof s?.value === 'number' ? s.value : undefined,
      reason: s?.reason,
      evidence: s?.evidence ?? [],
    };
  });
}
