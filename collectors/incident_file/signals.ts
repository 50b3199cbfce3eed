import { incidentSignals, measuresFrom, type IncidentInput } from '../../src/incidents/index.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

export const PREFIX = 'incident_file';

/** An export holds incidents only: no services, escalation policies or on-call schedules. */
const INPUTS: IncidentInput[] = ['incidents', 'timeline', 'reviews'];

const OWN: SignalDeclaration[] = [
  { id: 'incident_file.rows.read', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Rows of the incident export read into incidents' },
  { id: 'incident_file.rows.unreadable', type: 'number', unit: 'count', aggregation: 'sum',
    description: 'Rows of the incident export that could not be read (a bad date, an unmapped priority, a missing id …); each is named in the notes' },
];

export const SIGNALS: SignalDeclaration[] = [
  ...incidentSignals(PREFIX, 'an incident export, see collectors/incident_file/README.md').filter((d) => INPUTS.some((i) => measuresFrom(i).includes(d.id.slice(PREFIX.length + 1)))),
  ...OWN,
];
