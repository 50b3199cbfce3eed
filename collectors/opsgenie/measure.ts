import { appsFor, type ServiceApps } from '../../src/incidents/index.js';
import type { EscalationPolicyRecord, Grade, IncidentRecord, IncidentSource, ScheduleRecord, ServiceRecord } from '../../src/incidents/index.js';
import type { Alert, Escalation, Incident, LogEntry, RoutingRule, Schedule, Service, Timeline } from './api.js';

/**
 * Opsgenie's objects translated into the core's incident records (src/incidents). No arithmetic
 * here: the figures are computed once, for every tool, in src/incidents/measure.ts.
 */

/** Opsgenie priorities P1–P5 on the core's grades; P1/P2 page as critical, P3 as high, P4/P5 do not page urgently. */
export const DEFAULT_GRADES: Record<string, Grade> = { P1: 'critical', P2: 'critical', P3: 'high', P4: 'low', P5: 'low' };

/**
 * Integration types (alert.integration.type) that are monitoring systems: an alert they opened was
 * discovered by monitoring. Types people create alerts with are HUMAN_INTEGRATIONS; any other type
 * (API, Email, webhooks …) can carry either, so its alerts' opener is unknown.
 */
const MONITORING_INTEGRATION = /prometheus|alertmanager|grafana|datadog|zabbix|nagios|icinga|newrelic|new relic|cloudwatch|stackdriver|azure|dynatrace|appdynamics|splunk|elastic|sentry|pingdom|uptime|site24x7|solarwinds|prtg|checkmk|sensu|heartbeat|zenoss|catchpoint|statuscake|thousandeyes|logicmonitor|signalfx|honeycomb|lightstep|instana/i;
const HUMAN_INTEGRATION = /^(web|mobile|slack|slackapp|msteams|hipchat|jira|jiraservicedesk|servicenow|zendesk|freshdesk|freshservice)$/i;

export function alertSource(alert: Alert): IncidentSource {
  const type = alert.integration?.type ?? '';
  if (MONITORING_INTEGRATION.test(type) || MONITORING_INTEGRATION.test(alert.integration?.name ?? '')) return 'monitoring';
  if (HUMAN_INTEGRATION.test(type)) return 'human';
  return 'unknown';
}

export interface AlertTranslation {
  grades: Record<string, Grade>;
  majorPriorities: readonly string[];
}

/**
 * One alert as an incident record. Opsgenie's alert is what pages people and is acknowledged and
 * closed, so it plays PagerDuty's incident. report.ackTime / closeTime are milliseconds after
 * createdAt. An alert closed by its own integration (closedBy is the integration's name) or by
 * Opsgenie itself was resolved with no person acting. Alerts are deduplicated, never reopened.
 * Returns the priority it could not grade instead, so the caller can say which.
 */
export function alertRecord(alert: Alert, t: AlertTranslation): IncidentRecord | { ungraded: string } {
  const priority = alert.priority ?? 'P3'; // Opsgenie's documented default priority
  const grade = t.grades[priority];
  if (!grade) return { ungraded: priority };
  const createdAt = Date.parse(alert.createdAt);
  const closed = alert.status === 'closed';
  const closeTime = alert.report?.closeTime;
  const closedBy = alert.report?.closedBy;
  const ackTime = alert.report?.ackTime;
  const byMachine = closedBy !== undefined && (closedBy === alert.integration?.name || /^(system|opsgenie)$/i.test(closedBy));
  return {
    id: alert.tinyId ? `#${alert.tinyId}` : alert.id,
    service: alert.owner ?? '',
    grade,
    createdAt,
    acknowledgedAt: ackTime !== undefined ? createdAt + ackTime : undefined,
    resolvedAt: closed && closeTime !== undefined ? createdAt + closeTime : closed ? Date.parse(alert.updatedAt ?? alert.createdAt) : undefined,
    source: alertSource(alert),
    autoResolved: closed && byMachine,
    reopened: undefined,
    major: t.majorPriorities.includes(priority),
    // Opsgenie keeps postmortems in its web app (Incident API, not described in its OpenAPI): never claimed linked.
    reviewLinked: false,
  };
}

/**
 * Services and the escalation each follows. An Opsgenie service belongs to a team; the team's
 * default routing rule (isDefault, the rule that catches every alert no other rule matches) says
 * whom the team's alerts notify. A service counts as having the escalation that rule notifies;
 * a rule that notifies a schedule directly or nobody gives it none.
 */
export function serviceRecords(services: readonly Service[], rulesByTeam: ReadonlyMap<string, readonly RoutingRule[]>, escalations: readonly Escalation[]): ServiceRecord[] {
  // A Recipient may name the escalation by id, by name or both.
  const byName = new Map(escalations.map((e) => [e.name, e.id]));
  return services.map((s) => {
    const rules = s.teamId ? rulesByTeam.get(s.teamId) ?? [] : [];
    const notify = rules.find((r) => r.isDefault)?.notify;
    const escalationPolicyId = notify?.type === 'escalation' ? notify.id || (notify.name ? byName.get(notify.name) : undefined) : undefined;
    return { id: s.id, name: s.name, escalationPolicyId };
  });
}

/** An escalation: each rule is one level; a level that notifies a schedule notifies a role. */
export function policyRecords(escalations: readonly Escalation[]): EscalationPolicyRecord[] {
  return escalations.map((e) => ({
    id: e.id,
    name: e.name,
    levels: e.rules.length,
    targetsSchedules: e.rules.some((r) => r.recipient.type === 'schedule'),
  }));
}

/**
 * A schedule's final timeline (rotations, overrides and forwarding applied) as on-call intervals.
 * Periods whose recipient is "none" (a gap someone configured) do not count as covered.
 */
export function scheduleRecord(schedule: Schedule, timeline: Timeline): ScheduleRecord {
  const periods = (timeline.finalTimeline?.rotations ?? []).flatMap((r) => r.periods ?? []);
  return {
    id: schedule.id,
    name: schedule.name,
    onCall: periods
      .filter((p) => p.recipient && p.recipient.type !== 'none')
      .map((p) => ({ start: Date.parse(p.startDate), end: Date.parse(p.endDate) })),
  };
}

/** When an incident of the Incident API was resolved, from its log: the first entry saying so. */
export function resolvedAtFromLogs(logs: readonly LogEntry[]): number | undefined {
  const entry = logs.find((l) => /\bresolved\b/i.test(l.log) && !/\bunresolved\b/i.test(l.log));
  return entry ? Date.parse(entry.createdAt) : undefined;
}

/**
 * A declared incident (Incident API) as a record, for change failure from incidents: its
 * impacted services by name (ids the services listing does not know are kept as ids) and the
 * apps the config's `service_apps` maps them to. Graded by priority like alerts; P1 is major.
 * Who opened it and whether a person acted are not read (`source` unknown, not auto-resolved).
 */
export function declaredRecord(incident: Incident, services: { names: ReadonlyMap<string, string>; apps: ServiceApps; resolvedAt?: number }): IncidentRecord {
  const priority = incident.priority ?? 'P3';
  const serviceNames = (incident.impactedServices ?? []).map((id) => services.names.get(id) ?? id);
  const apps = appsFor(services.apps, serviceNames);
  return {
    id: incident.tinyId ? `#${incident.tinyId}` : incident.id,
    service: incident.impactedServices?.[0] ?? incident.ownerTeam ?? '',
    serviceNames,
    ...(apps ? { apps } : {}),
    grade: DEFAULT_GRADES[priority] ?? 'high',
    createdAt: Date.parse(incident.createdAt),
    resolvedAt: services.resolvedAt,
    source: 'unknown',
    autoResolved: false,
    major: priority === 'P1',
    reviewLinked: false,
  };
}
