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
