/**
 * A signal is one named, typed measurement that a collector declares before it emits it.
 * Collectors measure; rules judge. No threshold lives here.
 */
export type SignalType = 'number' | 'boolean' | 'string' | 'duration' | 'ratio';
export type Aggregation = 'min' | 'max' | 'sum' | 'mean' | 'any' | 'all' | 'first';
export type SignalValue = number | boolean | string;

export interface SignalDeclaration {
  /** `<collector>.<subject>.<measure>`, e.g. `prometheus.rules.alerting_count`. */
  id: string;
  type: SignalType;
  /** For numbers: `count`, `seconds`, `ratio`, `requests/s` … */
  unit?: string;
  description: string;
  /** How the values of several instances of the collector combine. */
  aggregation: Aggregation;
}

/**
 * What became of a signal in one scan:
 * - observed: a value was measured;
 * - not_available: the system has no such thing to measure (e.g. a CRD that is not installed);
 * - failed: the collector tried and failed (the reason says how);
 * - not_observed: the collector ran but did not produce this signal;
 * - not_configured: no instance of its collector is configured.
 */
export type SignalStatus = 'observed' | 'not_available' | 'failed' | 'not_observed' | 'not_configured';

/**
 * The things behind a count or a ratio, so an auditor can check them: how many there are and
 * the names of the first few (which rules, which workloads).
 */
export interface SignalObjects {
  total: number;
  /** The first names behind the value, at most SAMPLE_MAX. */
  sample: string[];
}

/** The most names a report carries behind one value. */
export const SAMPLE_MAX = 20;

/**
 * What a collector may say beside a value (all optional):
 * - objects: the things it counted (`{ total: 12, sample: ['HighErrorRate', …] }`);
 * - notes: caveats an auditor should read with the value (e.g. "rests only on rules shipped by a
 *   well-known default rule set (kube-prometheus)").
 */
export interface SignalAnnotations {
  objects?: SignalObjects;
  notes?: string[];
}

export interface InstanceValue extends SignalAnnotations {
  instance: string;
  status: SignalStatus;
  value?: SignalValue;
  reason?: string;
  evidence: string[];
  detail?: string;
}

export interface SignalState extends SignalAnnotations {
  id: string;
  collector: string;
  declaration: SignalDeclaration;
  status: SignalStatus;
  value?: SignalValue;
  reason?: string;
  evidence: string[];
  instances: InstanceValue[];
}

/** Why annotations are malformed, or undefined when they are fine. */
export function validateAnnotations(a: SignalAnnotations): string | undefined {
  if (a.objects !== undefined) {
    const { total, sample } = a.objects as Partial<SignalObjects>;
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) return 'objects.total must be a whole number >= 0';
    if (!Array.isArray(sample) || sample.some((x) => typeof x !== 'string')) return 'objects.sample must be a list of names';
    if (sample.length > total) return `objects.sample lists ${sample.length} names but objects.total is ${total}`;
  }
  if (a.notes !== undefined && (!Array.isArray(a.notes) || a.notes.some((n) => typeof n !== 'string' || !n))) return 'notes must be a list of non-empty strings';
  return undefined;
}

export function validateValue(decl: SignalDeclaration, value: unknown): string | undefined {
  switch (decl.type) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected a boolean';
    case 'string':
      return typeof value === 'string' ? undefined : 'expected a string';
    case 'ratio':
      return typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'expected a ratio between 0 and 1';
    case 'duration':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? undefined : 'expected a duration in seconds';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a finite number';
  }
}
