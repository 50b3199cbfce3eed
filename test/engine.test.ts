import { describe, expect, it } from 'vitest';
import { attestation, capability, criterion, run } from './helpers/engine.js';

const ALL_GOOD = {
  'fixture.alerts.count': 12,
  'fixture.channels.count': 3,
  'fixture.severity.ratio': 0.95,
  'fixture.grouping.enabled': true,
  'fixture.deploys.count': 40,
  'fixture.deploys.success_ratio': 0.97,
};
const ATTESTED = ['1.1.1-2.2', '1.1.1-3.1', '1.1.1-5.1'].map((id) => attestation(id));

describe('criteria', () => {
  it('is met when the check holds, with every signal value and its evidence in the explanation', () => {
    const e = run({ given: ALL_GOOD });
    const c = criterion(e, '1.1.1-1.1');
    expect(c.status).toBe('met');
    expect(c.basis).toBe('measured');
    expect(c.explanation).toContain('fixture.alerts.count = 12');
    expect(c.signals[0]).toMatchObject({ id: 'fixture.alerts.count', value: 12, evidence: ['ev-fixture.alerts.count'] });
  });

  it('is not met when the check fails, and says with which values', () => {
    const e = run({ given: { ...ALL_GOOD, 'fixture.channels.count': 1 } });
    const c = criterion(e, '1.1.1-1.2');
    expect(c.status).toBe('not_met');
    expect(c.explanation).toMatch(/not met: fixture\.channels\.count >= 2 with fixture\.channels\.count = 1/);
  });

  it('uses parameters from the rule file, and the config can override them', () => {
    const given = { ...ALL_GOOD, 'fixture.severity.ratio': 0.85 };
    expect(criterion(run({ given }), '1.1.1-2.1').status).toBe('not_met');
    const overridden = run({ given, overrides: { '1.1.1': { severity_ratio_min: 0.8 } } });
    expect(criterion(overridden, '1.1.1-2.1').status).toBe('met');
    expect(criterion(overridden, '1.1.1-2.1').parameters).toEqual({ severity_ratio_min: 0.8 });
  });

  it('is unknown, never met, when a signal is missing, and says why for each', () => {
    const e = run({
      given: {
        'fixture.alerts.count': { status: 'failed', reason: 'fixture/main failed: cannot reach GET http://127.0.0.1:1/x' },
        'fixture.severity.ratio': { status: 'not_available', reason: 'no alerting rules to grade' },
      },
    });
    expect(criterion(e, '1.1.1-1.1')).toMatchObject({ status: 'unknown', reasons: ['fixture.alerts.count: fixture/main failed: cannot reach GET http://127.0.0.1:1/x'] });
    expect(criterion(e, '1.1.1-1.2').reasons).toEqual(['fixture.channels.count: collector fixture is not configured']);
    expect(criterion(e, '1.1.1-2.1').reasons[0]).toContain('no alerting rules to grade');
    expect(e.criteria.filter((c) => c.status === 'met')).toEqual([]);
  });

  it('follows CEL: a true side of || decides even when the other side is missing, a missing one alone does not', () => {
    const decided = run({ given: { 'fixture.channels.count': 2 } });
    expect(criterion(decided, '1.1.2-1.1').status).toBe('met');
    const undecided = run({ given: { 'fixture.channels.count': 0 } });
    expect(criterion(undecided, '1.1.2-1.1').status).toBe('unknown');
  });

  it('decides attest-only criteria by a valid attestation, and not by an expired or absent one', () => {
    const att = attestation('1.1.1-2.2', { expires: '2026-12-31' });
    expect(criterion(run({ given: ALL_GOOD, attestations: [att] }), '1.1.1-2.2')).toMatchObject({ status: 'met', basis: 'attested' });
    const expired = run({ given: ALL_GOOD, attestations: [att], now: '2027-01-01T00:00:00Z' });
    expect(criterion(expired, '1.1.1-2.2').status).toBe('unknown');
    expect(criterion(expired, '1.1.1-2.2').reasons[0]).toMatch(/expired on 2026-12-31/);
    expect(criterion(run({ given: ALL_GOOD }), '1.1.1-2.2').reasons[0]).toMatch(/attestation missing: Escalation policy document/);
  });

  it('needs both the check and the attestation where a criterion has both', () => {
    expect(criterion(run({ given: ALL_GOOD }), '1.1.1-3.1').status).toBe('unknown');
    expect(criterion(run({ given: ALL_GOOD, attestations: ATTESTED }), '1.1.1-3.1')).toMatchObject({ status: 'met', basis: 'measured+attested' });
    const noData = run({ given: {}, attestations: ATTESTED });
    expect(criterion(noData, '1.1.1-3.1').status).toBe('unknown');
  });

  it('never lets an attestation override a measured not_met, and reports the conflict', () => {
    const e = run({ given: { ...ALL_GOOD, 'fixture.grouping.enabled': false }, attestations: ATTESTED });
    expect(criterion(e, '1.1.1-3.1').status).toBe('not_met');
    expect(e.conflicts).toHaveLength(1);
    expect(e.conflicts[0].message).toMatch(/1\.1\.1-3\.1: attested by A\. Auditor .* but measured not met/);
  });

  it('ignores an attestation for a criterion decided by measurement alone, and says so', () => {
    const e = run({ given: {}, attestations: [attestation('1.1.1-1.1')] });
    expect(criterion(e, '1.1.1-1.1').status).toBe('unknown');
    expect(e.ignoredAttestations.map((a) => a.criterion)).toEqual(['1.1.1-1.1']);
  });

  it('is unknown when a value has the wrong type for the check', () => {
    const e = run({ given: { ...ALL_GOOD, 'fixture.alerts.count': 'twelve' } });
    expect(criterion(e, '1.1.1-1.1').status).toBe('unknown');
    expect(criterion(e, '1.1.1-1.1').reasons[0]).toMatch(/could not be evaluated/);
  });
});

describe('capability levels', () => {
  it('reaches level 5 when every criterion of every level is met (a level that adds nothing passes)', () => {
    const c = capability(run({ given: ALL_GOOD, attestations: ATTESTED }), '1.1.1');
    expect(c).toMatchObject({ level: 5, ceiling: 5, blockers: [] });
  });

  it('stops at the first level with a criterion not met, which also caps the ceiling', () => {
    const c = capability(run({ given: { ...ALL_GOOD, 'fixture.severity.ratio': 0.5 }, attestations: ATTESTED }), '1.1.1');
    expect(c.level).toBe(1);
    expect(c.ceiling).toBe(1);
    expect(c.blockers).toEqual([{ criterion: '1.1.1-2.1', status: 'not_met', reason: expect.stringContaining('fixture.severity.ratio = 0.5'), reason_zh: expect.stringMatching(/，其中 .*fixture\.severity\.ratio = 0\.5/) }]);
  });

  it('keeps the ceiling above the level while criteria are only unknown', () => {
    const c = capability(run({ given: ALL_GOOD }), '1.1.1');
    expect(c.level).toBe(1);
    expect(c.ceiling).toBe(5);
    expect(c.blockers.map((b) => [b.criterion, b.status])).toEqual([['1.1.1-2.2', 'unknown']]);
  });

  it('is level 0 with ceiling 0 when a level-1 criterion is not met', () => {
    const c = capability(run({ given: { ...ALL_GOOD, 'fixture.alerts.count': 0 } }), '1.1.1');
    expect(c).toMatchObject({ level: 0, ceiling: 0 });
    expect(c.blockers.map((b) => b.criterion)).toEqual(['1.1.1-1.1']);
  });

  it('is level 0 with ceiling 5 when nothing could be measured', () => {
    const c = capability(run({ given: {} }), '1.1.1');
    expect(c).toMatchObject({ level: 0, ceiling: 5 });
    expect(c.counts).toEqual({ met: 0, not_met: 0, unknown: 6 });
  });

  it('summarises processes and domains by their weakest and mean item', () => {
    const e = run({ given: ALL_GOOD, attestations: ATTESTED });
    expect(e.domains).toEqual([expect.objectContaining({ id: 'fixture', capabilities: ['1.1.1', '1.1.2'], min_level: 5, mean_level: 5 })]);
    const weak = run({ given: { ...ALL_GOOD, 'fixture.deploys.success_ratio': 0.5 }, attestations: ATTESTED });
    expect(weak.processes[0]).toMatchObject({ min_level: 1, mean_level: 3 });
  });
});

describe('claims', () => {
  it('confirms a claim at or below the level, with the criteria that decided it', () => {
    const e = run({ given: ALL_GOOD, claims: { '1.1.1': 1 } });
    expect(e.claims[0]).toMatchObject({ capability: '1.1.1', claimed: 1, verdict: 'confirmed', level: 1 });
    expect(e.claims[0].criteria.map((c) => c.id)).toEqual(['1.1.1-1.1', '1.1.1-1.2']);
  });

  it('contradicts a claim above the ceiling, naming the criteria measured not met', () => {
    const e = run({ given: { ...ALL_GOOD, 'fixture.severity.ratio': 0.2 }, claims: { '1.1.1': 3 } });
    expect(e.claims[0]).toMatchObject({ verdict: 'contradicted', ceiling: 1 });
    expect(e.claims[0].criteria).toEqual([{ id: '1.1.1-2.1', status: 'not_met', reason: expect.stringContaining('0.2'), reason_zh: expect.stringMatching(/^不满足：.*0\.2/) }]);
  });

  it('leaves a claim between level and ceiling unverified, naming the unknown criteria', () => {
    const e = run({ given: ALL_GOOD, claims: { '1.1.1': 3 } });
    expect(e.claims[0]).toMatchObject({ verdict: 'unverified', level: 1, ceiling: 5 });
    expect(e.claims[0].criteria.map((c) => c.id)).toEqual(['1.1.1-2.2', '1.1.1-3.1']);
  });
});

describe('the role of a measured part (measured: required | supporting)', () => {
  // 1.1.1-3.1 has check `fixture.grouping.enabled` and an attest; the fixture says nothing, so required.
  const supporting = (text: string) => text.replace('      attest: "Grouping reviewed by the on-call lead"\n', '      attest: "Grouping reviewed by the on-call lead"\n      measured: supporting\n');
  const valid = [attestation('1.1.1-3.1')];
  const expired = [attestation('1.1.1-3.1', { date: '2025-06-01', expires: '2026-06-01' })];

  it('required: both must hold; a measured not_met stands against the attestation, and the conflict says so', () => {
    expect(criterion(run({ given: { 'fixture.grouping.enabled': true }, attestations: valid }), '1.1.1-3.1')).toMatchObject({ status: 'met', basis: 'measured+attested', measured: 'required', measurement: 'met' });
    const e = run({ given: { 'fixture.grouping.enabled': false }, attestations: valid });
    expect(criterion(e, '1.1.1-3.1')).toMatchObject({ status: 'not_met', basis: 'measured', measurement: 'not_met' });
    expect(e.conflicts).toEqual([expect.objectContaining({ criterion: '1.1.1-3.1', decided_by: 'measurement', message: expect.stringMatching(/the measurement stands$/) })]);
    expect(criterion(run({ given: {}, attestations: valid }), '1.1.1-3.1')).toMatchObject({ status: 'unknown', measurement: 'unknown' });
    expect(criterion(run({ given: { 'fixture.grouping.enabled': true }, attestations: expired }), '1.1.1-3.1').status).toBe('unknown');
    expect(criterion(run({ given: { 'fixture.grouping.enabled': false } }), '1.1.1-3.1').status).toBe('not_met');
  });

  it('supporting: a valid attestation decides; a measured not_met is a conflict the auditor sees, not a veto', () => {
    const rules = supporting;
    const agree = run({ given: { 'fixture.grouping.enabled': true }, attestations: valid, rules });
    expect(criterion(agree, '1.1.1-3.1')).toMatchObject({ status: 'met', basis: 'measured+attested', measured: 'supporting', measurement: 'met' });
    expect(agree.conflicts).toEqual([]);
    const disagree = run({ given: { 'fixture.grouping.enabled': false }, attestations: valid, rules });
    const c = criterion(disagree, '1.1.1-3.1');
    expect(c).toMatchObject({ status: 'met', basis: 'attested', measurement: 'not_met' });
    expect(c.explanation).toMatch(/^met: attested by A\. Auditor .*; the supporting check disagrees .*not met: fixture\.grouping\.enabled with fixture\.grouping\.enabled = false/);
    expect(disagree.conflicts).toEqual([expect.objectContaining({
      criterion: '1.1.1-3.1', decided_by: 'attestation',
      message: expect.stringMatching(/measured not met .*; the attestation decides .* and the measurement disagrees$/),
    })]);
  });

  it('supporting: a missing measurement does not keep a valid attestation from deciding', () => {
    const e = run({ given: { 'fixture.grouping.enabled': { status: 'failed', reason: 'boom' } }, attestations: valid, rules: supporting });
    expect(criterion(e, '1.1.1-3.1')).toMatchObject({ status: 'met', basis: 'attested', measurement: 'unknown' });
    expect(criterion(e, '1.1.1-3.1').explanation).toMatch(/the supporting check could not be measured: fixture\.grouping\.enabled: boom/);
    expect(criterion(run({ given: {}, attestations: valid, rules: supporting }), '1.1.1-3.1').status).toBe('met');
  });

  it('supporting: without a valid attestation it is unknown, never met on the check alone (nor not_met)', () => {
    for (const attestations of [[], expired]) {
      for (const given of [{ 'fixture.grouping.enabled': true }, { 'fixture.grouping.enabled': false }, {}] as Record<string, boolean>[]) {
        const e = run({ given, attestations, rules: supporting });
        expect(criterion(e, '1.1.1-3.1').status, JSON.stringify({ given, attestations })).toBe('unknown');
        expect(e.conflicts).toEqual([]);
      }
    }
    const c = criterion(run({ given: { 'fixture.grouping.enabled': true }, attestations: expired, rules: supporting }), '1.1.1-3.1');
    expect(c.reasons).toEqual([expect.stringMatching(/^attestation by A\. Auditor expired on 2026-06-01/)]);
    expect(c.explanation).toMatch(/cannot decide alone \(measured met: fixture\.grouping\.enabled/);
  });
});

describe('a || b with one side not collected', () => {
  // 1.1.2-1.1: fixture.deploys.count > 100 || fixture.channels.count >= 1
  it('says a met came through the other side only, naming the signals not collected', () => {
    const c = criterion(run({ given: { 'fixture.channels.count': 2 } }), '1.1.2-1.1');
    expect(c.status).toBe('met');
    expect(c.explanation).toMatch(/; the check was met through the right-hand side \(fixture\.channels\.count >= 1\) only; the left-hand side's signals were not collected \(fixture\.deploys\.count\)$/);
  });

  it('says an unknown can only ever be met through the other side', () => {
    const c = criterion(run({ given: { 'fixture.channels.count': 0 } }), '1.1.2-1.1');
    expect(c.status).toBe('unknown');
    expect(c.explanation).toMatch(/the left-hand side's signals were not collected \(fixture\.deploys\.count\), so the check can be met only through the right-hand side \(fixture\.channels\.count >= 1\)$/);
  });

  it('says nothing when both sides were collected, or a side failed rather than was not collected', () => {
    const both = criterion(run({ given: { 'fixture.channels.count': 2, 'fixture.deploys.count': 3 } }), '1.1.2-1.1');
    expect(both.status).toBe('met');
    expect(both.explanation).not.toMatch(/not collected/);
    const failed = criterion(run({ given: { 'fixture.channels.count': 2, 'fixture.deploys.count': { status: 'failed', reason: 'boom' } } }), '1.1.2-1.1');
    expect(failed.explanation).not.toMatch(/not collected/);
    const neither = criterion(run({ given: {} }), '1.1.2-1.1');
    expect(neither.explanation).not.toMatch(/can be met only through/);
  });

  it('labels the sides of a longer chain and finds || inside &&', () => {
    const rules = (t: string) => t.replace('check: fixture.alerts.count >= 1', 'check: "fixture.severity.ratio > 0.5 && (fixture.deploys.count > 1 || fixture.alerts.count >= 1 || fixture.grouping.enabled)"');
    const c = criterion(run({ given: { 'fixture.severity.ratio': 0.9, 'fixture.alerts.count': 3 }, rules }), '1.1.1-1.1');
    expect(c.status).toBe('met');
    expect(c.explanation).toContain('the check was met through side 2 of 3 (fixture.alerts.count >= 1) only; side 1 of 3\'s signals were not collected (fixture.deploys.count); side 3 of 3\'s signals were not collected (fixture.grouping.enabled)');
  });
});

describe('explanations in Chinese: the same message from the same facts', () => {
  it('renders the Chinese twin of each explanation and reason, one for one', () => {
    const c = criterion(run({ given: { 'fixture.channels.count': 2 } }), '1.1.2-1.1');
    expect(c.explanation_zh).toMatch(/^满足：fixture\.deploys\.count > 100 \|\| fixture\.channels\.count >= 1，其中 fixture\.channels\.count = 2，fixture\.deploys\.count =（未配置）；检查仅通过右侧条件（fixture\.channels\.count >= 1）满足；左侧条件所读的信号未采集（fixture\.deploys\.count）$/);
    const unknown = criterion(run({ given: { ...ALL_GOOD, 'fixture.alerts.count': { status: 'failed', reason: 'fixture/main failed: cannot reach GET http://127.0.0.1:1/x' } } }), '1.1.1-1.1');
    expect(unknown.reasons_zh).toEqual(['fixture.alerts.count：fixture/main 失败：原文「cannot reach GET http://127.0.0.1:1/x」']);
    expect(unknown.explanation_zh).toBe(`未知：${unknown.reasons_zh[0]}`);
  });

  it('uses the attest text in Chinese where the rule file gives it, the English where it does not', () => {
    const missing = criterion(run({ given: ALL_GOOD }), '1.1.1-2.2');
    expect(missing.reasons_zh[0]).toMatch(/^缺少人工证明：Escalation policy document/);
    const rules = (t: string) => t.replace('attest: "Escalation policy document"', 'attest: { zh: 升级策略文档, en: "Escalation policy document" }');
    const bilingual = criterion(run({ given: ALL_GOOD, rules }), '1.1.1-2.2');
    expect(bilingual.reasons_zh).toEqual(['缺少人工证明：升级策略文档']);
    expect(bilingual.reasons[0]).toMatch(/^attestation missing: Escalation policy document/);
  });
});
