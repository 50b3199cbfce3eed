import { parse } from 'yaml';
import { z } from 'zod';
import { fromRead, notAvailable, ratioOf, type Measured, type Read } from '../../../src/collector/kit.js';
import { parseDuration } from '../../../src/duration.js';
import { CollectError } from '../../../src/http/errors.js';
import { formatIssues } from '../../../src/zod-path.js';

/**
 * Facts read from the running config as /api/v1/status/config renders it. Prometheus renders
 * the config after applying defaults (every job carries its effective scrape_interval) and
 * with secrets replaced by `<secret>`, so presence of a key is what counts, never its value.
 */
export interface ConfigFacts {
  scrapeJobs: number;
  distinctIntervals: number[];
  customIntervalJobs: number;
  tlsJobs: number;
  authJobs: number;
  limitJobs: number;
  relabelRules: number;
  sdKinds: string[];
  remoteWrite: number;
  remoteRead: number;
  replicaLabels: string[];
}

const LIMIT_KEYS = ['sample_limit', 'label_limit', 'label_name_length_limit', 'label_value_length_limit', 'target_limit', 'body_size_limit'] as const;
const AUTH_KEYS = ['authorization', 'basic_auth', 'oauth2', 'bearer_token', 'bearer_token_file'] as const;
/** tls_config keys that mean TLS was set up on purpose; a rendered default has none of them. */
const TLS_KEYS = ['ca', 'ca_file', 'ca_ref', 'cert', 'cert_file', 'cert_ref', 'key', 'key_file', 'key_ref', 'server_name'] as const;
const REPLICA_LABEL = /^(__replica__|replica|prometheus_replica|.+_replica)$/i;

const anyRecord = z.record(z.string(), z.unknown());
const scrapeConfigSchema = z.looseObject({
  job_name: z.string(),
  scrape_interval: z.string().optional(),
  scrape_timeout: z.string().optional(),
  scheme: z.string().optional(),
  tls_config: anyRecord.nullish(),
  relabel_configs: z.array(z.unknown()).nullish(),
  metric_relabel_configs: z.array(z.unknown()).nullish(),
});
const promConfigSchema = z.object({
  global: z
    .looseObject({
      scrape_interval: z.string().optional(),
      scrape_timeout: z.string().optional(),
      external_labels: z.record(z.string(), z.string()).nullish(),
    })
    .nullish(),
  scrape_configs: z.array(scrapeConfigSchema).nullish(),
  remote_write: z.array(z.unknown()).nullish(),
  remote_read: z.array(z.unknown()).nullish(),
});

/** Prometheus' documented defaults, for a config that does not render them. */
const DEFAULT_INTERVAL = 60;
const DEFAULT_TIMEOUT = 10;

export function analyseConfig(yamlText: string): ConfigFacts {
  let raw: unknown;
  try {
    raw = parse(yamlText);
  } catch (err) {
    throw new CollectError('malformed', `the config in /api/v1/status/config is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = promConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new CollectError('malformed', `unexpected config in /api/v1/status/config: ${formatIssues(parsed.error).slice(0, 3).join('; ')}`);
  }
  const cfg = parsed.data;
  const global = cfg.global ?? {};
  const globalInterval = seconds(global.scrape_interval) ?? DEFAULT_INTERVAL;
  const globalTimeout = seconds(global.scrape_timeout) ?? DEFAULT_TIMEOUT;
  const globalHasLimit = LIMIT_KEYS.some((k) => isSet(global[k]));
  const jobs = cfg.scrape_configs ?? [];

  const intervals = new Set<number>();
  const sdKinds = new Set<string>();
  let custom = 0;
  let tls = 0;
  let auth = 0;
  let limits = 0;
  let relabel = 0;
  for (const job of jobs) {
    const interval = seconds(job.scrape_interval) ?? globalInterval;
    // An unset timeout is the global one, clamped to the interval as Prometheus does.
    const timeout = seconds(job.scrape_timeout) ?? Math.min(globalTimeout, interval);
    intervals.add(interval);
    if (interval !== globalInterval || timeout !== globalTimeout) custom++;
    if (job.scheme?.toLowerCase() === 'https' || TLS_KEYS.some((k) => isSet(job.tls_config?.[k]))) tls++;
    if (AUTH_KEYS.some((k) => isSet(job[k]))) auth++;
    if (globalHasLimit || LIMIT_KEYS.some((k) => isSet(job[k]))) limits++;
    relabel += (job.relabel_configs?.length ?? 0) + (job.metric_relabel_configs?.length ?? 0);
    for (const [key, value] of Object.entries(job)) {
      if (key.endsWith('_sd_configs') && Array.isArray(value) && value.length > 0) sdKinds.add(key.replace(/_sd_configs$/, ''));
    }
  }

  return {
    scrapeJobs: jobs.length,
    distinctIntervals: [...intervals].sort((a, b) => a - b),
    customIntervalJobs: custom,
    tlsJobs: tls,
    authJobs: auth,
    limitJobs: limits,
    relabelRules: relabel,
    sdKinds: [...sdKinds].sort(),
    remoteWrite: cfg.remote_write?.length ?? 0,
    remoteRead: cfg.remote_read?.length ?? 0,
    replicaLabels: Object.keys(global.external_labels ?? {}).filter((k) => REPLICA_LABEL.test(k)),
  };
}

function seconds(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseDuration(text);
}

/** A rendered zero (`0`, `0B`) or empty block is the same as absent. */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return !/^0+(\.0+)?\s*[A-Za-z]*$/.test(value.trim());
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value).some(isSet);
  return true;
}

/** The signals of the running config, each from the facts above (a config that did not parse fails them all). */
export function measureRunningConfig(config: Read<ConfigFacts>): Record<string, Measured> {
  const scrapeRatio = (part: (c: ConfigFacts) => number) => fromRead(config, (c) => ratioOf(part(c), c.scrapeJobs, [], 'scrape_configs'));
  return {
    'prometheus.ha.replica_label': fromRead(config, (c) => c.replicaLabels.length > 0,
      (c) => ({ detail: c.replicaLabels.length ? `external_labels: ${c.replicaLabels.join(', ')}` : 'no replica label in global.external_labels' })),
    'prometheus.remote_write.count': fromRead(config, (c) => c.remoteWrite),
    'prometheus.remote_read.count': fromRead(config, (c) => c.remoteRead),
    'prometheus.storage.remote': fromRead(config, (c) => c.remoteWrite + c.remoteRead > 0, (c) => ({ detail: `${c.remoteWrite} remote_write, ${c.remoteRead} remote_read` })),
    'prometheus.scrape.jobs': fromRead(config, (c) => c.scrapeJobs),
    'prometheus.scrape.interval_distinct': fromRead(config, (c) => c.distinctIntervals.length, (c) => ({ detail: c.distinctIntervals.map((s) => `${s}s`).join(', ') })),
    'prometheus.scrape.max_interval_seconds': fromRead(config, (c) => (c.scrapeJobs === 0 ? notAvailable('no scrape_configs') : Math.max(...c.distinctIntervals))),
    'prometheus.scrape.custom_interval_jobs': fromRead(config, (c) => c.customIntervalJobs),
    'prometheus.scrape.tls_ratio': scrapeRatio((c) => c.tlsJobs),
    'prometheus.scrape.auth_ratio': scrapeRatio((c) => c.authJobs),
    'prometheus.scrape.limits_ratio': scrapeRatio((c) => c.limitJobs),
    'prometheus.scrape.relabel_rules': fromRead(config, (c) => c.relabelRules),
    'prometheus.sd.kinds': fromRead(config, (c) => c.sdKinds.length, (c) => ({ detail: c.sdKinds.join(', ') || 'static_configs only' })),
  };
}
