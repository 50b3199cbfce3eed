import type { Report } from '../report/schema.js';

/** One recorded scan, as `history` lists it. */
export interface RunSummary {
  id: string;
  /** Which estate it measured (`assessment.scope`, else `assessment.name`): a fleet's agents write one store. */
  scope: string;
  started_at: string;
  finished_at: string;
  tool_version: string;
  rules_digest: string;
  config_digest: string;
  criteria: { met: number; not_met: number; unknown: number };
  /** Level and ceiling per capability item. */
  levels: Record<string, { level: number; ceiling: number }>;
}

export interface Retention {
  /** Keep at most this many runs per scope (newest first). */
  keepRuns?: number;
  /** Drop runs that started more than this many seconds before the newest. */
  keepSeconds?: number;
}

/**
 * Where scans are kept: every run's report (byte for byte as written), its levels, verdicts and
 * signal values for history and diff. A run is written in one transaction, so a crash leaves the
 * earlier runs intact and no half run behind. Async so a network database fits the same shape.
 */
export interface RunStore {
  /** Where it is, for messages (a file path; never a password). */
  readonly location: string;
  record(report: Report, reportJson: string): Promise<RunSummary>;
  list(opts?: { scope?: string; limit?: number }): Promise<RunSummary[]>;
  /**
   * A run by id (or a unique prefix of one), `latest`, or `latest~N` (N runs before the latest),
   * within a scope where one is given. Undefined when there is none.
   */
  find(ref: string, scope?: string): Promise<RunSummary | undefined>;
  /** The report as written (the JSON text), for diff, explain and export. */
  reportJson(id: string): Promise<string>;
  prune(retention: Retention): Promise<number>;
  close(): Promise<void>;
}
