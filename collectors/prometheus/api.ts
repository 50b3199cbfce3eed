import { z } from 'zod';
import type { HttpClient } from '../../src/http/client.js';
import { CollectError } from '../../src/http/errors.js';
import { values } from '../../src/http/json-stream.js';

/**
 * The Prometheus HTTP API, read through the shared client. Each schema lists only the fields
 * the collector reads, so a new Prometheus version that adds fields still parses.
 */

export const buildInfoSchema = z.object({ version: z.string() });

export const configSchema = z.object({ yaml: z.string() });

export const flagsSchema = z.record(z.string(), z.string());

export const runtimeInfoSchema = z.object({ storageRetention: z.string().optional() });

export const tsdbSchema = z.object({ headStats: z.object({ numSeries: z.number() }) });

const targetSchema = z.object({
  scrapePool: z.string().optional(),
  scrapeUrl: z.string().optional(),
  labels: z.record(z.string(), z.string()).default({}),
  health: z.string(),
});

export const targetsSchema = z.object({ activeTargets: z.array(targetSchema) });

const ruleSchema = z.object({
  type: z.string(),
  name: z.string(),
  query: z.string(),
  health: z.string().optional(),
  lastError: z.string().optional(),
  // alerting rules only
  duration: z.number().optional(),
  labels: z.record(z.string(), z.string()).nullish(),
  annotations: z.record(z.string(), z.string()).nullish(),
  alerts: z.array(z.object({ state: z.string() })).nullish(),
});

const ruleGroupSchema = z.object({
  name: z.string(),
  // absent before Prometheus 2.x added them; the signals that need them say so
  interval: z.number().optional(),
  evaluationTime: z.number().optional(),
  rules: z.array(ruleSchema),
});

export const rulesSchema = z.object({ groups: z.array(ruleGroupSchema) });

export const alertmanagersSchema = z.object({ activeAlertmanagers: z.array(z.object({ url: z.string() })) });

const sampleSchema = z.object({
  metric: z.record(z.string(), z.string()),
  value: z.tuple([z.number(), z.string()]),
});

export const vectorSchema = z.object({ resultType: z.literal('vector'), result: z.array(sampleSchema) });

export type BuildInfo = z.infer<typeof buildInfoSchema>;
export type RunningConfig = z.infer<typeof configSchema>;
export type Flags = z.infer<typeof flagsSchema>;
export type RuntimeInfo = z.infer<typeof runtimeInfoSchema>;
export type TsdbStatus = z.infer<typeof tsdbSchema>;
export type Rules = z.infer<typeof rulesSchema>;
export type Rule = Rules['groups'][number]['rules'][number];
export type Targets = z.infer<typeof targetsSchema>;
export type Alertmanagers = z.infer<typeof alertmanagersSchema>;
export type Sample = { metric: Record<string, string>; value: number };

/** A parsed answer and the evidence of the request that produced it: what the kit's `attemptRead` settles. */
export type Answer<T> = Promise<{ data: T; evidence: string[] }>;

/** Prometheus wraps every answer: `{status: "success", data}` or `{status: "error", errorType, error}`. */
function envelope<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('status', [
    z.object({ status: z.literal('success'), data, warnings: z.array(z.string()).optional() }),
    z.object({ status: z.literal('error'), errorType: z.string().default('unknown'), error: z.string().default('') }),
  ]);
}

/**
 * Prometheus reports a bad query as HTTP 400 (bad_data) and a failed evaluation as 422
 * (execution), both with a JSON body naming the problem; those are read here so the reason
 * carries the server's own words. 5xx (503 timeout or not ready) is left to the client, which
 * retries it and quotes the body.
 */
const API_ERROR_STATUSES = [400, 422];

export class PrometheusApi {
  constructor(
    private readonly http: HttpClient,
    private readonly evaluationTime: Date,
  ) {}

  buildInfo = (): Answer<BuildInfo> => this.get('/api/v1/status/buildinfo', buildInfoSchema);
  config = (): Answer<RunningConfig> => this.get('/api/v1/status/config', configSchema);
  flags = (): Answer<Flags> => this.get('/api/v1/status/flags', flagsSchema);
  runtimeInfo = (): Answer<RuntimeInfo> => this.get('/api/v1/status/runtimeinfo', runtimeInfoSchema);
  tsdb = (): Answer<TsdbStatus> => this.get('/api/v1/status/tsdb', tsdbSchema);
  // Both grow with what the server scrapes and evaluates (4.4 and 1.9 MiB at the benchmark's
  // x100): read one target, one rule group at a time.
  activeTargets = async (): Answer<Targets> => {
    const { items: activeTargets, evidence } = await this.getEach('/api/v1/targets', { state: 'active' }, 'activeTargets', targetSchema);
    return { data: { activeTargets }, evidence };
  };
  rules = async (): Answer<Rules> => {
    const { items: groups, evidence } = await this.getEach('/api/v1/rules', undefined, 'groups', ruleGroupSchema);
    return { data: { groups }, evidence };
  };
  alertmanagers = (): Answer<Alertmanagers> => this.get('/api/v1/alertmanagers', alertmanagersSchema);

  private async get<T extends z.ZodType>(path: string, schema: T, params?: Record<string, string>): Answer<z.infer<T>> {
    const res = await this.http.getJson(path, envelope(schema), { params, acceptStatus: API_ERROR_STATUSES });
    const body = res.data as { status: 'success'; data: z.infer<T> } | { status: 'error'; errorType: string; error: string };
    if (body.status === 'error') {
      throw answeredError(path, params, res, body);
    }
    return { data: body.data, evidence: [res.evidence] };
  }

  /**
   * A list in `data` read item by item (src/http/json-stream.ts) within the same envelope as
   * `get`: the list must be there when the status is success; an error answer says why.
   */
  private async getEach<T>(path: string, params: Record<string, string> | undefined, list: string, item: z.ZodType<T>): Promise<{ items: T[]; evidence: string[] }> {
    let status: 'success' | 'error' | undefined;
    let errorType = 'unknown';
    let error = '';
    let items: T[] = [];
    // what one attempt read, afresh for each: a body cut off midway is read again from its start
    const res = await this.http.getJsonValues(path, () => {
      status = undefined;
      errorType = 'unknown';
      error = '';
      items = [];
      return [
        values('$.status', z.enum(['success', 'error']), (v) => { status = v; }, { required: true }),
        values('$.errorType', z.string(), (v) => { errorType = v; }),
        values('$.error', z.string(), (v) => { error = v; }),
        values(`$.data.${list}.*`, item, (v) => items.push(v), { required: () => status === 'success' }),
      ];
    }, { params, acceptStatus: API_ERROR_STATUSES });
    if (status === 'error') {
      throw answeredError(path, params, res, { errorType, error });
    }
    return { items, evidence: [res.evidence] };
  }

  /** An instant query at the end of the scan window, so every query sees the same moment. */
  async query(expr: string): Answer<Sample[]> {
    const time = (this.evaluationTime.getTime() / 1000).toFixed(3);
    const res = await this.get('/api/v1/query', vectorSchema, { query: expr, time });
    return {
      data: res.data.result.map((s) => ({ metric: s.metric, value: parseSampleValue(s.value[1]) })),
      evidence: res.evidence,
    };
  }
}

/** Prometheus's own `{status: "error"}` answer, in its words. */
function answeredError(path: string, params: Record<string, string> | undefined, res: { status: number; evidence: string }, body: { errorType: string; error: string }): CollectError {
  return new CollectError('rejected', `Prometheus answered ${describe(path, params)} with an error (HTTP ${res.status}, ${body.errorType}): ${body.error}`, {
    url: path, status: res.status, evidence: res.evidence,
  });
}

function describe(path: string, params?: Record<string, string>): string {
  if (!params?.query) return `GET ${path}`;
  const q = params.query.length > 120 ? params.query.slice(0, 117) + '...' : params.query;
  return `the query ${JSON.stringify(q)}`;
}

/** Sample values are strings so that NaN and ±Inf survive JSON. */
export function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}
