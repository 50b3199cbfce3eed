import type { Attestation } from '../../src/engine/attestations.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { resolveParameters } from '../../src/engine/parameters.js';
import type { EvidenceRecord } from '../../src/evidence/types.js';
import { buildReport } from '../../src/report/build.js';
import { reportSchema, type Report } from '../../src/report/schema.js';
import type { SignalState } from '../../src/signals/types.js';
import { attestation, editedFixture, FIXTURE_RULES, fixtureModel, signals } from './engine.js';

/**
 * A report built by the real engine and report builder from the fixture rules (1.1.1: levels
 * 1–3 and 5, level 4 empty; 1.1.2: levels 1–2), validated against the report schema. Each
 * observed signal `x` has evidence `ev-x`; `evidence` gives those records.
 */
export function fixtureReport(opts: {
  given: Record<string, number | boolean>;
  attested?: (string | Attestation)[];
  annotate?: (s: Map<string, SignalState>) => void;
  evidence?: EvidenceRecord[];
  /** Edits the fixture's 1.1.1 rule file before loading. */
  rules?: (text: string) => string;
}): Report {
  const model = fixtureModel(opts.rules ? editedFixture(opts.rules) : FIXTURE_RULES);
  const sig = signals(opts.given);
  opts.annotate?.(sig);
  const atts: Attestation[] = (opts.attested ?? []).map((a) => (typeof a === 'string' ? attestation(a) : a));
  const now = new Date('2026-11-25T12:00:00Z');
  const evaluation = evaluate({ model, signals: sig, parameters: resolveParameters(model, {}), attestations: atts, claims: new Map(), now });
  const report = buildReport({
    version: '0.0.0-test', model, evaluation, signals: sig, runs: [], evidence: opts.evidence ?? [], overridden: [],
    assessment: { name: 'Fixture estate' }, config: { digest: `sha256:${'c'.repeat(64)}`, redacted: {} },
    window: { start: new Date('2026-10-26T12:00:00Z'), end: now, seconds: 30 * 86400 }, startedAt: now, finishedAt: now,
  });
  return reportSchema.parse(report);
}
