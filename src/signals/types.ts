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

export interface InstanceValue {
  instance: string;
  status: SignalStatus;
  value?: SignalValue;
  reason?: string;
  evidence: string[];
  detail?: string;
}

export interface SignalState {
  id: string;
  collector: string;
  declaration: SignalDeclaration;
  status: SignalStatus;
  value?: SignalValue;
  reason?: string;
  evidence: string[];
  instances: InstanceValue[];
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
