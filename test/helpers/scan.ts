import { expect } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { runCollectors, type InstanceConfig } from '../../src/collector/harness.js';
import type { Registry, Window } from '../../src/collector/types.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { silentLogger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import type { SignalState } from '../../src/signals/types.js';

/**
 * The one way a collector's tests run it: through the real harness (deadlines, declared-signal
 * checks, evidence, redaction), with a fixed clock, returning the signals and helpers to read
 * them. Every collector test file calls this instead of keeping its own copy.
 */
export interface ScanOptions {
  /** Any collector (the registry's element type: each has its own config). */
  collector: Registry[number];
  instances: InstanceConfig[];
  window: Window;
  /** The clock's time; the window's end by default. */
  now?: Date | string;
  /** Secrets the redactor must hide (tokens the test configures). */
  secrets?: string[];
  concurrency?: number;
  collectorDeadlineMs?: number;
  scanDeadlineMs?: number;
}

export async function scanCollector<Id extends string = string>(o: ScanOptions) {
  const evidence = new EvidenceLog();
  const redactor = new Redactor();
  for (const s of o.secrets ?? []) redactor.add(s);
  const started = Date.now();
  const result = await runCollectors({
    registry: [o.collector],
    instances: o.instances,
    clock: fixedClock(o.now ?? o.window.end),
    window: o.window,
    evidence,
    redactor,
    log: silentLogger,
    concurrency: o.concurrency ?? 1,
    collectorDeadlineMs: o.collectorDeadlineMs ?? 20_000,
    scanDeadlineMs: o.scanDeadlineMs ?? 25_000,
  });
  const ms = Date.now() - started;
  /** The state of a signal (throws for one the collector does not declare). */
  const get = (id: Id): SignalState => {
    const s = result.signals.get(id);
    if (!s) throw new Error(`no state for ${id}`);
    return s;
  };
  /** The value of a signal that must be observed (the assertion names the reason otherwise). */
  const value = (id: Id) => {
    const s = get(id);
    expect(s.status, `${id}: ${s.reason ?? ''}`).toBe('observed');
    return s.value;
  };
  /** The first instance's detail. */
  const detail = (id: Id) => get(id).instances[0]?.detail;
  /** The URL an evidence record points at. */
  const urlOf = (evidenceId: string) => evidence.records.find((r) => r.id === evidenceId)?.url ?? '';
  /** The request paths a signal's evidence points at, sorted. */
  const paths = (id: Id) => get(id).evidence.map((e) => new URL(urlOf(e)).pathname).sort();
  return { ...result, evidence, redactor, ms, get, value, detail, urlOf, paths };
}
