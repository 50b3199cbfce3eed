import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Report } from '../report/schema.js';

/** Prometheus' base-unit suffix for each DORA unit (seconds, ratio, per-week rate). */
const DORA_NAMES: Record<string, { name: string; help: string }> = {
  deployment_frequency: { name: 'techops_dora_deployments_per_week', help: 'DORA deployment frequency: production deployments per week over the window' },
  lead_time_for_changes: { name: 'techops_dora_lead_time_for_changes_seconds', help: 'DORA lead time for changes (median), seconds' },
  change_failure_rate: { name: 'techops_dora_change_failure_ratio', help: 'DORA change failure rate, 0..1' },
  time_to_restore: { name: 'techops_dora_time_to_restore_seconds', help: 'DORA time to restore from failed deployments (median), seconds' },
  time_to_restore_incidents: { name: 'techops_dora_time_to_restore_incidents_seconds', help: 'DORA time to restore from incidents (median), seconds' },
};

/**
 * The agent's metrics on a private prom-client registry (no default process metrics mixed in
 * unless asked): levels per item as gauges set from the latest successful scan, collector health
 * of the latest scan, and counters and a histogram over every scan since start. Names follow
 * Prometheus' conventions: a `techops_` prefix, base units, `_total` for counters.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly itemLevel = new Gauge({ name: 'techops_item_level', help: 'Maturity level (0-5) of each capability item in the latest successful scan', labelNames: ['item', 'domain'], registers: [this.registry] });
  private readonly itemCeiling = new Gauge({ name: 'techops_item_ceiling', help: 'Highest level each item could reach once its unknown criteria are decided', labelNames: ['item', 'domain'], registers: [this.registry] });
  private readonly criteria = new Gauge({ name: 'techops_item_criteria', help: 'Criteria of each item by verdict (met, not_met, unknown)', labelNames: ['item', 'status'], registers: [this.registry] });
  private readonly domainLevel = new Gauge({ name: 'techops_domain_level_min', help: 'Lowest item level in each domain', labelNames: ['domain'], registers: [this.registry] });
  private readonly dora = new Map<string, Gauge>();
  private readonly collectorUp = new Gauge({ name: 'techops_collector_up', help: '1 when the collector instance measured something in the latest scan (status ok or partial), 0 when it failed', labelNames: ['collector', 'instance'], registers: [this.registry] });
  private readonly collectorOk = new Gauge({ name: 'techops_collector_ok', help: '1 when every request and signal of the instance succeeded in the latest scan', labelNames: ['collector', 'instance'], registers: [this.registry] });
  private readonly collectorDuration = new Gauge({ name: 'techops_collector_duration_seconds', help: 'How long the instance took in the latest scan', labelNames: ['collector', 'instance'], registers: [this.registry] });
  private readonly collectorRequests = new Gauge({ name: 'techops_collector_requests', help: 'Requests the instance made in the latest scan', labelNames: ['collector', 'instance'], registers: [this.registry] });
  private readonly collectorErrors = new Gauge({ name: 'techops_collector_request_errors', help: 'Requests of the instance that failed in the latest scan', labelNames: ['collector', 'instance'], registers: [this.registry] });
  private readonly lastSuccess = new Gauge({ name: 'techops_last_successful_scan_timestamp_seconds', help: 'When the latest scan that produced a report finished (Unix time)', registers: [this.registry] });
  private readonly scans = new Counter({ name: 'techops_scans_total', help: 'Scans since the agent started, by result (ok, failed, skipped: the previous one was still running)', labelNames: ['result'], registers: [this.registry] });
  private readonly scanDuration = new Histogram({
    name: 'techops_scan_duration_seconds', help: 'Duration of scans since the agent started',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200], registers: [this.registry],
  });
  private readonly info = new Gauge({ name: 'techops_info', help: 'The agent: techops version, the rules digest and standard of the latest scan', labelNames: ['version', 'rules_digest', 'standard'], registers: [this.registry] });

  constructor() {
    for (const result of ['ok', 'failed', 'skipped']) this.scans.inc({ result }, 0);
    for (const [metric, d] of Object.entries(DORA_NAMES)) this.dora.set(metric, new Gauge({ name: d.name, help: d.help, registers: [this.registry] }));
  }

  /** A scan that produced a report: every gauge now shows it (items and collectors no longer present are dropped). */
  observeReport(report: Report, durationSeconds: number): void {
    this.scans.inc({ result: 'ok' });
    this.scanDuration.observe(durationSeconds);
    for (const g of [this.itemLevel, this.itemCeiling, this.criteria, this.domainLevel, this.collectorUp, this.collectorOk, this.collectorDuration, this.collectorRequests, this.collectorErrors, this.info]) g.reset();
    for (const c of report.capabilities) {
      this.itemLevel.set({ item: c.id, domain: c.domain }, c.level);
      this.itemCeiling.set({ item: c.id, domain: c.domain }, c.ceiling);
      for (const status of ['met', 'not_met', 'unknown'] as const) this.criteria.set({ item: c.id, status }, c.counts[status]);
    }
    for (const d of report.summary.domains) this.domainLevel.set({ domain: d.id }, d.min_level);
    for (const [metric, gauge] of this.dora) {
      gauge.reset();
      const d = report.dora?.find((x) => x.metric === metric);
      // An unknown figure is absent, not 0: a 0 would read as "no change ever fails".
      if (d?.value !== undefined) gauge.set(d.value);
    }
    for (const r of report.collectors) {
      const l = { collector: r.collector, instance: r.instance };
      this.collectorUp.set(l, r.status === 'failed' ? 0 : 1);
      this.collectorOk.set(l, r.status === 'ok' ? 1 : 0);
      this.collectorDuration.set(l, r.duration_ms / 1000);
      this.collectorRequests.set(l, r.requests);
      this.collectorErrors.set(l, r.requests_failed);
    }
    this.lastSuccess.set(Date.parse(report.run.finished_at) / 1000);
    this.info.set({ version: report.run.tool.version, rules_digest: report.run.rules_digest, standard: report.run.standard }, 1);
  }

  observeFailure(durationSeconds: number): void {
    this.scans.inc({ result: 'failed' });
    this.scanDuration.observe(durationSeconds);
  }

  observeSkipped(): void {
    this.scans.inc({ result: 'skipped' });
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
