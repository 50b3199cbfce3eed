import { measuredValue, notAvailable, type Measured } from '../collector/measured.js';
import type { Window } from '../collector/types.js';
import { ratio } from '../collector/declare.js';
import type { DeploymentRecord } from '../delivery/records.js';
import type { CrossSignal, Joined } from '../signals/cross.js';
import { SAMPLE_MAX } from '../signals/types.js';
import type { IncidentRecord } from './records.js';

/**
 * Change failure from incidents (README, "Delivery definitions"): the share of production
 * deployments followed within `followHours` by an urgent incident of the same service, from the
 * deployments the delivery collectors publish and the incidents the incident tools publish. It
 * stands beside the deployment-based change failure rate (failed or rolled-back deployments),
 * not instead of it: a deployment that succeeds and still breaks production shows only here.
 */

const HOUR = 3_600_000;

/**
 * 24 hours by default: the span the deployment-based figure gives a rollback to count as a
 * failed change (ROLLBACK_FAILURE_WINDOW), so both figures attribute a failure to a change over
 * the same span. It covers one daily traffic peak after the change; a longer span lets
 * incidents of busy services with no link to the change count against it.
 */
export const CHANGE_FOLLOW_HOURS = 24;

/** Grades that count: incidents that page someone. A low-grade incident is no production failure. */
const COUNTED_GRADES = new Set<IncidentRecord['grade']>(['critical', 'high']);

/** Lower case with everything but letters and digits removed: "Checkout API" and "checkout-api" agree. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Whether an incident belongs to a deployment's app: the apps the tool's `service_apps` mapping
 * gives it, where it gives any (compared without case); otherwise one of its service names
 * (`serviceNames`, else `service`), normalised, equals the app's normalised last path segment (`acme/checkout-api` → checkoutapi)
 * or the whole app.
 */
export function incidentMatchesApp(incident: IncidentRecord, app: string): boolean {
  return matcherFor(app)(incident);
}

/** incidentMatchesApp for one app, its normalised names computed once (an estate joins thousands of pairs). */
function matcherFor(app: string, keys: (i: IncidentRecord) => string[] = (i) => namesOf(i).map(normaliseName)): (i: IncidentRecord) => boolean {
  const lower = app.toLowerCase();
  const whole = normaliseName(app);
  const last = normaliseName(app.split('/').pop() ?? app);
  return (i) => (i.apps?.length ? i.apps.some((a) => a.toLowerCase() === lower) : keys(i).some((k) => k !== '' && (k === last || k === whole)));
}

/**
 * The names an incident's service goes by: `serviceNames` where the tool gives them, else its
 * `service` (a tool whose incidents live in the project itself, like GitLab's incident issues,
 * names the project there; an opaque id matches no app).
 */
function namesOf(incident: IncidentRecord): string[] {
  return incident.serviceNames ?? (incident.service ? [incident.service] : []);
}

export interface ChangeFailureFacts {
  /** Production deployments that ran, created in the window early enough to be followed for the whole span. */
  counted: DeploymentRecord[];
  /** Of those, the ones followed by an urgent incident of the same service, each with the first such incident. */
  failed: { deployment: DeploymentRecord; incident: IncidentRecord }[];
  /** Service names of urgent incidents in the window that match no deployed app. */
  unmatchedServices: string[];
  /** Urgent incidents in the window that name no service at all. */
  withoutService: number;
  /** Urgent incidents in the window whose service matches a deployed app. */
  linked: number;
}

/** The facts behind the figure; pure, over the published records. */
export function changeFailureFacts(deployments: readonly DeploymentRecord[], incidents: readonly IncidentRecord[], w: { start: number; end: number }, followHours = CHANGE_FOLLOW_HOURS): ChangeFailureFacts {
  const follow = followHours * HOUR;
  const counted = deployments.filter((d) => d.status !== 'not_run' && d.createdAt >= w.start && d.createdAt + follow <= w.end);
  const urgent = incidents.filter((i) => COUNTED_GRADES.has(i.grade) && i.createdAt >= w.start && i.createdAt <= w.end).sort((a, b) => a.createdAt - b.createdAt);
  const normalised = new Map(urgent.map((i) => [i, namesOf(i).map(normaliseName)] as const));
  const keys = (i: IncidentRecord) => normalised.get(i) ?? namesOf(i).map(normaliseName);
  const apps = [...new Set(deployments.map((d) => d.app))];
  // Each app's urgent incidents, oldest first: the join is then one scan per deployment of its own app's incidents.
  const byApp = new Map(apps.map((a) => { const matches = matcherFor(a, keys); return [a, urgent.filter(matches)] as const; }));
  const failed = counted.flatMap((deployment) => {
    const incident = byApp.get(deployment.app)!.find((i) => i.createdAt > deployment.createdAt && i.createdAt <= deployment.createdAt + follow);
    return incident ? [{ deployment, incident }] : [];
  });
  const linked = new Set([...byApp.values()].flat());
  const named = urgent.filter((i) => i.apps?.length || namesOf(i).length);
  const unmatched = named.filter((i) => !linked.has(i));
  return {
    counted,
    failed,
    unmatchedServices: [...new Set(unmatched.flatMap((i) => (i.apps?.length ? i.apps : namesOf(i))))].sort(),
    withoutService: urgent.length - named.length,
    linked: linked.size,
  };
}

/**
 * The figure: not available when no deployment can be followed for the whole span, and when no
 * urgent incident's service matches any deployed app — then the tools are not linked (names
 * differ and `service_apps` does not map them) and 0 would claim changes never fail.
 */
export function measureChangeFailure(deployments: Joined<'deployments'>, incidents: Joined<'incidents'>, window: Window, followHours = CHANGE_FOLLOW_HOURS): Measured {
  const w = { start: window.start.getTime(), end: window.end.getTime() };
  const facts = changeFailureFacts(deployments.records, incidents.records, w, followHours);
  const evidence = [...new Set([...deployments.evidence, ...incidents.evidence])];
  if (facts.counted.length === 0) return notAvailable(`no production deployment in the window that can be followed for ${followHours} h before its end`, evidence);
  if (facts.linked === 0) {
    const why = facts.unmatchedServices.length
      ? `no urgent incident's service matches a deployed app (services: ${facts.unmatchedServices.slice(0, SAMPLE_MAX).join(', ')}); map them with service_apps in the incident collector's config`
      : 'no urgent incident in the window names a service that matches a deployed app';
    return notAvailable(why, evidence);
  }
  const notes = [
    ...(facts.unmatchedServices.length ? [`incident services matching no deployed app (not linked; map them with service_apps): ${facts.unmatchedServices.slice(0, SAMPLE_MAX).join(', ')}${facts.unmatchedServices.length > SAMPLE_MAX ? ' …' : ''}`] : []),
    ...(facts.withoutService ? [`${facts.withoutService} urgent incidents name no service and cannot be linked to a deployment`] : []),
  ];
  const sample = facts.failed.map(({ deployment: d, incident: i }) => `${d.app} ${d.sha.slice(0, 7)} → ${i.id} after ${Math.round((i.createdAt - d.createdAt) / 60_000)} min`);
  return measuredValue(facts.failed.length / facts.counted.length, evidence, {
    detail: `${facts.failed.length} of ${facts.counted.length} production deployments followed within ${followHours} h by an urgent incident of the same service (from ${[...new Set([...deployments.sources, ...incidents.sources])].join(', ')})`,
    objects: { total: sample.length, sample: sample.slice(0, SAMPLE_MAX) },
    ...(notes.length ? { notes } : {}),
  });
}

/**
 * Its own namespace: a cross signal's first segment is a source namespace, which derived signals
 * (`incident.*`, `delivery.*`) may not share.
 */
export const CHANGE_FAILURE_SIGNAL = 'change_failure.incidents.ratio';

/** The cross signal, with the follow-up span as its one parameter. */
export function changeFailureFromIncidents(followHours = CHANGE_FOLLOW_HOURS): CrossSignal<'deployments' | 'incidents'> {
  return {
    declaration: ratio(CHANGE_FAILURE_SIGNAL,
      `Share of production deployments (that ran, created in the window at least ${followHours} h before its end) followed within ${followHours} h of their creation by an urgent (critical or high grade) incident of the same service; ` +
      'an incident belongs to a deployment\'s app through the incident tool\'s service_apps mapping, else by normalised name (service name = the app\'s last path segment or the whole app, ignoring case and punctuation). ' +
      'Not available when no urgent incident\'s service matches any deployed app. Beside the deployment-based delivery.changes.failure_rate, not instead of it', 'max'),
    needs: ['deployments', 'incidents'],
    measure: (input, window) => measureChangeFailure(input.deployments, input.incidents, window, followHours),
  };
}
