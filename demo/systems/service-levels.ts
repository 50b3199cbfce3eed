import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { reply } from '../http.js';

/**
 * Service levels and user journeys in the sample estate's Prometheus: the series and rules Sloth
 * and Pyrra generate for the shop's SLOs, blackbox probes labelled by journey, and real-user
 * web-vitals histograms. A shop part of the way there: most core journeys probed, some with an
 * SLO, one budget overspent, services without an SLO.
 */

export interface SloModel {
  tool: 'sloth' | 'pyrra';
  service: string;
  name: string;
  objective: number;
  journey?: string;
  /** Sloth: budget left as recorded; Pyrra: availability over the window. */
  budgetRemaining?: number;
  availability?: number;
  periodDays: number;
}

export interface ServiceLevels {
  slos: SloModel[];
  journeys: { journey: string; availability: number; p95: number }[];
  services: string[];
  /** Alerting rules on journeys beside the SLOs' burn-rate alerts. */
  journeyAlerts: { name: string; journey: string }[];
  webVitals: string[];
}

export function generateServiceLevels(): ServiceLevels {
  return {
    slos: [
      { tool: 'sloth', service: 'accounts', name: 'login-availability', objective: 0.999, journey: 'login', budgetRemaining: 0.62, periodDays: 30 },
      { tool: 'sloth', service: 'search', name: 'requests-availability', objective: 0.995, journey: 'search', budgetRemaining: 0.91, periodDays: 30 },
      { tool: 'sloth', service: 'catalog', name: 'requests-latency', objective: 0.99, budgetRemaining: 0.48, periodDays: 30 },
      { tool: 'pyrra', service: 'checkout', name: 'checkout-availability', objective: 0.999, journey: 'checkout', availability: 0.99935, periodDays: 28 },
      { tool: 'pyrra', service: 'payments', name: 'payment-latency', objective: 0.99, journey: 'payment', availability: 0.988, periodDays: 28 },
    ],
    journeys: [
      { journey: 'login', availability: 0.99968, p95: 0.42 },
      { journey: 'search', availability: 0.99991, p95: 0.31 },
      { journey: 'add-to-cart', availability: 0.99952, p95: 0.55 },
      { journey: 'checkout', availability: 0.99921, p95: 0.88 },
    ],
    services: ['accounts', 'batch-reports', 'catalog', 'checkout', 'payments', 'recommendations', 'search'],
    journeyAlerts: [{ name: 'AddToCartProbeFailing', journey: 'add-to-cart' }],
    webVitals: ['web_vitals_lcp_seconds_bucket', 'web_vitals_inp_seconds_bucket', 'web_vitals_cls_bucket'],
  };
}

const slothId = (s: SloModel) => `${s.service}-${s.name}`;

/** The rule groups Sloth and Pyrra would have loaded, as /api/v1/rules lists them. */
function ruleGroups(m: ServiceLevels, iso: string) {
  const alerting = (name: string, query: string, labels: Record<string, string>, summary: string) => ({
    state: 'inactive', name, query, duration: 0, keepFiringFor: 0, labels, annotations: { summary, runbook_url: 'https://wiki.shop.example.invalid/runbooks/slo' },
    alerts: [], health: 'ok', evaluationTime: 0.001, lastEvaluation: iso, type: 'alerting',
  });
  const recording = (name: string, query: string, labels: Record<string, string>) => ({ name, query, labels, health: 'ok', evaluationTime: 0.001, lastEvaluation: iso, type: 'recording' });
  const group = (name: string, rules: unknown[]) => ({ name, file: '/etc/prometheus/rules/slos.yml', rules, interval: 30, limit: 0, evaluationTime: 0.01, lastEvaluation: iso });
  return m.slos.map((s) => {
    if (s.tool === 'sloth') {
      const ids = { sloth_id: slothId(s), sloth_service: s.service, sloth_slo: s.name, ...(s.journey ? { journey: s.journey } : {}) };
      return group(`sloth-slo-${slothId(s)}`, [
        recording('slo:sli_error:ratio_rate5m', `(sum(rate(http_requests_total{service="${s.service}",code=~"5.."}[5m]))) / (sum(rate(http_requests_total{service="${s.service}"}[5m])))`, { ...ids, sloth_window: '5m' }),
        recording('slo:period_error_budget_remaining:ratio', `1 - slo:period_burn_rate:ratio{sloth_id="${slothId(s)}"}`, ids),
        alerting(`${s.service}-${s.name}-burn`.replace(/(^|-)(\w)/g, (_x, _d, c: string) => c.toUpperCase()),
          `(max(slo:sli_error:ratio_rate5m{sloth_id="${slothId(s)}"} > (14.4 * ${(1 - s.objective).toFixed(4)})) without (sloth_window) and max(slo:sli_error:ratio_rate1h{sloth_id="${slothId(s)}"} > (14.4 * ${(1 - s.objective).toFixed(4)})) without (sloth_window))`,
          { ...ids, sloth_severity: 'page', severity: 'critical' }, `High error budget burn for ${slothId(s)}`),
      ]);
    }
    return group(`${s.name}-increase`, [
      recording('http_requests:burnrate5m', `sum(rate(http_requests_total{service="${s.service}",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="${s.service}"}[5m]))`, { slo: s.name }),
      alerting('ErrorBudgetBurn', `http_requests:burnrate5m{slo="${s.name}"} > (14 * (1-${s.objective})) and http_requests:burnrate1h{slo="${s.name}"} > (14 * (1-${s.objective}))`,
        { slo: s.name, severity: 'critical', long: '1h', short: '5m' }, `Error budget burning for ${s.name}`),
    ]);
  }).concat([group('journeys', m.journeyAlerts.map((a) => alerting(a.name, `probe_success{journey="${a.journey}"} == 0`, { severity: 'warning' }, `Journey ${a.journey} failing`)))]);
}

/** Answers to the queries the slo collector asks, or undefined for any other query. */
function answer(m: ServiceLevels, q: string, sample: (metric: Record<string, string>, v: number) => unknown): unknown[] | undefined {
  const sloth = m.slos.filter((s) => s.tool === 'sloth');
  const pyrra = m.slos.filter((s) => s.tool === 'pyrra');
  const slothLabels = (s: SloModel) => ({ sloth_id: slothId(s), sloth_service: s.service, sloth_slo: s.name, ...(s.journey ? { journey: s.journey } : {}) });
  const pyrraLabels = (s: SloModel) => ({ slo: s.name, namespace: 'shop', service: s.service, ...(s.journey ? { journey: s.journey } : {}) });
  switch (q) {
    case 'sloth_slo_info': return sloth.map((s) => sample({ __name__: q, ...slothLabels(s), sloth_mode: 'ctrl-gen-k8s', sloth_spec: 'sloth.slok.dev/v1', sloth_version: 'v0.11.0', sloth_objective: String(s.objective * 100) }, 1));
    case 'slo:objective:ratio': return sloth.map((s) => sample({ __name__: q, ...slothLabels(s) }, s.objective));
    case 'slo:time_period:days': return sloth.map((s) => sample({ __name__: q, ...slothLabels(s) }, s.periodDays));
    case 'slo:period_error_budget_remaining:ratio': return sloth.map((s) => sample({ __name__: q, ...slothLabels(s) }, s.budgetRemaining ?? NaN));
    case 'pyrra_objective': return pyrra.map((s) => sample({ __name__: q, ...pyrraLabels(s) }, s.objective));
    case 'pyrra_window': return pyrra.map((s) => sample({ __name__: q, ...pyrraLabels(s) }, s.periodDays * 86400));
    case 'pyrra_availability': return pyrra.map((s) => sample({ __name__: q, ...pyrraLabels(s) }, s.availability ?? NaN));
    case 'group by (service) (up{service!=""})': return m.services.map((s) => sample({ service: s }, 1));
    default:
  }
  if (q.startsWith('min by (journey) (avg_over_time(probe_success')) return m.journeys.map((j) => sample({ journey: j.journey }, j.availability));
  if (q.startsWith('max by (journey) (quantile_over_time(0.95, probe_duration_seconds')) return m.journeys.map((j) => sample({ journey: j.journey }, j.p95));
  return undefined;
}

/**
 * Wraps the estate's Prometheus handler with the service-level series: answers the SLO and
 * journey queries, adds the generated rule groups to /api/v1/rules, and serves the metric names.
 */
export function withServiceLevels(base: (req: IncomingMessage, res: ServerResponse) => void, m: ServiceLevels, now: Date, metricNames: string[]): (req: IncomingMessage, res: ServerResponse) => void {
  const t = now.getTime() / 1000;
  const sample = (metric: Record<string, string>, v: number) => ({ metric, value: [t, Number.isNaN(v) ? 'NaN' : String(v)] });
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/v1/query') {
      const got = answer(m, url.searchParams.get('query') ?? '', sample);
      if (got) return reply(res, 200, { status: 'success', data: { resultType: 'vector', result: got } });
    }
    if (url.pathname === '/api/v1/label/__name__/values') {
      return reply(res, 200, { status: 'success', data: [...new Set([...metricNames, ...m.webVitals, 'probe_success', 'probe_duration_seconds', 'sloth_slo_info', 'pyrra_objective'])].sort() });
    }
    if (url.pathname === '/api/v1/rules') {
      // the base answers with writeHead then one end: take its body and add the generated groups
      let head: { status: number; headers?: OutgoingHttpHeaders } = { status: 200 };
      const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
      const end = res.end.bind(res) as (body?: string) => ServerResponse;
      res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => ((head = { status, headers }), res)) as typeof res.writeHead;
      res.end = ((body?: string) => {
        writeHead(head.status, head.headers);
        if (head.status !== 200 || typeof body !== 'string') return end(body);
        const parsed = JSON.parse(body) as { data: { groups: unknown[] } };
        parsed.data.groups.push(...ruleGroups(m, now.toISOString()));
        return end(JSON.stringify(parsed));
      }) as typeof res.end;
    }
    return base(req, res);
  };
}
