import { errorMessage } from '../errors.js';
import { isMissingValueError, type Disjunct } from '../model/cel.js';
import type { Capability, Criterion, Level, MeasuredRole, Model } from '../model/types.js';
import type { SignalAnnotations, SignalState, SignalValue } from '../signals/types.js';
import { expiry, isExpired, type Attestation } from './attestations.js';
import { joinAll, same, say, type Bilingual } from './messages.js';
import { original, signalReason, STATUS_ZH } from './signal-reasons.js';
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
  /** `explanation` in Chinese: the same message rendered from the same facts (src/engine/messages.ts). */
  explanation_zh: string;
  /** Why the criterion is unknown, one entry per missing piece. */
  reasons: string[];
  reasons_zh: string[];
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
  reason_zh: string;
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
  message_zh: string;
}

export interface ClaimResult {
  capability: string;
  claimed: number;
  level: number;
  ceiling: number;
  verdict: 'confirmed' | 'contradicted' | 'unverified';
  /** The criteria that decided the verdict. */
  criteria: { id: string; status: Status; reason?: string; reason_zh?: string }[];
}

export interface Evaluation {
  criteria: CriterionResult[];
  capabilities: CapabilityResult[];
  processes: GroupSummary[];
  domains: GroupSummary[];
  conflicts: Conflict[];
  /** Attestations that had nothing to decide (the criterion has no `attest`). */
  ignoredAttestations: { criterion: string; reason: string; reason_zh: string }[];
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
function uncollectedSides(disjunctions: Disjunct[][], signals: SignalRef[], met: boolean): Bilingual[] {
  const notCollected = new Set(signals.filter((s) => s.status === 'not_configured').map((s) => s.id));
  const notes: Bilingual[] = [];
  for (const sides of disjunctions) {
    const missing = sides.map((side) => side.references.filter((r) => notCollected.has(r)));
    const live = sides.map((_, i) => i).filter((i) => missing[i].length === 0);
    const dead = sides.map((_, i) => i).filter((i) => missing[i].length > 0);
    if (dead.length === 0 || live.length === 0) continue;
    const label = (i: number) => (sides.length === 2 ? say(i === 0 ? 'or.left' : 'or.right') : say('or.side', { i: i + 1, n: sides.length }));
    const through = joinAll(live.map((i) => say('or.through', { side: label(i), source: sides[i].source })), say('or.through_join'));
    const unseen = joinAll(dead.map((i) => say('or.unseen', { side: label(i), signals: missing[i].join(', ') })));
    notes.push(met ? say('or.met_through', { through, unseen }) : say('or.only_through', { unseen, through }));
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
      : { id, status: 'not_configured' as const, reason: say('signal.not_declared').en, evidence: [] };
  });
  const usedParams = Object.fromEntries(refs.filter((r) => r.startsWith('params.')).map((r) => [r.slice(7), params[r.slice(7)]]));
  const base = { id: c.id, capability: c.capability, level: c.level, check: c.check?.source, attest: c.attest, signals, parameters: usedParams };
  const expired = attestation ? isExpired(attestation, input.now) : false;
  const withAtt = attestation ? { attestation: { ...attestation, expired } } : {};

  let measured: Status | undefined;
  let measuredWhy: Bilingual = same('');
  const measuredReasons: Bilingual[] = [];
  if (c.check) {
    const shown = joinAll([
      ...signals.map((s) => (s.status === 'observed'
        ? say('check.value', { signal: s.id, value: formatValue(s.value) })
        : say('check.value_missing', { signal: s.id, status: { en: s.status.replace('_', ' '), zh: STATUS_ZH[s.status] ?? s.status } }))),
      ...Object.entries(usedParams).map(([k, v]) => say('check.value', { signal: `params.${k}`, value: formatValue(v) })),
    ], { en: ', ', zh: '，' });
    try {
      const result = c.check.evaluate({ ...context, params });
      if (typeof result !== 'boolean') {
        measured = 'unknown';
        measuredReasons.push(say('check.not_boolean', { value: formatValue(result) }));
      } else measured = result ? 'met' : 'not_met';
    } catch (err) {
      measured = 'unknown';
      const first = errorMessage(err).split('\n')[0];
      // the CEL library's own message: shown as it is in both languages
      const error = { en: first, zh: original(first) };
      if (isMissingValueError(err)) {
        for (const s of signals) if (s.status !== 'observed') measuredReasons.push(say('check.signal_missing', { signal: s.id, reason: signalReason(s.reason, s.status) }));
        if (measuredReasons.length === 0) measuredReasons.push(say('check.value_needed', { error }));
      } else {
        measuredReasons.push(say('check.not_evaluated', { error }));
      }
    }
    measuredWhy = shown.en ? say('check.with_values', { check: c.check.source, values: shown }) : same(c.check.source);
  }

  // Attestation side.
  const valid = !!attestation && !expired;
  let attestReason: Bilingual = same('');
  if (c.attest) {
    if (!attestation) attestReason = say('attestation.missing', { attest: { en: c.attest, zh: c.attestZh ?? c.attest } });
    else if (expired) attestReason = say('attestation.expired_by', { by: attestation.by, expiry: expiry(attestation) });
  }
  const attNote = valid ? say('attestation.note', { by: attestation!.by, date: attestation!.date, evidence: attestation!.evidence }) : same('');
  const role = c.measured;
  const orNotes = c.check ? uncollectedSides(c.check.disjunctions, signals, measured === 'met') : [];
  const result = (status: Status, basis: Basis | undefined, reasons: Bilingual[], explanation: Bilingual, missing?: CriterionResult['missing']): CriterionResult => {
    const full = joinAll([explanation, ...orNotes]);
    return {
      ...base, ...withAtt, ...(role ? { measured: role } : {}), ...(measured ? { measurement: measured } : {}),
      status, ...(basis ? { basis } : {}), reasons: reasons.map((r) => r.en), reasons_zh: reasons.map((r) => r.zh),
      explanation: full.en, explanation_zh: full.zh, ...(missing ? { missing } : {}),
    };
  };
  const unknownWhy = (reasons: Bilingual[]) => say('criterion.unknown', { reasons: joinAll(reasons) });
  const met = (detail: Bilingual) => say('criterion.met', { detail });
  const notMet = (detail: Bilingual) => say('criterion.not_met', { detail });

  if (!c.check) {
    return valid ? result('met', 'attested', [], met(attNote)) : result('unknown', undefined, [attestReason], unknownWhy([attestReason]), ['attestation']);
  }
  if (!c.attest) {
    if (measured === 'met') return result('met', 'measured', [], met(measuredWhy));
    if (measured === 'not_met') return result('not_met', 'measured', [], notMet(measuredWhy));
    return result('unknown', undefined, measuredReasons, unknownWhy(measuredReasons), ['data']);
  }
  if (role === 'sufficient') {
    // What the data shows decides; what it does not show is no evidence of absence (a partial
    // view), so a measured not_met or unknown leaves the decision to the attestation.
    if (measured === 'met') return result('met', valid ? 'measured+attested' : 'measured', [], valid ? say('required.both', { why: measuredWhy, note: attNote }) : met(measuredWhy));
    if (!valid) {
      const seen = measured === 'unknown' ? say('supporting.seen_unknown', { reasons: joinAll(measuredReasons) }) : notMet(measuredWhy);
      return result('unknown', undefined, [...(measured === 'unknown' ? measuredReasons : []), attestReason],
        say('sufficient.not_shown', { unknown: unknownWhy([attestReason]), seen }), measured === 'unknown' ? ['data', 'attestation'] : ['attestation']);
    }
    if (measured === 'not_met') {
      const message = say('conflict.not_shown', { criterion: c.id, by: attestation!.by, date: attestation!.date, why: measuredWhy });
      conflicts.push({ criterion: c.id, attestation: attestation!, decided_by: 'attestation', message: message.en, message_zh: message.zh });
      return result('met', 'attested', [], say('sufficient.attested_unseen', { note: attNote, why: measuredWhy }));
    }
    return result('met', 'attested', [], say('supporting.unmeasured', { note: attNote, reasons: joinAll(measuredReasons) }));
  }
  if (role === 'supporting') {
    // The attestation decides; the measurement from one tool among several only supports it.
    if (!valid) {
      const seen = measured === 'unknown' ? say('supporting.seen_unknown', { reasons: joinAll(measuredReasons) }) : measured === 'met' ? met(measuredWhy) : notMet(measuredWhy);
      // Only the attestation can decide: data would not.
      return result('unknown', undefined, [attestReason], say('supporting.cannot_decide', { unknown: unknownWhy([attestReason]), seen }), ['attestation']);
    }
    if (measured === 'met') return result('met', 'measured+attested', [], say('supporting.agrees', { note: attNote, why: measuredWhy }));
    if (measured === 'not_met') {
      const message = say('conflict.attestation_decides', { criterion: c.id, by: attestation!.by, date: attestation!.date, why: measuredWhy });
      conflicts.push({ criterion: c.id, attestation: attestation!, decided_by: 'attestation', message: message.en, message_zh: message.zh });
      return result('met', 'attested', [], say('supporting.disagrees', { note: attNote, why: measuredWhy }));
    }
    return result('met', 'attested', [], say('supporting.unmeasured', { note: attNote, reasons: joinAll(measuredReasons) }));
  }
  // required: both must hold, and a measured not_met stands against any attestation.
  if (measured === 'not_met') {
    if (valid) {
      const message = say('conflict.measurement_stands', { criterion: c.id, by: attestation!.by, date: attestation!.date, why: measuredWhy });
      conflicts.push({ criterion: c.id, attestation: attestation!, decided_by: 'measurement', message: message.en, message_zh: message.zh });
    }
    return result('not_met', 'measured', [], notMet(measuredWhy));
  }
  if (measured === 'met' && valid) return result('met', 'measured+attested', [], say('required.both', { why: measuredWhy, note: attNote }));
  const reasons = [...(measured === 'unknown' ? measuredReasons : []), ...(valid ? [] : [attestReason])];
  const missing: ('data' | 'attestation')[] = [...(measured === 'unknown' ? ['data' as const] : []), ...(valid ? [] : ['attestation' as const])];
  return result('unknown', undefined, reasons, measured === 'met' ? say('required.check_met', { unknown: unknownWhy(reasons), why: measuredWhy }) : unknownWhy(reasons), missing);
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
    .map((r) => ({
      criterion: r.id, status: r.status as Blocker['status'],
      reason: r.status === 'not_met' ? r.explanation.replace(/^not met: /, '') : r.reasons.join('; '),
      reason_zh: r.status === 'not_met' ? r.explanation_zh.replace(/^不满足：/, '') : r.reasons_zh.join('；'),
    }));
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

const ignored = (criterion: string, why: Bilingual) => ({ criterion, reason: why.en, reason_zh: why.zh });

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
    if (!input.model.criteria.has(a.criterion)) ignoredAttestations.push(ignored(a.criterion, say('ignored.no_criterion', { criterion: a.criterion })));
  }
  const results = new Map<string, CriterionResult>();
  for (const cap of input.model.capabilities) {
    for (const l of cap.levels) {
      for (const c of l.criteria) {
        const att = byCriterion.get(c.id);
        if (att && !c.attest) {
          ignoredAttestations.push(ignored(c.id, say('ignored.measured_only')));
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
      criteria: deciding.map((x) => ({
        id: x.id, status: x.status,
        ...(x.status === 'met' ? {} : x.status === 'not_met' ? { reason: x.explanation, reason_zh: x.explanation_zh } : { reason: x.reasons.join('; '), reason_zh: x.reasons_zh.join('；') }),
      })),
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
