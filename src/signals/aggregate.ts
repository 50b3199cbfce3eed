import type { InstanceValue, SignalDeclaration, SignalState, SignalValue } from './types.js';

/**
 * Combines one signal's values from every configured instance of its collector.
 * A value is only produced when it is certain: `any` is true as soon as one instance says true
 * and `all` false as soon as one says false; every other aggregation needs every instance,
 * since a missing instance could have changed the result (a min or a sum is not known from part
 * of the estate).
 */
export function aggregate(collector: string, decl: SignalDeclaration, instances: InstanceValue[]): SignalState {
  const base = { id: decl.id, collector, declaration: decl, instances };
  const evidence = instances.flatMap((i) => i.evidence);
  const observed = instances.filter((i) => i.status === 'observed');
  const values = observed.map((i) => i.value as SignalValue);
  const missing = instances.filter((i) => i.status !== 'observed');

  if (decl.aggregation === 'any' && values.some((v) => v === true)) {
    return { ...base, status: 'observed', value: true, evidence: observed.filter((i) => i.value === true).flatMap((i) => i.evidence) };
  }
  if (decl.aggregation === 'all' && values.some((v) => v === false)) {
    return { ...base, status: 'observed', value: false, evidence: observed.filter((i) => i.value === false).flatMap((i) => i.evidence) };
  }
  if (missing.length > 0 || observed.length === 0) {
    return { ...base, status: worstStatus(missing), reason: describeMissing(missing, instances.length), evidence };
  }
  return { ...base, status: 'observed', value: combine(decl, values), evidence };
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
