import { incidentSignals } from '../../src/incidents/index.js';
import { flag } from '../../src/collector/kit.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

/** PagerDuty emits the shared incident measures (src/incidents) under its own prefix. */
export const PREFIX = 'pagerduty';

export const SIGNALS: SignalDeclaration[] = [
  flag('pagerduty.api.reachable', 'GET /abilities answered with the account\'s abilities for this API key'),
  ...incidentSignals(PREFIX, 'PagerDuty'),
];
