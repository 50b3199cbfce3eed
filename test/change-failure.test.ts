import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fixedClock } from '../src/clock.js';
import { runCollectors } from '../src/collector/harness.js';
import { count } from '../src/collector/kit.js';
import type { Collector, Window } from '../src/collector/types.js';
import type { DeploymentRecord } from '../src/delivery/records.js';
import { EvidenceLog } from '../src/evidence/types.js';
import { CHANGE_FAILURE_SIGNAL, changeFailureFacts, changeFailureFromIncidents, incidentMatchesApp, normaliseName } from '../src/incidents/change-failure.js';
import type { IncidentRecord } from '../src/incidents/records.js';
import { silentLogger } from '../src/log.js';
import { Redactor } from '../src/redact.js';
import { computeCross } from '../src/signals/cross.js';
import { crossSignals } from '../src/signals/cross-registry.js';

const H = 3_600_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const WINDOW: Window = { start: new Date(START), end: new Date(START + 10 * 24 * H), seconds: 10 * 86_400 };
const W = { start: WINDOW.start.getTime(), end: WINDOW.end.getTime() };

let nextId = 1;
const deploy = (app: string, hours: number, status: DeploymentRecord['status'] = 'success'): DeploymentRecord =>
  ({ app, environment: 'production', id: nextId++, sha: `sha${nextId}abcdef`, createdAt: START + hours * H, finishedAt: START + hours * H + 600_000, status, automated: true });
const incident = (id: string, hours: number, names: string[] | undefined, over: Partial<IncidentRecord> = {}): IncidentRecord => ({
  id, service: '', ...(names ? { serviceNames: names } : {}), grade: 'high', createdAt: START + hours * H, source: 'monitoring', autoResolved: false, major: false, reviewLinked: false, ...over,
});

describe('matching an incident to a deployed app', () => {
  it('compares normalised names: case, spaces and punctuation do not matter, Chinese letters stay', () => {
    expect(normaliseName('Checkout API')).toBe('checkoutapi');
    expect(normaliseName('支付-服务')).toBe('支付服务');
    expect(incidentMatchesApp(incident('#1', 0, ['Checkout API']), 'acme/checkout-api')).toBe(true);
    expect(incidentMatchesApp(incident('#1', 0, ['acme/checkout-api']), 'acme/checkout-api')).toBe(true);
    expect(incidentMatchesApp(incident('#1', 0, ['checkout']), 'acme/checkout-api')).toBe(false);
    expect(incidentMatchesApp(incident('#1', 0, undefined), 'acme/checkout-api')).toBe(false);
  });
  it('falls back to the record\'s service where the tool gives no names (GitLab incident issues name their project there)', () => {
    expect(incidentMatchesApp(incident('#1', 0, undefined, { service: 'acme/platform/shop-api' }), 'acme/platform/shop-api')).toBe(true);
    expect(incidentMatchesApp(incident('#1', 0, undefined, { service: 'PSVC1' }), 'acme/checkout')).toBe(false);
  });
  it('uses the service_apps mapping instead of the name where it gives apps', () => {
    const mapped = incident('#1', 0, ['Storefront'], { apps: ['Acme/Web'] });
    expect(incidentMatchesApp(mapped, 'acme/web')).toBe(true);
    expect(incidentMatchesApp(mapped, 'acme/storefront')).toBe(false);
  });
});

describe('change failure from incidents', () => {
  it('counts deployments followed within 24 h by an urgent incident of the same service', () => {
    const deployments = [deploy('acme/shop', 24), deploy('acme/shop', 72), deploy('acme/search', 24), deploy('acme/search', 120)];
    const incidents = [
      incident('#1', 30, ['shop']), // 6 h after the first shop deployment
      incident('#2', 24 + 25, ['shop']), // 25 h after the first, before the second: follows none
      incident('#3', 121, ['search'], { grade: 'low' }), // low grade: not a failure
      incident('#4', 20, ['search']), // before the search deployment
    ];
    const f = changeFailureFacts(deployments, incidents, W);
    expect(f.counted).toHaveLength(4);
    expect(f.failed.map((x) => [x.deployment.app, x.incident.id])).toEqual([['acme/shop', '#1']]);
    expect(f.unmatchedServices).toEqual([]);
  });
  it('leaves out deployments that cannot be followed for the whole span before the window ends, and those that never ran', () => {
    const f = changeFailureFacts([deploy('acme/shop', 24 * 9 + 1), deploy('acme/shop', 24, 'not_run'), deploy('acme/shop', 48, 'failure')], [], W);
    expect(f.counted.map((d) => d.status)).toEqual(['failure']);
  });
  it('a longer follow-up span is a parameter of the definition', () => {
    const deployments = [deploy('acme/shop', 24)];
    const late = [incident('#1', 24 + 30, ['shop'])];
    expect(changeFailureFacts(deployments, late, W).failed).toHaveLength(0);
    expect(changeFailureFacts(deployments, late, W, 48).failed).toHaveLength(1);
  });
});

/** A collector that publishes fixed records, or fails before publishing. */
function publisher<K extends 'deployments' | 'incidents'>(id: string, kind: K, records: (K extends 'deployments' ? DeploymentRecord : IncidentRecord)[] | 'fail'): Collector<Record<string, never>> {
  return {
    id, description: id, signals: [count(`${id}.records.count`, 'records')], configSchema: z.object({}).strict(), publishes: [kind],
    async collect(ctx) {
      if (records === 'fail') throw new Error('incident listing refused');
      ctx.emit(`${id}.records.count`, records.length, [`${id}-ev`]);
      ctx.publish(kind, records as never, [`${id}-ev`]);
    },
  };
}

async function cross(registry: Collector<any>[]) {
  const got = await runCollectors({
    registry, instances: registry.map((c) => ({ collector: c.id, name: 'main', config: {}, http: {} })),
    clock: fixedClock(WINDOW.end), window: WINDOW, evidence: new EvidenceLog(), redactor: new Redactor(), log: silentLogger,
    concurrency: 2, collectorDeadlineMs: 5_000, scanDeadlineMs: 10_000,
  });
  return computeCross([changeFailureFromIncidents()], got.publications, WINDOW).get(CHANGE_FAILURE_SIGNAL)!;
}

describe(`${CHANGE_FAILURE_SIGNAL} as a cross signal`, () => {
  const deployments = [deploy('acme/shop', 24), deploy('acme/shop', 48), deploy('acme/search', 24), deploy('acme/search', 96)];
  it('is registered, so rules can read it', () => {
    expect(crossSignals.map((c) => c.declaration.id)).toContain(CHANGE_FAILURE_SIGNAL);
  });
  it('joins the deployments and incidents several collectors published, with the evidence of each', async () => {
    const s = await cross([publisher('vcs', 'deployments', deployments), publisher('pager', 'incidents', [incident('#1', 26, ['Shop']), incident('#2', 100, ['search'])]), publisher('tickets', 'incidents', [incident('T-9', 50, ['billing'])])]);
    expect(s).toMatchObject({ status: 'observed', value: 0.5, evidence: ['vcs-ev', 'pager-ev', 'tickets-ev'] });
    expect(s.instances[0].detail).toBe('2 of 4 production deployments followed within 24 h by an urgent incident of the same service (from vcs/main, pager/main, tickets/main)');
    expect(s.objects?.sample[0]).toMatch(/^acme\/shop \w{7} → #1 after 120 min$/);
    expect(s.notes).toEqual(['incident services matching no deployed app (not linked; map them with service_apps): billing']);
  });
  it('an incident publisher whose run failed makes the figure failed, never a ratio over part of the incidents', async () => {
    const s = await cross([publisher('vcs', 'deployments', deployments), publisher('pager', 'incidents', [incident('#1', 26, ['shop'])]), publisher('tickets', 'incidents', 'fail')]);
    expect(s.status).toBe('failed');
    expect(s.reason).toContain('tickets/main failed: incident listing refused');
  });
  it('is not available when no incident service matches a deployed app: 0 would claim changes never fail', async () => {
    const s = await cross([publisher('vcs', 'deployments', deployments), publisher('pager', 'incidents', [incident('#1', 26, ['Storefront'])])]);
    expect(s.status).toBe('not_available');
    expect(s.reason).toMatch(/no urgent incident's service matches a deployed app \(services: Storefront\); map them with service_apps/);
  });
  it('is not configured without a deployment publisher', async () => {
    const s = await cross([publisher('pager', 'incidents', [incident('#1', 26, ['shop'])])]);
    expect(s.status).toBe('not_configured');
  });
});

describe('the report\'s DORA section', () => {
  it('shows change failure from incidents beside the deployment-based figure, each with its definition', async () => {
    const { doraFigures } = await import('../src/report/dora.js');
    const s = await cross([publisher('vcs', 'deployments', [deploy('acme/shop', 24), deploy('acme/shop', 48)]), publisher('pager', 'incidents', [incident('#1', 26, ['shop'])])]);
    const figures = doraFigures(new Map([[CHANGE_FAILURE_SIGNAL, s]]));
    const metrics = figures.map((f) => f.metric);
    expect(metrics.indexOf('change_failure_rate_incidents')).toBe(metrics.indexOf('change_failure_rate') + 1);
    const f = figures.find((x) => x.metric === 'change_failure_rate_incidents')!;
    expect(f).toMatchObject({ signal: CHANGE_FAILURE_SIGNAL, status: 'observed', value: 0.5, evidence: ['vcs-ev', 'pager-ev'] });
    expect(f.definition).toMatch(/followed within 24 hours by an urgent .* incident of the same service/);
    expect(figures.find((x) => x.metric === 'change_failure_rate')!.definition).toMatch(/not incidents over deployments/);
  });
});
