import type { CollectorRun } from '../collector/harness.js';
import type { Window } from '../collector/types.js';
import type { EvidenceRecord } from '../evidence/types.js';
import type { Evaluation } from '../engine/evaluate.js';
import type { OverriddenParameter } from '../engine/parameters.js';
import type { Model } from '../model/types.js';
import type { SignalState } from '../signals/types.js';
import { chineseSignalDescription } from '../signals/descriptions-zh.js';
import { doraFigures } from './dora.js';
import type { Report } from './schema.js';

export const STANDARD = 'YD/T 1756 part 4 (技术运营), draft for approval 2019-06-20';

export interface BuildReportInput {
  version: string;
  model: Model;
  evaluation: Evaluation;
  signals: Map<string, SignalState>;
  runs: CollectorRun[];
  evidence: EvidenceRecord[];
  overridden: OverriddenParameter[];
  assessment: { name: string; scope?: string };
  config: { digest: string; redacted: unknown };
  window: Window;
  startedAt: Date;
  finishedAt: Date;
}

export function buildReport(input: BuildReportInput): Report {
  const { model, evaluation } = input;
  const counts = { met: 0, not_met: 0, unknown: 0, unknown_no_data: 0, unknown_attestation_missing: 0 };
  for (const c of evaluation.criteria) {
    counts[c.status]++;
    if (c.status !== 'unknown') continue;
    if (c.missing?.includes('data')) counts.unknown_no_data++;
    else counts.unknown_attestation_missing++;
  }
  const capResults = new Map(evaluation.capabilities.map((c) => [c.id, c] as const));
  return {
    schema_version: 1,
    run: {
      tool: { name: 'techops', version: input.version },
      standard: STANDARD,
      assessment: input.assessment,
      started_at: input.startedAt.toISOString(),
      finished_at: input.finishedAt.toISOString(),
      window: { start: input.window.start.toISOString(), end: input.window.end.toISOString(), seconds: input.window.seconds },
      rules_digest: model.digest,
      config_digest: input.config.digest,
      config: input.config.redacted,
    },
    summary: { capabilities: model.capabilities.length, criteria: counts, domains: evaluation.domains, processes: evaluation.processes },
    capabilities: model.capabilities.map((cap) => {
      const r = capResults.get(cap.id)!;
      return { id: cap.id, title: cap.title, domain: cap.domain.id, process: cap.process.id, level: r.level, ceiling: r.ceiling, blockers: r.blockers, counts: r.counts };
    }),
    criteria: evaluation.criteria.map((r) => {
      const c = model.criteria.get(r.id)!;
      return {
        id: r.id, capability: r.capability, level: r.level, text: c.text, status: r.status, basis: r.basis,
        explanation: r.explanation, explanation_zh: r.explanation_zh, reasons: r.reasons, reasons_zh: r.reasons_zh,
        ...(r.missing ? { missing: r.missing } : {}), check: r.check, attest: r.attest, attest_zh: c.attestZh, measured: r.measured, measurement: r.measurement,
        why: c.why, why_zh: c.whyZh, reading: c.reading, reading_zh: c.readingZh,
        parameters: r.parameters, signals: r.signals, attestation: r.attestation,
      };
    }),
    signals: [...input.signals.values()].sort((a, b) => a.id.localeCompare(b.id)).map((s) => ({
      id: s.id, collector: s.collector, type: s.declaration.type, unit: s.declaration.unit, description: s.declaration.description, description_zh: chineseSignalDescription(s.id),
      aggregation: s.declaration.aggregation, status: s.status, value: s.value, reason: s.reason, evidence: s.evidence,
      objects: s.objects, notes: s.notes, instances: s.instances,
    })),
    collectors: input.runs,
    dora: doraFigures(input.signals),
    evidence: input.evidence,
    parameters: { overridden: input.overridden },
    attestations: {
      used: evaluation.criteria.flatMap((c) => (c.attestation ? [c.attestation] : [])),
      conflicts: evaluation.conflicts.map((c) => ({ criterion: c.criterion, decided_by: c.decided_by, message: c.message, message_zh: c.message_zh })),
      ignored: evaluation.ignoredAttestations,
    },
    claims: evaluation.claims,
  };
}
