import { appsFor, type ServiceApps } from '../../src/incidents/index.js';
import type { EscalationPolicyRecord, Grade, IncidentRecord, IncidentSource, Interval, ScheduleRecord, ServiceRecord } from '../../src/incidents/index.js';
import type { EscalationPolicy, Incident, LogEntry, Oncall, Priority, Schedule, Service } from './api.js';

/**
 * PagerDuty objects → the common incident records (src/incidents does the arithmetic).
 * Mapping:
 * - grade: a priority named in `major_priorities` → critical (and major); else urgency high → high, low → low;
 * - levels: the escalation policy's rules; a rule targeting a schedule targets a role;
 * - source: the trigger log entry's agent — an integration → monitoring, a user → human;
 * - acknowledgedAt / firstActionAt: the first acknowledge / any entry whose agent is a user;
 * - autoResolved: resolved and no user ever acted on it (resolved by the integration or timeout);
 * - reopened: PagerDuty cannot reopen a resolved incident, so it is left undefined (not available);
 * - reviews: the REST API has no postmortem objects, so reviewLinked is false and the review
 *   measures are reported not available by the collector rather than computed;
 * - serviceNames: the incident's service by name (the services read, else the reference's
 *   summary); apps: what the config's `service_apps` maps that name to.
 */

export function toServices(services: readonly Service[]): ServiceRecord[] {
  return services.map((s) => ({ id: s.id, name: s.name, ...(s.escalation_policy ? { escalationPolicyId: s.escalation_policy.id } : {}) }));
}

const isSchedule = (type?: string) => type === 'schedule_reference' || type === 'schedule';

export function toPolicies(policies: readonly EscalationPolicy[]): EscalationPolicyRecord[] {
  return policies.map((p) => {
    const rules = p.escalation_rules.filter((r) => r.targets.length > 0);
    return { id: p.id, name: p.name, levels: rules.length, targetsSchedules: rules.some((r) => r.targets.some((t) => isSchedule(t.type))) };
  });
}

/** On-call intervals per schedule; open-ended entries (null start or end) reach the edge of the week. */
export function toSchedules(schedules: readonly Schedule[], oncalls: readonly Oncall[], week: Interval): ScheduleRecord[] {
  return schedules.map((s) => ({
    id: s.id,
    name: s.name,
    onCall: oncalls
      .filter((o) => o.schedule?.id === s.id)
      .map((o) => ({ start: o.start ? Date.parse(o.start) : week.start, end: o.end ? Date.parse(o.end) : week.end })),
  }));
}

// Entries a person makes by acting on an incident (as opposed to notifications and timeouts).
const ACTIONS = new Set(['acknowledge_log_entry', 'annotate_log_entry', 'assign_log_entry', 'escalate_log_entry', 'resolve_log_entry',
  'priority_change_log_entry', 'urgency_change_log_entry', 'snooze_log_entry', 'reassign_log_entry']);

const byUser = (e: LogEntry) => e.agent?.type === 'user_reference' || e.agent?.type === 'user';

function sourceOf(trigger: LogEntry | undefined): IncidentSource {
  if (!trigger) return 'unknown';
  const agent = trigger.agent?.type ?? '';
  if (agent.includes('integration')) return 'monitoring';
  if (agent === 'user_reference' || agent === 'user' || trigger.channel?.type === 'web_trigger') return 'human';
  return 'unknown';
}

export interface Timelines {
  /** Log entries per incident id, oldest first. */
  byIncident: Map<string, LogEntry[]>;
}

export function toTimelines(entries: readonly LogEntry[]): Timelines {
  const byIncident = new Map<string, LogEntry[]>();
  for (const e of entries) {
    if (!e.incident) continue;
    const list = byIncident.get(e.incident.id) ?? [];
    list.push(e);
    byIncident.set(e.incident.id, list);
  }
  for (const list of byIncident.values()) list.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  return { byIncident };
}

/**
 * Incidents as records. Without timelines (the log entries could not be read) the times and
 * sources that need them are left out; the collector then fails the measures that use them.
 */
export function toIncidents(incidents: readonly Incident[], timelines: Timelines | undefined, priorities: readonly Priority[], majorPriorities: readonly string[],
  services: { names?: ReadonlyMap<string, string>; apps?: ServiceApps } = {}): IncidentRecord[] {
  const priorityName = new Map(priorities.map((p) => [p.id, p.name]));
  const major = new Set(majorPriorities.map((p) => p.toLowerCase()));
  return incidents.map((i) => {
    const name = i.priority ? (i.priority.name ?? priorityName.get(i.priority.id) ?? i.priority.summary ?? undefined) : undefined;
    const isMajor = name !== undefined && major.has(name.toLowerCase());
    const grade: Grade = isMajor ? 'critical' : i.urgency === 'high' ? 'high' : 'low';
    const entries = timelines?.byIncident.get(i.id) ?? [];
    const at = (e?: LogEntry) => (e ? Date.parse(e.created_at) : undefined);
    const human = entries.filter((e) => byUser(e) && ACTIONS.has(e.type));
    const resolvedAt = i.status === 'resolved'
      ? (i.resolved_at ? Date.parse(i.resolved_at) : at(entries.find((e) => e.type === 'resolve_log_entry')))
      : undefined;
    const serviceName = services.names?.get(i.service.id) ?? i.service.summary ?? undefined;
    const apps = serviceName !== undefined ? appsFor(services.apps ?? {}, [serviceName]) : undefined;
    return {
      id: i.incident_number !== undefined ? `#${i.incident_number}` : i.id,
      service: i.service.id,
      ...(serviceName !== undefined ? { serviceNames: [serviceName] } : {}),
      ...(apps ? { apps } : {}),
      grade,
      createdAt: Date.parse(i.created_at),
      acknowledgedAt: at(human.find((e) => e.type === 'acknowledge_log_entry')),
      firstActionAt: at(human[0]),
      resolvedAt,
      source: sourceOf(entries.find((e) => e.type === 'trigger_log_entry')),
      autoResolved: resolvedAt !== undefined && timelines !== undefined && human.length === 0,
      major: isMajor,
      reviewLinked: false,
    };
  });
}
