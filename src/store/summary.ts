import { randomBytes } from 'node:crypto';
import type { Report } from '../report/schema.js';
import type { RunSummary } from './types.js';

/** The scope a report belongs to: the assessment's scope, else its name. */
export const scopeOf = (report: Report): string => report.run.assessment.scope ?? report.run.assessment.name;

/** Sortable by start time and unique across agents writing one store: `20261130T011746Z-3f9a1c`. */
export function newRunId(report: Report): string {
  const t = report.run.started_at.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${t}-${randomBytes(3).toString('hex')}`;
}

export function summarise(id: string, report: Report): RunSummary {
  return {
    id,
    scope: scopeOf(report),
    started_at: report.run.started_at,
    finished_at: report.run.finished_at,
    tool_version: report.run.tool.version,
    rules_digest: report.run.rules_digest,
    config_digest: report.run.config_digest,
    criteria: { met: report.summary.criteria.met, not_met: report.summary.criteria.not_met, unknown: report.summary.criteria.unknown },
    levels: Object.fromEntries(report.capabilities.map((c) => [c.id, { level: c.level, ceiling: c.ceiling }])),
  };
}

/** `latest`, `latest~2`: how many runs back from the newest; undefined for an id. */
export function parseRelative(ref: string): number | undefined {
  const m = /^latest(?:~(\d+))?$/.exec(ref);
  return m ? Number(m[1] ?? 0) : undefined;
}
