import { incidentSignals, measuresFrom, type IncidentInput } from '../../src/incidents/index.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

export const PREFIX = 'incident_file';

/**
 * An export holds incidents only: the service, escalation and on-call measures are declared (so
 * signals/derived.yaml may name them for every tool) but always not available.
 */
export const NOT_IN_EXPORTS: string[] = (['services', 'oncall'] as IncidentInput[]).flatMap((i) => measuresFrom(i)).map((m) => `${PREFIX}.${m}`);

const OWN: SignalDeclaration[] = [
  { id: 'incident_file.rows.read', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Rows of the incident export read into incidents' },
  { id: 'incident_file.rows.unreadable', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Rows of the incident export that could not be read (a bad date, an unmapped priority, a missing id …); each is named in the notes' },
];

export const SIGNALS: SignalDeclaration[] = [
  ...incidentSignals(PREFIX, 'an incident export, see collectors/incident_file/README.md'),
  ...OWN,
];
