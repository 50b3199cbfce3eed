import { describe, expect, it } from 'vitest';
import type { Model } from '../src/model/types.js';
import type { SignalCatalog } from '../src/signals/catalog.js';
import { editedFixture, fixtureModel } from './helpers/engine.js';
import { FIXTURE_SIGNALS } from './helpers/fixture-collector.js';
import { judgeCases } from './helpers/golden.js';

// The golden-case runner judged on the fixture rules, so its own verdicts are proven to fail.
const catalog: SignalCatalog = { collectors: new Map(FIXTURE_SIGNALS.map((s) => [s.id, s])), derived: [], cross: [], ids: new Set(FIXTURE_SIGNALS.map((s) => s.id)) };
const NOW = new Date('2026-11-25T12:00:00Z');
const judge = (model: Model, id: string, allowed = false) => judgeCases(model, model.criteria.get(id)!, catalog, NOW, allowed);

/** The fixture with `cases` (YAML lines) added under the criterion whose check is `check`. */
const withCases = (check: string, cases: string[], extra = '') => fixtureModel(editedFixture((t) => {
  const line = `      check: ${check}\n`;
  if (!t.includes(line)) throw new Error(`no check ${check} in the fixture`);
  return t.replace(line, `${line}${extra}      cases:\n${cases.map((c) => `        - ${c}\n`).join('')}`);
}));

const FULL = [
  '{ expect: met, signals: { fixture.alerts.count: 3 } }',
  '{ expect: not_met, signals: { fixture.alerts.count: 0 } }',
  '{ expect: unknown, signals: {} }',
];

describe('the golden-case runner', () => {
  it('passes a check with a met, a not_met and an unknown case that the engine confirms', () => {
    expect(judge(withCases('fixture.alerts.count >= 1', FULL), '1.1.1-1.1')).toEqual([]);
  });

  it('fails a tautology: its not_met case comes out met, so no case is not_met', () => {
    const tautology = fixtureModel(editedFixture((t) => t.replace('      check: fixture.alerts.count >= 1\n', `      check: fixture.alerts.count >= 0\n      cases:\n${FULL.map((c) => `        - ${c}\n`).join('')}`)));
    expect(judge(tautology, '1.1.1-1.1')).toEqual([
      'cases[1]: expected not_met, the engine says met: met: fixture.alerts.count >= 0 with fixture.alerts.count = 0',
      expect.stringMatching(/^has a check but lacks a not_met case/),
    ]);
  });

  it('fails a check that lacks a kind of case, unless allowed, and an allowed one that no longer needs to be', () => {
    const m = withCases('fixture.alerts.count >= 1', [FULL[0], FULL[2]]);
    expect(judge(m, '1.1.1-1.1')).toEqual([expect.stringMatching(/^has a check but lacks a not_met case \(.*1\.1\.1-alerting\.yaml\)$/)]);
    expect(judge(m, '1.1.1-1.1', true)).toEqual([]);
    expect(judge(withCases('fixture.alerts.count >= 1', FULL), '1.1.1-1.1', true)).toEqual(['its cases are complete: remove it from ALLOWED_WITHOUT_CASES in test/golden-cases.test.ts']);
    expect(judge(fixtureModel(), '1.1.1-1.2')).toEqual(['has a check but lacks a met case; a not_met case; a unknown case (' + fixtureModel().criteria.get('1.1.1-1.2')!.file + ')']);
  });

  it('fails a case with a value of the wrong type; a signal the check does not read is allowed (a defect\'s old signal)', () => {
    const m = withCases('fixture.alerts.count >= 1', [...FULL, '{ expect: unknown, signals: { fixture.channels.count: 2 }, note: "the old signal no longer decides" }', '{ expect: unknown, signals: { fixture.alerts.count: "many" } }']);
    expect(judge(m, '1.1.1-1.1')).toEqual(['cases[4]: signal fixture.alerts.count = "many": expected a finite number (a number in count)']);
  });

  it('treats {error} as a failed read and a left-out signal as not collected', () => {
    const m = withCases('fixture.alerts.count >= 1', [...FULL, '{ expect: unknown, signals: { fixture.alerts.count: { error: "HTTP 500" } } }', '{ expect: met, signals: { fixture.alerts.count: { error: "HTTP 500" } } }']);
    expect(judge(m, '1.1.1-1.1')).toEqual([expect.stringMatching(/^cases\[4\]: expected met, the engine says unknown: unknown: fixture\.alerts\.count: HTTP 500/)]);
  });

  it('asks a supporting check for met and unknown verdicts and for a measured met and not met, and checks attested and measurement', () => {
    const supporting = '      measured: supporting\n';
    const base = [
      '{ expect: met, signals: { fixture.grouping.enabled: true }, attested: true }',
      '{ expect: unknown, signals: { fixture.grouping.enabled: true }, attested: expired }',
    ];
    const some = withCases('fixture.grouping.enabled', base, supporting);
    expect(judge(some, '1.1.1-3.1')).toEqual([expect.stringMatching(/^has a check but lacks a case where the check alone measures not_met \(/)]);
    const full = withCases('fixture.grouping.enabled', [...base, '{ expect: met, measurement: not_met, signals: { fixture.grouping.enabled: false }, attested: true, note: "conflict" }'], supporting);
    expect(judge(full, '1.1.1-3.1')).toEqual([]);
    const wrong = withCases('fixture.grouping.enabled', [...base, '{ expect: met, measurement: met, signals: { fixture.grouping.enabled: false }, attested: true, note: "conflict" }'], supporting);
    expect(judge(wrong, '1.1.1-3.1')).toEqual([expect.stringMatching(/^cases\[2\] \(conflict\): expected the check to measure met, it measures not_met/)]);
  });

  it('asks a sufficient check for a met case on the data alone, and never lets it be not_met', () => {
    const sufficient = '      measured: sufficient\n';
    const cases = [
      '{ expect: met, measurement: met, signals: { fixture.grouping.enabled: true } }',
      '{ expect: unknown, measurement: not_met, signals: { fixture.grouping.enabled: false }, note: "not shown, not disproved" }',
      '{ expect: met, measurement: not_met, signals: { fixture.grouping.enabled: false }, attested: true, note: "attested elsewhere: a conflict" }',
    ];
    expect(judge(withCases('fixture.grouping.enabled', cases, sufficient), '1.1.1-3.1')).toEqual([]);
    const attestedOnly = [cases[1], cases[2], '{ expect: met, measurement: met, signals: { fixture.grouping.enabled: true }, attested: true }'];
    expect(judge(withCases('fixture.grouping.enabled', attestedOnly, sufficient), '1.1.1-3.1')).toEqual([expect.stringMatching(/lacks a met case without an attestation/)]);
    const notMet = [...cases, '{ expect: not_met, signals: { fixture.grouping.enabled: false } }'];
    expect(judge(withCases('fixture.grouping.enabled', notMet, sufficient), '1.1.1-3.1')).toEqual([expect.stringMatching(/^cases\[3\]: expected not_met, the engine says unknown: .*do not show it/)]);
  });
});
