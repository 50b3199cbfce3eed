import { formatDuration } from '../duration.js';
import type { SignalState } from '../signals/types.js';
import type { Lang } from './i18n.js';

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
    definition_zh: '窗口内创建并已执行的生产部署次数，除以窗口的周数；仅计生产环境（名称符合 production_environments 的环境），范围内所有仓库合计。',
  },
  {
    metric: 'lead_time_for_changes',
    title: { en: 'Lead time for changes', zh: '变更前置时间' },
    signal: 'delivery.changes.lead_time_median_seconds',
    unit: 'seconds',
    definition: 'Median over changes merged in the window of the time from merge to the end of the first successful, non-rollback production deployment that shipped them (for local clones: commit to the first release tag containing it).',
    definition_zh: '窗口内合并的变更，从合并到首个将其发布的、成功且非回滚的生产部署结束所用时间的中位数（本地克隆仓库：从提交到首个包含它的发布标签）。',
  },
  {
    metric: 'change_failure_rate',
    title: { en: 'Change failure rate', zh: '变更失败率' },
    signal: 'delivery.changes.failure_rate',
    unit: 'ratio',
    definition: 'Failed production deployments, and successful ones rolled back within 24 hours, over finished production deployments: failed deployments over deployments, not incidents over deployments.',
    definition_zh: '失败的生产部署及 24 小时内被回滚的成功部署，占已结束生产部署的比例：是失败部署占部署的比例，而不是事件占部署的比例。',
  },
  {
    metric: 'change_failure_rate_incidents',
    title: { en: 'Change failure rate (incidents)', zh: '变更失败率（事件）' },
    signal: 'change_failure.incidents.ratio',
    unit: 'ratio',
    definition: 'Production deployments (that ran, created in the window at least 24 hours before its end) followed within 24 hours by an urgent (critical or high grade) incident of the same service in the incident tools, over those deployments; a service belongs to an app through the tool\'s service_apps mapping, else by normalised name. Unknown when no incident\'s service matches a deployed app. Beside the deployment-based figure, not instead of it: it also counts successful deployments that broke production.',
    definition_zh: '在窗口内创建（且不晚于窗口结束前 24 小时）并已执行的生产部署中，24 小时内同一服务在事件工具中出现紧急（critical 或 high 级别）事件的比例；服务通过工具的 service_apps 映射归属应用，否则按规范化后的名称匹配。若没有任何事件的服务与已部署应用匹配，则为未知。与基于部署的指标并列而非替代：它也计入导致生产故障的成功部署。',
  },
  {
    metric: 'time_to_restore',
    title: { en: 'Time to restore', zh: '恢复时间' },
    signal: 'delivery.restore.median_seconds',
    unit: 'seconds',
    definition: 'Median over failed production deployments in the window of the time from the failed deployment\'s creation to the end of the next successful deployment to the same environment.',
    definition_zh: '窗口内失败的生产部署，从失败部署创建到同一环境下一次成功部署结束所用时间的中位数。',
  },
  {
    metric: 'time_to_restore_incidents',
    title: { en: 'Time to restore (incidents)', zh: '恢复时间（事件）' },
    signal: 'incident.resolve_median_seconds',
    unit: 'seconds',
    definition: 'Median over incidents created in the window in the incident tools (PagerDuty …) of the time from the incident\'s creation to its resolution; incidents still open count at their age; with several tools, the slowest tool\'s median. Beside the deployment-based figure, not instead of it.',
    definition_zh: '事件工具（PagerDuty 等）中窗口内创建的事件，从创建到解决所用时间的中位数；仍未关闭的事件按其已持续时间计；有多个工具时取最慢工具的中位数。与基于部署的指标并列而非替代。',
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
      definition_zh: d.definition_zh,
      status: s?.status ?? 'not_configured',
      value: typeof s?.value === 'number' ? s.value : undefined,
      reason: s?.reason,
      evidence: s?.evidence ?? [],
    };
  });
}

const UNIT_ZH: Record<string, string> = { 'deployments/week': '次部署/周', seconds: '秒', ratio: '比例' };

/** A figure with its unit for people: durations as 1h2m, ratios as percentages, other units named in the language. */
export function formatFigureIn(value: number, unit: string, lang: Lang): string {
  if (unit === 'seconds') return formatDuration(value);
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  return `${Math.round(value * 100) / 100} ${lang === 'zh' ? (UNIT_ZH[unit] ?? unit) : unit}`;
}
