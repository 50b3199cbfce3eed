import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, type Evaluation } from '../../src/engine/evaluate.js';
import type { Attestation } from '../../src/engine/attestations.js';
import { resolveParameters } from '../../src/engine/parameters.js';
import { loadModel } from '../../src/model/load.js';
import type { SignalState, SignalValue } from '../../src/signals/types.js';
import { FIXTURE_SIGNALS } from './fixture-collector.js';

export const FIXTURE_RULES = join(import.meta.dirname, '..', 'fixtures', 'rules');
export const fixtureModel = (dir = FIXTURE_RULES) => loadModel(dir, { declaredSignals: new Set(FIXTURE_SIGNALS.map((s) => s.id)) });

/** A copy of the fixture rules with 1.1.1-alerting.yaml edited. */
export function editedFixture(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'techops-rules-'));
  cpSync(FIXTURE_RULES, dir, { recursive: true });
  const file = join(dir, '01-fixture', '1.1.1-alerting.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}

type Given = SignalValue | { status: Exclude<SignalState['status'], 'observed'>; reason: string };

/** Signal states as the harness would produce them; unlisted signals are not configured. */
export function signals(given: Record<string, Given>): Map<string, SignalState> {
  const out = new Map<string, SignalState>();
  for (const decl of FIXTURE_SIGNALS) {
    const g = given[decl.id];
    const base = { id: decl.id, collector: 'fixture', declaration: decl, instances: [] };
    if (g === undefined) out.set(decl.id, { ...base, status: 'not_configured', reason: 'collector fixture is not configured', evidence: [] });
    else if (typeof g === 'object') out.set(decl.id, { ...base, status: g.status, reason: g.reason, evidence: [] });
    else out.set(decl.id, { ...base, status: 'observed', value: g, evidence: [`ev-${decl.id}`] });
  }
  return out;
}

export function attestation(criterion: string, extra: Partial<Attestation> = {}): Attestation {
  return { criterion, statement: 'It is so', evidence: 'https://wiki.example/evidence', by: 'A. Auditor', date: '2026-10-01', expires: '2027-10-01', ...extra };
}

export function run(opts: {
  given: Record<string, Given>;
  attestations?: Attestation[];
  claims?: Record<string, number>;
  overrides?: Record<string, Record<string, number | string | boolean>>;
  now?: string;
  /** Edits the fixture's 1.1.1 rule file before loading. */
  rules?: (text: string) => string;
}): Evaluation {
  const model = fixtureModel(opts.rules ? editedFixture(opts.rules) : FIXTURE_RULES);
  return evaluate({
    model,
    signals: signals(opts.given),
    parameters: resolveParameters(model, opts.overrides ?? {}),
    attestations: opts.attestations ?? [],
    claims: new Map(Object.entries(opts.claims ?? {})),
    now: new Date(opts.now ?? '2026-11-25T12:00:00Z'),
  });
}

export const criterion = (e: Evaluation, id: string) => e.criteria.find((c) => c.id === id)!;
export const capability = (e: Evaluation, id: string) => e.capabilities.find((c) => c.id === id)!;
