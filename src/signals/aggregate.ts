import { SAMPLE_MAX, type InstanceValue, type SignalAnnotations, type SignalDeclaration, type SignalState, type SignalValue } from './types.js';

/**
 * Combines one signal's values from every configured instance of its collector.
 * A value is only produced when it is certain:
 * - `any` is true as soon as one instance says true, and `all` false as soon as one says false;
 * - an instance where the thing is `not_available` (nothing of the kind exists there) adds
 *   nothing: it counts as 0 in a sum, as false in `any`, and is left out of min, max and mean;
 * - an instance that failed or did not report blocks every other result, since its value
 *   could have changed it (a min or a sum is not known from part of the estate).
 */
export function aggregate(collector: string, decl: SignalDeclaration, instances: InstanceValue[]): SignalState {
  const base = { id: decl.id, collector, declaration: decl, instances };
  const evidence = instances.flatMap((i) => i.evidence);
  const observed = instances.filter((i) => i.status === 'observed');
  const values = observed.map((i) => i.value as SignalValue);
  const missing = instances.filter((i) => i.status !== 'observed');

  if (decl.aggregation === 'any' && values.some((v) => v === true)) {
    const deciding = observed.filter((i) => i.value === true);
    return { ...base, status: 'observed', value: true, evidence: deciding.flatMap((i) => i.evidence), ...annotationsOf(deciding) };
  }
  if (decl.aggregation === 'all' && values.some((v) => v === false)) {
    const deciding = observed.filter((i) => i.value === false);
    return { ...base, status: 'observed', value: false, evidence: deciding.flatMap((i) => i.evidence), ...annotationsOf(deciding) };
  }
  const blocking = missing.filter((i) => i.status !== 'not_available');
  if (blocking.length > 0 || observed.length === 0) {
    const shown = blocking.length ? blocking : missing;
    return { ...base, status: worstStatus(shown), reason: describeMissing(shown, instances.length), evidence };
  }
  const value = combine(decl, values);
  // the instances a min, max or first took its value from are the ones whose objects explain it
  const deciding = ['min', 'max'].includes(decl.aggregation) ? observed.filter((i) => i.value === value)
    : decl.aggregation === 'first' ? observed.slice(0, 1) : observed;
  return { ...base, status: 'observed', value, evidence: observed.flatMap((i) => i.evidence), ...annotationsOf(deciding) };
}

/**
 * The objects and notes behind a combined value: totals add up, samples are joined (named by
 * instance when there are several) up to SAMPLE_MAX, notes are kept once each.
 */
function annotationsOf(instances: InstanceValue[]): SignalAnnotations {
  const out: SignalAnnotations = {};
  const withObjects = instances.filter((i) => i.objects);
  if (withObjects.length) {
    const named = withObjects.length > 1;
    out.objects = {
      total: withObjects.reduce((n, i) => n + i.objects!.total, 0),
      sample: withObjects.flatMap((i) => i.objects!.sample.map((x) => (named ? `${i.instance}: ${x}` : x))).slice(0, SAMPLE_MAX),
    };
  }
  const notes = [...new Set(instances.flatMap((i) => i.notes ?? []))];
  if (notes.length) out.notes = notes;
  return out;
}

function combine(decl: SignalDeclaration, values: SignalValue[]): SignalValue {
  const nums = values as number[];
  switch (decl.aggregation) {
    case 'min': return Math.min(...nums);
    case 'max': return Math.max(...nums);
    case 'sum': return nums.reduce((a, b) => a + b, 0);
    case 'mean': return nums.reduce((a, b) => a + b, 0) / nums.length;
    case 'any': return values.some((v) => v === true);
    case 'all': return values.every((v) => v === true);
    case 'first': return values[0];
  }
}

const SEVERITY = ['failed', 'not_observed', 'not_available', 'not_configured'] as const;

function worstStatus(missing: InstanceValue[]): SignalState['status'] {
  for (const s of SEVERITY) if (missing.some((m) => m.status === s)) return s;
  return 'not_observed';
}

function describeMissing(missing: InstanceValue[], total: number): string {
  const parts = missing.map((m) => (total > 1 ? `${m.instance}: ` : '') + (m.reason ?? m.status.replace('_', ' ')));
  return [...new Set(parts)].join('; ');
}
