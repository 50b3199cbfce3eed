import { incidentSignals, measuresFrom } from '../../src/incidents/index.js';
import { count, seconds } from '../../src/collector/kit.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

export const PREFIX = 'opsgenie';

/**
 * What each signal is read from; when a read fails, exactly its signals fail:
 * services (teams, routing rules, services, escalations), oncall (schedules and timelines),
 * alerts (the incident records), declared (the Incident API).
 */
export type Source = 'services' | 'oncall' | 'alerts' | 'declared';

/** Opsgenie's own figures beside the common incident measures. */
const OWN: (SignalDeclaration & { source: Source })[] = [
  { ...count('opsgenie.teams.count', 'Teams in the Opsgenie account (GET /v2/teams)'), source: 'services' },
  { ...count('opsgenie.declared_incidents.count', 'Incidents declared through the Incident API (GET /v1/incidents) created in the window: service-impacting events someone declared over the alerts'), source: 'declared' },
  { ...seconds('opsgenie.declared_incidents.resolve_median_seconds', 'Median time from creation to resolution of the declared incidents created in the window, the resolution read from each incident\'s log (still open: the age at the window end, a lower bound)'), source: 'declared' },
];

export const SIGNALS: SignalDeclaration[] = [
  ...incidentSignals(PREFIX, 'Opsgenie alerts, see collectors/opsgenie/README.md'),
  ...OWN.map(({ source: _source, ...decl }) => decl),
];

const COMMON: Record<Source, string[]> = {
  services: measuresFrom('services'),
  oncall: measuresFrom('oncall'),
  alerts: [...measuresFrom('incidents'), ...measuresFrom('timeline'), ...measuresFrom('reviews')],
  declared: [],
};

/** The signals computed from one source, failed together when it cannot be read. */
export function signalsFrom(source: Source): string[] {
  return [...COMMON[source].map((m) => `${PREFIX}.${m}`), ...OWN.filter((d) => d.source === source).map((d) => d.id)];
}
