import type { Octokit as CoreOctokit } from '@octokit/core';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { z } from 'zod';
import type { CollectContext } from '../../src/collector/types.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import { DIGEST_HEADER, EVIDENCE_HEADER, parsedJsonOf, REUSED_HEADER, REVALIDATED_HEADER, WATERMARK_HEADER, WATERMARK_REASON_HEADER, WATERMARK_REFRESH_HEADER } from '../../src/http/recording-fetch.js';
import type { GithubConfig } from './config.js';
import { classifyError, FatalGithubError, malformed, parse } from './errors.js';
import { retryingFetch } from './retry.js';

/**
 * The one way this collector talks to GitHub: @octokit/rest over the core's recording fetch
 * (read-only, budgeted, every attempt recorded as evidence; POST only for GraphQL queries), with
 * retry.ts for the primary and secondary rate limits, 5xx and connection errors; GETs are
 * conditional against the core's cache (an answer revalidated by a 304 carries REVALIDATED_HEADER);
 * every failure classified once (errors.ts) into a CollectError naming the request. Each call
 * returns the parsed data with the ids of the evidence records it came from, or throws.
 */



/**
 * What a request gave: its parsed data, the evidence ids of every answer it took, and the SHA-256
 * of each answer's body (what a GraphQL answer that depends on them is kept under: `Reuse`).
 */
type Answered<T> = { data: T; evidence: string[]; digests: string[] };

/**
 * A GraphQL query whose answer may be reused without a request while `watermark` (computed from
 * the bodies of the validated REST answers it depends on, or a constant for what cannot change)
 * is the same as when it was stored; `why` says so in the evidence.
 */
export interface Reuse {
  watermark: string;
  why: string;
  /** A reused answer this refuses (one that names something that may yet come to exist) is asked for again. */
  holds?: (data: unknown) => boolean;
}

export interface GithubApiStats {
  /** Answers revalidated by a 304 Not Modified and served from the core's cache. */
  notModified: number;
  /** GraphQL queries answered, the points they cost and the GraphQL quota left after the last one. */
  graphql: { queries: number; cost: number; remaining?: number; resetAt?: string };
  /** The evidence of the latest answer for each URL, for failures octokit reports without the response. */
  evidenceByUrl: Map<string, string>;
  /** Answers received (any status). */
  requests: number;
  /** GraphQL answers reused from the cache without a request (their watermark unchanged). */
  reused: number;
}

/**
 * The next page's URL, or a paging loop named: a next link to a page already read would make
 * octokit.paginate go round until the request budget is spent.
 */
function nextPage(link: unknown, seen: Set<string>, where: string, evidence: string | undefined): string | undefined {
  const next = nextLink(link);
  if (next === undefined) return undefined;
  const key = normalUrl(next);
  if (seen.has(key)) throw new CollectError('malformed', `paging loop: ${where} has a next link to a page already read (${next}); the list cannot be read whole`, { evidence });
  seen.add(key);
  return next;
}

/** The next page's URL from a Link header. */
function nextLink(link: unknown): string | undefined {
  return typeof link === 'string' ? /<([^<>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}

export class GithubApi {
  readonly octokit: InstanceType<ReturnType<typeof makeOctokitClass>>;
  readonly stats: GithubApiStats = { notModified: 0, graphql: { queries: 0, cost: 0 }, evidenceByUrl: new Map(), requests: 0, reused: 0 };

  /** GitHub's GraphQL endpoint: /graphql on github.com, /api/graphql on Enterprise Server (whose REST root is /api/v3). */
  readonly graphqlUrl: string;

  constructor(ctx: CollectContext<GithubConfig>) {
    const { config } = ctx;
    const root = config.api_url.replace(/\/+$/, '');
    this.graphqlUrl = /\/api\/v3$/.test(root) ? root.replace(/\/api\/v3$/, '/api/graphql') : `${root}/graphql`;
    const maxWait = config.max_rate_limit_wait;
    const log = ctx.log;
    const OctokitClass = makeOctokitClass();
    // A GitHub App: @octokit/auth-app signs a JWT with the private key, exchanges it for an
    // installation token (POST /app/installations/{id}/access_tokens, the one other POST the core's
    // fetch allows, on the configured host only) and renews it before it expires.
    const app = config.app_id !== undefined && config.private_key && config.installation_id !== undefined
      ? { authStrategy: createAppAuth, auth: { appId: config.app_id, privateKey: config.private_key, installationId: config.installation_id } }
      : { auth: config.token };
    const exchangeUrl = `${root}/app/installations/${config.installation_id}/access_tokens`;
    this.octokit = new OctokitClass({
      ...app,
      baseUrl: config.api_url.replace(/\/+$/, ''),
      userAgent: 'techops-github-collector',
      headers: { 'x-github-api-version': '2022-11-28' },
      // No `signal` here: the core's fetch already aborts on the collector's deadline, and a signal
      // on every Request would hang one abort listener per request on it until garbage collection.
      request: { fetch: this.noteEvidence(retryingFetch(ctx.fetch({ baseURL: config.api_url, reads: { graphql: this.graphqlUrl, tokenExchange: app.authStrategy ? (url) => url === exchangeUrl : undefined } }), { maxWaitSeconds: maxWait, log, signal: ctx.signal })) },
      log: { debug: () => {}, info: () => {}, warn: (message: string) => log.debug('octokit warning', { message }), error: () => {} },
    });
    this.maxWait = maxWait;
  }

  private readonly maxWait: number;

  private noteEvidence(inner: typeof fetch): typeof fetch {
    return async (input, init) => {
      const response = await inner(input, init);
      this.stats.requests++;
      if (response.headers.has(REVALIDATED_HEADER)) this.stats.notModified++;
      if (response.headers.has(REUSED_HEADER)) this.stats.reused++;
      const id = response.headers.get(EVIDENCE_HEADER);
      if (id) this.stats.evidenceByUrl.set(normalUrl(response.url || String(input instanceof Request ? input.url : input)), id);
      return response;
    };
  }

  private evidenceOf(headers: Record<string, string | number | undefined>): string | undefined {
    const id = headers[EVIDENCE_HEADER];
    return typeof id === 'string' ? id : undefined;
  }

  private digestOf(headers: Record<string, string | number | undefined>): string[] {
    const digest = headers[DIGEST_HEADER];
    return typeof digest === 'string' ? [digest] : [];
  }

  /** One GET, its body parsed with `schema`. */
  async get<T>(route: string, params: Record<string, string | number>, schema: z.ZodType<T>): Promise<Answered<T>> {
    const where = describe(route, params);
    let response;
    try {
      response = await this.octokit.request(route, params);
    } catch (err) {
      throw this.classify(err, where);
    }
    const evidence = this.evidenceOf(response.headers);
    return { data: parse(schema, response.data, where, evidence), evidence: evidence ? [evidence] : [], digests: this.digestOf(response.headers) };
  }

  /**
   * Every page of a list (octokit.paginate follows the Link headers), each parsed with
   * `item`. `stop(page)` ends the paging after a page: for lists the API sorts newest first,
   * once a page reaches past the window's start.
   */
  async list<T>(route: string, params: Record<string, string | number>, item: z.ZodType<T>, stop?: (page: T[]) => boolean): Promise<Answered<T[]>> {
    const where = describe(route, params);
    const items: T[] = [];
    const evidence: string[] = [];
    const digests: string[] = [];
    const all = { per_page: 100, ...params };
    let url = this.octokit.request.endpoint(route, all).url;
    const seen = new Set([normalUrl(url)]);
    try {
      for await (const response of this.octokit.paginate.iterator(route, all)) {
        const id = this.evidenceOf(response.headers as Record<string, string | undefined>);
        if (id) evidence.push(id);
        digests.push(...this.digestOf(response.headers as Record<string, string | undefined>));
        const data: unknown = response.data;
        if (!Array.isArray(data)) throw malformed(where, 'expected a list', id);
        const page = data.map((x, i) => parse(item, x, `${where} (item ${i})`, id));
        items.push(...page);
        if (stop?.(page)) break;
        url = nextPage(response.headers.link, seen, where, id) ?? url;
      }
    } catch (err) {
      throw this.classify(err, where, url);
    }
    return { data: items, evidence, digests };
  }

  /**
   * Every page of a response that is an object rather than a list (a comparison's commits),
   * each parsed with `schema`; octokit.paginate follows the Link header, or for comparisons
   * total_commits.
   */
  async pages<T>(route: string, params: Record<string, string | number>, schema: z.ZodType<T>): Promise<Answered<T[]>> {
    const where = describe(route, params);
    const data: T[] = [];
    const evidence: string[] = [];
    const digests: string[] = [];
    let url = this.octokit.request.endpoint(route, params).url;
    const seen = new Set([normalUrl(url)]);
    try {
      for await (const response of this.octokit.paginate.iterator(route, params)) {
        const id = this.evidenceOf(response.headers as Record<string, string | undefined>);
        if (id) evidence.push(id);
        digests.push(...this.digestOf(response.headers as Record<string, string | undefined>));
        data.push(parse(schema, response.data, where, id));
        url = nextPage(response.headers.link, seen, where, id) ?? url;
      }
    } catch (err) {
      throw this.classify(err, where, url);
    }
    return { data, evidence, digests };
  }

  /**
   * One GraphQL query (POST, which the core's fetch allows only for `query` documents to
   * graphqlUrl), its `data` parsed with `schema`. An answer with `errors` fails as a whole
   * (RATE_LIMITED stops the collection, as a spent REST quota does); `rateLimit` is counted.
   */
  async graphql<T>(name: string, query: string, variables: Record<string, unknown>, schema: z.ZodType<T>, reuse?: Reuse, refresh = false): Promise<Answered<T>> {
    const where = `POST ${new URL(this.graphqlUrl).pathname} (${name})`;
    let response;
    try {
      const headers = reuse ? { [WATERMARK_HEADER]: reuse.watermark, [WATERMARK_REASON_HEADER]: reuse.why, ...(refresh ? { [WATERMARK_REFRESH_HEADER]: '1' } : {}) } : {};
      response = await this.octokit.request(`POST ${this.graphqlUrl}`, { query, variables, headers });
    } catch (err) {
      throw this.classify(err, where);
    }
    const evidence = this.evidenceOf(response.headers);
    const body = response.data as { data?: unknown; errors?: { type?: string; message?: string; path?: unknown[] }[] } | null;
    const errors = Array.isArray(body?.errors) ? body!.errors : [];
    if (errors.length) {
      const said = errors.slice(0, 3).map((e) => `${e.type ? `${e.type}: ` : ''}${e.message ?? 'no message'}`).join('; ');
      const detail = { status: response.status, evidence };
      if (errors.some((e) => e.type === 'RATE_LIMITED')) {
        const h = response.headers as Record<string, string | undefined>;
        const reset = Number(h['x-ratelimit-reset']);
        const until = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : 'an unknown time';
        throw new FatalGithubError('unavailable', `GitHub GraphQL rate limit exhausted until ${until} at ${where} (GitHub said: ${said})`, detail);
      }
      throw new CollectError('rejected', `${where}: GitHub's GraphQL API answered with errors (${said}${errors.length > 3 ? '; …' : ''})`, detail);
    }
    const data = parse(schema, body?.data, where, evidence);
    const rate = (data as { rateLimit?: { cost: number; remaining: number; resetAt: string } | null }).rateLimit;
    // A reused answer cost nothing now: its rateLimit is of when it was asked.
    const reused = response.headers[REUSED_HEADER] !== undefined;
    if (reused && reuse?.holds && !reuse.holds(data)) return this.graphql(name, query, variables, schema, reuse, true);
    if (!reused) this.stats.graphql.queries++;
    if (rate && !reused) {
      this.stats.graphql.cost += rate.cost;
      this.stats.graphql.remaining = rate.remaining;
      this.stats.graphql.resetAt = rate.resetAt;
    }
    return { data, evidence: evidence ? [evidence] : [], digests: this.digestOf(response.headers) };
  }

  /** Turns whatever a request threw into one CollectError naming the request. */
  classify(err: unknown, where: string, url?: string): CollectError {
    return classifyError(err, where, { maxWait: this.maxWait, url, evidenceOf: (u) => this.stats.evidenceByUrl.get(normalUrl(u)) });
  }
}


function makeOctokitClass() {
  return Octokit.plugin(unretriedFailures, plainJson);
}

/**
 * Success bodies as the core's fetch parsed them (it checks every JSON body), or else parsed with `JSON.parse` instead of Octokit's BigInt-safe parser, which on Node 20
 * (no source text in JSON.parse's reviver) rewrites every body with a regular expression first and
 * revives every value: 6-7 times slower, and one more copy of each body. No integer GitHub sends
 * that this collector reads comes near 2^53 (ids are below 2^40). As Octokit does, a JSON body that
 * does not parse is handed on as its text, and a body of another type as text.
 */
function plainJson(octokit: CoreOctokit) {
  octokit.hook.wrap('request', async (request, options) => {
    // Set on the options object itself: a copy handed to `request` loses the setting (Octokit 22).
    options.request = { ...options.request, parseSuccessResponseBody: false };
    const response = await request(options);
    const body: unknown = response.data;
    if (typeof (body as ReadableStream | null)?.getReader !== 'function') return response;
    // The core's fetch parsed it already, to check it is JSON: that value, not a second parse.
    const parsed = parsedJsonOf(body as ReadableStream);
    if (parsed) return { ...response, data: parsed.value };
    const text = await new Response(body as ReadableStream).text();
    const type = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    let data: unknown = text;
    if (type === 'application/json' || type === 'application/scim+json') {
      try {
        data = text ? JSON.parse(text) : text;
      } catch {
        // handed on as text, as Octokit does: the schema check names it
      }
    }
    return { ...response, data };
  });
  return {};
}

/**
 * Failures of the recording fetch that no retry can cure (request budget spent, deadline passed,
 * body too large, a refused method) come back from octokit as a status-500 RequestError; this
 * hands the original CollectError on instead, so that it is named as what it is.
 */
function unretriedFailures(octokit: CoreOctokit) {
  octokit.hook.error('request', (error: Error) => {
    const cause = (error as { cause?: unknown }).cause;
    if (isCollectError(cause) && cause.kind !== 'unavailable') {
      Object.defineProperty(cause, 'request', { value: {}, enumerable: false, configurable: true });
      throw cause;
    }
    throw error;
  });
  return {};
}



/** "GET /repos/acme/api/deployments" from a route template and its parameters (query left out). */
export function describe(route: string, params: Record<string, string | number>): string {
  return route.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

function normalUrl(url: string): string {
  try {
    return new URL(url).toString();
  } catch {
    return url;
  }
}

