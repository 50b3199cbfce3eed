import { allReads, fromRead, measuredValue, notAvailable, ratioOf, type Measured, type Read } from '../../src/collector/kit.js';
import { SAMPLE_MAX } from '../../src/signals/types.js';
import type { Rule } from './api.js';
import type { JourneyProbe, SloRecord } from './read.js';
import type { SloSignalId } from './signals.js';

/** SLO records, rules, services and probes → measures. Pure: tested on plain objects. */

type Out = Partial<Record<SloSignalId, Measured>>;
const objects = (names: string[]) => ({ total: names.length, sample: names.slice(0, SAMPLE_MAX) });
const pct = (r: number) => `${(r * 100).toFixed(r >= 0.99 ? 2 : 1)} %`;
const days = (s?: number) => (s === undefined ? '' : ` over ${Math.round(s / 86_400)} d`);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An alerting rule is a burn-rate alert of this SLO when it names it as its generator does. */
export function isBurnRateAlertOf(rule: Rule, slo: SloRecord): boolean {
  if (rule.type !== 'alerting') return false;
  const labels = rule.labels ?? {};
  if (slo.tool === 'sloth') {
    if (labels.sloth_id === slo.id) return true;
    return /slo:sli_error:ratio_rate/.test(rule.query) && new RegExp(`sloth_id\\s*=\\s*"${escape(slo.id)}"`).test(rule.query);
  }
  if (labels.slo === slo.name) return true;
  return /burnrate|pyrra/i.test(rule.query) && new RegExp(`slo\\s*=\\s*"${escape(slo.name)}"`).test(rule.query);
}

export function describeSlo(s: SloRecord): string {
  const target = s.objective !== undefined ? ` ${pct(s.objective)}${days(s.periodSeconds)}` : '';
  const budget = s.budgetRemaining !== undefined ? `, budget ${pct(s.budgetRemaining)} left` : ', budget not recorded';
  return `${s.tool} ${s.service ? `${s.service}/` : ''}${s.name}${target}${budget}`;
}

export function measureSlos(slos: Read<SloRecord[]>, services: Read<string[]>, rules: Read<Rule[]>): Out {
  const withServices = allReads({ slos, services });
  const covered = (d: { slos: SloRecord[]; services: string[] }) => d.services.filter((svc) => d.slos.some((s) => s.service === svc));
  return {
    'slo.objectives.count': fromRead(slos, (s) => measuredValue(s.length, [], { objects: objects(s.map(describeSlo)) })),
    'slo.services.count': fromRead(services, (s) => measuredValue(s.length, [], { objects: objects(s) })),
    'slo.services.with_slo': fromRead(withServices, (d) => measuredValue(covered(d).length, [], { objects: objects(covered(d)) })),
    'slo.services.covered_ratio': fromRead(withServices, (d) => {
      const yes = covered(d);
      const without = d.services.filter((s) => !yes.includes(s));
      return ratioOf(yes.length, d.services.length, [], 'services', {
        objects: objects(yes),
        ...(without.length ? { notes: [`without an SLO: ${without.slice(0, SAMPLE_MAX).join(', ')}${without.length > SAMPLE_MAX ? ` and ${without.length - SAMPLE_MAX} more` : ''}`] } : {}),
      });
    }),
    'slo.error_budget.min_remaining_ratio': fromRead(slos, (s) => {
      const known = s.filter((x) => x.budgetRemaining !== undefined).sort((a, b) => a.budgetRemaining! - b.budgetRemaining!);
      if (known.length === 0) return notAvailable(s.length ? 'no SLO records its error budget left (Sloth slo:period_error_budget_remaining:ratio, Pyrra pyrra_availability)' : 'no SLO recorded in Prometheus');
      return measuredValue(known[0].budgetRemaining!, [], { detail: describeSlo(known[0]), objects: objects(known.map(describeSlo)) });
    }),
    'slo.error_budget.exhausted_count': fromRead(slos, (s) => {
      const known = s.filter((x) => x.budgetRemaining !== undefined);
      if (known.length === 0) return notAvailable(s.length ? 'no SLO records its error budget left' : 'no SLO recorded in Prometheus');
      const spent = known.filter((x) => x.budgetRemaining! <= 0).map(describeSlo);
      return measuredValue(spent.length, [], { objects: objects(spent), detail: `${spent.length} of ${known.length} SLOs` });
    }),
    'slo.burn_rate_alerts.covered_ratio': fromRead(allReads({ slos, rules }), (d) => {
      const alerted = d.slos.filter((s) => d.rules.some((r) => isBurnRateAlertOf(r, s)));
      return ratioOf(alerted.length, d.slos.length, [], 'SLOs', { objects: objects(alerted.map((s) => `${s.tool} ${s.service ? `${s.service}/` : ''}${s.name}`)) });
    }),
  };
}

export interface JourneyOptions {
  label: string;
  /** Configured core journeys; undefined: the journeys the probes name. */
  core?: string[];
}

export interface JourneyView {
  journey: string;
  probe?: JourneyProbe;
  slos: SloRecord[];
  alerts: string[];
}

/** Per core journey: its probe, its SLOs (labelled with it or named after it) and the alerts on it. */
export function journeyViews(probes: JourneyProbe[], slos: SloRecord[], rules: Rule[], o: JourneyOptions): JourneyView[] {
  const core = o.core ?? probes.map((p) => p.journey);
  return [...new Set(core)].map((j) => {
    const mine = slos.filter((s) => s.labels[o.label] === j || s.name === j);
    const selects = new RegExp(`\\b${escape(o.label)}\\s*=~?\\s*"${escape(j)}"`);
    const alerts = rules
      .filter((r) => r.type === 'alerting' && ((r.labels ?? {})[o.label] === j || selects.test(r.query) || mine.some((s) => isBurnRateAlertOf(r, s))))
      .map((r) => r.name);
    return { journey: j, probe: probes.find((p) => p.journey === j), slos: mine, alerts: [...new Set(alerts)].sort() };
  });
}

export function describeJourney(v: JourneyView): string {
  const probe = v.probe
    ? `probe ${v.probe.availability !== undefined ? pct(v.probe.availability) : 'availability unknown'}${v.probe.latencyP95 !== undefined ? `, p95 ${v.probe.latencyP95.toFixed(2)} s` : ''}`
    : 'no probe';
  const slo = v.slos.length ? `SLO ${v.slos.map(describeSlo).join('; ')}` : 'no SLO';
  const alert = v.alerts.length ? `alerts ${v.alerts.join(', ')}` : 'no alert';
  return `${v.journey}: ${probe}; ${slo}; ${alert}`;
}

export function measureJourneys(probes: Read<JourneyProbe[]>, slos: Read<SloRecord[]>, rules: Read<Rule[]>, names: Read<string[]>, o: JourneyOptions): Out {
  const all = allReads({ probes, slos, rules });
  const coreNote = o.core ? [] : ['core_journeys not configured: the journeys the probes name are taken as the core ones, so every one of them has a probe'];
  const share = (pick: (v: JourneyView) => boolean) => fromRead(all, (d) => {
    const views = journeyViews(d.probes, d.slos, d.rules, o);
    const yes = views.filter(pick).length;
    return ratioOf(yes, views.length, [], 'core journeys', { objects: objects(views.map(describeJourney)), ...(coreNote.length ? { notes: coreNote } : {}) });
  });
  const noProbe = `no probe_success series labelled ${o.label} in the window`;
  return {
    'slo.journeys.count': fromRead(probes, (p) => measuredValue(p.length, [], { objects: objects(p.map((x) => x.journey)) })),
    'slo.journeys.probed_ratio': share((v) => v.probe !== undefined),
    'slo.journeys.slo_ratio': share((v) => v.slos.length > 0),
    'slo.journeys.alerted_ratio': share((v) => v.alerts.length > 0),
    'slo.journeys.covered_ratio': share((v) => v.probe !== undefined && v.slos.length > 0 && v.alerts.length > 0),
    'slo.journeys.worst_availability': fromRead(probes, (p) => {
      const known = p.filter((x) => x.availability !== undefined).sort((a, b) => a.availability! - b.availability!);
      if (!known.length) return notAvailable(noProbe);
      return measuredValue(known[0].availability!, [], { detail: `${known[0].journey}; over the scan window`, objects: objects(known.map((x) => `${x.journey} ${pct(x.availability!)}`)) });
    }),
    'slo.journeys.worst_latency_p95_seconds': fromRead(probes, (p) => {
      const known = p.filter((x) => x.latencyP95 !== undefined).sort((a, b) => b.latencyP95! - a.latencyP95!);
      if (!known.length) return notAvailable(noProbe);
      return measuredValue(known[0].latencyP95!, [], { detail: known[0].journey, objects: objects(known.map((x) => `${x.journey} ${x.latencyP95!.toFixed(2)} s`)) });
    }),
    'slo.rum.web_vitals_families': fromRead(names, (n) => {
      const families = webVitalsFamilies(n);
      return measuredValue(families.length, [], { objects: objects(families) });
    }),
  };
}

const VITALS = /(^|_)(web_?vitals?|lcp|fcp|inp|fid|cls|ttfb|largest_contentful_paint|first_contentful_paint|interaction_to_next_paint|first_input_delay|cumulative_layout_shift|time_to_first_byte)(_|$)/;

/** Histogram families (their `_bucket` series) named after a web vital or web-vitals. */
export function webVitalsFamilies(names: readonly string[]): string[] {
  return [...new Set(names.filter((n) => n.endsWith('_bucket')).map((n) => n.slice(0, -'_bucket'.length)).filter((f) => VITALS.test(f)))].sort();
}
