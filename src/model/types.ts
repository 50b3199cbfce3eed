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
  unit?: string;
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
  /** The reading taken where the standard's text is ambiguous or in error. */
  reading?: string;
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
