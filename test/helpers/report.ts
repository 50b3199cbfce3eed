import { collectors } from '../../collectors/index.js';
import type { Attestation } from '../../src/engine/attestations.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { resolveParameters } from '../../src/engine/parameters.js';
import type { EvidenceRecord } from '../../src/evidence/types.js';
import { loadModel } from '../../src/model/load.js';
import { defaultRulesDir } from '../../src/package-info.js';
import { buildReport } from '../../src/report/build.js';
import { reportSchema, type Report } from '../../src/report/schema.js';
import { signalCatalog } from '../../src/signals/catalog.js';
import type { SignalState } from '../../src/signals/types.js';
import { attestation, editedFixture, FIXTURE_RULES, fixtureModel, signals } from './engine.js';

const catalog = signalCatalog(collectors);
const model = loadModel(defaultRulesDir(), { declaredSignals: catalog.ids });

/**
 * A report of the shipped rules built through the real engine and report builder, without a
 * scan: one observed signal with one evidence record, the rest not configured; text anywhere
 * in it can be set (for the escaping tests).
 */
export function modelReport(o: { name?: string; text?: string; url?: string; excerpt?: string; attestations?: Attestation[]; claims?: Record<string, number> } = {}): Report {
  const now = new Date('2026-11-25T12:00:00Z');
  const text = o.text ?? 'plain text';
  const evidence: EvidenceRecord = {
    id: 'ev-00001', collector: 'prometheus', instance: 'main', method: 'GET', url: o.url ?? 'http://127.0.0.1:9090/api/v1/query?query=up',
    status: 200, attempt: 1, started_at: '2026-11-25T11:59:58.000Z', duration_ms: 12, bytes: 42,
    sha256: 'a'.repeat(64), excerpt: o.excerpt ?? '{"status":"success"}',
  };
  const signals = new Map<string, SignalState>();
  for (const [id, decl] of catalog.collectors) {
    const base = { id, collector: id.split('.')[0], declaration: decl, instances: [] };
    signals.set(id, id === 'prometheus.node.os_metrics'
      ? { ...base, status: 'observed', value: true, evidence: [evidence.id], notes: [text], objects: { total: 2, sample: [text, 'node-2'] } }
      : { ...base, status: 'not_configured', reason: 'collector is not configured', evidence: [] });
  }
  const evaluation = evaluate({
    model, signals, parameters: resolveParameters(model, {}), attestations: o.attestations ?? [],
    claims: new Map(Object.entries(o.claims ?? {})), now,
  });
  return buildReport({
    version: '0.0.0-test', model, evaluation, signals, evidence: [evidence], overridden: [],
    runs: [{ collector: 'prometheus', instance: 'main', status: 'partial', status_reason: text, started_at: evidence.started_at, duration_ms: 100, requests: 1, requests_failed: 0, signals_declared: 2, signals_observed: 1, signals_not_available: 0, signals_failed: 1 }],
    assessment: { name: o.name ?? 'Test estate', scope: text }, config: { digest: 'sha256:' + 'b'.repeat(64), redacted: {} },
    window: { start: new Date(now.getTime() - 86400_000), end: now, seconds: 86400 }, startedAt: now, finishedAt: now,
  });
}

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
