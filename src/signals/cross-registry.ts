import { changeFailureFromIncidents } from '../incidents/change-failure.js';
import { DRIFT_SIGNALS } from '../inventory/drift.js';
import type { CrossSignal } from './cross.js';

/**
 * Every cross signal (src/signals/cross.ts), listed explicitly like the collectors. Each lives
 * with the records it joins (src/incidents/, src/inventory/); add it here to make it a signal
 * rules can read.
 */
export const crossSignals: readonly CrossSignal<any>[] = [
  changeFailureFromIncidents(),
  ...DRIFT_SIGNALS,
];
