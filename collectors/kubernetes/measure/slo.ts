import { notAvailable, type Read } from '../../../src/collector/kit.js';
import type * as api from '../api.js';
import type { KubernetesSignalId } from '../signals.js';
import { allAbsent, data, Examples, idOf, list, need, named, objectsIn, objectsOf, plural, value, type MeasuredSet } from './common.js';

/**
 * Service levels (11.x, 10.1.1): the SLO objects declared in the cluster — Sloth
 * PrometheusServiceLevels (one service, several SLOs each) and Pyrra ServiceLevelObjectives (one
 * SLO each) — and the services they name. The objects say what is promised, not how it went:
 * budgets left are in Prometheus (the slo collector).
 */

export interface SloObjectFacts {
  tool: 'Sloth' | 'Pyrra';
  /** One line per SLO: `shop/accounts login-availability 99.9%`. */
  objectives: Examples;
  /** Service names the SLOs are declared for. */
  services: Set<string>;
  /** Pyrra objects naming no service (no `pyrra.dev/service` or `service` label). */
  withoutService: number;
}
export const newSloObjects = (tool: SloObjectFacts['tool']): SloObjectFacts => ({ tool, objectives: new Examples(), services: new Set(), withoutService: 0 });

/** A Sloth PrometheusServiceLevel: each entry of spec.slos is one SLO of spec.service. */
export function foldSlothServiceLevel(acc: SloObjectFacts, o: api.SlothServiceLevel): void {
  const slos = o.spec.slos ?? [];
  for (const slo of slos) acc.objectives.add(`${idOf(o.metadata)} ${slo.name} ${slo.objective}%`);
  // A service whose object lists no SLO has none.
  if (slos.length) acc.services.add(o.spec.service);
}

/**
 * A Pyrra ServiceLevelObjective: one SLO. Pyrra has no service field; it copies `pyrra.dev/`
 * labels onto the rules it generates, so `pyrra.dev/service` becomes the `service` label the slo
 * collector reads from Prometheus. That label, else a plain `service` label, names the service.
 */
export function foldPyrraObjective(acc: SloObjectFacts, o: api.PyrraObjective): void {
  acc.objectives.add(`${idOf(o.metadata)} ${o.spec.target}%${o.spec.window ? ` over ${o.spec.window}` : ''}`);
  const labels = o.metadata.labels ?? {};
  const service = labels['pyrra.dev/service'] ?? labels.service;
  if (service) acc.services.add(service);
  else acc.withoutService++;
}

export interface SloObjectReads {
  slothServiceLevels: Read<SloObjectFacts>;
  pyrraObjectives: Read<SloObjectFacts>;
}

const IDS = ['kubernetes.slo.objectives_count', 'kubernetes.slo.services'] as const;

export function measureSloObjects(s: SloObjectReads): MeasuredSet<KubernetesSignalId> {
  const reads = [s.slothServiceLevels, s.pyrraObjectives];
  const none = allAbsent(reads);
  if (none) {
    const reason = 'neither Sloth (sloth.slok.dev/v1 PrometheusServiceLevel) nor Pyrra (pyrra.dev/v1alpha1 ServiceLevelObjective) is installed';
    return Object.fromEntries(IDS.map((id) => [id, notAvailable(reason, none.evidence)]));
  }
  // One tool's SLOs alone would pass for all of them: a failed read fails both signals.
  const n = need([], reads);
  if (n.failed) return Object.fromEntries(IDS.map((id) => [id, n.failed]));
  return sloObjectSignals(reads.map((o) => data(o)).filter((x): x is SloObjectFacts => x !== undefined), n.evidence);
}

/** The SLO-object signals from the facts of every installed tool. */
export function sloObjectSignals(got: SloObjectFacts[], evidence: string[]): MeasuredSet<KubernetesSignalId> {
  const installed = got.map((f) => f.tool).join(' and ');
  const objectives = got.reduce((n, f) => n + f.objectives.count, 0);
  const services = [...new Set(got.flatMap((f) => [...f.services]))].sort();
  const unnamed = got.reduce((n, f) => n + f.withoutService, 0);
  const perTool = got.map((f) => `${f.tool}: ${plural(f.objectives.count, 'SLO')}`).join(', ');
  return {
    'kubernetes.slo.objectives_count': named(value(objectives, evidence, `${installed} installed; ${perTool}`), 'SLOs declared (namespace/object, SLO, objective)', objectsOf(got.map((f) => f.objectives))),
    'kubernetes.slo.services': named(
      value(services.length, evidence, `${services.length ? list(services) : 'no service named'}${unnamed ? `; ${plural(unnamed, 'Pyrra object')} naming no service` : ''}`),
      'services with an SLO', objectsIn(services)),
  };
}
