import { z } from 'zod';
import type { Collector } from '../../src/collector/types.js';
import type { SignalDeclaration } from '../../src/signals/types.js';

/**
 * A collector registered by tests: it reads `{signals: {id: value}}` from a URL (a loopback
 * server or nock) and emits the declared signals found there, so end-to-end tests run the
 * real harness, HTTP client and evidence log.
 */
export const FIXTURE_SIGNALS: SignalDeclaration[] = [
  { id: 'fixture.alerts.count', type: 'number', unit: 'count', description: 'Alerting rules', aggregation: 'sum' },
  { id: 'fixture.channels.count', type: 'number', unit: 'count', description: 'Alert channels', aggregation: 'max' },
  { id: 'fixture.severity.ratio', type: 'ratio', description: 'Rules with a severity label', aggregation: 'min' },
  { id: 'fixture.grouping.enabled', type: 'boolean', description: 'Alerts are grouped', aggregation: 'any' },
  { id: 'fixture.deploys.count', type: 'number', unit: 'count', description: 'Deployments', aggregation: 'sum' },
  { id: 'fixture.deploys.success_ratio', type: 'ratio', description: 'Deployment success', aggregation: 'min' },
];

const payload = z.object({
  signals: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
  /** Optional objects and notes per signal, passed to `emit` as a collector would. */
  annotations: z.record(z.string(), z.object({ objects: z.object({ total: z.number(), sample: z.array(z.string()) }).optional(), notes: z.array(z.string()).optional() })).optional(),
});

export const fixtureCollector: Collector<{ url: string; token?: string }> = {
  id: 'fixture',
  description: 'Test collector reading signal values from a JSON document',
  signals: FIXTURE_SIGNALS,
  configSchema: z.object({ url: z.string().url(), token: z.string().optional() }).strict(),
  async collect(ctx) {
    const url = new URL(ctx.config.url);
    const http = ctx.http({ baseURL: url.origin, auth: ctx.config.token ? { bearer: ctx.config.token } : undefined });
    const res = await http.getJson(url.pathname + url.search, payload);
    for (const decl of FIXTURE_SIGNALS) {
      const v = res.data.signals[decl.id];
      const extra = res.data.annotations?.[decl.id];
      if (v !== undefined) ctx.emit(decl.id, v, [res.evidence], extra);
    }
  },
};
