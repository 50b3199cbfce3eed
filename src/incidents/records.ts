/**
 * The common records every incident collector translates its tool's API into (PagerDuty,
 * Opsgenie, an incident-file import …). The arithmetic over them lives once, in ./measure.ts, so
 * the tools feed the same `incident.*` signals with the same definitions. Times are epoch
 * milliseconds.
 */

/**
 * An incident's severity normalised across tools:
 * - critical: the tool's top priorities or a declared major incident (P1/P2, SEV1, "major");
 * - high: pages someone now (PagerDuty high urgency, Opsgenie P3 …);
 * - low: does not page (low urgency, informational priorities).
 * Each collector says in its README how its tool's levels map here.
 */
export type Grade = 'critical' | 'high' | 'low';
export const GRADES: readonly Grade[] = ['critical', 'high', 'low'];

/** Who opened the incident: a monitoring integration, a person, or the tool does not say. */
export type IncidentSource = 'monitoring' | 'human' | 'unknown';

export interface IncidentRecord {
  id: string;
  /** The service (or team) the incident belongs to, by the tool's id. */
  service: string;
  /**
   * The names of the services the incident affected, as the tool names them (one for most tools;
   * several for an Opsgenie incident), for matching incidents with deployments of the same
   * service (./change-failure.ts); undefined where the tool does not say.
   */
  serviceNames?: string[];
  /**
   * The deployment apps (`owner/name`, `group/project`) the instance's `service_apps` mapping
   * gives for these services; where set, matching uses them instead of the names.
   */
  apps?: string[];
  grade: Grade;
  createdAt: number;
  /** First acknowledgement by a person. */
  acknowledgedAt?: number;
  /**
   * First action by a person (acknowledge, note, reassign, resolve …), where the tool's timeline
   * shows one; the earliest of these is the first action.
   */
  firstActionAt?: number;
  resolvedAt?: number;
  source: IncidentSource;
  /** Resolved with no person acting on it (resolved by the monitoring integration or automation). */
  autoResolved: boolean;
  /** Reopened after it was resolved; undefined where the tool cannot reopen an incident. */
  reopened?: boolean;
  /** A major incident by the tool's own marker or the configured top priorities. */
  major: boolean;
  /** A postmortem or review is linked to the incident. */
  reviewLinked: boolean;
  /** When the postmortem or review was created, where the tool says. */
  reviewAt?: number;
}

export interface ServiceRecord {
  id: string;
  name: string;
  /** The escalation policy the service's incidents follow; undefined when it has none. */
  escalationPolicyId?: string;
}

export interface EscalationPolicyRecord {
  id: string;
  name: string;
  /** Escalation levels (rules): who is notified next when nobody acknowledges. */
  levels: number;
  /** At least one level targets an on-call schedule rather than named people only. */
  targetsSchedules: boolean;
}

/** A half-open time interval [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export interface ScheduleRecord {
  id: string;
  name: string;
  /** The intervals in which someone is on call on this schedule (overlaps allowed). */
  onCall: Interval[];
}
