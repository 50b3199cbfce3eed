import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { loadModel } from '../src/model/load.js';
import { signalCatalog } from '../src/signals/catalog.js';
import { defaultRulesDir } from '../src/package-info.js';
import { FIXTURE_RULES } from './helpers/engine.js';
import { FIXTURE_SIGNALS } from './helpers/fixture-collector.js';

const declared = new Set(FIXTURE_SIGNALS.map((s) => s.id));

function copyFixture(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'techops-rules-'));
  cpSync(FIXTURE_RULES, dir, { recursive: true });
  const file = join(dir, '01-fixture', '1.1.1-alerting.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}

describe('the shipped rules', () => {
  it('load with the registered collectors: every check compiles and reads only declared signals', () => {
    const signals = signalCatalog(collectors).ids;
    const model = loadModel(defaultRulesDir(), { declaredSignals: signals });
    for (const c of model.criteria.values()) {
      for (const ref of c.check?.references ?? []) {
        expect(ref.startsWith('params.') || signals.has(ref), `${c.id} reads ${ref}`).toBe(true);
      }
    }
  });

  it('have a digest that changes when a rule changes', () => {
    const a = loadModel(FIXTURE_RULES, { declaredSignals: declared }).digest;
    const b = loadModel(copyFixture((t) => t.replace('Escalation policy document', 'Escalation policy')), { declaredSignals: declared }).digest;
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b).not.toBe(a);
  });
});

describe('a broken rule file fails loading, naming the file and the criterion', () => {
  it('a typo in a signal name', () => {
    const dir = copyFixture((t) => t.replace('fixture.alerts.count >= 1', 'fixture.alert.count >= 1'));
    expect(() => loadModel(dir, { declaredSignals: declared })).toThrow(/1\.1\.1-alerting\.yaml: 1\.1\.1-1\.1: check reads undeclared signal 'fixture\.alert\.count'/);
  });

  it('a check that does not compile', () => {
    const dir = copyFixture((t) => t.replace('fixture.channels.count >= 2', 'fixture.channels.count >= '));
    expect(() => loadModel(dir, { declaredSignals: declared })).toThrow(/1\.1\.1-1\.2: check does not compile/);
  });

  it('an undeclared parameter', () => {
    const dir = copyFixture((t) => t.replace('params.severity_ratio_min', 'params.severity_min'));
    expect(() => loadModel(dir, { declaredSignals: declared })).toThrow(/1\.1\.1-2\.1: check reads undeclared parameter 'params\.severity_min'/);
  });

  it('a criterion numbered out of order', () => {
    const dir = copyFixture((t) => t.replace('- id: 1.1.1-1.2', '- id: 1.1.1-1.3'));
    expect(() => loadModel(dir, { declaredSignals: declared })).toThrow(/1\.1\.1-1\.3: id should be 1\.1\.1-1\.2/);
  });

  it('a criterion with neither check nor attest, and a level missing', () => {
    const dir = copyFixture((t) => t.replace('      attest: "Report of the ML-based alert tuning"\n', '').replace('  4: { adds_nothing: 同上 }\n', ''));
    expect(() => loadModel(dir, { declaredSignals: declared })).toThrow(/levels\.4: missing: every level 1 to 5[\s\S]*levels\.5\[0\]: a criterion needs a check, an attest, or both/);
  });

  it('invalid YAML', () => {
    const dir = copyFixture((t) => t + '\n  - : [\n');
    expect(() => loadModel(dir, { declaredSignals: declared })).toThrow(/1\.1\.1-alerting\.yaml: invalid YAML/);
  });
});

describe('measured, why and golden cases (issue 10)', () => {
  const withCases = (cases: string, extra = '') => copyFixture((t) => t.replace(
    '      attest: "Grouping reviewed by the on-call lead"\n',
    `      attest: "Grouping reviewed by the on-call lead"\n${extra}      cases:\n${cases}`,
  ));

  it('reads measured, why and cases; a check+attest criterion without measured is required', () => {
    const plain = loadModel(FIXTURE_RULES, { declaredSignals: declared });
    expect(plain.criteria.get('1.1.1-3.1')!.measured).toBe('required');
    expect(plain.criteria.get('1.1.1-1.1')!.measured).toBeUndefined();
    const dir = withCases(
      '        - { expect: met, signals: { fixture.grouping.enabled: true }, attested: true }\n' +
      '        - { expect: unknown, measurement: not_met, signals: { fixture.grouping.enabled: { error: "timeout" } }, attested: expired, note: "n" }\n',
      '      measured: supporting\n      why: "Grouping is read from the route tree."\n',
    );
    const c = loadModel(dir, { declaredSignals: declared }).criteria.get('1.1.1-3.1')!;
    expect(c).toMatchObject({ measured: 'supporting', why: 'Grouping is read from the route tree.' });
    expect(c.cases).toEqual([
      { expect: 'met', signals: { 'fixture.grouping.enabled': true }, attested: true },
      { expect: 'unknown', measurement: 'not_met', signals: { 'fixture.grouping.enabled': { error: 'timeout' } }, attested: 'expired', note: 'n' },
    ]);
  });

  it('reads a bilingual why as { zh, en }, a bare string as English only', () => {
    const dir = withCases(
      '        - { expect: met, signals: { fixture.grouping.enabled: true }, attested: true }\n',
      '      measured: supporting\n      why: { zh: "分组从路由树读取。", en: "Grouping is read from the route tree." }\n',
    );
    const c = loadModel(dir, { declaredSignals: declared }).criteria.get('1.1.1-3.1')!;
    expect(c).toMatchObject({ why: 'Grouping is read from the route tree.', whyZh: '分组从路由树读取。' });
    expect(loadModel(FIXTURE_RULES, { declaredSignals: declared }).criteria.get('1.1.1-3.1')!.whyZh).toBeUndefined();
  });

  it('rejects measured on a criterion that lacks a check or an attest', () => {
    const dir = copyFixture((t) => t.replace('      check: fixture.alerts.count >= 1\n', '      check: fixture.alerts.count >= 1\n      measured: supporting\n'));
    expect(() => loadModel(dir, { declaredSignals: declared })).toThrow(/1\.1\.1-alerting\.yaml: 1\.1\.1-1\.1: measured: supporting is only allowed where a criterion has both a check and an attest/);
  });

  it('rejects a case reading an undeclared signal or parameter, or a parameter of the wrong type', () => {
    const dir = withCases('        - { expect: met, signals: { fixture.grouping.enable: true }, params: { nope: 1, severity_ratio_min: "high" } }\n');
    const load = () => loadModel(dir, { declaredSignals: declared });
    expect(load).toThrow(/1\.1\.1-3\.1: cases\[0\]: signal 'fixture\.grouping\.enable' is not declared/);
    expect(load).toThrow(/1\.1\.1-3\.1: cases\[0\]: params\.nope is not a parameter of 1\.1\.1 \(it has: severity_ratio_min\)/);
    expect(load).toThrow(/1\.1\.1-3\.1: cases\[0\]: params\.severity_ratio_min should be a number like its default 0\.9/);
  });

  it('rejects a case with a wrong verdict or attestation state, naming the criterion', () => {
    const dir = withCases('        - { expect: passed, signals: {}, attested: yes }\n');
    const load = () => loadModel(dir, { declaredSignals: declared });
    expect(load).toThrow(/1\.1\.1-alerting\.yaml: 1\.1\.1-3\.1: levels\.3\[0\]\.cases\[0\]\.expect: /);
    expect(load).toThrow(/1\.1\.1-3\.1: levels\.3\[0\]\.cases\[0\]\.attested: /);
  });

  it('rejects an attested case on a criterion without an attest part', () => {
    const dir = copyFixture((t) => t.replace('      check: fixture.alerts.count >= 1\n', '      check: fixture.alerts.count >= 1\n      cases: [{ expect: met, signals: { fixture.alerts.count: 3 }, attested: true }]\n'));
    expect(() => loadModel(dir, { declaredSignals: declared })).toThrow(/1\.1\.1-1\.1: cases\[0\]: attested: true on a criterion without an attest part/);
  });
});
