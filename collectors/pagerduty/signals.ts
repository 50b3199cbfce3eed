import { incidentSignals } from '../../src/incidents/index.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

/** PagerDuty emits the shared incident measures (src/incidents) under its own prefix. */
export const PREFIX = 'pagerduty';

export const SIGNALS: SignalDeclaration[] = [
  { id: 'pagerduty.api.reachable', type: 'boolean', aggregation: 'any', description: 'GET /abilities answered with the account\'s abilities for this API key' },
  ...incidentSignals(PREFIX, 'PagerDuty'),
];
