import { incidentSignals, measuresFrom, type IncidentInput } from '../../src/incidents/index.js';
import { count } from '../../src/collector/kit.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

export const PREFIX = 'incident_file';

/**
 * An export holds incidents only: the service, escalation and on-call measures are declared (so
 * signals/derived.yaml may name them for every tool) but always not available.
 */
export const NOT_IN_EXPORTS: string[] = (['services', 'oncall'] as IncidentInput[]).flatMap((i) => measuresFrom(i)).map((m) => `${PREFIX}.${m}`);

const OWN: SignalDeclaration[] = [
  count('incident_file.rows.read', 'Rows of the incident export read into incidents'),
  count('incident_file.rows.unreadable', 'Rows of the incident export that could not be read (a bad date, an unmapped priority, a missing id …); each is named in the notes'),
];

/** The import's own signals, beside the common incident measures. */
export const OWN_IDS: string[] = OWN.map((d) => d.id);

export const SIGNALS: SignalDeclaration[] = [
  ...incidentSignals(PREFIX, 'an incident export, see collectors/incident_file/README.md'),
  ...OWN,
];
