import type { IncomingMessage, ServerResponse } from 'node:http';
import { prometheusConfigYaml, type Estate } from '../estate.js';
import { reply } from '../http.js';
import { REQUEST_METRICS } from '../../collectors/prometheus/queries.js';

/**
 * Prometheus's HTTP API (v1), shaped like Prometheus 2.42's responses. The query endpoint does
 * not evaluate PromQL: it recognises the aggregate queries a scan asks and answers them from
 * the estate model; anything else gets an empty vector, as a server without that data would.
 */
export function prometheusHandler(estate: Estate): (req: IncomingMessage, res: ServerResponse) => void {
  const p = estate.prometheus;
  const t = estate.now.getTime() / 1000;
  const iso = estate.now.toISOString();
  const ok = (data: unknown) => ({ status: 'success', data });
  const sample = (metric: Record<string, string>, value: number) => ({ metric, value: [t, String(value)] });
  const vector = (result: unknown[]) => ok({ resultType: 'vector', result });
  const jobByName = new Map(p.jobs.map((j) => [j.name, j] as const));

  const targets = () =>
    ok({
      activeTargets: p.targets.map((tg) => {
        const job = jobByName.get(tg.job)!;
        return {
          discoveredLabels: { __address__: tg.instance, __metrics_path__: job.path, __scheme__: job.scheme, job: job.name },
          labels: { instance: tg.instance, job: job.name },
          scrapePool: job.name,
          scrapeUrl: `${job.scheme}://${tg.instance}${job.path}`,
          globalUrl: `${job.scheme}://${tg.instance}${job.path}`,
          lastError: tg.lastError,
          lastScrape: iso,
          lastScrapeDuration: tg.scrapeDuration,
          health: tg.health,
          scrapeInterval: `${job.interval}s`,
          scrapeTimeout: `${job.timeout}s`,
        };
      }),
      droppedTargets: [],
    });

  const alertsOf = (r: Estate['prometheus']['groups'][number]['rules'][number]) =>
    Array.from({ length: r.firing }, (_, k) => ({
      labels: { alertname: r.name, instance: `10.20.0.${10 + k}:9100`, ...r.labels },
      annotations: r.annotations,
      state: 'firing',
      activeAt: new Date(estate.now.getTime() - 3600_000).toISOString(),
      value: '1e+00',
    }));

  const rules = () =>
    ok({
      groups: p.groups.map((g) => ({
        name: g.name,
        file: g.file,
        rules: g.rules.map((r) =>
          r.kind === 'alerting'
            ? {
                state: r.firing ? 'firing' : 'inactive', name: r.name, query: r.expr, duration: r.forSeconds, keepFiringFor: 0,
                labels: r.labels, annotations: r.annotations, alerts: alertsOf(r), health: 'ok',
                evaluationTime: g.evaluationTime / g.rules.length, lastEvaluation: iso, type: 'alerting',
              }
            : { name: r.name, query: r.expr, labels: r.labels, health: 'ok', evaluationTime: g.evaluationTime / g.rules.length, lastEvaluation: iso, type: 'recording' },
        ),
        interval: g.interval,
        limit: 0,
        evaluationTime: g.evaluationTime,
        lastEvaluation: iso,
      })),
    });

  const query = (q: string) => {
    if (q === 'vector(1)') return vector([sample({}, 1)]);
    // The business-metrics query: the estate's request metrics carry service and code labels, no route label.
    if (q.includes('"part", "requests"')) {
      return vector(p.metricNames.filter((n) => REQUEST_METRICS.includes(n)).map((n) => sample({ __name__: n, part: 'requests' }, 1)));
    }
    if (q.startsWith('count by (__name__)')) {
      const series = (name: string) => (name === 'node_cpu_seconds_total' ? 8 : 1) * Math.max(1, p.targets.filter((x) => x.job === 'node').length);
      return vector(p.metricNames.filter((n) => q.includes(n.replace(/_total$/, '')) || q.includes(n)).map((n) => sample({ __name__: n }, series(n))));
    }
    if (q.includes('count by (instance)')) return vector([sample({}, p.targets.filter((x) => x.job === 'node').length)]);
    if (q.includes('avg(avg_over_time(probe_success')) return vector([sample({}, p.probes.reduce((s, x) => s + x.availability, 0) / p.probes.length)]);
    if (q.includes('bottomk(1, avg_over_time(probe_success')) {
      const worst = [...p.probes].sort((a, b) => a.availability - b.availability)[0];
      return vector([sample({ instance: worst.instance, job: 'blackbox' }, worst.availability)]);
    }
    if (q.includes('ALERTS{alertstate="firing"}')) return vector([sample({}, p.firedInWindow)]);
    if (q.includes('increase(alertmanager_notifications_total')) return vector([sample({}, p.notificationsInWindow)]);
    if (q.includes('velero_backup_last_successful_timestamp') || q.includes('pg_stat_archiver_last_archive_age')) {
      return vector([sample({ source: 'pgbackrest_backup_since_last_completion_seconds' }, p.backupAgeSeconds)]);
    }
    if (q.includes('pg_replication_lag_seconds')) return vector([sample({ source: 'pg_replication_lag_seconds' }, p.replicationLagSeconds)]);
    // chapter 5: this server scrapes itself only (its replica label has no partner seen), and remote write delivers
    if (q.includes('prometheus_target_scrape_pool_targets')) {
      const self = { instance: 'localhost:9090', job: 'prometheus' };
      return vector([
        ...p.jobs.map((j) => sample({ __name__: 'prometheus_target_scrape_pool_targets', ...self, scrape_job: j.name }, p.targets.filter((x) => x.job === j.name).length)),
        sample({ __name__: 'process_start_time_seconds', ...self }, t - 12 * 86400),
      ]);
    }
    if (q.includes('prometheus_remote_storage_samples_total')) return vector(p.remoteWrite.map((url) => sample({ url }, 86400 * 12000)));
    return vector([]);
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/api/v1/status/buildinfo':
        return reply(res, 200, ok({ version: p.version, revision: '2.42.0+ds-5+deb12u1', branch: 'debian/sid', buildUser: 'team+pkg-go@tracker.debian.org', buildDate: '20230327-14:00:00', goVersion: 'go1.19.8' }));
      case '/api/v1/status/config':
        return reply(res, 200, ok({ yaml: prometheusConfigYaml(estate) }));
      case '/api/v1/status/flags':
        return reply(res, 200, ok({
          'storage.tsdb.retention.time': p.retention, 'storage.tsdb.retention.size': '0B', 'storage.tsdb.path': '/prometheus',
          'web.enable-remote-write-receiver': 'false', 'enable-feature': '', 'web.listen-address': '0.0.0.0:9090', 'rules.alert.resend-delay': '1m',
        }));
      case '/api/v1/status/runtimeinfo':
        return reply(res, 200, ok({
          startTime: new Date(estate.now.getTime() - 12 * 86400_000).toISOString(), CWD: '/prometheus', reloadConfigSuccess: true, lastConfigTime: iso,
          corruptionCount: 0, goroutineCount: 420, GOMAXPROCS: 8, GOMEMLIMIT: 9223372036854775807, GOGC: '', GODEBUG: '', storageRetention: p.retention,
        }));
      case '/api/v1/status/tsdb':
        return reply(res, 200, ok({
          headStats: { numSeries: p.headSeries, numLabelPairs: Math.round(p.headSeries / 20), chunkCount: p.headSeries * 2, minTime: (t - 7200) * 1000, maxTime: t * 1000 },
          seriesCountByMetricName: p.metricNames.slice(0, 10).map((name, i) => ({ name, value: Math.round(p.headSeries / (i + 2)) })),
          labelValueCountByLabelName: [{ name: 'instance', value: p.targets.length }],
          memoryInBytesByLabelName: [{ name: 'instance', value: p.targets.length * 24 }],
          seriesCountByLabelValuePair: [{ name: 'job=kubernetes-pods', value: Math.round(p.headSeries / 2) }],
        }));
      case '/api/v1/targets':
        return reply(res, 200, targets());
      case '/api/v1/rules':
        return reply(res, 200, rules());
      case '/api/v1/alerts':
        return reply(res, 200, ok({ alerts: p.groups.flatMap((g) => g.rules.filter((r) => r.kind === 'alerting').flatMap(alertsOf)) }));
      case '/api/v1/alertmanagers':
        return reply(res, 200, ok({ activeAlertmanagers: p.alertmanagers.map((url) => ({ url })), droppedAlertmanagers: [] }));
      case '/api/v1/query': {
        const q = url.searchParams.get('query');
        if (!q) return reply(res, 400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": parse error: no expression found in input' });
        return reply(res, 200, query(q));
      }
      case '/-/ready':
      case '/-/healthy':
        res.writeHead(200);
        return res.end('Prometheus Server is Ready.\n');
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return res.end('404 page not found\n');
    }
  };
}
