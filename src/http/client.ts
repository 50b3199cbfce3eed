import https from 'node:https';
import { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import axiosRetry, { exponentialDelay, isNetworkError, retryAfter } from 'axios-retry';
import type { z } from 'zod';
import type { EvidenceLog } from '../evidence/types.js';
import type { Redactor } from '../redact.js';
import { formatIssues } from '../zod-path.js';
import { HTTP_DEFAULTS, withHttpDefaults } from './defaults.js';
import { type ConditionalCache, conditionalHeaders, credentialIdentity, hasValidators, keepsAnswer, revalidatedHeaders, type CachedAnswer } from './conditional-cache.js';
import { ConcurrencyCap, processCap } from './concurrency.js';
import { CollectError } from './errors.js';
import { readBody } from './body.js';
import { BodyTap, exchangeRecorder, type TappedBody } from './evidence-record.js';
import { parseJsonBody } from './json-pieces.js';
import { JsonShapeError, jsonValuesReader, readJsonValues, type JsonValues, type JsonValuesReader } from './json-stream.js';
import { RateLimitPacer } from './rate-limit.js';

/**
 * The one HTTP client every collector uses (axios, with axios-retry for the retry loop).
 * It is read-only by construction (GET and HEAD only), records an evidence entry for every
 * attempt, makes conditional GETs against the instance's cache (when it has one), keeps within
 * the instance's concurrency cap, and turns every failure into a classified CollectError with the URL named and the
 * credentials removed.
 */
export interface HttpClientOptions {
  collector: string;
  instance: string;
  baseURL: string;
  evidence: EvidenceLog;
  redactor: Redactor;
  headers?: Record<string, string>;
  auth?: { bearer?: string; basic?: { username: string; password: string } };
  timeoutMs?: number;
  retries?: number;
  retryBaseMs?: number;
  /** A 429 asking to wait longer than this is not waited for. */
  maxRetryAfterMs?: number;
  /** Requests (attempts included) this instance may make in one scan. */
  budget?: number;
  /** One budget shared by every client of an instance; `budget` is used when absent. */
  sharedBudget?: RequestBudget;
  maxBodyBytes?: number;
  excerptChars?: number;
  /** Requests in flight at once; `cap` (shared by every client of an instance) wins when given. */
  maxConcurrency?: number;
  cap?: ConcurrencyCap;
  /** The instance's conditional-request cache; none: every GET is unconditional. */
  cache?: ConditionalCache;
  /**
   * The instance's view of its server's `RateLimit-*` headers (src/http/rate-limit.ts), shared by
   * its clients; absent: the client keeps its own.
   */
  pacer?: RateLimitPacer;
  /** PEM strings; cert and key for client-certificate authentication (e.g. a kubeconfig user). */
  tls?: { insecureSkipVerify?: boolean; ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  data: T;
  status: number;
  headers: Record<string, string>;
  /** Evidence id of the attempt that produced this response. */
  evidence: string;
  /** Set when the server answered 304 and this is the cached answer: when it was stored. */
  revalidatedFrom?: string;
  /** The SHA-256 of the body given (for a 304, the cached body's), as the evidence records it. */
  digest?: string;
}

export interface RequestOptions {
  params?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  method?: 'GET' | 'HEAD';
  /** Statuses returned to the caller instead of thrown (e.g. 304, or 400 with an API error body). */
  acceptStatus?: number[];
}

export interface HttpClient {
  getJson<T>(path: string, schema: z.ZodType<T>, opts?: RequestOptions): Promise<HttpResponse<T>>;
  getText(path: string, opts?: RequestOptions): Promise<HttpResponse<string>>;
  /**
   * A JSON answer read value by value (src/http/json-stream.ts) as it arrives: each value at a
   * selection's path is validated and handed to its `each` as it is parsed; neither the body nor
   * anything else of the document is kept. For answers that grow with the estate as one document.
   * `selections` is called once per attempt: a body cut off midway is asked for again and read
   * afresh, so whatever the selections fill must start empty with each call.
   */
  getJsonValues(path: string, selections: () => readonly JsonValues[], opts?: RequestOptions): Promise<HttpResponse<undefined>>;
  readonly requestCount: number;
  /** Calls that ended in a failure other than 404 (retries spent, refused, malformed …). */
  readonly failedCount?: number;
  /** Calls that ended in a 404 the caller did not accept. */
  readonly notFoundCount?: number;
}


type Meta = { startedAt: number; attempt: number; waitedMs: number };
const META = Symbol('techops-meta');
type WithMeta = InternalAxiosRequestConfig & { [META]?: Meta };

/** Requests an instance may still make; shared by its HTTP client and its recording fetch. */
export class RequestBudget {
  spent = 0;
  constructor(readonly limit: number) {}
  take(): boolean {
    if (this.spent >= this.limit) return false;
    this.spent++;
    return true;
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const opts = withHttpDefaults(options);
  const { redactor, evidence } = opts;
  const headers: Record<string, string> = { 'User-Agent': 'techops', Accept: 'application/json', ...opts.headers };
  if (opts.auth?.bearer) {
    redactor.add(opts.auth.bearer);
    headers.Authorization = `Bearer ${opts.auth.bearer}`;
  }
  if (opts.auth?.basic) {
    redactor.addPair(opts.auth.basic.username, opts.auth.basic.password);
    headers.Authorization = 'Basic ' + Buffer.from(`${opts.auth.basic.username}:${opts.auth.basic.password}`).toString('base64');
  }
  for (const [k, v] of Object.entries(headers)) {
    if (!/auth|token|key|cookie/i.test(k)) continue;
    redactor.add(v);
    // `Bearer x` / `Basic x`: the credential alone too, wherever it turns up without its scheme.
    const credential = /^\S+\s+(\S+)$/.exec(v)?.[1];
    if (credential) redactor.add(credential);
  }

  // Who asks, for the cache's key: another credential never gets this one's cached answers.
  const credential = credentialIdentity(headers, opts.tls?.cert);
  const cache = opts.cache;
  const cap = opts.cap ?? new ConcurrencyCap(opts.maxConcurrency);
  const pacer = opts.pacer ?? new RateLimitPacer({ name: `${opts.collector}/${opts.instance}`, reserve: cap.limit, maxWaitMs: opts.maxRetryAfterMs });

  const instance: AxiosInstance = axios.create({
    baseURL: opts.baseURL,
    headers,
    timeout: opts.timeoutMs,
    responseType: 'arraybuffer',
    maxContentLength: opts.maxBodyBytes,
    maxBodyLength: 0,
    // Redirects are followed by `request` below, one hop at a time, so that each hop is checked
    // against the origin policy and recorded.
    maxRedirects: 0,
    decompress: true,
    validateStatus: (s) => s >= 200 && s < 300,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: false, forcedJSONParsing: false },
    httpsAgent: opts.tls
      ? new https.Agent({ rejectUnauthorized: !opts.tls.insecureSkipVerify, ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key })
      : undefined,
    proxy: false,
  });

  let count = 0;
  const budget = opts.sharedBudget ?? new RequestBudget(opts.budget);
  instance.interceptors.request.use((config: WithMeta) => {
    if (config.method && !['get', 'head'].includes(config.method.toLowerCase())) {
      throw new CollectError('rejected', `refusing ${config.method.toUpperCase()}: collectors only read`);
    }
    if (!budget.take()) {
      throw new CollectError('budget', `request budget of ${budget.limit} spent for ${opts.collector}/${opts.instance}`, { url: fullUrl(config) });
    }
    count++;
    const prev = config[META];
    // A streamed body cut off is asked for again by `request`, as a new request: it carries the attempts before it.
    const { techopsPrior: prior } = config as { techopsPrior?: Pick<Meta, 'attempt' | 'waitedMs'> };
    config[META] = { startedAt: Date.now(), attempt: (prev?.attempt ?? prior?.attempt ?? 0) + 1, waitedMs: prev?.waitedMs ?? prior?.waitedMs ?? 0 };
    // The whole exchange, body included, within timeoutMs: the socket's idle timeout alone never
    // fires on a server that trickles its body a byte at a time.
    const attemptTimeout = AbortSignal.timeout(opts.timeoutMs);
    config.signal = opts.signal ? AbortSignal.any([opts.signal, attemptTimeout]) : attemptTimeout;
    // Held by the request: AbortSignal.any holds its sources only weakly, and a timeout signal no
    // one holds is collected with its timer (a body trickling past the timeout was then read for
    // as long as it trickled, whenever a garbage collection came first).
    (config as { techopsTimeout?: AbortSignal }).techopsTimeout = attemptTimeout;
    return config;
  });

  const recordExchange = exchangeRecorder({ collector: opts.collector, instance: opts.instance, evidence, redactor, excerptChars: opts.excerptChars });
  // The cached answer each conditional request in flight may be answered 304 for, by reference
  // (axios copies a request's config; a number survives the copy).
  const revalidating = new Map<number, CachedAnswer>();
  let nextRef = 0;
  const record = (config: WithMeta | undefined, response: AxiosResponse | undefined, error?: string, tapped?: TappedBody) => {
    const meta = config?.[META];
    const { techopsCacheRef: ref, techopsRedirects: redirects } = (config ?? {}) as { techopsCacheRef?: number; techopsRedirects?: string[] };
    const entry = response?.status === 304 && ref !== undefined ? revalidating.get(ref) : undefined;
    return recordExchange({
      method: config?.method ?? 'get',
      url: config ? fullUrl(config) : opts.baseURL,
      status: response?.status,
      error,
      attempt: meta?.attempt ?? 1,
      startedAt: meta?.startedAt ?? Date.now(),
      body: entry ? entry.body : toBuffer(response?.data),
      sha256: entry?.sha256,
      tapped,
      revalidatedFrom: entry?.storedAt,
      redirects,
    });
  };

  /** A body that failed midway, as the error axios gives for a buffered one (retried, classified alike), recorded. */
  const bodyFailure = (err: unknown, response: AxiosResponse): AxiosError => {
    const e = AxiosError.from(err as Error, (err as AxiosError).code, response.config, response.request, { ...response, data: undefined });
    (e as AxiosError & { evidence?: string }).evidence = record(response.config as WithMeta, e.response, describeNetworkError(e, opts.timeoutMs, opts.signal)).id;
    return e;
  };

  instance.interceptors.response.use(
    async (response) => {
      pacer.observe(flatHeaders(response));
      if (response.data instanceof Readable) {
        // Read by `request` as it arrives, and recorded then.
        if (streamed(response)) return response;
        try {
          response.data = await readBody(response.data);
        } catch (err) {
          throw bodyFailure(err, response);
        }
      }
      const rec = record(response.config as WithMeta, response);
      Object.assign(response, { evidence: rec.id, sha256: rec.sha256 });
      return response;
    },
    async (err) => {
      if (err instanceof AxiosError) {
        if (err.response) pacer.observe(flatHeaders(err.response));
        // An error status asked for as a stream: its body (a message, as a rule) is read whole,
        // as far as it comes, for the record and the error message.
        if (err.response?.data instanceof Readable) err.response.data = await readBody(err.response.data).catch(() => undefined);
        const noUsableResponse = !err.response || bodyFailed(err);
        const id = record(err.config as WithMeta, err.response, noUsableResponse ? describeNetworkError(err, opts.timeoutMs, opts.signal) : undefined).id;
        (err as AxiosError & { evidence?: string }).evidence = id;
      }
      return Promise.reject(err);
    },
  );

  axiosRetry(instance, {
    retries: opts.retries,
    shouldResetTimeout: true,
    retryCondition: (err) => {
      if (opts.signal?.aborted) return false;
      // Attempts made before this request (a streamed body cut off and asked for again) count too.
      if (((err.config as WithMeta | undefined)?.[META]?.attempt ?? 0) > opts.retries) return false;
      // Cancelled while the scan's deadline has not passed: this attempt's own timeout.
      if (axios.isCancel(err)) return true;
      // An oversized body would be just as large the next time.
      if (/maxContentLength/.test(err.message ?? '')) return false;
      if (bodyFailed(err)) return true;
      const status = err.response?.status;
      if (status === 429) return retryAfter(err) <= opts.maxRetryAfterMs;
      if (status !== undefined) return status >= 500;
      return isNetworkError(err) || err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED';
    },
    retryDelay: (n, err) => {
      const delay = exponentialDelay(n, err, opts.retryBaseMs);
      const meta = (err.config as WithMeta | undefined)?.[META];
      if (meta) meta.waitedMs += delay;
      return delay;
    },
    // The aborted per-attempt signal would make axios-retry skip its delay; the next attempt gets a fresh one.
    onRetry: (_n, _err, config) => {
      config.signal = opts.signal;
    },
  });

  const origin = new URL(opts.baseURL).origin;

  /**
   * Whether an answer asked for as a stream is read as it arrives: one that is the document (not a
   * redirect, a 304, an HTML page refused unread, or an answer the cache keeps, which needs it whole).
   */
  const streamed = (response: AxiosResponse): boolean => {
    const { techopsCacheable: cacheable } = response.config as { techopsCacheable?: boolean };
    const headers = flatHeaders(response);
    if (REDIRECTS.includes(response.status) || response.status === 304) return false;
    if (cacheable && keepsAnswer(response.status, headers)) return false;
    return !isHtml(headers['content-type']);
  };

  /**
   * Hands a streamed body to a fresh reader chunk by chunk, taking its size, digest and excerpt for
   * the record as it goes; nothing of it is kept. A body that fails midway is recorded and thrown
   * as a body failure (retried by `request`).
   */
  const readStream = async (response: AxiosResponse<Readable>, makeReader: () => JsonValuesReader): Promise<{ reader: JsonValuesReader; tapped: TappedBody }> => {
    const reader = makeReader();
    const tap = new BodyTap(opts.excerptChars);
    try {
      for await (const chunk of response.data) {
        tap.push(chunk as Buffer);
        reader.write(chunk as Buffer);
      }
    } catch (err) {
      throw bodyFailure(err, response);
    }
    const tapped = tap.taken();
    const rec = record(response.config as WithMeta, response, undefined, tapped);
    Object.assign(response, { evidence: rec.id });
    return { reader, tapped };
  };

  /**
   * One request, following same-origin redirects (at most MAX_REDIRECTS hops). Credentials go only
   * to the configured origin: an absolute URL (a paging link) or a redirect to another origin is
   * refused, naming both hosts. The final evidence record lists the hops that led to it.
   *
   * With `stream`, a document's body is handed to a reader as it arrives (readStream) instead of
   * being returned; one cut off midway is asked for again, with the attempts before it counted.
   */
  const request = async (path: string, ro: RequestOptions = {}, stream?: () => JsonValuesReader): Promise<Answer> => {
    const hops: string[] = [];
    let url = path;
    let params = ro.params;
    const method = ro.method ?? 'GET';
    // The caller's own validators, or a 304 it wants to see, leave the cache out of this request.
    const conditional = cache !== undefined && method === 'GET' && !hasValidators(ro.headers) && !(ro.acceptStatus ?? []).includes(304);
    for (;;) {
      const target = new URL(joinUrl(opts.baseURL, url));
      if (target.origin !== origin) {
        const other = `${target.host} is another host than the configured ${new URL(origin).host}, and techops sends requests (and credentials) only to the configured host`;
        const what = hops.length
          ? `refused to follow the redirect from ${redactor.url(hops[hops.length - 1])} to ${redactor.url(target.toString())}`
          : `refused to request ${redactor.url(target.toString())} (a link in a response)`;
        throw new CollectError('rejected', `${what}: ${other}`,
          { url: redactor.url(target.toString()), evidence: lastEvidence(hops) });
      }
      const key = conditional
        ? cache!.key({ method, url: withParams(target.toString(), params), accept: ro.headers?.Accept ?? ro.headers?.accept ?? headers.Accept, credential })
        : undefined;
      const entry = key ? await cache!.get(key) : undefined;
      const ref = entry ? nextRef++ : undefined;
      if (entry) revalidating.set(ref!, entry);
      let res: AxiosResponse;
      let read: { reader: JsonValuesReader; tapped: TappedBody } | undefined;
      let prior: Pick<Meta, 'attempt' | 'waitedMs'> | undefined;
      const send = async () => {
        const r = await instance.request({
          url,
          method,
          params,
          headers: entry ? { ...ro.headers, ...conditionalHeaders(entry) } : ro.headers,
          signal: opts.signal,
          responseType: stream ? 'stream' : 'arraybuffer',
          techopsCacheRef: ref,
          techopsCacheable: key !== undefined,
          techopsPrior: prior,
          // the hops that led here, for this attempt's evidence record (a record is not changed once made)
          techopsRedirects: hops.length ? [...hops] : undefined,
          validateStatus: (s) => (s >= 200 && s < 300) || (ro.acceptStatus ?? []).includes(s) || REDIRECTS.includes(s) || (entry !== undefined && s === 304),
        } as Parameters<AxiosInstance['request']>[0]);
        // read within the request's slot in the caps, as a buffered body is
        return { r, read: r.data instanceof Readable ? await readStream(r as AxiosResponse<Readable>, stream!) : undefined };
      };
      try {
        for (;;) {
          try {
            // A spent rate limit window holds the request (its slot in the instance's cap too: every
            // other request of the instance would wait as well) until it resets.
            ({ r: res, read } = await cap.run(() => pacer.pass(`${method} ${redactor.url(target.toString())}`, opts.signal).then(() => processCap.run(send))));
            break;
          } catch (err) {
            const meta = (err as AxiosError).config ? ((err as AxiosError).config as WithMeta)[META] : undefined;
            if (!(err instanceof AxiosError) || !meta || !bodyFailed(err) || !retryableBodyFailure(err) || meta.attempt > opts.retries || opts.signal?.aborted) throw err;
            const delay = exponentialDelay(meta.attempt, err, opts.retryBaseMs);
            prior = { attempt: meta.attempt, waitedMs: meta.waitedMs + delay };
            await new Promise((r) => setTimeout(r, delay));
          }
        }
      } catch (err) {
        throw classify(err, path, opts, redactor);
      } finally {
        if (ref !== undefined) revalidating.delete(ref);
      }
      const id = (res as AxiosResponse & { evidence: string }).evidence;
      const location = res.headers?.location;
      if (REDIRECTS.includes(res.status) && typeof location === 'string' && !(ro.acceptStatus ?? []).includes(res.status)) {
        const here = fullUrl(res.config);
        hops.push(here);
        evidenceIds.set(here, id);
        if (hops.length > MAX_REDIRECTS) {
          throw new CollectError('rejected', `too many redirects (more than ${MAX_REDIRECTS}) from ${redactor.url(hops[0])}`, { url: redactor.url(here), status: res.status, evidence: id });
        }
        url = new URL(location, here).toString();
        params = undefined;
        continue;
      }
      if (REDIRECTS.includes(res.status)) {
        throw new CollectError('rejected', `${redactor.url(fullUrl(res.config))} answered HTTP ${res.status} without a Location header`, { status: res.status, evidence: id });
      }
      const where = fullUrl(res.config);
      if (entry && res.status === 304) {
        return { status: entry.status, headers: revalidatedHeaders(entry, flatHeaders(res)), body: entry.body, bytes: entry.body.length, id, url: where, revalidatedFrom: entry.storedAt, digest: entry.sha256 };
      }
      if (read) {
        return { status: res.status, headers: flatHeaders(res), body: EMPTY, bytes: read.tapped.bytes, reader: read.reader, id, url: where, digest: read.tapped.sha256 };
      }
      const body = toBuffer(res.data) ?? Buffer.alloc(0);
      // the digest the evidence record already took, not a second pass over the body
      const digest = (res as { sha256?: string }).sha256;
      const answer = { status: res.status, headers: flatHeaders(res), body, bytes: body.length, id, url: where, digest };
      if (key && res.status === 200) {
        cache!.store(key, { ...answer, sha256: digest }, new Date());
      }
      return answer;
    }
  };
  const evidenceIds = new Map<string, string>();
  const lastEvidence = (hops: string[]) => (hops.length ? evidenceIds.get(hops[hops.length - 1]) : undefined);

  let failed = 0;
  let notFound = 0;
  const counted = async <T>(p: Promise<T>): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      if (err instanceof CollectError && err.kind === 'not_found') notFound++;
      else if (!(err instanceof CollectError && err.kind === 'aborted')) failed++;
      throw err;
    }
  };

  const client: HttpClient = {
    get requestCount() {
      return count;
    },
    get failedCount() {
      return failed;
    },
    get notFoundCount() {
      return notFound;
    },
    getText: (path, ro) => counted(getText(path, ro)),
    getJson: (path, schema, ro) => counted(getJson(path, schema, ro)),
    getJsonValues: (path, selections, ro) => counted(getJsonValues(path, selections, ro)),
  };
  return client;

  async function getText(path: string, ro?: RequestOptions): Promise<HttpResponse<string>> {
      const { status, headers, body, id, revalidatedFrom, digest } = await request(path, ro);
      return { data: body.toString('utf8'), status, headers, evidence: id, revalidatedFrom, digest };
  }

  /** The answer, refused when it says it is HTML (a login page, a proxy's error page) rather than JSON. */
  async function jsonAnswer(path: string, ro?: RequestOptions, stream?: () => JsonValuesReader): Promise<Answer & { where: string }> {
      const res = await request(path, ro, stream);
      const where = `${(ro?.method ?? 'GET')} ${redactor.url(res.url)}`;
      const type = res.headers['content-type'];
      if (isHtml(type)) {
        throw new CollectError('malformed', `malformed response from ${where}: expected JSON, got ${type!.split(';')[0].trim()} (HTTP ${res.status}, ${res.bytes} bytes)`, {
          url: where, status: res.status, evidence: res.id,
        });
      }
      return { ...res, where };
  }

  async function getJsonValues(path: string, selections: () => readonly JsonValues[], ro?: RequestOptions): Promise<HttpResponse<undefined>> {
      const res = await jsonAnswer(path, ro, () => jsonValuesReader(selections()));
      const { id, where } = res;
      try {
        // read as it arrived; a body that had to be read whole (the cache keeps it, or a 304 answered it) is read now
        if (res.reader) res.reader.end();
        else await readJsonValues(res.body, selections());
      } catch (err) {
        if (!(err instanceof JsonShapeError)) throw err;
        const message = err.kind === 'syntax'
          ? `invalid JSON from ${where} (HTTP ${res.status}, ${res.bytes} bytes): ${err.message}`
          : `unexpected response from ${where}: ${err.message}`;
        throw new CollectError('malformed', message, { url: where, status: res.status, evidence: id });
      }
      return { data: undefined, status: res.status, headers: res.headers, evidence: id, revalidatedFrom: res.revalidatedFrom, digest: res.digest };
  }

  async function getJson<T>(path: string, schema: z.ZodType<T>, ro?: RequestOptions): Promise<HttpResponse<T>> {
      const res = await jsonAnswer(path, ro);
      const { body, id, where } = res;
      let json: unknown;
      try {
        json = parseJsonBody(body);
      } catch (err) {
        throw new CollectError('malformed', `invalid JSON from ${where} (HTTP ${res.status}, ${body.length} bytes): ${(err as Error).message}`, {
          url: where, status: res.status, evidence: id,
        });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issues = formatIssues(parsed.error).slice(0, 3).join('; ');
        throw new CollectError('malformed', `unexpected response from ${where}: ${issues}`, { url: where, status: res.status, evidence: id });
      }
      return { data: parsed.data, status: res.status, headers: res.headers, evidence: id, revalidatedFrom: res.revalidatedFrom, digest: res.digest };
  }
}

/** What one call got: the final answer (for a 304 revalidation, the cached one it confirmed). */
interface Answer {
  status: number;
  headers: Record<string, string>;
  /** Empty when the body was streamed to `reader`. */
  body: Buffer;
  bytes: number;
  /** The reader a streamed body was handed to, as it arrived. */
  reader?: JsonValuesReader;
  /** Evidence id of the exchange that produced it. */
  id: string;
  /** The URL answered (after redirects), with its query, credentials not yet removed. */
  url: string;
  revalidatedFrom?: string;
  digest?: string;
}

const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 3;
const EMPTY = Buffer.alloc(0);

function isHtml(contentType: string | undefined): boolean {
  return contentType !== undefined && !/json/i.test(contentType) && /html/i.test(contentType);
}


/** A streamed body cut off or stalled is asked for again; one over the size limit would be as large the next time. */
function retryableBodyFailure(err: AxiosError): boolean {
  return !/maxContentLength/.test(err.message ?? '');
}

function toBuffer(data: unknown): Buffer | undefined {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return undefined;
}

function flatHeaders(res: AxiosResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) if (v != null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//.test(path)) return path;
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}

function fullUrl(config: InternalAxiosRequestConfig): string {
  return withParams(joinUrl(config.baseURL ?? '', config.url ?? ''), config.params as Record<string, unknown> | undefined);
}

function withParams(url: string, params: Record<string, unknown> | undefined): string {
  if (!params) return url;
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.toString();
}

/**
 * The status was accepted but the body never fully arrived: the connection was dropped, or the
 * socket's idle timeout destroyed it (axios then reports "stream has been aborted" with the response).
 */
function bodyFailed(err: AxiosError): boolean {
  return err.response !== undefined && err.config?.validateStatus?.(err.response.status) === true;
}

function describeNetworkError(err: AxiosError, timeoutMs: number, deadline?: AbortSignal): string {
  if (err.code === 'ERR_CANCELED' && deadline?.aborted) return 'the collector\'s deadline passed';
  if (err.response && bodyFailed(err) && !/maxContentLength/.test(err.message)) {
    const meta = (err.config as WithMeta | undefined)?.[META];
    const timedOut = meta !== undefined && Date.now() - meta.startedAt >= timeoutMs;
    const what = timedOut ? `timed out after ${timeoutMs} ms` : `connection lost (${err.message})`;
    return `${what} while reading the response body (HTTP ${err.response.status})`;
  }
  if (err.code === 'ERR_CANCELED') return `timed out after ${timeoutMs} ms`;
  if (err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED') return `timed out after ${timeoutMs} ms`;
  if (err.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(err.message)) return err.message;
  return err.code ? `${err.code}: ${err.message}` : err.message;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function classify(err: unknown, path: string, opts: Required<Pick<HttpClientOptions, 'baseURL' | 'timeoutMs' | 'maxBodyBytes'>> & HttpClientOptions, redactor: Redactor): CollectError {
  if (err instanceof CollectError) return err;
  const e = err as AxiosError & { evidence?: string };
  const url = redactor.url(e.config ? fullUrl(e.config) : joinUrl(opts.baseURL, path));
  const where = `${(e.config?.method ?? 'GET').toUpperCase()} ${url}`;
  const detail = { url: where, status: e.response?.status, evidence: e.evidence };
  const meta = (e.config as WithMeta | undefined)?.[META];
  const attempts = meta?.attempt ?? 1;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  // What a rate limit cost, as it was: the waits between the attempts, not the most allowed.
  const waited = meta && meta.waitedMs > 0 ? `, having waited ${formatMs(meta.waitedMs)} in all between them` : '';
  if (opts.signal?.aborted) {
    return new CollectError('aborted', `deadline passed during ${where}`, detail);
  }
  if (axios.isCancel(err) || e.code === 'ERR_CANCELED') {
    return new CollectError('unavailable', `cannot reach ${where}${tries}: timed out after ${opts.timeoutMs} ms (no complete response within the request timeout)`, detail);
  }
  const status = bodyFailed(e) ? undefined : e.response?.status;
  if (status !== undefined) {
    const raw = toBuffer(e.response?.data);
    const body = raw ? redactor.text(raw.subarray(0, 2000).toString('utf8').slice(0, 500)).replace(/\s+/g, ' ').trim() : '';
    const said = body ? `: ${body}` : '';
    if (status === 401) return new CollectError('credentials', `credentials rejected (HTTP 401) by ${where}${said}`, detail);
    if (status === 403) return new CollectError('credentials', `permission denied (HTTP 403) by ${where}${said}`, detail);
    if (status === 404) return new CollectError('not_found', `not found (HTTP 404): ${where}`, detail);
    if (status === 429) {
      const wait = retryAfter(e);
      const max = opts.maxRetryAfterMs ?? HTTP_DEFAULTS.maxRetryAfterMs;
      const why = wait > max ? ` (the server asked to wait ${formatMs(wait)}, more than http.max_retry_after ${formatMs(max)}: not waited)` : '';
      return new CollectError('unavailable', `rate limited (HTTP 429) by ${where}${tries}${waited}${why}`, detail);
    }
    if (status >= 500) return new CollectError('unavailable', `server error (HTTP ${status}) from ${where}${tries}${said}`, detail);
    return new CollectError('rejected', `request rejected (HTTP ${status}) by ${where}${said}`, detail);
  }
  if (/maxContentLength/.test(e.message ?? '')) {
    return new CollectError('malformed', `response from ${where} is larger than ${opts.maxBodyBytes} bytes`, detail);
  }
  return new CollectError('unavailable', `cannot reach ${where}${tries}: ${describeNetworkError(e, opts.timeoutMs, opts.signal)}`, detail);
}
