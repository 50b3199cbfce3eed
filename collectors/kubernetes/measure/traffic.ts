import type { Read } from '../../../src/collector/kit.js';
import type * as api from '../api.js';
import type { KubernetesSignalId } from '../signals.js';
import { allAbsent, data, Examples, idOf, need, named, objectsOf, plural, value, type MeasuredSet } from './common.js';

/**
 * Resilience (9.1.2) in the traffic's path: Istio policies (outlier detection, connection
 * pools, retries, timeouts, local rate limits), balancing algorithms and weighted splits, and
 * rate limits on Ingresses and Traefik Middlewares.
 */

/** ingress-nginx annotations that choose a balancing algorithm or split traffic by weight. */
const BALANCING_ANNOTATIONS = new Set([
  'nginx.ingress.kubernetes.io/load-balance', 'nginx.ingress.kubernetes.io/upstream-hash-by', 'nginx.ingress.kubernetes.io/canary-weight',
]);

/** Ingress annotations by which ingress-nginx and the HAProxy ingress controller limit request rates. */
const RATE_LIMIT_ANNOTATIONS = new Set([
  'nginx.ingress.kubernetes.io/limit-rps', 'nginx.ingress.kubernetes.io/limit-rpm', 'nginx.ingress.kubernetes.io/limit-connections',
  'haproxy.org/rate-limit-requests', 'haproxy-ingress.github.io/limit-rps', 'haproxy-ingress.github.io/limit-connections',
]);

export interface IngressFacts {
  count: number;
  rateLimited: Examples;
  balanced: Examples;
}
export const newIngresses = (): IngressFacts => ({ count: 0, rateLimited: new Examples(), balanced: new Examples() });

export function foldIngress(acc: IngressFacts, i: api.MetaOnly): void {
  acc.count++;
  const keys = Object.keys(i.metadata.annotations ?? {});
  if (keys.some((k) => RATE_LIMIT_ANNOTATIONS.has(k))) acc.rateLimited.add(idOf(i.metadata));
  if (keys.some((k) => BALANCING_ANNOTATIONS.has(k))) acc.balanced.add(idOf(i.metadata));
}

export interface MiddlewareFacts {
  total: number;
  rateLimited: Examples;
}
export const newMiddlewares = (): MiddlewareFacts => ({ total: 0, rateLimited: new Examples() });

export function foldMiddleware(acc: MiddlewareFacts, m: api.TraefikMiddleware): void {
  acc.total++;
  if (m.spec.rateLimit) acc.rateLimited.add(idOf(m.metadata));
}

export interface RouteFacts {
  count: number;
  weighted: Examples;
}
export const newRoutes = (): RouteFacts => ({ count: 0, weighted: new Examples() });

export function foldHttpRoute(acc: RouteFacts, r: api.HttpRoute): void {
  acc.count++;
  if ((r.spec.rules ?? []).some((rule) => splitsByWeight((rule.backendRefs ?? []).map((b) => b.weight)))) acc.weighted.add(idOf(r.metadata));
}

/** Istio objects: how many, how many add resilience, which choose how traffic is balanced or split. */
export interface Tally {
  total: number;
  resilient: number;
  balanced: Examples;
}
export const newTally = (): Tally => ({ total: 0, resilient: 0, balanced: new Examples() });

export function foldDestinationRule(acc: Tally, d: api.DestinationRule): void {
  acc.total++;
  const policies = [d.spec.trafficPolicy, ...(d.spec.subsets ?? []).map((s) => s.trafficPolicy)];
  if (policies.some(resilientPolicy)) acc.resilient++;
  if (policies.some((p) => p && [p, ...(p.portLevelSettings ?? [])].some((x) => x.loadBalancer))) acc.balanced.add(idOf(d.metadata));
}

export function foldVirtualService(acc: Tally, v: api.VirtualService): void {
  acc.total++;
  if ((v.spec.http ?? []).some((h) => h.retries || h.timeout)) acc.resilient++;
  if ((v.spec.http ?? []).some((h) => splitsByWeight((h.route ?? []).map((d) => d.weight)))) acc.balanced.add(idOf(v.metadata));
}

export function foldEnvoyFilter(acc: Tally, e: api.EnvoyFilter): void {
  acc.total++;
  if (JSON.stringify(e.spec.configPatches ?? []).includes('local_ratelimit')) acc.resilient++;
}

/** Two or more destinations, at least one with a weight: traffic is split by weight. */
export function splitsByWeight(weights: (number | null | undefined)[]): boolean {
  return weights.length >= 2 && weights.some((w) => w !== undefined && w !== null);
}

function resilientPolicy(p: api.TrafficPolicy | null | undefined): boolean {
  if (!p) return false;
  return [p, ...(p.portLevelSettings ?? [])].some((s) => Boolean(s.outlierDetection || s.connectionPool));
}

export interface TrafficReads {
  ingresses: Read<IngressFacts>;
  traefikMiddlewares: Read<MiddlewareFacts>;
  httproutes: Read<RouteFacts>;
  destinationrules: Read<Tally>;
  virtualservices: Read<Tally>;
  envoyfilters: Read<Tally>;
}

export function measureTraffic(s: TrafficReads): MeasuredSet<KubernetesSignalId> {
  return {
    'kubernetes.mesh.resilience_policies': meshPolicies(s),
    'kubernetes.ratelimit.policies': rateLimits(s),
    'kubernetes.loadbalancing.policies': balancing(s),
  };
}

function meshPolicies(s: TrafficReads) {
  const istio = [s.destinationrules, s.virtualservices, s.envoyfilters];
  const none = allAbsent(istio);
  if (none) return none;
  const n = need([], istio);
  if (n.failed) return n.failed;
  const [dr, vs, ef] = istio.map((o) => data(o));
  const parts = [
    dr ? `${dr.resilient} of ${plural(dr.total, 'DestinationRule')} with outlierDetection or connectionPool` : undefined,
    vs ? `${vs.resilient} of ${plural(vs.total, 'VirtualService')} with retries or a timeout` : undefined,
    ef ? `${ef.resilient} of ${plural(ef.total, 'EnvoyFilter')} adding local rate limiting` : undefined,
  ].filter(Boolean);
  return value((dr?.resilient ?? 0) + (vs?.resilient ?? 0) + (ef?.resilient ?? 0), n.evidence, parts.join('; '));
}

function rateLimits(s: TrafficReads) {
  const n = need([s.ingresses], [s.envoyfilters, s.traefikMiddlewares]);
  if (n.failed) return n.failed;
  const ing = data(s.ingresses)!.rateLimited;
  const ef = data(s.envoyfilters);
  const tm = data(s.traefikMiddlewares);
  const parts = [
    `${ing.count} rate-limited Ingresses${ing.count ? ` (${ing.text()})` : ''}`,
    ef ? `${ef.resilient} of ${plural(ef.total, 'EnvoyFilter')} adding local rate limiting` : 'no Istio EnvoyFilter CRD',
    tm ? `${tm.rateLimited.count} of ${plural(tm.total, 'Traefik Middleware')} with rateLimit${tm.rateLimited.count ? ` (${tm.rateLimited.text()})` : ''}` : 'no Traefik Middleware CRD',
  ];
  return named(value(ing.count + (ef?.resilient ?? 0) + (tm?.rateLimited.count ?? 0), n.evidence, parts.join('; ')),
    'rate-limited Ingresses and Traefik Middlewares (EnvoyFilters are counted, not named)', objectsOf([ing, ...(tm ? [tm.rateLimited] : [])]));
}

function balancing(s: TrafficReads) {
  const n = need([s.ingresses], [s.destinationrules, s.virtualservices, s.httproutes]);
  if (n.failed) return n.failed;
  const ing = data(s.ingresses)!.balanced;
  const dr = data(s.destinationrules);
  const vs = data(s.virtualservices);
  const hr = data(s.httproutes);
  const found = [ing, ...(dr ? [dr.balanced] : []), ...(vs ? [vs.balanced] : []), ...(hr ? [hr.weighted] : [])];
  const parts = [
    `${ing.count} Ingresses choosing an algorithm or a canary weight`,
    dr ? `${dr.balanced.count} DestinationRules with a loadBalancer` : 'no Istio DestinationRule CRD',
    vs ? `${vs.balanced.count} VirtualServices splitting by weight` : 'no Istio VirtualService CRD',
    hr ? `${hr.weighted.count} HTTPRoutes splitting by weight` : 'no Gateway API HTTPRoute CRD',
  ];
  return named(value(found.reduce((a, e) => a + e.count, 0), n.evidence, parts.join('; ')),
    'objects that choose a balancing algorithm or split traffic by weight', objectsOf(found));
}
