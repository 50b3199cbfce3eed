import { describe, expect, it } from 'vitest';
import {
  coveredLength, emitMeasures, measuredUnder, incidentSignals, INCIDENT_MEASURES, measureIncidents, measureOncall, measureServices, measuresFrom, quantile,
  timeMeasure, type IncidentMeasure, type IncidentRecord,
} from '../src/incidents/index.js';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.parse('2026-09-01T00:00:00Z');
const WINDOW = { start: T0, end: T0 + 30 * 24 * H };

function incident(id: string, over: Partial<IncidentRecord> = {}): IncidentRecord {
  return { id, service: 'S1', grade: 'high', createdAt: T0 + H, source: 'monitoring', autoResolved: false, major: false, reviewLinked: false, ...over };
}

function get(ms: IncidentMeasure[], measure: string): IncidentMeasure {
  const m = ms.find((x) => x.measure === measure);
  if (!m) throw new Error(`no measure ${measure}`);
  return m;
}

describe('quantile and coverage arithmetic', () => {
  it('takes the nearest rank, so p90 is a time some incident took', () => {
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([], 0.9)).toBeUndefined();
  });
  it('merges overlapping intervals and clips them to the week', () => {
    const within = { start: 0, end: 100 };
    expect(coveredLength([{ start: -10, end: 20 }, { start: 10, end: 30 }, { start: 50, end: 60 }, { start: 90, end: 200 }], within)).toBe(30 + 10 + 10);
  });
});

describe('services and escalation', () => {
  const policies = [
    { id: 'P1', name: 'Two levels', levels: 2, targetsSchedules: true },
    { id: 'P2', name: 'One level', levels: 1, targetsSchedules: false },
    { id: 'P3', name: 'Unused', levels: 5, targetsSchedules: true },
  ];
  it('counts services with a policy, with two levels, and the levels of the policies in use', () => {
    const ms = measureServices([
      { id: 'a', name: 'api', escalationPolicyId: 'P1' },
      { id: 'b', name: 'web', escalationPolicyId: 'P2' },
      { id: 'c', name: 'batch' },
      { id: 'd', name: 'db', escalationPolicyId: 'P1' },
    ], policies);
    expect(get(ms, 'services.count').value).toBe(4);
    expect(get(ms, 'services.escalation_policy_ratio').value).toBe(0.75);
    expect(get(ms, 'services.escalation_policy_ratio').notes).toEqual(['without: batch']);
    expect(get(ms, 'services.multi_level_escalation_ratio').value).toBe(0.5);
    expect(get(ms, 'escalation.policies.count').value).toBe(2);
    expect(get(ms, 'escalation.levels_min').value).toBe(1);
    expect(get(ms, 'escalation.levels_median').value).toBe(1.5);
    expect(get(ms, 'escalation.schedule_targets_ratio').value).toBe(0.5);
  });
  it('gives no ratio for no services, never 0', () => {
    const ms = measureServices([], policies);
    expect(get(ms, 'services.count').value).toBe(0);
    expect(get(ms, 'services.escalation_policy_ratio').value).toBeUndefined();
    expect(get(ms, 'services.escalation_policy_ratio').reason).toMatch(/no service/);
    expect(get(ms, 'escalation.levels_min').value).toBeUndefined();
  });
});

describe('on-call coverage of the week', () => {
  it('gives the worst schedule and the union', () => {
    const ms = measureOncall([
      { id: 'a', name: 'Primary', onCall: [{ start: T0 - H, end: T0 + 8 * 24 * H }] },
      { id: 'b', name: 'Business hours', onCall: [0, 1, 2, 3, 4].map((d) => ({ start: T0 + d * 24 * H + 9 * H, end: T0 + d * 24 * H + 17 * H })) },
    ], T0);
    expect(get(ms, 'oncall.week_coverage_min_ratio').value).toBeCloseTo(40 / 168);
    expect(get(ms, 'oncall.week_coverage_min_ratio').detail).toContain('Business hours');
    expect(get(ms, 'oncall.week_coverage_any_ratio').value).toBe(1);
  });
  it('leaves a gap uncovered', () => {
    const ms = measureOncall([{ id: 'a', name: 'Gappy', onCall: [{ start: T0, end: T0 + 84 * H }, { start: T0 + 96 * H, end: T0 + 168 * H }] }], T0);
    expect(get(ms, 'oncall.week_coverage_any_ratio').value).toBeCloseTo(156 / 168);
  });
  it('is not available without schedules', () => {
    const ms = measureOncall([], T0);
    expect(get(ms, 'oncall.schedules.count').value).toBe(0);
    expect(get(ms, 'oncall.week_coverage_min_ratio').reason).toMatch(/no on-call schedule/);
  });
});

describe('incidents in the window', () => {
  const list: IncidentRecord[] = [
    incident('1', { grade: 'critical', major: true, acknowledgedAt: T0 + H + 1 * M, firstActionAt: T0 + H + 30_000, resolvedAt: T0 + H + 20 * M, reviewLinked: true, reviewAt: T0 + H + 20 * M + 48 * H }),
    incident('2', { grade: 'high', acknowledgedAt: T0 + H + 3 * M, resolvedAt: T0 + H + 40 * M, source: 'human' }),
    incident('3', { grade: 'high', resolvedAt: T0 + H + 5 * M, autoResolved: true }),
    incident('4', { grade: 'low', resolvedAt: T0 + H + 90 * M }),
    incident('5', { grade: 'critical', major: true, source: 'unknown' }),
    incident('old', { createdAt: T0 - 24 * H, acknowledgedAt: T0 - 23 * H }),
  ];
  const ms = measureIncidents(list, WINDOW);

  it('counts only incidents created in the window, by grade', () => {
    expect(get(ms, 'incidents.count').value).toBe(5);
    expect(get(ms, 'incidents.critical_count').value).toBe(2);
    expect(get(ms, 'incidents.high_count').value).toBe(2);
    expect(get(ms, 'incidents.low_count').value).toBe(1);
    expect(get(ms, 'incidents.resolved_ratio').value).toBe(0.8);
  });
  it('takes the monitoring share over incidents whose opener is known', () => {
    expect(get(ms, 'incidents.monitoring_ratio').value).toBe(3 / 4);
  });
  it('leaves out auto-resolved incidents from acknowledgement, and counts the open one at its age', () => {
    // acks: 1 min, 3 min, #4 resolved by a person at 90 min, #5 open: age at window end.
    const open = (WINDOW.end - (T0 + H)) / 1000;
    expect(get(ms, timeMeasure('ack', 'median', 'all')).value).toBe((180 + 5400) / 2);
    expect(get(ms, timeMeasure('ack', 'p90', 'all')).value).toBe(open);
    expect(get(ms, timeMeasure('ack', 'median', 'all')).detail).toContain('1 still without it');
    expect(get(ms, timeMeasure('ack', 'median', 'high')).value).toBe(180);
  });
  it('takes the first action as the earliest of action and acknowledgement', () => {
    expect(get(ms, timeMeasure('first_action', 'median', 'critical')).value).toBe((30 + (WINDOW.end - (T0 + H)) / 1000) / 2);
  });
  it('computes resolve times per grade and for urgent incidents', () => {
    expect(get(ms, timeMeasure('resolve', 'median', 'high')).value).toBe((40 * 60 + 5 * 60) / 2);
    expect(get(ms, timeMeasure('resolve', 'p90', 'low')).value).toBe(90 * 60);
    // urgent: 5, 20, 40 min and the open one.
    expect(get(ms, timeMeasure('resolve', 'median', 'urgent')).value).toBe(30 * 60);
  });
  it('gives the auto-resolved share of resolved incidents; reopened is not available when the tool does not say', () => {
    expect(get(ms, 'incidents.auto_resolved_ratio').value).toBe(1 / 4);
    expect(get(ms, 'incidents.reopened_ratio').value).toBeUndefined();
    expect(get(ms, 'incidents.reopened_ratio').reason).toMatch(/does not record/);
  });
  it('gives the reviewed share of major incidents and the review delay', () => {
    expect(get(ms, 'incidents.major_count').value).toBe(2);
    expect(get(ms, 'incidents.major_reviewed_ratio').value).toBe(0.5);
    expect(get(ms, 'incidents.major_review_delay_median_seconds').value).toBe(48 * 3600);
  });
  it('counts reopened incidents where the tool records them', () => {
    const r = measureIncidents([incident('a', { reopened: true }), incident('b', { reopened: false })], WINDOW);
    expect(get(r, 'incidents.reopened_ratio').value).toBe(0.5);
  });
});

describe('no incidents in the window', () => {
  const ms = measureIncidents([], WINDOW);
  it('gives a count of 0 but no times and no ratios', () => {
    expect(get(ms, 'incidents.count').value).toBe(0);
    for (const m of ['incidents.monitoring_ratio', 'incidents.auto_resolved_ratio', 'incidents.major_reviewed_ratio', timeMeasure('ack', 'median', 'all'), timeMeasure('resolve', 'p90', 'urgent')]) {
      expect(get(ms, m).value, m).toBeUndefined();
      expect(get(ms, m).reason, m).toBeTruthy();
    }
  });
});

describe('declarations and emission', () => {
  it('declares every measure it computes, once, under the prefix', () => {
    const decls = incidentSignals('tool', 'Tool');
    const ids = new Set(decls.map((d) => d.id));
    expect(ids.size).toBe(INCIDENT_MEASURES.length);
    const computed = [
      ...measureServices([], []), ...measureOncall([], T0), ...measureIncidents([], WINDOW),
    ].map((m) => `tool.${m.measure}`);
    expect(new Set(computed)).toEqual(ids);
    expect(measuresFrom('oncall')).toEqual(['oncall.schedules.count', 'oncall.week_coverage_min_ratio', 'oncall.week_coverage_any_ratio']);
  });
  it('gives values and not-available reasons as kit Measured values with the evidence', () => {
    const got = measuredUnder('tool', [{ measure: 'a', value: 1, detail: '1 of 2' }, { measure: 'b', reason: 'none' }], ['e1']);
    expect(got.get('tool.a')).toMatchObject({ status: 'value', value: 1, evidence: ['e1'], detail: '1 of 2' });
    expect(got.get('tool.b')).toEqual({ status: 'not_available', reason: 'none', evidence: ['e1'] });
  });
  it('emits values and not-available reasons with the evidence through emit-style verbs', () => {
    const emitted: string[] = [];
    emitMeasures({
      emit: (id, v, ev) => emitted.push(`${id}=${v} ${ev.join()}`),
      notAvailable: (id, reason) => emitted.push(`${id}: ${reason}`),
    }, 'tool', [{ measure: 'a', value: 1 }, { measure: 'b', reason: 'none' }], ['e1']);
    expect(emitted).toEqual(['tool.a=1 e1', 'tool.b: none']);
  });
});

describe('signals/derived.yaml', () => {
  it('has an incident.* entry for every measure, typed and aggregated as the measure, fed by each incident tool', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const { derivedId } = await import('../src/incidents/index.js');
    const doc = parse(readFileSync(new URL('../signals/derived.yaml', import.meta.url), 'utf8')) as { signals: { id: string; type: string; aggregation: string; from: string[] }[] };
    for (const d of INCIDENT_MEASURES) {
      const entry = doc.signals.find((s) => s.id === derivedId(d.measure));
      expect(entry, d.measure).toBeDefined();
      expect([entry!.type, entry!.aggregation], d.measure).toEqual([d.type, d.aggregation]);
      expect(entry!.from, d.measure).toContain(`pagerduty.${d.measure}`);
    }
  });
});
