import type { Attestation } from '../../src/engine/attestations.js';
import { evaluate, type CriterionResult } from '../../src/engine/evaluate.js';
import { resolveParameters } from '../../src/engine/parameters.js';
import type { Criterion, GoldenCase, Model, Verdict } from '../../src/model/types.js';
import type { SignalCatalog } from '../../src/signals/catalog.js';
import { computeDerived } from '../../src/signals/derived.js';
import { validateValue, type SignalState } from '../../src/signals/types.js';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The signal states a scan would hand the engine for one golden case: a value is observed,
 * `{error}` is a failed read, a signal left out is not collected (its collector is not
 * configured). Derived signals are computed from their sources as in a scan, unless the case
 * gives a derived value itself.
 */
export function caseSignals(k: GoldenCase, catalog: SignalCatalog): { signals: Map<string, SignalState>; problems: string[] } {
  const problems: string[] = [];
  const state = (id: string, collector: string): SignalState | undefined => {
    const decl = catalog.collectors.get(id) ?? catalog.cross.find((c) => c.declaration.id === id)?.declaration ?? catalog.derived.find((d) => d.id === id)!;
    const base = { id, collector, declaration: decl, instances: [] };
    const v = k.signals[id];
    if (v === undefined) return undefined;
    if (typeof v === 'object') return { ...base, status: 'failed', reason: v.error, evidence: [] };
    const invalid = validateValue(decl, v);
    if (invalid) problems.push(`signal ${id} = ${JSON.stringify(v)}: ${invalid} (a ${decl.type}${decl.unit ? ` in ${decl.unit}` : ''})`);
    return { ...base, status: 'observed', value: v, evidence: ['golden-case'] };
  };
  const signals = new Map<string, SignalState>();
  for (const [id, decl] of catalog.collectors) {
    const collector = id.split('.')[0];
    signals.set(id, state(id, collector) ?? {
      id, collector, declaration: decl, status: 'not_configured', reason: `collector ${collector} is not configured`, evidence: [], instances: [],
    });
  }
  // A cross signal is given by the case like a collector's (its joins are tested where they live).
  for (const { declaration: decl } of catalog.cross) {
    signals.set(decl.id, state(decl.id, 'cross') ?? {
      id: decl.id, collector: 'cross', declaration: decl, status: 'not_configured', reason: 'none of the collectors it joins is configured', evidence: [], instances: [],
    });
  }
  const withDerived = computeDerived(catalog.derived, signals);
  for (const d of catalog.derived) {
    const given = state(d.id, 'derived');
    if (given) withDerived.set(d.id, given);
  }
  return { signals: withDerived, problems };
}

export function caseAttestation(criterion: string, attested: GoldenCase['attested'], now: Date): Attestation[] {
  if (attested === false) return [];
  const t = now.getTime();
  const [date, expires] = attested === 'expired' ? [t - 400 * DAY, t - 35 * DAY] : [t - 30 * DAY, t + 300 * DAY];
  return [{ criterion, statement: 'golden case', evidence: 'golden-case', by: 'Golden Case', date: isoDay(date), expires: isoDay(expires) }];
}

/** Runs one case through the real engine, on the criterion's own capability item. */
export function runCase(model: Model, criterion: Criterion, k: GoldenCase, catalog: SignalCatalog, now: Date): { result: CriterionResult; problems: string[] } {
  const cap = model.capabilities.find((c) => c.id === criterion.capability)!;
  const own: Model = {
    ...model,
    capabilities: [cap],
    criteria: new Map(cap.levels.flatMap((l) => l.criteria).map((c) => [c.id, c] as const)),
  };
  const { signals, problems } = caseSignals(k, catalog);
  const evaluation = evaluate({
    model: own,
    signals,
    parameters: resolveParameters(own, k.params ? { [cap.id]: k.params } : {}),
    attestations: caseAttestation(criterion.id, k.attested, now),
    claims: new Map(),
    now,
  });
  return { result: evaluation.criteria.find((r) => r.id === criterion.id)!, problems };
}

/**
 * Everything wrong with a criterion's golden cases, one line each (empty when all is well):
 * - a case whose verdict (or `measurement`) differs from the engine's, or that sets a value of
 *   the wrong type for its signal. A case may set signals the check does not read: that is how a
 *   defect's case shows the old, wrong signal no longer decides;
 * - a check without a met, a not_met and an unknown case: a check that cannot be not_met is a
 *   tautology, one that cannot be unknown hides missing data. A `measured: supporting` criterion
 *   is never not_met (the attestation decides), so it needs met and unknown verdicts and cases in
 *   which the check alone measures met and not_met (the latter is the conflict an auditor sees);
 *   a `sufficient` one also needs a case met on the data alone, without an attestation;
 * - `allowedWithoutCases` excuses the missing kinds, but not once none is missing.
 */
export function judgeCases(model: Model, c: Criterion, catalog: SignalCatalog, now: Date, allowedWithoutCases = false): string[] {
  const failures: string[] = [];
  const verdicts = new Set<Verdict>();
  let metByDataAlone = false;
  const measured = new Set<Verdict>();
  c.cases.forEach((k, j) => {
    const { result, problems } = runCase(model, c, k, catalog, now);
    const label = `cases[${j}]${k.note ? ` (${k.note})` : ''}`;
    for (const p of problems) failures.push(`${label}: ${p}`);
    if (result.status !== k.expect) failures.push(`${label}: expected ${k.expect}, the engine says ${result.status}: ${result.explanation}`);
    if (k.measurement && result.measurement !== k.measurement) failures.push(`${label}: expected the check to measure ${k.measurement}, it measures ${result.measurement}: ${result.explanation}`);
    if (result.measurement) measured.add(result.measurement);
    if (result.status === 'met' && k.attested === false) metByDataAlone = true;
    verdicts.add(result.status);
  });
  if (!c.check) return failures;
  const lacking = c.measured === 'supporting' || c.measured === 'sufficient'
    ? [
      ...(['met', 'unknown'] as const).filter((kind) => !verdicts.has(kind)).map((kind) => `a ${kind} case`),
      ...(['met', 'not_met'] as const).filter((kind) => !measured.has(kind)).map((kind) => `a case where the check alone measures ${kind}`),
      ...(c.measured === 'sufficient' && !metByDataAlone ? ['a met case without an attestation (what makes it sufficient)'] : []),
    ]
    : (['met', 'not_met', 'unknown'] as const).filter((kind) => !verdicts.has(kind)).map((kind) => `a ${kind} case`);
  if (allowedWithoutCases) {
    if (lacking.length === 0) failures.push('its cases are complete: remove it from ALLOWED_WITHOUT_CASES in test/golden-cases.test.ts');
  } else if (lacking.length) {
    failures.push(`has a check but lacks ${lacking.join('; ')} (${c.file})`);
  }
  return failures;
}
