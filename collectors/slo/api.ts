import { z } from 'zod';
import type { HttpClient } from '../../src/http/client.js';
import { CollectError } from '../../src/http/errors.js';

/**
 * The Prometheus HTTP API requests the SLO collector makes (prometheus/prometheus,
 * docs/querying/api.md): instant queries, the rules listing and the metric names. Every answer
 * is wrapped as `{status: "success", data}` or `{status: "error", errorType, error}`.
 */

const sample = z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) });
export const vectorSchema = z.object({ resultType: z.literal('vector'), result: z.array(sample) });

export const rulesSchema = z.object({
  groups: z.array(z.object({
    name: z.string(),
    interval: z.number().optional(),
    rules: z.array(z.object({
      type: z.string(),
      name: z.string(),
      query: z.string(),
      duration: z.number().optional(),
      labels: z.record(z.string(), z.string()).nullish(),
    })),
  })),
});

export const namesSchema = z.array(z.string());

export type Sample = { metric: Record<string, string>; value: number };
export type Rule = z.infer<typeof rulesSchema>['groups'][number]['rules'][number] & { group: string; interval?: number };

function envelope<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('status', [
    z.object({ status: z.literal('success'), data }),
    z.object({ status: z.literal('error'), errorType: z.string().default('unknown'), error: z.string().default('') }),
  ]);
}

/** Sample values are strings so that NaN and ±Inf survive JSON. */
function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

export function sloApi(http: HttpClient, evaluationTime: Date) {
  // Prometheus answers a bad query with 400 and a failed evaluation with 422, each with a JSON body naming why.
  const get = async <T extends z.ZodType>(path: string, schema: T, params?: Record<string, string>): Promise<{ data: z.infer<T>; evidence: string }> => {
    const res = await http.getJson(path, envelope(schema), { params, acceptStatus: [400, 422] });
    const body = res.data as { status: 'success'; data: z.infer<T> } | { status: 'error'; errorType: string; error: string };
    if (body.status === 'error') {
      const what = params?.query ? `the query ${JSON.stringify(params.query.slice(0, 120))}` : `GET ${path}`;
      throw new CollectError('rejected', `Prometheus answered ${what} with an error (HTTP ${res.status}, ${body.errorType}): ${body.error}`, { url: path, status: res.status, evidence: res.evidence });
    }
    return { data: body.data, evidence: res.evidence };
  };
  const time = (evaluationTime.getTime() / 1000).toFixed(3);
  return {
    /** An instant query at the end of the scan window, so every query sees the same moment. */
    query: async (expr: string): Promise<{ data: Sample[]; evidence: string }> => {
      const res = await get('/api/v1/query', vectorSchema, { query: expr, time });
      return { data: res.data.result.map((s) => ({ metric: s.metric, value: sampleValue(s.value[1]) })), evidence: res.evidence };
    },
    rules: async (): Promise<{ data: Rule[]; evidence: string }> => {
      const res = await get('/api/v1/rules', rulesSchema);
      return { data: res.data.groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name, interval: g.interval }))), evidence: res.evidence };
    },
    metricNames: () => get('/api/v1/label/__name__/values', namesSchema),
  };
}

export type SloApi = ReturnType<typeof sloApi>;
