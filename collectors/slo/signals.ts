import { count, number, ratio, seconds, type SignalIds } from '../../src/collector/kit.js';

/** Every signal the SLO collector emits, from the rules and series Sloth, Pyrra and blackbox probes leave in Prometheus. */
export const SIGNALS = [
  count('slo.objectives.count', 'SLOs recorded in Prometheus: Sloth (sloth_slo_info) and Pyrra (pyrra_objective)'),
  count('slo.services.count', 'Services that should have an SLO (the services list, or services_query\'s result)'),
  count('slo.services.with_slo', 'Of those services, the ones with at least one SLO (Sloth sloth_service, Pyrra service label)'),
  ratio('slo.services.covered_ratio', 'Share of the services with at least one SLO'),
  number('slo.error_budget.min_remaining_ratio', 'ratio', 'The smallest error budget left over an SLO\'s own period, as a share of the budget (1 untouched, 0 spent, below 0 overspent)', 'min'),
  count('slo.error_budget.exhausted_count', 'SLOs whose error budget over their period is spent (0 or less left)'),
  ratio('slo.burn_rate_alerts.covered_ratio', 'Share of the SLOs with a burn-rate alerting rule loaded in Prometheus (Sloth alerts carrying its sloth_id, Pyrra ErrorBudgetBurn alerts naming its slo)'),
  count('slo.journeys.count', 'User journeys (values of journey_label) with a probe_success series in the window'),
  ratio('slo.journeys.probed_ratio', 'Share of the core journeys with a probe labelled with the journey'),
  ratio('slo.journeys.slo_ratio', 'Share of the core journeys with an SLO labelled with (or named after) the journey'),
  ratio('slo.journeys.alerted_ratio', 'Share of the core journeys with an alerting rule on them (labelled with or selecting the journey, or a burn-rate alert of its SLO)'),
  ratio('slo.journeys.covered_ratio', 'Share of the core journeys with a probe, an SLO and an alert at once'),
  ratio('slo.journeys.worst_availability', 'Availability of the worst journey: the worst probe\'s share of successful probes over the window'),
  seconds('slo.journeys.worst_latency_p95_seconds', '95th percentile probe duration of the slowest journey over the window'),
  count('slo.rum.web_vitals_families', 'Real-user web-vitals histogram families in Prometheus (LCP, INP, CLS, FCP, TTFB …)', 'max'),
];

export type SloSignalId = SignalIds<typeof SIGNALS>;
