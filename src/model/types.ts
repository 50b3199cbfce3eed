import type { CompiledCheck } from './cel.js';

export type Level = 1 | 2 | 3 | 4 | 5;
export const LEVELS: Level[] = [1, 2, 3, 4, 5];

export interface Text {
  zh: string;
  en: string;
}

export interface Named extends Text {
  id: string;
}

export interface Parameter {
  name: string;
  default: number | string | boolean;
  /** Where the value comes from: the standard's own figure, or our reading of vague text. */
  source: 'standard' | 'heuristic';
  description: string;
  descriptionZh?: string;
  unit?: string;
}

/**
 * The role of a check in a criterion that also has an attestation:
 * - required: the check is a necessary part; both must hold (a measured not_met stands);
 * - supporting: the check is evidence from one tool among several; a valid attestation decides,
 *   a measured contradiction is reported as a conflict, and with no valid attestation the
 *   criterion is unknown, never met on the check alone;
 * - sufficient: the check can prove the criterion but not disprove it (the systems read are a
 *   partial view: a capability they do not show may live elsewhere). A measured met decides
 *   alone; otherwise the attestation decides, a measured not_met beside it being a conflict the
 *   auditor sees, and with no valid attestation the criterion is unknown, never not_met.
 */
export type MeasuredRole = 'required' | 'supporting' | 'sufficient';
export const MEASURED_ROLES: readonly MeasuredRole[] = ['required', 'supporting', 'sufficient'];

export type Verdict = 'met' | 'not_met' | 'unknown';

/** A signal's value in a golden case: as the collector emits it, or `{error}` for a failed read. */
export type CaseSignalValue = number | boolean | string | { error: string };

/**
 * A golden case: signal values and an attestation state, with the verdict the real engine must
 * reach on them. A signal left out of `signals` was not collected.
 */
export interface GoldenCase {
  expect: Verdict;
  /** What the check alone must give (optional): how a case shows a supporting check's contradiction. */
  measurement?: Verdict;
  signals: Record<string, CaseSignalValue>;
  attested: boolean | 'expired';
  params?: Record<string, number | string | boolean>;
  note?: string;
}

export interface Criterion {
  id: string;
  capability: string;
  level: Level;
  /** 1-based position within its level, as the standard numbers it. */
  n: number;
  text: Text;
  check?: CompiledCheck;
  attest?: string;
  /** The attest text in Chinese, where the rule file gives it (`attest: { zh, en }`). */
  attestZh?: string;
  /** Set exactly when both check and attest are present (default `required`). */
  measured?: MeasuredRole;
  /** Why the check reads what it reads and why its threshold is what it is. */
  why?: string;
  /** `why` in Chinese, where the rule file gives it (`why: { zh, en }`). */
  whyZh?: string;
  /** The reading taken where the standard's text is ambiguous or in error. */
  reading?: string;
  readingZh?: string;
  cases: GoldenCase[];
  file: string;
}

export interface LevelSpec {
  level: Level;
  criteria: Criterion[];
  /** Set when the standard adds nothing at this level: 无 (none) or 同上 (as above) alone. */
  addsNothing?: '无' | '同上';
}

export interface Capability {
  id: string;
  domain: Named;
  process: Named;
  title: Text;
  reading?: string;
  readingZh?: string;
  parameters: Parameter[];
  levels: LevelSpec[];
  file: string;
}

export interface Model {
  capabilities: Capability[];
  criteria: Map<string, Criterion>;
  /** SHA-256 over the rule files, so a report says exactly which rules judged it. */
  digest: string;
  dir: string;
}
