import { fromRead, measuredValue, notAvailable, type Measured } from '../collector/measured.js';
import type { Read } from '../collector/read.js';
import { SAMPLE_MAX, type Aggregation, type SignalDeclaration, type SignalObjects, type SignalType } from '../signals/types.js';
import type { EscalationPolicyRecord, Grade, IncidentRecord, Interval, ScheduleRecord, ServiceRecord } from './records.js';
import { coveredLength, median, quantile } from './stats.js';

/**
 * The incident arithmetic, once for every incident tool. Collectors translate their API into
 * records (./records.ts), call these pure functions and emit the results under their own prefix
 * (`pagerduty.incidents.ack_p90_seconds`, as kit `Measured` values through `measuredUnder`);
 * signals/derived.yaml combines the tools into
 * `incident.*`. A figure with nothing to compute it from is not available, never 0.
 */

/** What a collector needs to read for a measure: a failed read fails exactly these measures. */
export type IncidentInput = 'services' | 'oncall' | 'incidents' | 'timeline' | 'reviews';

/** One computed figure: a value, or the reason there is none (not available). */
export interface IncidentMeasure {
  measure: string;
  value?: number;
  reason?: string;
  detail?: string;
  objects?: SignalObjects;
  notes?: string[];
}

interface MeasureDecl {
  measure: string;
  type: SignalType;
  unit?: string;
  aggregation: Aggregation;
  input: IncidentInput;
  description: string;
}

/** The scopes response and resolution times are given for: all incidents, then by grade. */
export type Scope = 'all' | 'urgent' | Grade;
export const SCOPES: readonly Scope[] = ['all', 'urgent', 'critical', 'high', 'low'];
const SCOPE_TEXT: Record<Scope, string> = {
  all: 'all incidents',
  urgent: 'urgent incidents (critical or high grade: the ones that page someone)',
  critical: 'critical-grade incidents (top priorities, major incidents)',
  high: 'high-grade incidents',
  low: 'low-grade incidents',
};

export type Phase = 'ack' | 'first_action' | 'resolve';
const PHASE_TEXT: Record<Phase, { input: IncidentInput; text: string }> = {
  ack: { input: 'timeline', text: 'Time from creation to the first acknowledgement by a person (never acknowledged: to a person\'s resolution, or the age at the window end if still open; incidents resolved with no person acting are left out)' },
  first_action: { input: 'timeline', text: 'Time from creation to the first action by a person (acknowledge, note, reassign, resolve), with the same rules as acknowledgement for incidents nobody touched' },
  resolve: { input: 'incidents', text: 'Time from creation to resolution (still open: the age at the window end, a lower bound)' },
};

/** Signal id suffix for a phase, statistic and scope: `incidents.urgent.ack_p90_seconds`. */
export function timeMeasure(phase: Phase, stat: 'median' | 'p90', scope: Scope): string {
  return `incidents.${scope === 'all' ? '' : `${scope}.`}${phase}_${stat}_seconds`;
}

const TIME_DECLS: MeasureDecl[] = SCOPES.flatMap((scope) =>
  (['ack', 'first_action', 'resolve'] as const).flatMap((phase) =>
    (['median', 'p90'] as const).map((stat) => ({
      measure: timeMeasure(phase, stat, scope),
      type: 'duration' as const,
      unit: 'seconds',
      aggregation: 'max' as const,
      input: PHASE_TEXT[phase].input,
      description: `${stat === 'median' ? 'Median' : '90th percentile (nearest rank)'} over ${SCOPE_TEXT[scope]} created in the window. ${PHASE_TEXT[phase].text}`,
    })),
  ),
);

export const INCIDENT_MEASURES: readonly MeasureDecl[] = [
  { measure: 'services.count', type: 'number', unit: 'count', aggregation: 'sum', input: 'services',
    description: 'Services (the things incidents are opened against) defined in the tool' },
  { measure: 'services.escalation_policy_ratio', type: 'ratio', aggregation: 'min', input: 'services',
    description: 'Share of services with an escalation policy that has at least one level' },
  { measure: 'services.multi_level_escalation_ratio', type: 'ratio', aggregation: 'min', input: 'services',
    description: 'Share of services whose escalation policy has two levels or more, so an unacknowledged incident goes on to someone else' },
  { measure: 'escalation.policies.count', type: 'number', unit: 'count', aggregation: 'sum', input: 'services',
    description: 'Escalation policies used by at least one service' },
  { measure: 'escalation.levels_min', type: 'number', unit: 'count', aggregation: 'min', input: 'services',
    description: 'Fewest escalation levels among the policies services use' },
  { measure: 'escalation.levels_median', type: 'number', unit: 'count', aggregation: 'min', input: 'services',
    description: 'Median escalation levels among the policies services use' },
  { measure: 'escalation.schedule_targets_ratio', type: 'ratio', aggregation: 'min', input: 'services',
    description: 'Share of the escalation policies services use that notify an on-call schedule (a role) rather than named people only' },
  { measure: 'oncall.schedules.count', type: 'number', unit: 'count', aggregation: 'sum', input: 'oncall',
    description: 'On-call schedules' },
  { measure: 'oncall.week_coverage_min_ratio', type: 'ratio', aggregation: 'min', input: 'oncall',
    description: 'Share of the 168 hours of the coming week with someone on call, on the worst-covered schedule' },
  { measure: 'oncall.week_coverage_any_ratio', type: 'ratio', aggregation: 'max', input: 'oncall',
    description: 'Share of the 168 hours of the coming week with someone on call on at least one schedule (per tool; across tools the best one is a lower bound)' },
  { measure: 'incidents.count', type: 'number', unit: 'count', aggregation: 'sum', input: 'incidents',
    description: 'Incidents created in the window' },
  { measure: 'incidents.critical_count', type: 'number', unit: 'count', aggregation: 'sum', input: 'incidents',
    description: 'Critical-grade incidents created in the window' },
  { measure: 'incidents.high_count', type: 'number', unit: 'count', aggregation: 'sum', input: 'incidents',
    description: 'High-grade incidents created in the window' },
  { measure: 'incidents.low_count', type: 'number', unit: 'count', aggregation: 'sum', input: 'incidents',
    description: 'Low-grade incidents created in the window' },
  { measure: 'incidents.resolved_ratio', type: 'ratio', aggregation: 'min', input: 'incidents',
    description: 'Share of the incidents created in the window that are resolved' },
  { measure: 'incidents.monitoring_ratio', type: 'ratio', aggregation: 'min', input: 'timeline',
    description: 'Share of the incidents created in the window that a monitoring integration opened (proactive discovery), of those whose opener the tool records' },
  { measure: 'incidents.auto_resolved_ratio', type: 'ratio', aggregation: 'min', input: 'timeline',
    description: 'Share of the resolved incidents created in the window that were resolved with no person acting on them (by the monitoring integration or automation): an upper bound for self-healing, since a transient clear looks the same' },
  { measure: 'incidents.reopened_ratio', type: 'ratio', aggregation: 'max', input: 'timeline',
    description: 'Share of the incidents created in the window that were reopened after being resolved' },
  ...TIME_DECLS,
  { measure: 'incidents.major_count', type: 'number', unit: 'count', aggregation: 'sum', input: 'incidents',
    description: 'Major incidents created in the window' },
  { measure: 'incidents.major_reviewed_ratio', type: 'ratio', aggregation: 'min', input: 'reviews',
    description: 'Share of the major incidents created in the window with a postmortem or review linked' },
  { measure: 'incidents.major_review_delay_median_seconds', type: 'duration', unit: 'seconds', aggregation: 'max', input: 'reviews',
    description: 'Median time from a major incident\'s resolution to its postmortem or review, where the tool dates the review' },
];

/** Signal declarations for one collector: `<prefix>.<measure>`, described as read from `tool`. */
export function incidentSignals(prefix: string, tool: string): SignalDeclaration[] {
  return INCIDENT_MEASURES.map((d) => ({
    id: `${prefix}.${d.measure}`,
    type: d.type,
    ...(d.unit ? { unit: d.unit } : {}),
    aggregation: d.aggregation,
    description: `${d.description} (${tool})`,
  }));
}

/** The measures computed from an input, to fail together when that input cannot be read. */
export function measuresFrom(input: IncidentInput): string[] {
  return INCIDENT_MEASURES.filter((d) => d.input === input).map((d) => d.measure);
}

function objects(names: readonly string[]): SignalObjects {
  return { total: names.length, sample: names.slice(0, SAMPLE_MAX) };
}

function ratio(measure: string, part: readonly string[], total: number, what: string, none: string): IncidentMeasure {
  if (total === 0) return { measure, reason: none };
  return { measure, value: part.length / total, detail: `${part.length} of ${total} ${what}`, objects: objects(part) };
}

/** Services and the escalation policies they use. */
export function measureServices(services: readonly ServiceRecord[], policies: readonly EscalationPolicyRecord[]): IncidentMeasure[] {
  const byId = new Map(policies.map((p) => [p.id, p]));
  const policyOf = (s: ServiceRecord) => (s.escalationPolicyId ? byId.get(s.escalationPolicyId) : undefined);
  const noServices = 'the tool defines no service';
  const withoutPolicy = services.filter((s) => (policyOf(s)?.levels ?? 0) < 1).map((s) => s.name);
  const singleLevel = services.filter((s) => (policyOf(s)?.levels ?? 0) < 2).map((s) => s.name);
  const used = [...new Map(services.flatMap((s) => { const p = policyOf(s); return p ? [[p.id, p] as const] : []; })).values()];
  const levels = used.map((p) => p.levels);
  const noPolicy = 'no service uses an escalation policy';
  const out: IncidentMeasure[] = [
    { measure: 'services.count', value: services.length, objects: objects(services.map((s) => s.name)) },
    withRatio(ratio('services.escalation_policy_ratio', services.filter((s) => (policyOf(s)?.levels ?? 0) >= 1).map((s) => s.name), services.length, 'services have an escalation policy with a level', noServices), withoutPolicy, 'without'),
    withRatio(ratio('services.multi_level_escalation_ratio', services.filter((s) => (policyOf(s)?.levels ?? 0) >= 2).map((s) => s.name), services.length, 'services escalate over two levels or more', noServices), singleLevel, 'one level or none'),
    { measure: 'escalation.policies.count', value: used.length, objects: objects(used.map((p) => p.name)) },
  ];
  if (used.length === 0) {
    for (const m of ['escalation.levels_min', 'escalation.levels_median', 'escalation.schedule_targets_ratio']) out.push({ measure: m, reason: noPolicy });
  } else {
    const detail = used.map((p) => `${p.name}: ${p.levels}`).slice(0, SAMPLE_MAX).join(', ');
    out.push({ measure: 'escalation.levels_min', value: Math.min(...levels), detail });
    out.push({ measure: 'escalation.levels_median', value: median(levels)!, detail });
    out.push(ratio('escalation.schedule_targets_ratio', used.filter((p) => p.targetsSchedules).map((p) => p.name), used.length, 'policies in use notify an on-call schedule', noPolicy));
  }
  return out;
}

function withRatio(m: IncidentMeasure, missing: string[], label: string): IncidentMeasure {
  if (m.value === undefined || missing.length === 0) return m;
  return { ...m, notes: [`${label}: ${missing.slice(0, SAMPLE_MAX).join(', ')}${missing.length > SAMPLE_MAX ? ' …' : ''}`] };
}

const WEEK_MS = 7 * 86_400_000;

/** On-call coverage of the week [weekStart, weekStart + 7 days). */
export function measureOncall(schedules: readonly ScheduleRecord[], weekStart: number): IncidentMeasure[] {
  const week: Interval = { start: weekStart, end: weekStart + WEEK_MS };
  const none = 'the tool defines no on-call schedule';
  const out: IncidentMeasure[] = [{ measure: 'oncall.schedules.count', value: schedules.length, objects: objects(schedules.map((s) => s.name)) }];
  if (schedules.length === 0) {
    out.push({ measure: 'oncall.week_coverage_min_ratio', reason: none }, { measure: 'oncall.week_coverage_any_ratio', reason: none });
    return out;
  }
  const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;
  const covered = schedules.map((s) => ({ name: s.name, ms: coveredLength(s.onCall, week) })).sort((a, b) => a.ms - b.ms);
  const worst = covered[0];
  const when = `week from ${new Date(week.start).toISOString()}`;
  out.push({
    measure: 'oncall.week_coverage_min_ratio', value: worst.ms / WEEK_MS,
    detail: `worst schedule ${worst.name}: ${hours(worst.ms)} of 168 h on call (${when})`,
    objects: objects(covered.filter((c) => c.ms < WEEK_MS).map((c) => `${c.name} (${hours(c.ms)} h)`)),
  });
  const any = coveredLength(schedules.flatMap((s) => s.onCall), week);
  out.push({ measure: 'oncall.week_coverage_any_ratio', value: any / WEEK_MS, detail: `${hours(any)} of 168 h with someone on call on at least one of ${schedules.length} schedules (${when})` });
  return out;
}

function inScope(i: IncidentRecord, scope: Scope): boolean {
  if (scope === 'all') return true;
  if (scope === 'urgent') return i.grade === 'critical' || i.grade === 'high';
  return i.grade === scope;
}

/** Time to the phase for one incident, or undefined when it has none (see PHASE_TEXT). */
function phaseTime(i: IncidentRecord, phase: Phase, end: number): { ms: number; open: boolean } | undefined {
  if (phase === 'resolve') return i.resolvedAt !== undefined ? { ms: i.resolvedAt - i.createdAt, open: false } : { ms: end - i.createdAt, open: true };
  const at = phase === 'ack' ? i.acknowledgedAt : minDefined(i.firstActionAt, i.acknowledgedAt);
  if (at !== undefined) return { ms: at - i.createdAt, open: false };
  if (i.resolvedAt !== undefined) return i.autoResolved ? undefined : { ms: i.resolvedAt - i.createdAt, open: false };
  return { ms: end - i.createdAt, open: true };
}

function minDefined(a?: number, b?: number): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Incidents created in the window [start, end] (epoch ms), their grades, times and outcomes. */
export function measureIncidents(all: readonly IncidentRecord[], window: Interval): IncidentMeasure[] {
  const list = all.filter((i) => i.createdAt >= window.start && i.createdAt <= window.end);
  const ids = (xs: readonly IncidentRecord[]) => xs.map((i) => i.id);
  const noIncidents = 'no incident was created in the window';
  const out: IncidentMeasure[] = [
    { measure: 'incidents.count', value: list.length, objects: objects(ids(list)) },
    { measure: 'incidents.critical_count', value: list.filter((i) => i.grade === 'critical').length },
    { measure: 'incidents.high_count', value: list.filter((i) => i.grade === 'high').length },
    { measure: 'incidents.low_count', value: list.filter((i) => i.grade === 'low').length },
  ];
  const resolved = list.filter((i) => i.resolvedAt !== undefined);
  out.push(ratio('incidents.resolved_ratio', ids(resolved), list.length, 'incidents are resolved', noIncidents));

  const known = list.filter((i) => i.source !== 'unknown');
  out.push(ratio('incidents.monitoring_ratio', ids(known.filter((i) => i.source === 'monitoring')), known.length, 'incidents were opened by a monitoring integration',
    list.length ? 'the tool records who opened none of the incidents in the window' : noIncidents));
  out.push(ratio('incidents.auto_resolved_ratio', ids(resolved.filter((i) => i.autoResolved)), resolved.length, 'resolved incidents were resolved with no person acting',
    list.length ? 'no incident created in the window is resolved' : noIncidents));
  const reopenKnown = list.filter((i) => i.reopened !== undefined);
  out.push(ratio('incidents.reopened_ratio', ids(reopenKnown.filter((i) => i.reopened)), reopenKnown.length, 'incidents were reopened',
    list.length ? 'the tool does not record reopened incidents' : noIncidents));

  for (const scope of SCOPES) {
    const scoped = list.filter((i) => inScope(i, scope));
    for (const phase of ['ack', 'first_action', 'resolve'] as const) {
      const times = scoped.flatMap((i) => { const t = phaseTime(i, phase, window.end); return t ? [t] : []; });
      const secs = times.map((t) => t.ms / 1000);
      const open = times.filter((t) => t.open).length;
      const base = `over ${secs.length} ${SCOPE_TEXT[scope].replace(/ \(.*\)$/, '')}`;
      const detail = open ? `${base} (${open} still without it, counted at their age: a lower bound)` : base;
      const none = scoped.length ? `no ${SCOPE_TEXT[scope].replace(/ \(.*\)$/, '')} needed a person` : `no ${SCOPE_TEXT[scope].replace(/ \(.*\)$/, '')} were created in the window`;
      const med = median(secs);
      const p90 = quantile(secs, 0.9);
      out.push(med === undefined ? { measure: timeMeasure(phase, 'median', scope), reason: none } : { measure: timeMeasure(phase, 'median', scope), value: med, detail });
      out.push(p90 === undefined ? { measure: timeMeasure(phase, 'p90', scope), reason: none } : { measure: timeMeasure(phase, 'p90', scope), value: p90, detail });
    }
  }

  const major = list.filter((i) => i.major);
  out.push({ measure: 'incidents.major_count', value: major.length, objects: objects(ids(major)) });
  const noMajor = 'no major incident was created in the window';
  out.push(withRatio(ratio('incidents.major_reviewed_ratio', ids(major.filter((i) => i.reviewLinked)), major.length, 'major incidents have a postmortem or review linked', noMajor),
    ids(major.filter((i) => !i.reviewLinked)), 'without a review'));
  const delays = major.flatMap((i) => (i.reviewLinked && i.reviewAt !== undefined ? [(i.reviewAt - (i.resolvedAt ?? i.createdAt)) / 1000] : []));
  const delay = median(delays);
  out.push(delay === undefined
    ? { measure: 'incidents.major_review_delay_median_seconds', reason: major.length ? 'no major incident in the window has a dated review' : noMajor }
    : { measure: 'incidents.major_review_delay_median_seconds', value: delay, detail: `over ${delays.length} reviewed major incidents` });
  return out;
}

/**
 * Computed measures as the kit's Measured, keyed by signal id (`<prefix>.<measure>`), each with
 * the evidence it was computed from, for the collector's `emitAll`.
 */
export function measuredUnder(prefix: string, measures: readonly IncidentMeasure[], evidence: string[]): Map<string, Measured> {
  return new Map(measures.map((m) => [`${prefix}.${m.measure}`, m.value === undefined
    ? notAvailable(m.reason ?? 'nothing to compute it from', evidence)
    : measuredValue(m.value, evidence, { detail: m.detail, objects: m.objects, notes: m.notes })]));
}

/**
 * The measures of `inputs` from one read: computed by `measure` when the read is ok; otherwise
 * each is failed (or not available, for an absent read) with the read's reason and evidence.
 */
export function measuredFrom<T>(prefix: string, read: Read<T>, inputs: readonly IncidentInput[], measure: (data: T) => readonly IncidentMeasure[]): Map<string, Measured> {
  if (read.status === 'ok') return measuredUnder(prefix, measure(read.data), read.evidence);
  const ids = inputs.flatMap(measuresFrom).map((m) => `${prefix}.${m}`);
  return new Map(ids.map((id) => [id, fromRead(read, () => 0)]));
}

/** The part of a collector context that emits. */
export interface MeasureSink {
  emit(signal: string, value: number, evidence: string[], detail?: { detail?: string; objects?: SignalObjects; notes?: string[] }): void;
  notAvailable(signal: string, reason: string, evidence?: string[]): void;
}

/**
 * Emits computed measures under `prefix` through emit-style verbs (a collector's context, or a
 * sink that keeps them as Measured): the same values `measuredUnder` gives, for code written
 * against the verbs.
 */
export function emitMeasures(sink: MeasureSink, prefix: string, measures: readonly IncidentMeasure[], evidence: string[]): void {
  for (const [id, m] of measuredUnder(prefix, measures, evidence)) {
    if (m.status === 'value') sink.emit(id, m.value as number, m.evidence, { detail: m.detail, objects: m.objects, notes: m.notes });
    else sink.notAvailable(id, m.reason, m.evidence);
  }
}

/** Every measure of `inputs` not available for one reason (a tool that has no such objects). */
export function notAvailableUnder(prefix: string, inputs: readonly IncidentInput[], reason: string, evidence: string[] = []): Map<string, Measured> {
  return new Map(inputs.flatMap(measuresFrom).map((m) => [`${prefix}.${m}`, notAvailable(reason, evidence)]));
}

/**
 * The tool-independent signal a measure feeds in signals/derived.yaml:
 * `incidents.urgent.ack_p90_seconds` → `incident.urgent.ack_p90_seconds`,
 * `oncall.week_coverage_min_ratio` → `incident.oncall.week_coverage_min_ratio`.
 */
export function derivedId(measure: string): string {
  return `incident.${measure.replace(/^incidents\./, '')}`;
}
