import { createHash } from 'node:crypto';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import axiosRetry, { exponentialDelay, isNetworkError, retryAfter } from 'axios-retry';
import type { z } from 'zod';
import type { EvidenceLog } from '../evidence/types.js';
import type { Redactor } from '../redact.js';
import { formatIssues } from '../zod-path.js';
import { CollectError } from './errors.js';

/**
 * The one HTTP client every collector uses (axios, with axios-retry for the retry loop).
 * It is read-only by construction (GET and HEAD only), records an evidence entry for every
 * attempt, and turns every failure into a classified CollectError with the URL named and the
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
  readonly requestCount: number;
}

const DEFAULTS = {
  timeoutMs: 10_000,
  retries: 2,
  retryBaseMs: 200,
  maxRetryAfterMs: 60_000,
  budget: 1_000,
  maxBodyBytes: 64 * 1024 * 1024,
  excerptChars: 512,
};

type Meta = { startedAt: number; attempt: number };
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
  const opts = { ...DEFAULTS, ...options };
  const { redactor, evidence } = opts;
  const headers: Record<string, string> = { 'User-Agent': 'techops', Accept: 'application/json', ...opts.headers };
  if (opts.auth?.bearer) {
    redactor.add(opts.auth.bearer);
    headers.Authorization = `Bearer ${opts.auth.bearer}`;
  }
  if (opts.auth?.basic) {
    redactor.add(opts.auth.basic.password);
    headers.Authorization = 'Basic ' + Buffer.from(`${opts.auth.basic.username}:${opts.auth.basic.password}`).toString('base64');
  }
  for (const [k, v] of Object.entries(headers)) if (/auth|token|key|cookie/i.test(k)) redactor.add(v);
  if (headers.Authorization) redactor.add(headers.Authorization);

  const instance: AxiosInstance = axios.create({
    baseURL: opts.baseURL,
    headers,
    timeout: opts.timeoutMs,
    responseType: 'arraybuffer',
    maxContentLength: opts.maxBodyBytes,
    maxBodyLength: 0,
    maxRedirects: 3,
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
    config[META] = { startedAt: Date.now(), attempt: (prev?.attempt ?? 0) + 1 };
    return config;
  });

  const record = (config: WithMeta | undefined, response: AxiosResponse | undefined, error?: string) => {
    const meta = config?.[META];
    const body = toBuffer(response?.data);
    const rec = evidence.add({
      collector: opts.collector,
      instance: opts.instance,
      method: (config?.method ?? 'get').toUpperCase(),
      url: redactor.url(config ? fullUrl(config) : opts.baseURL),
      status: response?.status,
      error: error ? redactor.text(error) : undefined,
      attempt: meta?.attempt ?? 1,
      started_at: new Date(meta?.startedAt ?? Date.now()).toISOString(),
      duration_ms: meta ? Date.now() - meta.startedAt : 0,
      bytes: body?.length,
      sha256: body ? createHash('sha256').update(body).digest('hex') : undefined,
      excerpt: body ? redactor.text(body.subarray(0, opts.excerptChars * 4).toString('utf8').slice(0, opts.excerptChars)) : undefined,
    });
    return rec.id;
  };

  instance.interceptors.response.use(
    (response) => {
      (response as AxiosResponse & { evidence?: string }).evidence = record(response.config as WithMeta, response);
      return response;
    },
    (err) => {
      if (err instanceof AxiosError) {
        const noUsableResponse = !err.response || bodyFailed(err);
        const id = record(err.config as WithMeta, err.response, noUsableResponse ? describeNetworkError(err, opts.timeoutMs) : undefined);
        (err as AxiosError & { evidence?: string }).evidence = id;
      }
      return Promise.reject(err);
    },
  );

  axiosRetry(instance, {
    retries: opts.retries,
    shouldResetTimeout: true,
    retryCondition: (err) => {
      if (opts.signal?.aborted || axios.isCancel(err)) return false;
      // An oversized body would be just as large the next time.
      if (/maxContentLength/.test(err.message ?? '')) return false;
      if (bodyFailed(err)) return true;
      const status = err.response?.status;
      if (status === 429) return retryAfter(err) <= opts.maxRetryAfterMs;
      if (status !== undefined) return status >= 500;
      return isNetworkError(err) || err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED';
    },
    retryDelay: (n, err) => exponentialDelay(n, err, opts.retryBaseMs),
  });

  const request = async (path: string, ro: RequestOptions = {}): Promise<{ res: AxiosResponse; body: Buffer; id: string }> => {
    try {
      const res = await instance.request({
        url: path,
        method: ro.method ?? 'GET',
        params: ro.params,
        headers: ro.headers,
        signal: opts.signal,
        validateStatus: (s) => (s >= 200 && s < 300) || (ro.acceptStatus ?? []).includes(s),
      });
      return { res, body: toBuffer(res.data) ?? Buffer.alloc(0), id: (res as AxiosResponse & { evidence: string }).evidence };
    } catch (err) {
      throw classify(err, path, opts, redactor);
    }
  };

  const client: HttpClient = {
    get requestCount() {
      return count;
    },
    async getText(path, ro) {
      const { res, body, id } = await request(path, ro);
      return { data: body.toString('utf8'), status: res.status, headers: flatHeaders(res), evidence: id };
    },
    async getJson(path, schema, ro) {
      const { res, body, id } = await request(path, ro);
      const where = `${(ro?.method ?? 'GET')} ${redactor.url(fullUrl(res.config))}`;
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
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
      return { data: parsed.data, status: res.status, headers: flatHeaders(res), evidence: id };
    },
  };
  return client;
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
  const url = joinUrl(config.baseURL ?? '', config.url ?? '');
  const params = config.params as Record<string, unknown> | undefined;
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

function describeNetworkError(err: AxiosError, timeoutMs: number): string {
  if (err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED') return `timed out after ${timeoutMs} ms`;
  if (err.response && bodyFailed(err)) {
    const meta = (err.config as WithMeta | undefined)?.[META];
    const timedOut = meta !== undefined && Date.now() - meta.startedAt >= timeoutMs;
    const what = timedOut ? `timed out after ${timeoutMs} ms` : `connection lost (${err.message})`;
    return `${what} while reading the response body (HTTP ${err.response.status})`;
  }
  if (err.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(err.message)) return err.message;
  return err.code ? `${err.code}: ${err.message}` : err.message;
}

function classify(err: unknown, path: string, opts: Required<Pick<HttpClientOptions, 'baseURL' | 'timeoutMs' | 'maxBodyBytes'>> & HttpClientOptions, redactor: Redactor): CollectError {
  if (err instanceof CollectError) return err;
  const e = err as AxiosError & { evidence?: string };
  const url = redactor.url(e.config ? fullUrl(e.config) : joinUrl(opts.baseURL, path));
  const where = `${(e.config?.method ?? 'GET').toUpperCase()} ${url}`;
  const detail = { url: where, status: e.response?.status, evidence: e.evidence };
  const attempts = (e.config as WithMeta | undefined)?.[META]?.attempt ?? 1;
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (axios.isCancel(err) || e.code === 'ERR_CANCELED' || opts.signal?.aborted) {
    return new CollectError('aborted', `deadline passed during ${where}`, detail);
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
      const why = wait > (opts.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs) ? ` (server asked to wait ${Math.round(wait / 1000)} s, more than allowed)` : '';
      return new CollectError('unavailable', `rate limited (HTTP 429) by ${where}${tries}${why}`, detail);
    }
    if (status >= 500) return new CollectError('unavailable', `server error (HTTP ${status}) from ${where}${tries}${said}`, detail);
    return new CollectError('rejected', `request rejected (HTTP ${status}) by ${where}${said}`, detail);
  }
  if (/maxContentLength/.test(e.message ?? '')) {
    return new CollectError('malformed', `response from ${where} is larger than ${opts.maxBodyBytes} bytes`, detail);
  }
  return new CollectError('unavailable', `cannot reach ${where}${tries}: ${describeNetworkError(e, opts.timeoutMs)}`, detail);
}
