import { setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { EvidenceLog } from '../evidence/types.js';
import { createHttpClient, RequestBudget } from '../http/client.js';
import { ConditionalCache } from '../http/conditional-cache.js';
import { ConcurrencyCap } from '../http/concurrency.js';
import { withHttpDefaults } from '../http/defaults.js';
import { RateLimitPacer } from '../http/rate-limit.js';
import { createRecordingFetch } from '../http/recording-fetch.js';
import { createCommandRecorder } from '../evidence/command.js';
import { CollectError, isCollectError } from '../http/errors.js';
import type { Logger } from '../log.js';
import type { Redactor } from '../redact.js';
import { aggregate } from '../signals/aggregate.js';
import { SAMPLE_MAX, validateAnnotations, validateValue, type InstanceValue, type SignalAnnotations, type SignalState } from '../signals/types.js';
import { SealedRecords } from './sealed-records.js';
import type { Collector, HttpSettings, PublicationKind, Publications, Registry, Window } from './types.js';

export interface InstanceConfig {
  collector: string;
  name: string;
  config: unknown;
  http: HttpSettings;
  /** The config file's folder, against which relative paths in the instance's config resolve. */
  baseDir?: string;
}

export interface CollectorRun {
  collector: string;
  instance: string;
  /**
   * ok: every request and every declared signal succeeded (a signal may be not_available: the
   * system has nothing of that kind); partial: some failed; failed: nothing was measured, or every
   * request failed.
   */
  status: 'ok' | 'partial' | 'failed';
  /** Why the status is not ok, in one line (counts, then the first error). */
  status_reason?: string;
  error?: string;
  error_kind?: string;
  started_at: string;
  duration_ms: number;
  requests: number;
  /** Requests (calls, retries not counted) that ended in a failure, 404s included. */
  requests_failed: number;
  signals_declared: number;
  signals_observed: number;
  signals_not_available: number;
  /** Declared signals that failed or were never emitted. */
  signals_failed: number;
}

export interface HarnessOptions {
  registry: Registry;
  instances: InstanceConfig[];
  clock: Clock;
  window: Window;
  evidence: EvidenceLog;
  redactor: Redactor;
  log: Logger;
  concurrency: number;
  collectorDeadlineMs: number;
  scanDeadlineMs: number;
  onProgress?: (event: { phase: 'start' | 'end'; run?: CollectorRun; collector: string; instance: string }) => void;
}

/**
 * What one instance published of one kind, or why it has nothing to give (`missing`: its
 * collector declares the kind but the run failed before publishing it).
 */
export type Publication<K extends PublicationKind = PublicationKind> =
  | { kind: K; collector: string; instance: string; status: 'published'; records: Publications[K]; evidence: string[] }
  | { kind: K; collector: string; instance: string; status: 'missing'; reason: string };

export interface CollectResult {
  signals: Map<string, SignalState>;
  runs: CollectorRun[];
  /** Every configured instance's publication of every kind its collector declares. */
  publications: Publication[];
}

/**
 * Runs every configured instance with bounded concurrency and deadlines, and turns what they
 * emitted into one state per declared signal. A collector that throws, hangs or is fed bad data
 * loses only its own signals; the reason is kept on each of them.
 */
export async function runCollectors(opts: HarnessOptions): Promise<CollectResult> {
  const byId = new Map(opts.registry.map((c) => [c.id, c] as const));
  const perInstance = new Map<string, Map<string, InstanceValue>>();
  const runs: CollectorRun[] = [];
  const published = new Map<string, Publication>();
  const scanAbort = new AbortController();
  const scanDeadlineAt = Date.now() + opts.scanDeadlineMs;
  const scanTimer = setTimeout(() => scanAbort.abort(new Error('scan deadline')), opts.scanDeadlineMs);
  scanTimer.unref?.();

  const queue = [...opts.instances];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const collector = byId.get(next.collector);
      if (!collector) continue;
      const values = new Map<string, InstanceValue>();
      perInstance.set(`${next.collector}\0${next.name}`, values);
      const inst = next;
      const publish = (kind: PublicationKind, records: unknown[], evidence: string[]) => {
        if (!(collector.publishes ?? []).includes(kind)) throw new Error(`${collector.id} publishes ${kind} records but does not declare them in publishes`);
        const sealed = new SealedRecords(records);
        published.set(`${collector.id}\0${inst.name}\0${kind}`, {
          kind, collector: collector.id, instance: inst.name, status: 'published', evidence,
          get records() {
            return sealed.open();
          },
        } as Publication);
      };
      const run = await runOne(collector, next, values, scanAbort.signal, opts, publish, scanDeadlineAt);
      // A failed run's records are not the whole of what it should have read.
      if (run.status === 'failed') for (const kind of collector.publishes ?? []) published.delete(`${collector.id}\0${inst.name}\0${kind}`);
      runs.push(run);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, queue.length)) }, worker));
  } finally {
    clearTimeout(scanTimer);
  }

  const signals = new Map<string, SignalState>();
  for (const collector of opts.registry) {
    const instances = opts.instances.filter((i) => i.collector === collector.id);
    for (const decl of collector.signals) {
      if (instances.length === 0) {
        signals.set(decl.id, {
          id: decl.id, collector: collector.id, declaration: decl, status: 'not_configured',
          reason: `collector ${collector.id} is not configured`, evidence: [], instances: [],
        });
        continue;
      }
      const values = instances.map((i) => perInstance.get(`${collector.id}\0${i.name}`)?.get(decl.id) ?? {
        instance: i.name, status: 'not_observed' as const, reason: `not observed by ${collector.id}/${i.name}`, evidence: [],
      });
      signals.set(decl.id, aggregate(collector.id, decl, values));
    }
  }
  runs.sort((a, b) => (a.collector + a.instance).localeCompare(b.collector + b.instance));
  const publications: Publication[] = [];
  for (const inst of opts.instances) {
    const collector = byId.get(inst.collector);
    for (const kind of collector?.publishes ?? []) {
      const run = runs.find((r) => r.collector === inst.collector && r.instance === inst.name);
      publications.push(published.get(`${inst.collector}\0${inst.name}\0${kind}`) ?? {
        kind, collector: inst.collector, instance: inst.name, status: 'missing',
        // A partial run publishes nothing it did not read whole: its first error says why.
        reason: run?.error ? `${inst.collector}/${inst.name} failed: ${run.error}`
          : `${inst.collector}/${inst.name} published no ${kind} records${run?.status_reason ? ` (${run.status} run: ${run.status_reason})` : ''}`,
      });
    }
  }
  return { signals, runs, publications };
}

async function runOne(
  collector: Collector<unknown>,
  inst: InstanceConfig,
  values: Map<string, InstanceValue>,
  scanSignal: AbortSignal,
  opts: HarnessOptions,
  publish: (kind: PublicationKind, records: unknown[], evidence: string[]) => void,
  scanDeadlineAt: number,
): Promise<CollectorRun> {
  const started = Date.now();
  const startedAt = opts.clock.now().toISOString();
  const log = opts.log.child({ collector: collector.id, instance: inst.name });
  const abort = new AbortController();
  const onScanAbort = () => abort.abort(new Error('scan deadline'));
  scanSignal.addEventListener('abort', onScanAbort);
  const declared = new Map(collector.signals.map((s) => [s.id, s] as const));
  const clients: { requestCount: number; failedCount?: number; notFoundCount?: number }[] = [];
  const settings = withHttpDefaults(inst.http);
  // Every request of the instance in flight listens on its signal, and so does each retry's wait
  // (axios-retry), each removing its listener when done: with the default ten in flight, Node's
  // default of ten listeners printed a leak warning on stderr during scans with no leak.
  setMaxListeners(settings.maxConcurrency * 3 + 10, abort.signal);
  const budget = new RequestBudget(settings.budget);
  // One cap and one cache for all the instance's clients and fetches.
  const cap = new ConcurrencyCap(settings.maxConcurrency);
  // One view of the server's RateLimit-* window for all the instance's clients.
  const pacer = new RateLimitPacer({
    name: `${collector.id}/${inst.name}`, reserve: settings.maxConcurrency, maxWaitMs: settings.maxRetryAfterMs,
    onWait: (ms, r) => log.warn('rate limit window spent: waiting for its reset', { seconds: Math.ceil(ms / 1000), remaining: r.remaining, limit: r.limit, reset: new Date(r.resetAt).toISOString() }),
  });
  const cache = inst.http.cacheDir ? ConditionalCache.open(inst.http.cacheDir, log) : undefined;
  const commands = createCommandRecorder({ collector: collector.id, instance: inst.name, evidence: opts.evidence, redactor: opts.redactor });
  clients.push(commands);
  const problems: string[] = [];

  const set = (id: string, v: Omit<InstanceValue, 'instance'>) => {
    if (!declared.has(id)) {
      problems.push(`emitted undeclared signal ${id}`);
      return;
    }
    const clean = (t: string | undefined) => (t === undefined ? undefined : opts.redactor.text(t));
    const value = typeof v.value === 'string' ? opts.redactor.text(v.value) : v.value;
    const annotations: SignalAnnotations = {};
    if (v.objects) annotations.objects = { total: v.objects.total, sample: v.objects.sample.slice(0, SAMPLE_MAX).map((n) => opts.redactor.text(n)) };
    if (v.notes?.length) annotations.notes = v.notes.map((n) => opts.redactor.text(n));
    const { objects: _objects, notes: _notes, ...plain } = v;
    values.set(id, { instance: inst.name, ...plain, value, reason: clean(v.reason), detail: clean(v.detail), ...annotations });
  };

  opts.onProgress?.({ phase: 'start', collector: collector.id, instance: inst.name });
  let error: unknown;
  let timer: NodeJS.Timeout | undefined;
  try {
    // An instance still queued when the scan deadline passed is not started (its signal would not be aborted).
    if (scanSignal.aborted) throw new CollectError('aborted', 'the scan deadline passed before it started');
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort(new Error('collector deadline'));
        reject(new CollectError('aborted', `did not finish within ${opts.collectorDeadlineMs} ms`));
      }, opts.collectorDeadlineMs);
    });
    const scanDeadline = new Promise<never>((_, reject) => {
      if (scanSignal.aborted) reject(new CollectError('aborted', 'the scan deadline passed before it finished'));
      // Rejected through the instance's own abort, which the scan deadline triggers: one listener
      // per instance on the scan's signal (onScanAbort), removed when the instance ends.
      abort.signal.addEventListener('abort', () => {
        if (scanSignal.aborted) reject(new CollectError('aborted', 'the scan deadline passed before it finished'));
      }, { once: true });
    });
    await Promise.race([
      collector.collect({
        instance: inst.name,
        config: inst.config,
        clock: opts.clock,
        window: opts.window,
        log,
        signal: abort.signal,
        deadline: new Date(Math.min(started + opts.collectorDeadlineMs, scanDeadlineAt)),
        resolvePath: (path) => resolve(inst.baseDir ?? process.cwd(), path),
        http: (o) => {
          const client = createHttpClient({
            ...settings, ...o, collector: collector.id, instance: inst.name, sharedBudget: budget, cap, cache, pacer,
            evidence: opts.evidence, redactor: opts.redactor, signal: abort.signal,
          });
          clients.push(client);
          return client;
        },
        recordCommand: commands,
        fetch: (o) => {
          const f = createRecordingFetch({
            collector: collector.id, instance: inst.name, evidence: opts.evidence, redactor: opts.redactor, signal: abort.signal, baseURL: o.baseURL, reads: o.reads,
            budget, maxBodyBytes: settings.maxBodyBytes, timeoutMs: settings.timeoutMs, cap, cache,
          });
          clients.push(f);
          return f;
        },
        emit: (id, value, evidence, detail) => {
          if (abort.signal.aborted) return;
          const decl = declared.get(id);
          const invalid = decl && validateValue(decl, value);
          if (invalid) {
            set(id, { status: 'failed', reason: `collector emitted an invalid value (${invalid}): ${JSON.stringify(value)}`, evidence });
            return;
          }
          const { detail: line, objects, notes } = typeof detail === 'object' && detail !== null ? detail : { detail };
          // a malformed annotation is the collector's bug: keep the value, drop what is wrong with it
          const bad = validateAnnotations({ objects, notes });
          if (bad) problems.push(`${id}: ${bad}`);
          set(id, { status: 'observed', value, evidence, detail: line, ...(bad ? {} : { objects, notes }) });
        },
        publish: (kind, records, evidence) => {
          if (!abort.signal.aborted) publish(kind, records, evidence);
        },
        notAvailable: (id, reason, evidence) => set(id, { status: 'not_available', reason, evidence: evidence ?? [] }),
        failed: (id, reason, evidence) => set(id, { status: 'failed', reason, evidence: evidence ?? [] }),
      }),
      deadline,
      scanDeadline,
    ]);
  } catch (err) {
    error = err;
  } finally {
    clearTimeout(timer);
    scanSignal.removeEventListener('abort', onScanAbort);
    // each instance's listener goes with it: a scan of many instances must not pile them up
    abort.abort();
    // The next scan finds every answer this one stored (rows are written a turn after their answer).
    await cache?.settled();
  }

  const requests = clients.reduce((n, c) => n + c.requestCount, 0);
  const observed = () => [...values.values()].filter((v) => v.status === 'observed').length;
  const run: CollectorRun = {
    collector: collector.id, instance: inst.name, status: 'ok', started_at: startedAt,
    duration_ms: Date.now() - started, requests, requests_failed: 0, signals_declared: collector.signals.length,
    signals_observed: 0, signals_not_available: 0, signals_failed: 0,
  };
  if (error !== undefined) {
    const message = opts.redactor.text(errorMessage(error));
    const kind = isCollectError(error) ? error.kind : 'error';
    run.error = message;
    run.error_kind = kind;
    log.warn('collector failed', { kind, error: message });
    for (const decl of collector.signals) {
      const evidence = isCollectError(error) && error.detail.evidence ? [error.detail.evidence] : [];
      if (!values.has(decl.id)) values.set(decl.id, { instance: inst.name, status: 'failed', reason: `${collector.id}/${inst.name} failed: ${message}`, evidence });
    }
  } else if (problems.length) {
    run.error = problems.join('; ');
  }
  Object.assign(run, collectorStatus(collector.signals.length, [...values.values()], clients, error !== undefined || problems.length > 0));
  run.signals_observed = observed();
  if (run.status !== 'ok' && run.error && !run.status_reason?.includes(run.error)) run.status_reason = `${run.status_reason}; ${run.error}`;
  // Counts, then the first error: a partial run names what failed first.
  const firstFailure = run.error ? undefined : [...values.values()].find((v) => v.status === 'failed')?.reason;
  if (run.status !== 'ok' && firstFailure) run.status_reason = `${run.status_reason}; first failure: ${firstFailure}`;
  opts.onProgress?.({ phase: 'end', run, collector: collector.id, instance: inst.name });
  return run;
}

/**
 * A collector's status from the share of its requests and declared signals that succeeded: what
 * a CI job or a scheduled scan checks before trusting the levels (`--fail-on-collector-error`).
 */
export function collectorStatus(
  declared: number,
  values: { status: string }[],
  clients: { requestCount: number; failedCount?: number; notFoundCount?: number }[],
  errored: boolean,
): Pick<CollectorRun, 'status' | 'status_reason' | 'requests_failed' | 'signals_not_available' | 'signals_failed'> {
  const requests = clients.reduce((n, c) => n + c.requestCount, 0);
  const failedCalls = clients.reduce((n, c) => n + (c.failedCount ?? 0), 0);
  const notFound = clients.reduce((n, c) => n + (c.notFoundCount ?? 0), 0);
  const observed = values.filter((v) => v.status === 'observed').length;
  const notAvailable = values.filter((v) => v.status === 'not_available').length;
  const failedSignals = Math.max(0, declared - observed - notAvailable);
  const everyRequestFailed = requests > 0 && failedCalls + notFound >= requests;
  const counts = `${observed} of ${declared} signals measured, ${failedSignals} failed, ${notAvailable} not available; ` +
    `${failedCalls + notFound} of ${requests} requests failed${notFound ? ` (${notFound} with HTTP 404)` : ''}`;
  const base = { requests_failed: failedCalls + notFound, signals_not_available: notAvailable, signals_failed: failedSignals };
  if ((observed === 0 && (failedSignals > 0 || errored)) || everyRequestFailed) return { ...base, status: 'failed', status_reason: counts };
  if (failedSignals > 0 || failedCalls > 0 || errored) return { ...base, status: 'partial', status_reason: counts };
  return { ...base, status: 'ok' };
}
