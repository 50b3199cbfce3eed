import { attemptRead, type Read } from '../../src/collector/kit.js';
import type { Rule, Sample, SloApi } from './api.js';

/**
 * Reads from Prometheus, each settled on its own: the SLOs Sloth and Pyrra record, the alerting
 * rules, the services, the journey probes and the metric names.
 */

/** One SLO as its generator records it in Prometheus. */
export interface SloRecord {
  tool: 'sloth' | 'pyrra';
  /** Sloth's sloth_id; Pyrra's namespace/slo. */
  id: string;
  name: string;
  service?: string;
  /** The objective as a ratio (0.999). */
  objective?: number;
  periodSeconds?: number;
  /** Error budget left over the SLO's period, as a ratio of the budget (negative when overspent). */
  budgetRemaining?: number;
  /** The SLO's own labels (those its spec gives; the generator's are left out). */
  labels: Record<string, string>;
}

const SLOTH_LABELS = new Set(['__name__', 'sloth_id', 'sloth_service', 'sloth_slo', 'sloth_mode', 'sloth_spec', 'sloth_version', 'sloth_objective', 'sloth_window', 'job', 'instance', 'prometheus', 'prometheus_replica']);
const PYRRA_LABELS = new Set(['__name__', 'slo', 'namespace', 'job', 'instance', 'prometheus', 'prometheus_replica']);
const own = (metric: Record<string, string>, reserved: Set<string>) => Object.fromEntries(Object.entries(metric).filter(([k]) => !reserved.has(k)));
const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);

function byKey(samples: Sample[], key: (m: Record<string, string>) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) if (Number.isFinite(s.value)) out.set(key(s.metric), s.value);
  return out;
}

/** Sloth's metadata rules: sloth_slo_info names each SLO; slo:* series give its objective, period and budget left. */
export async function readSloth(api: SloApi): Promise<{ data: SloRecord[]; evidence: string[] }> {
  const [info, objective, days, remaining] = await Promise.all([
    api.query('sloth_slo_info'),
    api.query('slo:objective:ratio'),
    api.query('slo:time_period:days'),
    api.query('slo:period_error_budget_remaining:ratio'),
  ]);
  const id = (m: Record<string, string>) => m.sloth_id ?? `${m.sloth_service}-${m.sloth_slo}`;
  const objectives = byKey(objective.data, id);
  const periods = byKey(days.data, id);
  const budgets = byKey(remaining.data, id);
  const seen = new Map<string, SloRecord>();
  for (const s of info.data) {
    const key = id(s.metric);
    if (seen.has(key)) continue;
    const fromLabel = s.metric.sloth_objective !== undefined ? Number(s.metric.sloth_objective) / 100 : undefined;
    seen.set(key, {
      tool: 'sloth',
      id: key,
      name: s.metric.sloth_slo ?? key,
      service: s.metric.sloth_service,
      objective: finite(objectives.get(key)) ?? finite(fromLabel),
      periodSeconds: periods.has(key) ? periods.get(key)! * 86_400 : undefined,
      budgetRemaining: finite(budgets.get(key)),
      labels: own(s.metric, SLOTH_LABELS),
    });
  }
  return { data: [...seen.values()], evidence: [info.evidence, objective.evidence, days.evidence, remaining.evidence] };
}

/**
 * Pyrra's generic rules: pyrra_objective and pyrra_window per SLO, pyrra_availability over the
 * window; the budget left is (availability − objective) / (1 − objective).
 */
export async function readPyrra(api: SloApi, serviceLabel: string): Promise<{ data: SloRecord[]; evidence: string[] }> {
  const [objective, window, availability] = await Promise.all([api.query('pyrra_objective'), api.query('pyrra_window'), api.query('pyrra_availability')]);
  const id = (m: Record<string, string>) => (m.namespace ? `${m.namespace}/${m.slo}` : m.slo ?? '');
  const windows = byKey(window.data, id);
  const availabilities = byKey(availability.data, id);
  const seen = new Map<string, SloRecord>();
  for (const s of objective.data) {
    const key = id(s.metric);
    if (!key || seen.has(key)) continue;
    const target = finite(s.value);
    const avail = availabilities.get(key);
    const labels = own(s.metric, PYRRA_LABELS);
    seen.set(key, {
      tool: 'pyrra',
      id: key,
      name: s.metric.slo ?? key,
      service: labels[serviceLabel] ?? s.metric.slo,
      objective: target,
      periodSeconds: windows.get(key),
      budgetRemaining: target !== undefined && target < 1 && avail !== undefined ? (avail - target) / (1 - target) : undefined,
      labels,
    });
  }
  return { data: [...seen.values()], evidence: [objective.evidence, window.evidence, availability.evidence] };
}

export interface JourneyProbe {
  journey: string;
  /** The worst probe's share of successful probes over the window. */
  availability?: number;
  /** The slowest probe's 95th percentile duration over the window. */
  latencyP95?: number;
}

/** The probes labelled with a journey: the worst probe per journey, over the scan window. */
export async function readJourneyProbes(api: SloApi, label: string, windowSeconds: number): Promise<{ data: JourneyProbe[]; evidence: string[] }> {
  const range = `${Math.max(1, Math.round(windowSeconds))}s`;
  const [avail, latency] = await Promise.all([
    api.query(`min by (${label}) (avg_over_time(probe_success{${label}!=""}[${range}]))`),
    api.query(`max by (${label}) (quantile_over_time(0.95, probe_duration_seconds{${label}!=""}[${range}]))`),
  ]);
  const out = new Map<string, JourneyProbe>();
  for (const s of avail.data) {
    const j = s.metric[label];
    if (j) out.set(j, { journey: j, availability: finite(s.value) });
  }
  for (const s of latency.data) {
    const j = s.metric[label];
    if (j) out.set(j, { ...(out.get(j) ?? { journey: j }), latencyP95: finite(s.value) });
  }
  return { data: [...out.values()].sort((a, b) => a.journey.localeCompare(b.journey)), evidence: [avail.evidence, latency.evidence] };
}

export function sloReader(api: SloApi, o: { serviceLabel: string; journeyLabel: string; windowSeconds: number; services?: string[]; servicesQuery: string }) {
  return {
    /** The first request: a refused credential here ends the collection. */
    rules: (): Promise<Read<Rule[]>> => attemptRead(async () => {
      const r = await api.rules();
      return { data: r.data, evidence: [r.evidence] };
    }, { fatal: ['credentials'] }),
    sloth: (): Promise<Read<SloRecord[]>> => attemptRead(() => readSloth(api)),
    pyrra: (): Promise<Read<SloRecord[]>> => attemptRead(() => readPyrra(api, o.serviceLabel)),
    services: (): Promise<Read<string[]>> => attemptRead(async () => {
      if (o.services) return { data: [...new Set(o.services)].sort(), evidence: [] };
      const r = await api.query(o.servicesQuery);
      return { data: [...new Set(r.data.map((s) => s.metric[o.serviceLabel]).filter((v): v is string => Boolean(v)))].sort(), evidence: [r.evidence] };
    }),
    journeys: (): Promise<Read<JourneyProbe[]>> => attemptRead(() => readJourneyProbes(api, o.journeyLabel, o.windowSeconds)),
    metricNames: (): Promise<Read<string[]>> => attemptRead(async () => {
      const r = await api.metricNames();
      return { data: r.data, evidence: [r.evidence] };
    }),
  };
}
