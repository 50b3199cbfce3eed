import { createHash } from 'node:crypto';
import type { EvidenceLog } from '../evidence/types.js';
import type { Redactor } from '../redact.js';
import { RequestBudget } from './client.js';
import { CollectError } from './errors.js';

/**
 * A WHATWG `fetch` for SDKs that take one (Octokit's `request.fetch`, for instance), so that
 * requests made through them are read-only, budgeted, bounded in size and recorded as evidence
 * like those of the shared HTTP client. The evidence id of each response is in its
 * `x-techops-evidence` header, for the signals derived from it. Retries and rate limits stay with
 * the SDK (its own plugins know the API's rules); every attempt is one evidence record.
 */
export const EVIDENCE_HEADER = 'x-techops-evidence';

export interface RecordingFetchOptions {
  collector: string;
  instance: string;
  evidence: EvidenceLog;
  redactor: Redactor;
  budget?: RequestBudget;
  maxBodyBytes?: number;
  timeoutMs?: number;
  excerptChars?: number;
  signal?: AbortSignal;
}

export type RecordingFetch = typeof fetch & { readonly requestCount: number };

export function createRecordingFetch(opts: RecordingFetchOptions): RecordingFetch {
  const budget = opts.budget ?? new RequestBudget(1000);
  const maxBody = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  const excerptChars = opts.excerptChars ?? 512;
  let count = 0;

  const recording = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const request = new Request(input, init);
    const method = request.method.toUpperCase();
    const url = opts.redactor.url(request.url);
    if (method !== 'GET' && method !== 'HEAD') throw new CollectError('rejected', `refusing ${method} ${url}: collectors only read`);
    if (!budget.take()) throw new CollectError('budget', `request budget of ${budget.limit} spent for ${opts.collector}/${opts.instance}`, { url });
    count++;
    const started = Date.now();
    const record = (fields: { status?: number; error?: string; body?: Buffer }) =>
      opts.evidence.add({
        collector: opts.collector,
        instance: opts.instance,
        method,
        url,
        status: fields.status,
        error: fields.error ? opts.redactor.text(fields.error) : undefined,
        attempt: 1,
        started_at: new Date(started).toISOString(),
        duration_ms: Date.now() - started,
        bytes: fields.body?.length,
        sha256: fields.body ? createHash('sha256').update(fields.body).digest('hex') : undefined,
        excerpt: fields.body ? opts.redactor.text(fields.body.subarray(0, excerptChars * 4).toString('utf8').slice(0, excerptChars)) : undefined,
      }).id;

    const signals = [opts.signal, request.signal, opts.timeoutMs ? AbortSignal.timeout(opts.timeoutMs) : undefined].filter((s): s is AbortSignal => !!s);
    let response: Response;
    let body: Buffer;
    try {
      response = await fetch(request, { signal: signals.length ? AbortSignal.any(signals) : undefined });
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxBody) {
        await response.body?.cancel();
        throw new CollectError('malformed', `response from ${method} ${url} is larger than ${maxBody} bytes`, { url, status: response.status });
      }
      body = await readBounded(response, maxBody, `${method} ${url}`);
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const message = timedOut ? `timed out after ${opts.timeoutMs} ms` : `${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
      const id = record({ error: message });
      if (err instanceof CollectError) throw new CollectError(err.kind, err.message, { ...err.detail, evidence: id });
      if (opts.signal?.aborted) throw new CollectError('aborted', `deadline passed during ${method} ${url}`, { url, evidence: id });
      throw new CollectError('unavailable', `cannot reach ${method} ${url}: ${opts.redactor.text(message)}`, { url, evidence: id });
    }
    const id = record({ status: response.status, body });
    const headers = new Headers(response.headers);
    headers.set(EVIDENCE_HEADER, id);
    const nullBody = [101, 204, 205, 304].includes(response.status) || method === 'HEAD';
    const out = new Response(nullBody ? null : new Uint8Array(body), { status: response.status, statusText: response.statusText, headers });
    // SDKs read response.url (Octokit's paginate does); a constructed Response has none
    Object.defineProperty(out, 'url', { value: response.url || request.url });
    return out;
  };
  return Object.defineProperty(recording, 'requestCount', { get: () => count }) as unknown as RecordingFetch;
}

async function readBounded(response: Response, max: number, where: string): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) {
      throw new CollectError('malformed', `response from ${where} is larger than ${max} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
