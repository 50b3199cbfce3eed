import type { z } from 'zod';
import { readAbsent, readOk, type Read } from '../../../src/collector/kit.js';
import { errorMessage } from '../../../src/errors.js';
import type { HttpClient, HttpResponse } from '../../../src/http/client.js';
import { CollectError, isCollectError } from '../../../src/http/errors.js';
import { formatIssues } from '../../../src/zod-path.js';
import { listSchema, resourceListSchema, statusSchema } from '../api.js';
import { apiPrefix, qualified, type ApiResource } from './resources.js';

export interface Scope {
  /** Namespaces named in the config; undefined = all. */
  namespaces?: readonly string[];
  exclude: ReadonlySet<string>;
}

type Served = { status: 'served'; resources: Set<string>; evidence: string } | { status: 'not_served'; evidence: string } | { status: 'failed'; reason: string; evidence: string[] };

const ERROR_STATUSES = [403, 404, 410];

/**
 * Reads the Kubernetes API through the shared HTTP client: discovery of CRD group/versions,
 * lists page by page (limit + continue, each page folded as it arrives and then dropped), and
 * single GETs. Failures become failed (or absent) reads for the caller's sources; only a passed deadline is
 * thrown.
 */
export class KubeReader {
  private readonly discovery = new Map<string, Promise<Served>>();

  constructor(
    private readonly http: HttpClient,
    private readonly baseURL: string,
    private readonly pageSize: number,
    readonly scope: Scope,
  ) {}

  inScope(namespace: string | undefined): boolean {
    if (namespace === undefined) return true;
    if (this.scope.exclude.has(namespace)) return false;
    return !this.scope.namespaces || this.scope.namespaces.includes(namespace);
  }

  /** The namespaces listed one by one (when the config names them), excluded ones left out. */
  listedNamespaces(): string[] | undefined {
    return this.scope.namespaces?.filter((ns) => !this.scope.exclude.has(ns));
  }

  /** Which version of a resource the server serves, or why none. Built-in resources are not looked up. */
  async locate(r: ApiResource): Promise<Read<string>> {
    if (r.builtin) return readOk(r.versions[0], []);
    const evidence: string[] = [];
    const notServed: string[] = [];
    const without: string[] = [];
    for (const version of r.versions) {
      const served = await this.discover(r.group, version);
      if (served.status === 'failed') return { status: 'failed', reason: served.reason, evidence: [...evidence, ...served.evidence] };
      evidence.push(served.evidence);
      if (served.status === 'served' && served.resources.has(r.resource)) return readOk(version, evidence);
      if (served.status === 'served') without.push(`${r.group}/${version} is served without ${r.resource}`);
      else notServed.push(apiPrefix(r.group, version));
    }
    const why = [...(notServed.length ? [`GET ${notServed.join(', ')}: HTTP 404`] : []), ...without].join('; ');
    return readAbsent(`${r.group}/${r.versions.join(', ')} ${r.resource} is not installed (${why})`, evidence);
  }

  private discover(group: string, version: string): Promise<Served> {
    const key = `${group}/${version}`;
    let p = this.discovery.get(key);
    if (!p) {
      p = this.fetchDiscovery(group, version);
      this.discovery.set(key, p);
    }
    return p;
  }

  private async fetchDiscovery(group: string, version: string): Promise<Served> {
    const path = apiPrefix(group, version);
    try {
      const res = await this.http.getText(path, { acceptStatus: ERROR_STATUSES });
      if (res.status === 404) return { status: 'not_served', evidence: res.evidence };
      if (res.status !== 200) return { status: 'failed', reason: `${res.status === 403 ? 'permission denied' : 'refused'}: get ${path} (HTTP ${res.status}: ${statusMessage(res.data)})`, evidence: [res.evidence] };
      const doc = this.parse(res, resourceListSchema, path);
      return { status: 'served', resources: new Set(doc.resources.map((x) => x.name)), evidence: res.evidence };
    } catch (err) {
      return { status: 'failed', reason: failure(err), evidence: evidenceOf(err) };
    }
  }

  /**
   * Lists a resource in scope and folds every item into an accumulator, page by page. `fold` is
   * told whether the item's namespace is in scope (cluster-wide lists return every namespace).
   * A 410 Gone (the continue token expired) restarts the list once from a fresh accumulator.
   */
  async list<T extends z.ZodType, A>(
    r: ApiResource,
    item: T,
    init: () => A,
    fold: (acc: A, item: z.infer<T>, inScope: boolean) => void,
  ): Promise<Read<A>> {
    const located = await this.locate(r);
    if (located.status !== 'ok') return located;
    const version = located.data;
    const evidence = [...located.evidence];
    const prefix = apiPrefix(r.group, version);
    const perNamespace = r.namespaced && !r.allNamespaces ? this.listedNamespaces() : undefined;
    const targets = perNamespace ? perNamespace.map((ns) => ({ ns, path: `${prefix}/namespaces/${ns}/${r.resource}` })) : [{ ns: undefined, path: `${prefix}/${r.resource}` }];
    const schema = listSchema(item);
    const what = qualified(r);

    let restarted = false;
    attempt: for (;;) {
      const acc = init();
      for (const target of targets) {
        const where = target.ns ? ` in namespace ${target.ns}` : '';
        let token: string | undefined;
        const seen = new Set<string>();
        for (;;) {
          let res: HttpResponse<string>;
          try {
            res = await this.http.getText(target.path, { params: { limit: this.pageSize, continue: token }, acceptStatus: ERROR_STATUSES });
          } catch (err) {
            return { status: 'failed', reason: `list ${what}${where}: ${failure(err)}`, evidence: [...evidence, ...evidenceOf(err)] };
          }
          evidence.push(res.evidence);
          if (res.status === 410) {
            if (!restarted) {
              restarted = true;
              continue attempt;
            }
            return { status: 'failed', reason: `list ${what}${where}: the continue token expired again after a restart (HTTP 410: ${statusMessage(res.data)})`, evidence };
          }
          if (res.status === 403) return { status: 'failed', reason: `permission denied: list ${what}${where} (HTTP 403: ${statusMessage(res.data)})`, evidence };
          if (res.status === 404) {
            const reason = `GET ${target.path}: HTTP 404 (${statusMessage(res.data)})`;
            if (r.builtin) return { status: 'failed', reason: `list ${what}: this API server does not serve ${r.group}/${version} (${reason}); techops needs Kubernetes 1.23 or later`, evidence };
            return readAbsent(`${r.group}/${version} ${r.resource} is not installed (${reason})`, evidence);
          }
          let page: z.infer<typeof schema>;
          try {
            page = this.parse(res, schema, target.path, { limit: this.pageSize, continue: token });
          } catch (err) {
            return { status: 'failed', reason: `list ${what}${where}: ${failure(err)}`, evidence };
          }
          for (const it of page.items as z.infer<T>[]) {
            const ns = (it as { metadata?: { namespace?: string } }).metadata?.namespace;
            fold(acc, it, !r.namespaced || r.allNamespaces === true || this.inScope(ns));
          }
          token = page.metadata.continue || undefined;
          if (!token) break;
          if (seen.has(token)) return { status: 'failed', reason: `list ${what}${where}: the server returned the same continue token twice`, evidence };
          seen.add(token);
        }
      }
      return readOk(acc, evidence);
    }
  }

  /** One object; `found: false` on 404. */
  async get<T extends z.ZodType>(path: string, schema: T, what: string): Promise<Read<{ found: true; object: z.infer<T> } | { found: false }>> {
    let res: HttpResponse<string>;
    try {
      res = await this.http.getText(path, { acceptStatus: [403, 404] });
    } catch (err) {
      return { status: 'failed', reason: `get ${what}: ${failure(err)}`, evidence: evidenceOf(err) };
    }
    if (res.status === 404) return readOk({ found: false }, [res.evidence]);
    if (res.status === 403) return { status: 'failed', reason: `permission denied: get ${what} (HTTP 403: ${statusMessage(res.data)})`, evidence: [res.evidence] };
    try {
      return readOk({ found: true, object: this.parse(res, schema, path) }, [res.evidence]);
    } catch (err) {
      return { status: 'failed', reason: `get ${what}: ${failure(err)}`, evidence: [res.evidence] };
    }
  }

  private parse<T extends z.ZodType>(res: HttpResponse<string>, schema: T, path: string, params?: Record<string, string | number | undefined>): z.infer<T> {
    const where = `GET ${this.url(path, params)}`;
    const type = res.headers['content-type'];
    if (type && /html/i.test(type)) {
      throw new CollectError('malformed', `malformed response from ${where}: expected JSON, got ${type.split(';')[0].trim()} (HTTP ${res.status}, ${Buffer.byteLength(res.data)} bytes)`, {
        url: where, status: res.status, evidence: res.evidence,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(res.data);
    } catch (err) {
      throw new CollectError('malformed', `invalid JSON from ${where} (HTTP ${res.status}, ${Buffer.byteLength(res.data)} bytes): ${(err as Error).message}`, {
        url: where, status: res.status, evidence: res.evidence,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new CollectError('malformed', `unexpected response from ${where}: ${formatIssues(parsed.error).slice(0, 3).join('; ')}`, { url: where, status: res.status, evidence: res.evidence });
    }
    return parsed.data;
  }

  private url(path: string, params?: Record<string, string | number | undefined>): string {
    const u = new URL(this.baseURL.replace(/\/+$/, '') + path);
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }
}

/** The message of a Status body, else the body's start. */
export function statusMessage(body: string): string {
  try {
    const s = statusSchema.safeParse(JSON.parse(body));
    if (s.success && s.data.message) return s.data.message;
  } catch {
    // not JSON: fall through to the text
  }
  const text = body.replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, 300) : 'no body';
}

/** A failure's message; a passed deadline is rethrown (the harness ends the collection). */
function failure(err: unknown): string {
  if (isCollectError(err, 'aborted')) throw err;
  return errorMessage(err);
}

function evidenceOf(err: unknown): string[] {
  return isCollectError(err) && err.detail.evidence ? [err.detail.evidence] : [];
}
