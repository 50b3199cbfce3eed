import type { Report } from './schema.js';

/**
 * A worklist from a report: for each capability item below a target level, the criteria that keep
 * it there (blockers), ranked by how many levels fixing each one alone would gain, with what each
 * needs (data, an attestation, or a change in the estate) and the objects the evidence names.
 * Pure: it reads only the report, so it plans from any stored run.
 */

type Criterion = Report['criteria'][number];
type Status = Criterion['status'];

/** What it takes to turn a blocker into `met`. */
export type Need =
  /** a signal the check reads was not measured: configure or repair a collector */
  | 'data'
  /** no valid attestation: write one with its evidence */
  | 'attestation'
  /** measured not met: the estate itself has to change before the check holds */
  | 'change';

export interface PlanObjects {
  signal: string;
  /** What the collector says the names are (`namespaces without a ResourceQuota`), when it says so. */
  what?: string;
  total: number;
  /** The first names, at most PlanOptions.objects. */
  sample: string[];
}

export interface PlanBlocker {
  criterion: string;
  /** The level whose cell holds the criterion. */
  level: number;
  text: { zh: string; en: string };
  status: Exclude<Status, 'met'>;
  needs: Need[];
  /** Levels the item gains if this criterion alone turned met. */
  unlocks: number;
  /** The other blockers that must be fixed with it before its level is reached (those at its level and below). */
  with: string[];
  /** The engine's reason, as the report gives it. */
  reason: string;
  reasonZh?: string;
  check?: string;
  /** What an attestation must show, where one is needed. */
  attest?: string;
  attestZh?: string;
  /** Signals the check reads that were not measured, with why. */
  unmeasured: { signal: string; status: string; reason?: string }[];
  objects: PlanObjects[];
}

export interface PlanStep {
  /** Fix every blocker of this level (and of the steps before it)… */
  level: number;
  blockers: string[];
  /** …and the item is at this level (more than `level` where the levels above add nothing not yet met). */
  reaches: number;
}

export interface PlanItem {
  id: string;
  title: { zh: string; en: string };
  level: number;
  ceiling: number;
  target: number;
  /** The target lies above the ceiling: a measured not_met stands in the way, no attestation or data alone gets there. */
  beyondCeiling: boolean;
  steps: PlanStep[];
  blockers: PlanBlocker[];
}

export interface Plan {
  /** The target asked for; undefined: each item's next level. */
  target?: number;
  items: PlanItem[];
  /** Items considered but already at (or above) their target. */
  atTarget: { id: string; level: number }[];
  /** Where the report came from, for the renderers' header. */
  assessment: string;
  finishedAt: string;
}

export interface PlanOptions {
  /** Plan every item up to this level (1–5); default: each item's level + 1. */
  target?: number;
  /** Only these capability items; default: all. */
  items?: string[];
  /** How many object names to keep per signal (the count is always kept). */
  objects?: number;
}

export const MAX_LEVEL = 5;
const DEFAULT_OBJECTS = 5;

/**
 * The engine's level rule (src/engine/evaluate.ts summarise): the highest L ≤ 5 such that every
 * criterion of levels 1..L is met. A level with no criteria of its own (无, 同上) adds nothing.
 */
export function levelFrom(criteria: readonly { level: number; status: Status }[]): number {
  let level = 0;
  for (let l = 1; l <= MAX_LEVEL; l++) {
    if (criteria.every((c) => c.level > l || c.status === 'met')) level = l;
    else break;
  }
  return level;
}

/** The ceiling rule: the highest L such that no criterion of levels 1..L is measured not met. */
export function ceilingFrom(criteria: readonly { level: number; status: Status }[]): number {
  let ceiling = 0;
  for (let l = 1; l <= MAX_LEVEL; l++) {
    if (criteria.every((c) => c.level > l || c.status !== 'not_met')) ceiling = l;
    else break;
  }
  return ceiling;
}

export class PlanError extends Error {}

export function buildPlan(report: Report, opts: PlanOptions = {}): Plan {
  if (opts.target !== undefined && (!Number.isInteger(opts.target) || opts.target < 1 || opts.target > MAX_LEVEL)) {
    throw new PlanError(`target: expected a level from 1 to ${MAX_LEVEL}, got ${opts.target}`);
  }
  const known = new Set(report.capabilities.map((c) => c.id));
  const unknownItems = (opts.items ?? []).filter((i) => !known.has(i));
  if (unknownItems.length) throw new PlanError(`no capability item ${unknownItems.join(', ')} in the report`);
  const wanted = opts.items?.length ? new Set(opts.items) : undefined;
  const keep = opts.objects ?? DEFAULT_OBJECTS;

  const byItem = new Map<string, Criterion[]>();
  for (const c of report.criteria) byItem.set(c.capability, [...(byItem.get(c.capability) ?? []), c]);

  const items: PlanItem[] = [];
  const atTarget: Plan['atTarget'] = [];
  for (const cap of report.capabilities) {
    if (wanted && !wanted.has(cap.id)) continue;
    const criteria = byItem.get(cap.id) ?? [];
    // Recomputed rather than taken from the report, so the gains below follow the same rule.
    const level = levelFrom(criteria);
    const target = opts.target ?? Math.min(level + 1, MAX_LEVEL);
    if (level >= target) {
      atTarget.push({ id: cap.id, level });
      continue;
    }
    const open = criteria.filter((c) => c.level <= target && c.status !== 'met');
    const gainIf = (fixed: ReadonlySet<string>) => levelFrom(criteria.map((c) => (fixed.has(c.id) ? { level: c.level, status: 'met' as const } : c))) - level;
    const blockers = open.map((c): PlanBlocker => ({
      criterion: c.id,
      level: c.level,
      text: c.text,
      status: c.status as PlanBlocker['status'],
      needs: needsOf(c),
      unlocks: gainIf(new Set([c.id])),
      with: open.filter((o) => o.id !== c.id && o.level <= c.level).map((o) => o.id),
      reason: c.status === 'not_met' ? c.explanation.replace(/^not met: /, '') : c.reasons.join('; ') || c.explanation,
      ...zhOf(c, 'reason'),
      ...(c.check ? { check: c.check } : {}),
      ...(c.attest && needsOf(c).includes('attestation') ? { attest: c.attest, ...zhOf(c, 'attest') } : {}),
      unmeasured: c.signals.filter((s) => s.status !== 'observed').map((s) => ({ signal: s.id, status: s.status, ...(s.reason ? { reason: s.reason } : {}) })),
      objects: c.signals.flatMap((s) => (s.objects ? [{ signal: s.id, ...whatOf(s.notes), total: s.objects.total, sample: s.objects.sample.slice(0, keep) }] : [])),
    }));
    // Most levels gained first; then the lowest level (it has to be fixed first anyway); then the
    // fewest other blockers it waits for; then the standard's order.
    const order = new Map(criteria.map((c, i) => [c.id, i] as const));
    blockers.sort((a, b) => b.unlocks - a.unlocks || a.level - b.level || a.with.length - b.with.length || order.get(a.criterion)! - order.get(b.criterion)!);

    const steps: PlanStep[] = [];
    const fixed = new Set<string>();
    for (let l = level + 1; l <= target; l++) {
      const here = open.filter((c) => c.level === l).map((c) => c.id);
      for (const id of here) fixed.add(id);
      if (here.length) steps.push({ level: l, blockers: here, reaches: level + gainIf(fixed) });
    }
    items.push({
      id: cap.id, title: cap.title, level, ceiling: ceilingFrom(criteria), target,
      beyondCeiling: ceilingFrom(criteria) < target, steps, blockers,
    });
  }
  return { ...(opts.target !== undefined ? { target: opts.target } : {}), items, atTarget, assessment: report.run.assessment.name, finishedAt: report.run.finished_at };
}

function needsOf(c: Criterion): Need[] {
  if (c.status === 'not_met') return ['change'];
  if (c.missing?.length) return [...c.missing];
  // Reports written before `missing` existed: derive it the engine's way.
  const needs: Need[] = [];
  if (c.signals.some((s) => s.status !== 'observed')) needs.push('data');
  if (c.attest && (!c.attestation || c.attestation.expired)) needs.push('attestation');
  return needs;
}

/**
 * The Chinese forms the report may carry beside the English ones (explanation_zh, attest_zh;
 * added to the report by the translation work, absent from older reports).
 */
type ChineseFields = { explanation_zh?: string; attest_zh?: string };
function zhOf(c: Criterion, field: 'reason' | 'attest'): { reasonZh?: string } | { attestZh?: string } {
  const z = c as Criterion & ChineseFields;
  if (field === 'attest') return z.attest_zh ? { attestZh: z.attest_zh } : {};
  return z.explanation_zh ? { reasonZh: z.explanation_zh } : {};
}

/**
 * Collectors say what their listed objects are in a note: `objects: namespaces without a
 * ResourceQuota` (kubernetes, prometheus) or `listed: the items without an owner` (CMDBs).
 */
export function whatOf(notes: readonly string[] | undefined): { what?: string } {
  for (const n of notes ?? []) {
    const m = /^(?:objects|listed):\s*(.+)$/.exec(n);
    if (m) return { what: m[1] };
  }
  return {};
}
