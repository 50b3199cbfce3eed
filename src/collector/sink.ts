import { measuredValue, measureFailed, notAvailable, type Measured } from './measured.js';
import type { EmitDetail } from './types.js';
import type { SignalValue } from '../signals/types.js';

/**
 * A sink with the collector context's three verbs that keeps what it is given as `Measured`
 * instead of emitting it, so a shared function written against the verbs (src/delivery's
 * `emitDeploymentSignals`, src/incidents' `emitMeasures`) can feed a collector's pure
 * `measure.ts`, whose results `emitAll` then emits. A later result for the same id replaces the
 * earlier one, as a later emit does.
 */
export interface MeasuredSink {
  emit(signal: string, value: SignalValue, evidence: string[], detail?: string | EmitDetail): void;
  notAvailable(signal: string, reason: string, evidence?: string[]): void;
  failed(signal: string, reason: string, evidence?: string[]): void;
  readonly measured: Map<string, Measured>;
}

export function measuredSink(): MeasuredSink {
  const measured = new Map<string, Measured>();
  return {
    measured,
    emit(signal, value, evidence, detail) {
      measured.set(signal, measuredValue(value, evidence, typeof detail === 'object' && detail !== null ? detail : { detail }));
    },
    notAvailable(signal, reason, evidence = []) {
      measured.set(signal, notAvailable(reason, evidence));
    },
    failed(signal, reason, evidence = []) {
      measured.set(signal, measureFailed(reason, evidence));
    },
  };
}
