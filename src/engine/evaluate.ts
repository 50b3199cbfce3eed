import { errorMessage } from '../errors.js';
import { isMissingValueError, type Disjunct } from '../model/cel.js';
import type { Capability, Criterion, Level, MeasuredRole, Model } from '../model/types.js';
import type { SignalAnnotations, SignalState, SignalValue } from '../signals/types.js';
import { expiryText, isExpired, type Attestation } from './attestations.js';
import type { Claims } from './claims.js';
import type { ParamValue, ResolvedParameters } from './parameters.js';

export type Status = 'met' | 'not_met' | 'unknown';
export type Basis = 'measured' | 'attested' | 'measured+attested';

export interface SignalRef extends SignalAnnotations {
  id: string;
  status: SignalState['status'];
  value?: SignalValue;
  reason?: string;
  evidence: string[];
}

export interface CriterionResult {
  id: string;
  capability: string;
  level: Level;
  status: Status;
  basis?: Basis;
  /** One readable sentence: the expression with each signal's value, or why it is unknown. */
  explanation: string;
  /** Why the criterion is unknown, one entry per missing piece. */
  reasons: string[];
  /**
   * For an unknown criterion, what is missing: `data` (a signal it reads was not measured) and/or
   * `attestation` (none valid where one is needed). Only `attestation` means the data is all there
   * and a statement with evidence would decide it.
   */
  missing?: ('data' | 'attestation')[];
  check?: string;
  attest?: string;
  /** Where a criterion has both check and attest: the check's role. */
  measured?: MeasuredRole;
  /** What the check alone gave, before the attestation was weighed. */
  measurement?: Status;
  signals: SignalRef[];
  parameters: Record<string, ParamValue>;
  attestation?: Attestation & { expired: boolean };
}

export interface Blocker {
  criterion: string;
  status: Exclude<Status, 'met'>;
  reason: string;
}

export interface CapabilityResult {
  id: string;
  level: number;
  /** The highest level reachable if every unknown criterion turned out met. */
  ceiling: number;
  /** What stops the next level: its criteria that are not met. */
  blockers: Blocker[];
  counts: Record<Status, number>;
}

export interface GroupSummary {
  id: string;
  zh: string;
  en: string;
  capabilities: string[];
  /** The weakest item's level: a process is only as mature as its weakest capability. */
  min_level: number;
  mean_level: number;
  min_ceiling: number;
}

export interface Conflict {
  criterion: string;
  attestation: Attestation;
  /** Which side the verdict follows: a required check's measurement, or the attestation a supporting check only backs. */
  decided_by: 'measurement' | 'attestation';
  message: string;
}

export interface ClaimResult {
  capability: string;
  claimed: number;
  level: number;
  ceiling: number;
  verdict: 'confirmed' | 'contradicted' | 'unverified';
  /** The criteria that decided the verdict. */
  criteria: { id: string; status: Status; reason?: string }[];
}

export interface Evaluation {
  criteria: CriterionResult[];
  capabilities: CapabilityResult[];
  processes: GroupSummary[];
  domains: GroupSummary[];
  conflicts: Conflict[];
  /** Attestations that had nothing to decide (the criterion has no `attest`). */
  ignoredAttestations: { criterion: string; reason: string }[];
  claims: ClaimResult[];
}

export interface EvaluateInput {
  model: Model;
  signals: Map<string, SignalState>;
  parameters: ResolvedParameters;
  attestations: Attestation[];
  claims: Claims;
  now: Date;
}

/** Nested objects for CEL: `prometheus.rules.alerting_count` → {prometheus: {rules: {alerting_count}}}. */
export function signalContext(signals: Map<string, SignalState>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const s of signals.values()) {
    if (s.status !== 'observed' || s.value === undefined) continue;
    const parts = s.id.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = s.value;
  }
  return root;
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10000) / 10000);
  return JSON.stringify(v);
}

/**
 * For each `a || b` whose one side reads signals that were not collected at all (their collector
 * is not configured): that side can never be true, so the check can be met only through the
 * other side. The verdict says so, lest a `met` read as if both sides had been looked at.
 */
function uncollectedSides(disjunctions: Disjunct[][], signals: SignalRef[], met: boolean): string[] {
  const notCollected = new Set(signals.filter((s) => s.status === 'not_configured').map((s) => s.id));
  const notes: string[] = [];
  for (const sides of disjunctions) {
    const missing = sides.map((side) => side.references.filter((r) => notCollected.has(r)));
    const live = sides.map((_, i) => i).filter((i) => missing[i].length === 0);
    const dead = sides.map((_, i) => i).filter((i) => missing[i].length > 0);
    if (dead.length === 0 || live.length === 0) continue;
    const label = (i: number) => (sides.length === 2 ? (i === 0 ? 'the left-hand side' : 'the right-hand side') : `side ${i + 1} of ${sides.length}`);
    const through = live.map((i) => `${label(i)} (${sides[i].source})`).join(' or ');
    const unseen = dead.map((i) => `${label(i)}'s signals were not collected (${missing[i].join(', ')})`).join('; ');
    notes.push(met ? `the check was met through ${through} only; ${unseen}` : `${unseen}, so the check can be met only through ${through}`);
  }
  return notes;
}

function evaluateCriterion(c: Criterion, input: EvaluateInput, context: Record<string, unknown>, attestation: Attestation | undefined, conflicts: Conflict[]): CriterionResult {
  const params = input.parameters.values.get(c.capability) ?? {};
  const refs = c.check?.references ?? [];
  const signals: SignalRef[] = refs.filter((r) => !r.startsWith('params.')).map((id) => {
    const s = input.signals.get(id);
    return s
      ? { id, status: s.status, value: s.value, reason: s.reason, evidence: s.evidence, ...(s.objects ? { objects: s.objects } : {}), ...(s.notes ? { notes: s.notes } : {}) }
      : { id, status: 'not_configured' as const, reason: 'no registered collector declares it', evidence: [] };
  });
  const usedParams = Object.fromEntries(refs.filter((r) => r.startsWith('params.')).map((r) => [r.slice(7), params[r.slice(7)]]));
  const base = { id: c.id, capability: c.capability, level: c.level, check: c.check?.source, attest: c.attest, signals, parameters: usedParams };
  const expired = attestation ? isExpired(attestation, input.now) : false;
  const withAtt = attestation ? { attestation: { ...attestation, expired } } : {};

  let measured: Status | undefined;
  let measuredWhy = '';
  const measuredReasons: string[] = [];
  if (c.check) {
    const shown = [
      ...signals.map((s) => `${s.id} = ${s.status === 'observed' ? formatValue(s.value) : `(${s.status.replace('_', ' ')})`}`),
      ...Object.entries(usedParams).map(([k, v]) => `params.${k} = ${formatValue(v)}`),
    ].join(', ');
    try {
      const result = c.check.evaluate({ ...context, params });
      if (typeof result !== 'boolean') {
        measured = 'unknown';
        measuredReasons.push(`the check yielded ${formatValue(result)}, not true or false`);
      } else measured = result ? 'met' : 'not_met';
    } catch (err) {
      measured = 'unknown';
      if (isMissingValueError(err)) {
        for (const s of signals) if (s.status !== 'observed') measuredReasons.push(`${s.id}: ${s.reason ?? s.status.replace('_', ' ')}`);
        if (measuredReasons.length === 0) measuredReasons.push(`a value the check needs is missing: ${errorMessage(err).split('\n')[0]}`);
      } else {
        measuredReasons.push(`the check could not be evaluated: ${errorMessage(err).split('\n')[0]}`);
      }
    }
    measuredWhy = `${c.check.source}${shown ? ` with ${shown}` : ''}`;
  }

  // Attestation side.
  const valid = !!attestation && !expired;
  let attestReason = '';
  if (c.attest) {
    if (!attestation) attestReason = `attestation missing: ${c.attest}`;
    else if (expired) attestReason = `attestation by ${attestation.by} ${expiryText(attestation)}`;
  }
  const attNote = valid ? `attested by ${attestation!.by} on ${attestation!.date} (${attestation!.evidence})` : '';
  const role = c.measured;
  const orNotes = c.check ? uncollectedSides(c.check.disjunctions, signals, measured === 'met') : [];
  const result = (status: Status, basis: Basis | undefined, reasons: string[], explanation: string, missing?: CriterionResult['missing']): CriterionResult => ({
    ...base, ...withAtt, ...(role ? { measured: role } : {}), ...(measured ? { measurement: measured } : {}),
    status, ...(basis ? { basis } : {}), reasons, explanation: [explanation, ...orNotes].join('; '), ...(missing ? { missing } : {}),
  });
  const unknownWhy = (reasons: string[]) => `unknown: ${reasons.join('; ')}`;

  if (!c.check) {
    return valid ? result('met', 'attested', [], `met: ${attNote}`) : result('unknown', undefined, [attestReason], unknownWhy([attestReason]), ['attestation']);
  }
  if (!c.attest) {
    if (measured === 'met') return result('met', 'measured', [], `met: ${measuredWhy}`);
    if (measured === 'not_met') return result('not_met', 'measured', [], `not met: ${measuredWhy}`);
    return result('unknown', undefined, measuredReasons, unknownWhy(measuredReasons), ['data']);
  }
  if (role === 'supporting') {
    // The attestation decides; the measurement from one tool among several only supports it.
    if (!valid) {
      const seen = measured === 'unknown' ? `unknown (${measuredReasons.join('; ')})` : `${measured === 'met' ? 'met' : 'not met'}: ${measuredWhy}`;
      // Only the attestation can decide: data would not.
      return result('unknown', undefined, [attestReason], `${unknownWhy([attestReason])}; the check only supports an attestation, it cannot decide alone (measured ${seen})`, ['attestation']);
    }
    if (measured === 'met') return result('met', 'measured+attested', [], `met: ${attNote}; the supporting check agrees: ${measuredWhy}`);
    if (measured === 'not_met') {
      conflicts.push({
        criterion: c.id, attestation, decided_by: 'attestation',
        message: `${c.id}: attested by ${attestation!.by} on ${attestation!.date}, but measured not met (${measuredWhy}); the attestation decides (the check only supports it) and the measurement disagrees`,
      });
      return result('met', 'attested', [], `met: ${attNote}; the supporting check disagrees (a conflict for the auditor): not met: ${measuredWhy}`);
    }
    return result('met', 'attested', [], `met: ${attNote}; the supporting check could not be measured: ${measuredReasons.join('; ')}`);
  }
  // required: both must hold, and a measured not_met stands against any attestation.
  if (measured === 'not_met') {
    if (valid) {
      conflicts.push({
        criterion: c.id, attestation, decided_by: 'measurement',
        message: `${c.id}: attested by ${attestation!.by} on ${attestation!.date}, but measured not met (${measuredWhy}); the measurement stands`,
      });
    }
    return result('not_met', 'measured', [], `not met: ${measuredWhy}`);
  }
  if (measured === 'met' && valid) return result('met', 'measured+attested', [], `met: ${measuredWhy}; ${attNote}`);
  const reasons = [...(measured === 'unknown' ? measuredReasons : []), ...(valid ? [] : [attestReason])];
  const missing: ('data' | 'attestation')[] = [...(measured === 'unknown' ? ['data' as const] : []), ...(valid ? [] : ['attestation' as const])];
  return result('unknown', undefined, reasons, `${unknownWhy(reasons)}${measured === 'met' ? ` (check met: ${measuredWhy})` : ''}`, missing);
}

function summarise(cap: Capability, results: Map<string, CriterionResult>): CapabilityResult {
  const statusAt = (level: number) => cap.levels.filter((l) => l.level <= level).flatMap((l) => l.criteria.map((c) => results.get(c.id)!));
  let level = 0;
  let ceiling = 0;
  for (let l = 1; l <= 5; l++) {
    const rs = statusAt(l);
    if (level === l - 1 && rs.every((r) => r.status === 'met')) level = l;
    if (ceiling === l - 1 && rs.every((r) => r.status !== 'not_met')) ceiling = l;
  }
  const blockers: Blocker[] = level >= 5 ? [] : cap.levels
    .filter((l) => l.level === level + 1)
    .flatMap((l) => l.criteria)
    .map((c) => results.get(c.id)!)
    .filter((r) => r.status !== 'met')
    .map((r) => ({ criterion: r.id, status: r.status as Blocker['status'], reason: r.status === 'not_met' ? r.explanation.replace(/^not met: /, '') : r.reasons.join('; ') }));
  const counts: Record<Status, number> = { met: 0, not_met: 0, unknown: 0 };
  for (const r of statusAt(5)) counts[r.status]++;
  return { id: cap.id, level, ceiling, blockers, counts };
}

function group(model: Model, caps: Map<string, CapabilityResult>, key: 'domain' | 'process'): GroupSummary[] {
  const out = new Map<string, GroupSummary & { sum: number }>();
  for (const cap of model.capabilities) {
    const g = cap[key];
    const r = caps.get(cap.id)!;
    const entry = out.get(g.id) ?? { id: g.id, zh: g.zh, en: g.en, capabilities: [], min_level: 5, mean_level: 0, min_ceiling: 5, sum: 0 };
    entry.capabilities.push(cap.id);
    entry.min_level = Math.min(entry.min_level, r.level);
    entry.min_ceiling = Math.min(entry.min_ceiling, r.ceiling);
    entry.sum += r.level;
    out.set(g.id, entry);
  }
  return [...out.values()].map(({ sum, ...g }) => ({ ...g, mean_level: Math.round((sum / g.capabilities.length) * 100) / 100 }));
}

export function evaluate(input: EvaluateInput): Evaluation {
  const context = signalContext(input.signals);
  const byCriterion = new Map<string, Attestation>();
  // Of several attestations for one criterion, the one that expires last is in force.
  for (const a of input.attestations) {
    const prev = byCriterion.get(a.criterion);
    if (!prev || a.expires > prev.expires) byCriterion.set(a.criterion, a);
  }
  const conflicts: Conflict[] = [];
  const ignoredAttestations: Evaluation['ignoredAttestations'] = [];
  for (const a of byCriterion.values()) {
    if (!input.model.criteria.has(a.criterion)) ignoredAttestations.push({ criterion: a.criterion, reason: `no criterion ${a.criterion} in the rules` });
  }
  const results = new Map<string, CriterionResult>();
  for (const cap of input.model.capabilities) {
    for (const l of cap.levels) {
      for (const c of l.criteria) {
        const att = byCriterion.get(c.id);
        if (att && !c.attest) {
          ignoredAttestations.push({ criterion: c.id, reason: 'the criterion is decided by measurement alone (it has no attest part)' });
        }
        results.set(c.id, evaluateCriterion(c, input, context, c.attest ? att : undefined, conflicts));
      }
    }
  }
  const capabilities = new Map(input.model.capabilities.map((cap) => [cap.id, summarise(cap, results)] as const));
  const claims: ClaimResult[] = [...input.claims.entries()].map(([capId, claimed]) => {
    const r = capabilities.get(capId)!;
    const cap = input.model.capabilities.find((c) => c.id === capId)!;
    const upTo = cap.levels.filter((l) => l.level <= claimed).flatMap((l) => l.criteria).map((c) => results.get(c.id)!);
    const verdict: ClaimResult['verdict'] = r.level >= claimed ? 'confirmed' : r.ceiling < claimed ? 'contradicted' : 'unverified';
    const deciding = verdict === 'confirmed' ? upTo : upTo.filter((x) => x.status === (verdict === 'contradicted' ? 'not_met' : 'unknown'));
    return {
      capability: capId, claimed, level: r.level, ceiling: r.ceiling, verdict,
      criteria: deciding.map((x) => ({ id: x.id, status: x.status, reason: x.status === 'met' ? undefined : x.status === 'not_met' ? x.explanation : x.reasons.join('; ') })),
    };
  });
  return {
    criteria: [...results.values()],
    capabilities: [...capabilities.values()],
    processes: group(input.model, capabilities, 'process'),
    domains: group(input.model, capabilities, 'domain'),
    conflicts,
    ignoredAttestations,
    claims,
  };
}
