import type { EvidenceLog } from '../evidence/types.js';
import type { Redactor } from '../redact.js';
import { RequestBudget } from './client.js';
import { HTTP_DEFAULTS, withHttpDefaults } from './defaults.js';
import { type ConditionalCache, conditionalHeaders, credentialIdentity, hasValidators, revalidatedHeaders, type CachedAnswer } from './conditional-cache.js';
import { ConcurrencyCap, processCap } from './concurrency.js';
import { CollectError } from './errors.js';
import { readBody } from './body.js';
import { exchangeRecorder } from './evidence-record.js';
import { parseJsonBody } from './json-pieces.js';

/**
 * A WHATWG `fetch` for SDKs that take one (Octokit's `request.fetch`, for instance), so that
 * requests made through them are read-only, budgeted, bounded in size and recorded as evidence
 * like those of the shared HTTP client. The evidence id of each response is in its
 * `x-techops-evidence` header, for the signals derived from it. GETs are conditional against the
 * instance's cache like the client's (a 304 reaches the SDK as the cached 200), and requests keep
 * within the instance's concurrency cap. Retries and rate limits stay with
 * the SDK (its own plugins know the API's rules); every attempt is one evidence record.
 */
export const EVIDENCE_HEADER = 'x-techops-evidence';
/**
 * On an answer served from the cache after a 304: when the cached body was stored. The answer
 * itself is the cached 200 (status, headers, body), so an SDK needs to know nothing of the cache;
 * a caller that wants the 304 itself sends its own If-None-Match / If-Modified-Since.
 */
export const REVALIDATED_HEADER = 'x-techops-revalidated-from';

/**
 * On a GraphQL POST (to `reads.graphql`): a watermark the caller computed from the validated
 * answers the query's answer depends on (their SHA-256s, say). With a cache, the answer is stored
 * under it, and the next identical query under the same watermark is answered from the cache
 * without a request (evidence with `reused_because`: WATERMARK_REASON_HEADER's text). Neither header
 * is sent.
 */
export const WATERMARK_HEADER = 'x-techops-watermark';
export const WATERMARK_REASON_HEADER = 'x-techops-watermark-reason';
/** With a watermark: ask anyway (the reused answer did not hold all the caller needs), and keep the new answer. */
export const WATERMARK_REFRESH_HEADER = 'x-techops-watermark-refresh';
/** On an answer reused without a request under its watermark: when it was stored. */
export const REUSED_HEADER = 'x-techops-reused-from';
/** On every answer with a body: its SHA-256 (for a 304 or a reuse, the cached body's), as the evidence records it. */
export const DIGEST_HEADER = 'x-techops-sha256';

export interface RecordingFetchOptions {
  collector: string;
  instance: string;
  evidence: EvidenceLog;
  redactor: Redactor;
  /**
   * The configured base URL: requests (paging links the SDK follows included) and redirects go
   * only to its origin, since the SDK adds the credentials to each of them. Without it, any.
   */
  baseURL?: string;
  budget?: RequestBudget;
  maxBodyBytes?: number;
  timeoutMs?: number;
  excerptChars?: number;
  /** Requests in flight at once; `cap` (shared by every client of an instance) wins when given. */
  maxConcurrency?: number;
  cap?: ConcurrencyCap;
  /** The instance's conditional-request cache; none: every GET is unconditional. */
  cache?: ConditionalCache;
  signal?: AbortSignal;
  /**
   * The only POSTs allowed, each to one exact URL on the configured origin: a GraphQL endpoint
   * (the body must be a `query` document: reads only) and an exchange of credentials for a
   * short-lived token (a GitHub App's installation token). Everything else stays GET/HEAD.
   */
  reads?: PostReads;
}

export interface PostReads {
  /** URL of a GraphQL endpoint: POSTs whose document holds only `query` operations. */
  graphql?: string;
  /** URLs (or a test) of token exchanges: POSTs that mint a read token and change nothing. */
  tokenExchange?: (url: string) => boolean;
}

export type RecordingFetch = typeof fetch & { readonly requestCount: number; readonly failedCount: number };

const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 3;

export function createRecordingFetch(opts: RecordingFetchOptions): RecordingFetch {
  const budget = opts.budget ?? new RequestBudget(HTTP_DEFAULTS.budget);
  const settings = withHttpDefaults({ maxBodyBytes: opts.maxBodyBytes, timeoutMs: opts.timeoutMs, excerptChars: opts.excerptChars, maxConcurrency: opts.maxConcurrency });
  const cap = opts.cap ?? new ConcurrencyCap(settings.maxConcurrency);
  const cache = opts.cache;
  const recordExchange = exchangeRecorder({ collector: opts.collector, instance: opts.instance, evidence: opts.evidence, redactor: opts.redactor, excerptChars: settings.excerptChars });
  const maxBody = settings.maxBodyBytes;
  const timeoutMs = settings.timeoutMs;
  const origin = opts.baseURL ? new URL(opts.baseURL).origin : undefined;
  let count = 0;
  let failed = 0;

  const foreign = (target: URL, from?: string): CollectError => {
    const other = `${target.host} is another host than the configured ${new URL(origin!).host}, and techops sends requests (and credentials) only to the configured host`;
    const what = from
      ? `refused to follow the redirect from ${opts.redactor.url(from)} to ${opts.redactor.url(target.toString())}`
      : `refused to request ${opts.redactor.url(target.toString())} (a paging link or URL in a response)`;
    return new CollectError('rejected', `${what}: ${other}`, { url: opts.redactor.url(target.toString()) });
  };

  /** One exchange with the server, recorded as one evidence record; the body read within the limits. */
  const exchange = (request: Request, redirects: string[], sent?: string, entry?: CachedAnswer) => cap.run(() => processCap.run(async (): Promise<{ response: Response; body: Buffer; id: string; sha256?: string }> => {
    const method = request.method.toUpperCase();
    const url = opts.redactor.url(request.url);
    if (!budget.take()) throw new CollectError('budget', `request budget of ${budget.limit} spent for ${opts.collector}/${opts.instance}`, { url });
    // A credential an SDK made itself (a GitHub App's JWT, an installation token) is masked like a configured one.
    const authorization = request.headers.get('authorization');
    if (authorization) opts.redactor.add(authorization.replace(/^(bearer|token|basic)\s+/i, ''));
    count++;
    const started = Date.now();
    const record = (fields: { status?: number; error?: string; body?: Buffer }) => {
      const revalidated = entry !== undefined && fields.status === 304;
      return recordExchange({
        method, url: request.url, status: fields.status, error: fields.error, attempt: 1, startedAt: started,
        body: revalidated ? entry.body : fields.body, sha256: revalidated ? entry.sha256 : undefined,
        revalidatedFrom: revalidated ? entry.storedAt : undefined, redirects,
      });
    };

    // The timeout covers the whole exchange, the body included (a trickling body is cut off too).
    const signals = [opts.signal, request.signal, AbortSignal.timeout(timeoutMs)].filter((s): s is AbortSignal => !!s);
    let response: Response;
    let body: Buffer;
    try {
      // A POST's body goes as the string read (a Request's stream may be read only once, and interceptors in tests read it).
      response = sent === undefined
        ? await fetch(request, { signal: AbortSignal.any(signals), redirect: 'manual' })
        : await fetch(request.url, { method, headers: request.headers, body: sent, signal: AbortSignal.any(signals), redirect: 'manual' });
      const declared = Number(response.headers.get('content-length') ?? '0');
      if (declared > maxBody) {
        await response.body?.cancel();
        throw new CollectError('malformed', `response from ${method} ${url} is larger than ${maxBody} bytes (it declares ${declared})`, { url, status: response.status });
      }
      // Fetch decodes a compressed body, so its declared size counts other bytes than those read.
      const compressed = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
      body = response.body ? await readBody(response.body as unknown as AsyncIterable<Uint8Array>, { max: maxBody, declared: compressed ? undefined : declared, where: `${method} ${url}` }) : Buffer.alloc(0);
    } catch (err) {
      failed++;
      const timedOut = (err as Error).name === 'TimeoutError' || (!opts.signal?.aborted && (err as Error).name === 'AbortError');
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const message = timedOut
        ? `timed out after ${timeoutMs} ms (no complete response within the request timeout)`
        : `${(err as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
      const id = record({ error: message }).id;
      if (err instanceof CollectError) throw new CollectError(err.kind, err.message, { ...err.detail, evidence: id });
      if (opts.signal?.aborted) throw new CollectError('aborted', `deadline passed during ${method} ${url}`, { url, evidence: id });
      throw new CollectError('unavailable', `cannot reach ${method} ${url}: ${opts.redactor.text(message)}`, { url, evidence: id });
    }
    if (response.status === 401 || response.status === 403 || response.status >= 500) failed++;
    // A token exchange's answer holds the new credential: masked before the excerpt is recorded.
    if (method === 'POST' && opts.reads?.tokenExchange?.(request.url.split('?')[0])) {
      try {
        const token = (JSON.parse(body.toString('utf8')) as { token?: unknown }).token;
        if (typeof token === 'string') opts.redactor.add(token);
      } catch {
        // not JSON: nothing to mask; the SDK will report the answer
      }
    }
    const rec = record({ status: response.status, body });
    return { response, body, id: rec.id, sha256: rec.sha256 };
  }));

  const recording = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    let request = new Request(input, init);
    const method = request.method.toUpperCase();
    let posted: string | undefined;
    if (method === 'POST') {
      // Read once and sent as a string: the body checked is the body sent, and a string can be sent again.
      posted = await request.text();
      const refused = postRefusal(request.url, posted, opts.reads, origin);
      if (refused) throw new CollectError('rejected', `refusing POST ${opts.redactor.url(request.url)}: ${refused}`);
    } else if (method !== 'GET' && method !== 'HEAD') throw new CollectError('rejected', `refusing ${method} ${opts.redactor.url(request.url)}: collectors only read`);
    const redirects: string[] = [];
    // The caller's own validators leave the cache out of this request (it handles the 304 itself).
    const conditional = cache !== undefined && method === 'GET' && !hasValidators(request.headers);
    let watermark = request.headers.get(WATERMARK_HEADER) ?? undefined;
    const reason = request.headers.get(WATERMARK_REASON_HEADER) ?? 'what it depends on is unchanged';
    const refresh = request.headers.has(WATERMARK_REFRESH_HEADER);
    if (watermark !== undefined || request.headers.has(WATERMARK_REASON_HEADER) || refresh) {
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        if (name !== WATERMARK_HEADER && name !== WATERMARK_REASON_HEADER && name !== WATERMARK_REFRESH_HEADER) headers[name] = value;
      });
      request = new Request(request.url, { method, headers });
    }
    // Only a GraphQL query (a read whose answer has no validator) is kept under a watermark.
    if (!(method === 'POST' && opts.reads?.graphql && request.url.split('?')[0] === opts.reads.graphql)) watermark = undefined;
    const credential = credentialIdentity(request.headers);
    if (watermark !== undefined && cache) {
      const key = cache.key({ method, url: request.url, accept: request.headers.get('accept'), credential, body: posted });
      const entry = refresh ? undefined : await cache.get(key);
      if (entry && entry.watermark === watermark) return reuse(request, entry, reason);
      const answer = await exchange(request, redirects, posted);
      return answered(request, answer, { key, watermark });
    }
    for (;;) {
      const target = new URL(request.url);
      if (origin && target.origin !== origin) {
        failed++;
        throw foreign(target, redirects[redirects.length - 1]);
      }
      const key = conditional ? cache!.key({ method, url: request.url, accept: request.headers.get('accept'), credential }) : undefined;
      const entry = key ? await cache!.get(key) : undefined;
      let asked = request;
      if (entry) {
        const headers = new Headers(request.headers);
        for (const [name, value] of Object.entries(conditionalHeaders(entry))) headers.set(name, value);
        asked = new Request(request, { headers });
      }
      const answer = await exchange(asked, redirects, posted, entry);
      const { response, id } = answer;
      const location = response.headers.get('location');
      // A POST is never sent on to another URL: its body was checked for the one it names.
      if (REDIRECTS.includes(response.status) && location && method !== 'POST') {
        redirects.push(request.url);
        if (redirects.length > MAX_REDIRECTS) {
          failed++;
          throw new CollectError('rejected', `too many redirects (more than ${MAX_REDIRECTS}) from ${opts.redactor.url(redirects[0])}`, { status: response.status, evidence: id });
        }
        const next = new URL(location, request.url);
        if (origin && next.origin !== origin) {
          failed++;
          const err = foreign(next, request.url);
          throw new CollectError(err.kind, err.message, { ...err.detail, status: response.status, evidence: id });
        }
        request = new Request(next, { method, headers: request.headers });
        continue;
      }
      return answered(request, answer, key ? { key, entry } : undefined);
    }
  };

  /**
   * The answer handed to the SDK: JSON checked (and parsed once), a 304 turned into the cached 200
   * it confirmed, a fresh 200 kept in the cache (under its validators, or the caller's watermark).
   */
  const answered = (request: Request, answer: { response: Response; body: Buffer; id: string; sha256?: string }, caching?: { key: string; entry?: CachedAnswer; watermark?: string }): Response => {
      const { response, body, id, sha256 } = answer;
      const method = request.method.toUpperCase();
      const entry = caching?.entry;
      const key = caching?.key;
      const where = `${method} ${opts.redactor.url(request.url)}`;
      // An SDK asking for JSON and given an HTML page (a login portal, a proxy's error page) would
      // otherwise trip over it with a TypeError; say what came back instead.
      const type = response.headers.get('content-type') ?? '';
      const wantsJson = /json/i.test(request.headers.get('accept') ?? '');
      const revalidated = entry !== undefined && response.status === 304;
      // The body the caller gets: for a 304, the cached 200 it confirmed.
      const given = revalidated ? entry.body : body;
      const givenStatus = revalidated ? entry.status : response.status;
      // Parsed once, here, to check it is JSON; the value is handed on with the answer (parsedJsonOf) so the SDK need not parse it again.
      let parsed: { value: unknown } | undefined;
      if (wantsJson && givenStatus >= 200 && givenStatus < 300 && (method === 'GET' || method === 'POST') && givenStatus !== 204) {
        const givenType = revalidated ? (entry.headers['content-type'] ?? type) : type;
        const checked = /json/i.test(givenType) ? parseJson(given) : { problem: `got ${givenType.split(';')[0].trim() || 'a body without a content type'}` };
        if ('problem' in checked) {
          failed++;
          throw new CollectError('malformed', `malformed response from ${where}: expected JSON, ${checked.problem} (HTTP ${givenStatus}, ${given.length} bytes)`, { url: where, status: givenStatus, evidence: id });
        }
        parsed = checked.parsed;
      }
      if (revalidated) {
        const headers = new Headers(revalidatedHeaders(entry, Object.fromEntries(response.headers)));
        headers.set(EVIDENCE_HEADER, id);
        headers.set(REVALIDATED_HEADER, entry.storedAt);
        headers.set(DIGEST_HEADER, entry.sha256);
        return withParsed(withUrl(new Response(view(entry.body), { status: entry.status, statusText: 'OK (not modified, from cache)', headers }), request.url), parsed);
      }
      if (key && response.status === 200) {
        // A GraphQL answer with errors is a failure to read, not an answer to keep.
        const failedQuery = caching?.watermark !== undefined && (parsed === undefined || (parsed.value as { errors?: unknown } | null)?.errors !== undefined);
        if (!failedQuery) cache!.store(key, { status: 200, headers: Object.fromEntries(response.headers), body, sha256 }, new Date(), caching?.watermark);
      }
      const headers = new Headers(response.headers);
      headers.set(EVIDENCE_HEADER, id);
      if (sha256) headers.set(DIGEST_HEADER, sha256);
      const nullBody = [101, 204, 205, 304].includes(response.status) || method === 'HEAD';
      const out = new Response(nullBody ? null : view(body), { status: response.status, statusText: response.statusText, headers });
      return withParsed(withUrl(out, request.url), nullBody ? undefined : parsed);
  };

  /** A GraphQL answer kept under the watermark the caller gives again: no request, one evidence record saying why. */
  const reuse = (request: Request, entry: CachedAnswer, reason: string): Response => {
    const rec = recordExchange({
      method: request.method, url: request.url, status: entry.status, attempt: 1, startedAt: Date.now(),
      body: entry.body, sha256: entry.sha256, revalidatedFrom: entry.storedAt, reusedBecause: reason,
    });
    const checked = parseJson(entry.body);
    const headers = new Headers(entry.headers);
    headers.set(EVIDENCE_HEADER, rec.id);
    headers.set(REUSED_HEADER, entry.storedAt);
    headers.set(DIGEST_HEADER, entry.sha256);
    return withParsed(withUrl(new Response(view(entry.body), { status: entry.status, statusText: 'OK (reused from cache, no request)', headers }), request.url), 'parsed' in checked ? checked.parsed : undefined);
  };
  Object.defineProperty(recording, 'failedCount', { get: () => failed });
  return Object.defineProperty(recording, 'requestCount', { get: () => count }) as unknown as RecordingFetch;
}

/** SDKs read response.url (Octokit's paginate does); a constructed Response has none. */
function withUrl(response: Response, url: string): Response {
  Object.defineProperty(response, 'url', { value: url });
  return response;
}

/** Why a POST is not a read this fetch allows, or undefined when it is. */
function postRefusal(requestUrl: string, text: string, reads: PostReads | undefined, origin: string | undefined): string | undefined {
  const url = requestUrl.split('?')[0].split('#')[0];
  if (origin && new URL(url).origin !== origin) return 'collectors only read, and POST only to the configured host';
  if (reads?.graphql && url === reads.graphql) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return 'a GraphQL request whose body is not JSON';
    }
    const query = (body as { query?: unknown } | null)?.query;
    if (typeof query !== 'string') return 'a GraphQL request without a query document';
    return graphqlWriteOperation(query);
  }
  if (reads?.tokenExchange?.(url)) return undefined;
  return 'collectors only read (POST is allowed only for GraphQL queries and token exchanges on the configured host)';
}

/**
 * Why a GraphQL document is not read-only: a `mutation` or `subscription` operation among its
 * top-level definitions (strings and comments skipped, so a field or argument named so does not count).
 */
export function graphqlWriteOperation(document: string): string | undefined {
  const text = document
    .replace(/"""[\s\S]*?"""/g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"/g, ' ')
    .replace(/#[^\n\r]*/g, ' ');
  // At the top level only operation types, names, `fragment … on Type` and directives occur:
  // any `mutation` or `subscription` there is an operation of that type (or, harmlessly refused,
  // an operation so named).
  let depth = 0;
  for (const token of text.match(/[{}()]|[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
    if (token === '{' || token === '(') depth++;
    else if (token === '}' || token === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (token === 'mutation' || token === 'subscription')) {
      return `the GraphQL document holds a ${token}, and collectors only read (queries only)`;
    }
  }
  return undefined;
}

/** A body that says it is JSON, parsed; or why it is not JSON. Empty is no value (octokit reads an empty 2xx body as no data). */
function parseJson(body: Buffer): { parsed?: { value: unknown } } | { problem: string } {
  if (body.length === 0) return {};
  try {
    return { parsed: { value: parseJsonBody(body) } };
  } catch (err) {
    return { problem: `got invalid JSON (${(err as Error).message})` };
  }
}

/**
 * A Response's body of the bytes read, without a copy: a Response built from a Uint8Array copies
 * it at once, while a stream hands the Buffer over only if someone reads it (an SDK that takes the
 * value from parsedJsonOf never does).
 */
function view(body: Buffer): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (body.length) controller.enqueue(new Uint8Array(body.buffer, body.byteOffset, body.length));
      controller.close();
    },
  });
}

/**
 * The JSON value of an answer's body, parsed once by the recording fetch, by the body's stream: an
 * SDK that is handed the stream rather than the Response (Octokit with parseSuccessResponseBody
 * off) finds it there, and a Response rebuilt around the same stream (a retry wrapper) keeps it.
 * Weak: a value nobody asks for goes with its stream.
 */
const parsedBodies = new WeakMap<object, { value: unknown }>();

function withParsed(response: Response, parsed: { value: unknown } | undefined): Response {
  if (parsed && response.body) parsedBodies.set(response.body, parsed);
  return response;
}

/**
 * The body of an answer of this fetch, already parsed (`{ value }`), given the Response or its
 * body stream; undefined when it was not JSON asked for as JSON, or the stream was read (the value
 * goes with the first reader, so a body is never taken twice).
 */
export function parsedJsonOf(body: Response | ReadableStream | null | undefined): { value: unknown } | undefined {
  const stream = body instanceof Response ? body.body : body;
  if (!stream || (stream as ReadableStream).locked) return undefined;
  return parsedBodies.get(stream);
}
