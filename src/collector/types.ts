import type { PostReads } from '../http/recording-fetch.js';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { RecordCommand } from '../evidence/command.js';
import type { HttpClient, HttpClientOptions } from '../http/client.js';
import type { Logger } from '../log.js';
import type { DeploymentRecord } from '../delivery/records.js';
import type { IncidentRecord } from '../incidents/records.js';
import type { InventoryItem } from '../inventory/records.js';
import type { SignalAnnotations, SignalDeclaration, SignalValue } from '../signals/types.js';

/**
 * Records a collector hands to the core beside its signals, for questions no single system
 * answers (incidents after deployments, CMDB against the live estate): cross signals
 * (src/signals/cross.ts) join them after every collector has run.
 */
export interface Publications {
  deployments: DeploymentRecord[];
  incidents: IncidentRecord[];
  inventory: InventoryItem[];
}
export type PublicationKind = keyof Publications;

/** What `emit` takes beside the value: a detail line, the objects behind the value, notes. */
export interface EmitDetail extends SignalAnnotations {
  detail?: string;
}

/** The scan's look-back window for rates and counts. */
export interface Window {
  start: Date;
  end: Date;
  seconds: number;
}

/** Options every instance may set for its HTTP client; the collector supplies URL and auth. */
export type HttpSettings = Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'budget' | 'maxBodyBytes' | 'maxRetryAfterMs' | 'maxConcurrency'> & {
  /** Folder of the instance's conditional-request cache; absent: no cache (`http.cache: false`). */
  cacheDir?: string;
};

export interface CollectContext<C> {
  /** The instance's name from the config (`collectors.prometheus[0].name`). */
  instance: string;
  config: C;
  clock: Clock;
  window: Window;
  log: Logger;
  /** A path from the config (a CA file, a kubeconfig) resolved against the config file's folder. */
  resolvePath(path: string): string;
  /** Aborted when the collector's or the scan's deadline passes. */
  signal: AbortSignal;
  /**
   * When `signal` aborts at the latest: the collector's deadline (`limits.collector_deadline`
   * from its start) or the scan's, whichever comes first; for estimating what fits before it
   * (e.g. the requests a per-minute rate limit allows). Absent where a test builds a context by hand.
   */
  deadline?: Date;
  /** The shared HTTP client, bound to this instance's evidence, budget and deadline. */
  http(options: Pick<HttpClientOptions, 'baseURL' | 'auth' | 'headers' | 'tls'>): HttpClient;
  /**
   * A `fetch` for SDKs that take one (e.g. Octokit): read-only, budgeted and recorded as evidence
   * like `http`; each response carries its evidence id in the `x-techops-evidence` header. Requests
   * and redirects go only to the origin of `baseURL` (the SDK adds credentials to every request).
   * GETs are conditional against the instance's cache (`http.cache`): a 304 reaches the SDK as the
   * cached 200, marked by the `x-techops-revalidated-from` header (REVALIDATED_HEADER); a request
   * carrying its own If-None-Match / If-Modified-Since bypasses the cache and gets the 304 itself.
   * Requests of `http` and `fetch` together keep within `http.max_concurrency`.
   * `reads` names the only POSTs allowed: GraphQL queries to one URL, token exchanges.
   */
  fetch(options: { baseURL: string; reads?: PostReads }): typeof fetch;
  /** Records a local command the collector ran (e.g. git) as evidence; returns its evidence id. */
  recordCommand: RecordCommand;
  /**
   * A measured value, with the evidence records it was derived from. The last argument is a
   * detail line, or an object with the detail, the objects behind the value and notes:
   * `ctx.emit(id, 3, ev, { detail: '3 of 40 rules', objects: { total: 3, sample: ['A', 'B', 'C'] }, notes: ['…'] })`.
   */
  emit(signal: string, value: SignalValue, evidence: string[], detail?: string | EmitDetail): void;
  /**
   * Hands records to the core for cross signals, with the evidence they came from. Call it once
   * per kind with everything read, and only when the read was whole (a listing that failed on
   * some page publishes nothing: the cross signal is then failed, not computed on a part); a collector declares the kinds in `publishes`, and one that
   * fails before publishing leaves the cross signals that need it unknown.
   */
  publish<K extends PublicationKind>(kind: K, records: Publications[K], evidence: string[]): void;
  /** The system has nothing of this kind to measure (e.g. a CRD that is not installed). */
  notAvailable(signal: string, reason: string, evidence?: string[]): void;
  /** This signal could not be measured; the rest of the collection goes on. Evidence: the failed request. */
  failed(signal: string, reason: string, evidence?: string[]): void;
}

/**
 * A collector reads one kind of system and emits declared signals. It never judges: thresholds
 * live in rules/. It never writes: the HTTP client it gets refuses anything but GET and HEAD.
 */
export interface Collector<C = unknown> {
  id: string;
  description: string;
  signals: SignalDeclaration[];
  /** The kinds of records it publishes for cross signals (see `CollectContext.publish`). */
  publishes?: PublicationKind[];
  /** Validates one instance's config block (its `name` is checked by the core). */
  configSchema: z.ZodType<C>;
  /**
   * Files the instance's config names (a kubeconfig, a CA file), each with its key: `validate`
   * and `scan` check they exist before anything runs. Relative paths resolve against the config
   * file's folder; `~/` is the home directory.
   */
  files?(config: C): { key: string; path: string }[];
  collect(ctx: CollectContext<C>): Promise<void>;
}

export type Registry = readonly Collector<any>[];
