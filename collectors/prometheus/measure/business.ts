import { fromRead, type Measured, type Read } from '../../../src/collector/kit.js';
import type { Sample } from '../api.js';
import { REQUEST_METRICS, ROUTE_LABELS } from '../queries.js';

/** The request metrics applications expose, and those labelled per route, from the two parts of the business query. */
export function requestMetrics(samples: Sample[]): { requests: string[]; perRoute: string[] } {
  const part = (p: string) => samples.filter((s) => s.metric.part === p && s.value > 0).map((s) => s.metric.__name__ ?? '').sort();
  return { requests: part('requests'), perRoute: part('per_route') };
}

/** prometheus.business.request_metrics and per_route_metrics (chapters 8 and 9: application metrics per interface). */
export function measureBusiness(business: Read<Sample[]>): Record<string, Measured> {
  return {
    'prometheus.business.request_metrics': fromRead(business, (d) => requestMetrics(d).requests.length > 0, (d) => {
      const { requests } = requestMetrics(d);
      return { detail: requests.length ? requests.join(', ') : `none of ${REQUEST_METRICS.join(', ')} outside the monitoring jobs` };
    }),
    'prometheus.business.per_route_metrics': fromRead(business, (d) => requestMetrics(d).perRoute.length > 0, (d) => {
      const { requests, perRoute } = requestMetrics(d);
      if (requests.length === 0) return { detail: 'no application request metrics at all' };
      return { detail: perRoute.length ? `labelled per interface: ${perRoute.join(', ')}` : `${requests.join(', ')} carry none of the labels ${ROUTE_LABELS.join(', ')}` };
    }),
  };
}
