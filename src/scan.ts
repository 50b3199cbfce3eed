import type { Clock } from './clock.js';
import { runCollectors, type HarnessOptions } from './collector/harness.js';
import type { Registry } from './collector/types.js';
import type { Config } from './config/load.js';
import type { Attestation } from './engine/attestations.js';
import type { Claims } from './engine/claims.js';
import { evaluate } from './engine/evaluate.js';
import { resolveParameters } from './engine/parameters.js';
import { EvidenceLog } from './evidence/types.js';
import type { Logger } from './log.js';
import type { Model } from './model/types.js';
import type { Redactor } from './redact.js';
import { buildReport } from './report/build.js';
import type { Report } from './report/schema.js';
import { computeCross, type CrossSignal } from './signals/cross.js';
import { computeDerived, type DerivedSignal } from './signals/derived.js';

export interface ScanInput {
  config: Config;
  registry: Registry;
  model: Model;
  attestations: Attestation[];
  claims: Claims;
  clock: Clock;
  log: Logger;
  redactor: Redactor;
  version: string;
  onProgress?: HarnessOptions['onProgress'];
  /** Signals combined from several collectors (signals/derived.yaml). */
  derived?: DerivedSignal[];
  /** Signals measured from records several collectors publish (src/signals/cross-registry.ts). */
  cross?: readonly CrossSignal[];
}

/** One scan: collect every configured instance, evaluate every criterion, build the report. */
export async function scan(input: ScanInput): Promise<Report> {
  const { config, model, clock } = input;
  const parameters = resolveParameters(model, config.parameters, config.file);
  const startedAt = clock.now();
  const window = { end: startedAt, start: new Date(startedAt.getTime() - config.windowSeconds * 1000), seconds: config.windowSeconds };
  const evidence = new EvidenceLog();
  const collected = await runCollectors({
    registry: input.registry,
    instances: config.instances,
    clock,
    window,
    evidence,
    redactor: input.redactor,
    log: input.log,
    concurrency: config.limits.concurrency,
    collectorDeadlineMs: config.limits.collectorDeadlineMs,
    scanDeadlineMs: config.limits.scanDeadlineMs,
    onProgress: input.onProgress,
  });
  const runs = collected.runs;
  const cross = computeCross(input.cross ?? [], collected.publications, window);
  const signals = computeDerived(input.derived ?? [], new Map([...collected.signals, ...cross]));
  const evaluation = evaluate({ model, signals, parameters, attestations: input.attestations, claims: input.claims, now: clock.now() });
  const report = buildReport({
    version: input.version, model, evaluation, signals, runs, evidence: evidence.records,
    overridden: parameters.overridden, assessment: config.assessment,
    config: { digest: config.digest, redacted: config.redacted }, window, startedAt, finishedAt: clock.now(),
  });
  // Last line of defence: nothing registered as a secret leaves in the report. In place: the
  // report is this function's own, and a copy would double it at the moment the most is held.
  return input.redactor.scrub(report);
}
