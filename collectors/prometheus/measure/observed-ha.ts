import { parse as parseYaml } from 'yaml';
import { fromRead, measuredValue, measureFailed, notAvailable, type Measured, type Read } from '../../../src/collector/kit.js';
import type { RunningConfig, Sample, Targets } from '../api.js';
import type { ConfigFacts } from './running-config.js';
import { firstNames, objectsOf } from './names.js';

/**
 * What the monitoring estate is observed doing, not what it is configured to do (chapter 5,
 * issue 10). High availability is two servers seen scraping the same targets, or samples seen
 * delivered to another server; a one-server estate with a `replica` external label is not HA.
 */

export interface SharedPools {
  /** Largest number of distinct servers running one scrape job with the same number of targets. */
  servers: number;
  /** The scrape jobs run by that many servers. */
  jobs: string[];
  /** Servers whose scrape pools were seen at all. */
  seen: number;
}

/**
 * Two servers running a scrape job of the same name with the same number of targets scrape the
 * same targets (the usual HA pair, each with an identical config). A server is known by its start
 * time; two servers started within the same 10 ms count as one, which can only under-count.
 */
export function sharedScrapePools(samples: Sample[]): SharedPools | undefined {
  const startOf = new Map<string, string>();
  for (const s of samples) {
    if (s.metric.__name__ === 'process_start_time_seconds') startOf.set(`${s.metric.job}\u0000${s.metric.instance}`, s.value.toFixed(2));
  }
  const pools = new Map<string, Map<string, number>>();
  for (const s of samples) {
    if (s.metric.__name__ !== 'prometheus_target_scrape_pool_targets' || !(s.value > 0)) continue;
    const key = `${s.metric.job}\u0000${s.metric.instance}`;
    const server = startOf.get(key) ?? key;
    const job = s.metric.scrape_job ?? '';
    const servers = pools.get(job) ?? new Map<string, number>();
    servers.set(server, s.value);
    pools.set(job, servers);
  }
  if (pools.size === 0) return undefined;
  const allServers = new Set([...pools.values()].flatMap((m) => [...m.keys()]));
  let best = 1;
  let jobs: string[] = [];
  for (const [job, servers] of pools) {
    const counts = new Set(servers.values());
    const n = counts.size === 1 ? servers.size : 1;
    if (n > best) [best, jobs] = [n, [job]];
    else if (n === best && n > 1) jobs.push(job);
  }
  return { servers: best, jobs: jobs.sort(), seen: allServers.size };
}

export function measureSharedServers(sharedPools: Read<Sample[]>): Measured {
  return fromRead(sharedPools, (samples) => {
    const found = sharedScrapePools(samples);
    if (!found) return notAvailable('no prometheus_target_scrape_pool_targets series: this server scrapes no Prometheus server\'s own metrics (itself included), so no second server could be seen');
    const detail = found.servers > 1
      ? `${found.servers} servers run the same scrape jobs with the same number of targets: ${firstNames(found.jobs)}`
      : `${found.seen} Prometheus server(s) seen; none runs a scrape job another runs with the same targets`;
    return measuredValue(found.servers, [], { detail });
  });
}

/** remote_write destinations that received samples in the window; 0 when none is configured. */
export function measureDelivering(delivered: Read<Sample[]>, config: Read<ConfigFacts>): Measured {
  const configured = config.status === 'ok' ? config.data.remoteWrite : undefined;
  return fromRead(delivered, (samples) => {
    const delivering = samples.filter((s) => Number.isFinite(s.value) && s.value > 0).map((s) => s.metric.url ?? '(no url label)').sort();
    if (samples.length === 0) {
      if (configured === 0) return measuredValue(0, [], { detail: 'no remote_write in the running config' });
      return notAvailable('no prometheus_remote_storage samples counters in the window: this server\'s own metrics are not scraped, so delivery cannot be seen');
    }
    const idle = samples.length - delivering.length;
    return measuredValue(delivering.length, [], {
      detail: `${firstNames(delivering) ?? 'none'}${idle ? `; ${idle} destination(s) received nothing in the window` : ''}`,
      objects: objectsOf(delivering),
    });
  });
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * Transmissions that cross a network over TLS: active targets not on loopback whose scrapeUrl is
 * https, and remote_write destinations of the running config not on loopback with an https url.
 * A scrape that stays on the host crosses no network that encryption would protect.
 */
export function measureNetworkTls(targets: Read<Targets>, config: Read<RunningConfig>): Measured {
  for (const r of [targets, config]) {
    if (r.status === 'absent') return notAvailable(r.reason, r.evidence);
    if (r.status === 'failed') return measureFailed(r.reason, r.evidence);
  }
  if (targets.status !== 'ok' || config.status !== 'ok') return measureFailed('unreachable');
  const hops: { url: URL; what: string }[] = [];
  const add = (text: string | undefined, what: string) => {
    if (!text) return;
    try {
      const url = new URL(text);
      if (!LOOPBACK.test(url.hostname)) hops.push({ url, what });
    } catch {
      /* not a URL: nothing crosses a network we can name */
    }
  };
  for (const t of targets.data.activeTargets) add(t.scrapeUrl, `job ${t.scrapePool ?? t.labels.job ?? ''}`);
  let writes: unknown;
  try {
    writes = (parseYaml(config.data.yaml) as { remote_write?: unknown } | null)?.remote_write;
  } catch (err) {
    return measureFailed(`the running config is not YAML: ${(err as Error).message.split('\n')[0]}`, config.evidence);
  }
  for (const w of Array.isArray(writes) ? writes : []) add(typeof (w as { url?: unknown })?.url === 'string' ? (w as { url: string }).url : undefined, 'remote_write');
  const evidence = [...targets.evidence, ...config.evidence];
  if (hops.length === 0) return notAvailable('every active target and remote_write destination is on loopback (or names no URL): nothing crosses a network', evidence);
  const plain = [...new Set(hops.filter((h) => h.url.protocol !== 'https:').map((h) => h.what))].sort();
  const secured = hops.filter((h) => h.url.protocol === 'https:').length;
  const detail = `${secured} of ${hops.length} network transmissions (scrapes and remote writes) over https${plain.length ? `; plain http: ${firstNames(plain)}` : ''}`;
  return measuredValue(secured / hops.length, evidence, { detail });
}
