import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { InstanceConfig } from '../collector/harness.js';
import type { Registry } from '../collector/types.js';
import { UserError } from '../errors.js';
import { withHttpDefaults } from '../http/defaults.js';
import { Redactor } from '../redact.js';
import { formatIssues } from '../zod-path.js';
import { interpolate } from './interpolate.js';
import { configSchema, instanceCommon } from './schema.js';

export interface Config {
  file: string;
  assessment: { name: string; scope?: string };
  windowSeconds: number;
  instances: InstanceConfig[];
  parameters: Record<string, Record<string, number | string | boolean>>;
  attestationsFile?: string;
  claimsFile?: string;
  attestationValiditySeconds: number;
  rulesDir?: string;
  limits: { concurrency: number; collectorDeadlineMs: number; scanDeadlineMs: number };
  /** The run history; undefined when the config says `store: false`. */
  store?: { location: string; keepRuns?: number; keepSeconds?: number };
  /** SHA-256 of the config as written, secrets masked: two reports with one digest used one config. */
  digest: string;
  /** The config as written, secrets masked, for the report. */
  redacted: unknown;
}

export function readYamlFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = e.linePos?.[0] ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    throw new UserError(`${what} ${file} is not valid YAML${at}: ${e.message.split('\n')[0]}`);
  }
  return doc.toJS();
}

/**
 * Reads, interpolates and validates a config file against the core schema and each
 * collector's own schema. Every problem is reported at once, each with the file and the path
 * inside it (`collectors.prometheus[0].url`) and what was expected.
 */
export function loadConfig(file: string, registry: Registry, opts: { env?: NodeJS.ProcessEnv; redactor?: Redactor } = {}): Config {
  const path = resolve(file);
  const raw = readYamlFile(path, 'config file');
  return parseConfig(raw, path, registry, opts);
}

export function parseConfig(raw: unknown, path: string, registry: Registry, opts: { env?: NodeJS.ProcessEnv; redactor?: Redactor } = {}): Config {
  const redactor = opts.redactor ?? new Redactor();
  const baseDir = dirname(path);
  const fail = (problems: string[]) => {
    throw new UserError(`invalid config ${path}:\n  ${problems.map((p) => redactor.text(p)).join('\n  ')}`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(['(top level): expected a mapping with at least `assessment`']);

  const masked = new Redactor().value(raw);
  const digest = 'sha256:' + createHash('sha256').update(canonicalJson(masked)).digest('hex');

  const problems: string[] = [];
  const interpolated = interpolate(raw, { env: opts.env ?? process.env, baseDir, redactor, problems });
  // A key whose reference could not be resolved has already been named once; the schema's
  // complaint about the empty value left behind would only be a second, misleading line.
  const interpolationProblems = problems.length;
  const unresolved = new Set(problems.map((p) => p.slice(0, p.indexOf(': '))));
  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) problems.push(...formatIssues(parsed.error));
  // Collector instances are checked even when the rest is wrong, so one run shows every problem.
  const rawCollectors = (interpolated as { collectors?: unknown }).collectors;
  const instances = rawCollectors && typeof rawCollectors === 'object' && !Array.isArray(rawCollectors)
    ? parseInstances(rawCollectors as Record<string, unknown>, registry, problems, baseDir)
    : [];
  const reported = problems.filter((p, i) => i < interpolationProblems || !unresolved.has(p.slice(0, p.indexOf(': '))));
  if (problems.length || !parsed.success) return fail(reported);
  const cfg = parsed.data;

  return {
    file: path,
    assessment: cfg.assessment,
    windowSeconds: cfg.window,
    instances,
    parameters: cfg.parameters,
    attestationsFile: cfg.attestations ? resolve(baseDir, cfg.attestations) : undefined,
    claimsFile: cfg.claims ? resolve(baseDir, cfg.claims) : undefined,
    attestationValiditySeconds: cfg.attestation_validity,
    rulesDir: cfg.rules ? resolve(baseDir, cfg.rules) : undefined,
    store: cfg.store === false ? undefined : {
      location: cfg.store?.url ?? resolve(baseDir, cfg.store?.path ?? DEFAULT_STORE_PATH),
      keepRuns: cfg.store?.keep_runs,
      keepSeconds: cfg.store?.keep_days ?? DEFAULT_KEEP_SECONDS,
    },
    limits: {
      concurrency: cfg.limits.concurrency,
      collectorDeadlineMs: cfg.limits.collector_deadline * 1000,
      scanDeadlineMs: cfg.limits.scan_deadline * 1000,
    },
    digest,
    redacted: masked,
  };
}

function parseInstances(collectors: Record<string, unknown>, registry: Registry, problems: string[], baseDir: string): InstanceConfig[] {
  const known = new Map(registry.map((c) => [c.id, c] as const));
  const instances: InstanceConfig[] = [];
  for (const [id, list] of Object.entries(collectors)) {
    const collector = known.get(id);
    if (!collector) {
      problems.push(`collectors.${id}: unknown collector '${id}' (known: ${[...known.keys()].join(', ') || 'none registered'})`);
      continue;
    }
    if (!Array.isArray(list)) continue; // the core schema reports it
    const names = new Set<string>();
    list.forEach((entry, i) => {
      const where = `collectors.${id}[${i}]`;
      const common = instanceCommon.passthrough().safeParse(entry);
      if (!common.success) {
        problems.push(...formatIssues(common.error, where));
        return;
      }
      const { name, http, ...own } = common.data as z.infer<typeof instanceCommon> & Record<string, unknown>;
      if (names.has(name)) problems.push(`${where}.name: duplicate instance name '${name}' for collector ${id}`);
      names.add(name);
      const specific = collector.configSchema.safeParse(own);
      if (!specific.success) {
        problems.push(...formatIssues(specific.error, where));
        return;
      }
      for (const f of collector.files?.(specific.data) ?? []) {
        const file = f.path.startsWith('~/') ? join(homedir(), f.path.slice(2)) : resolve(baseDir, f.path);
        if (!existsSync(file)) problems.push(`${where}.${f.key}: no such file ${file}`);
      }
      instances.push({
        collector: id,
        name,
        config: specific.data,
        baseDir,
        http: httpSettings(http, baseDir),
      });
    });
  }
  return instances;
}

/** The instance's `http:` block over the defaults (HTTP_DEFAULTS): every key has a value. */
function httpSettings(http: z.infer<typeof instanceCommon>['http'], baseDir: string): InstanceConfig['http'] {
  const all = withHttpDefaults({
    timeoutMs: http?.timeout !== undefined ? http.timeout * 1000 : undefined,
    retries: http?.retries,
    budget: http?.request_budget,
    maxBodyBytes: http?.max_body_bytes,
    maxRetryAfterMs: http?.max_retry_after !== undefined ? http.max_retry_after * 1000 : undefined,
    maxConcurrency: http?.max_concurrency,
  });
  const cacheDir = http?.cache === false ? undefined : resolve(baseDir, http?.cache_dir ?? DEFAULT_CACHE_DIR);
  return {
    timeoutMs: all.timeoutMs, retries: all.retries, budget: all.budget, maxBodyBytes: all.maxBodyBytes, maxRetryAfterMs: all.maxRetryAfterMs,
    maxConcurrency: all.maxConcurrency, cacheDir,
  };
}

/** Where the run history lives unless `store.path` says otherwise: beside the config. */
export const DEFAULT_STORE_PATH = '.techops/runs.db';
/** A year and a month: this year's assessment can be compared with last year's. */
export const DEFAULT_KEEP_SECONDS = 400 * 86_400;

/** Where the conditional-request cache lives unless `http.cache_dir` says otherwise: beside the config. */
export const DEFAULT_CACHE_DIR = '.techops-cache/http';

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value instanceof Date ? value.toISOString() : value);
}

/**
 * The run history a config names, read without resolving anything else: `history` and `diff`
 * must not need the collectors' credentials in the environment. A `store.url` has its own
 * `${ENV}` references resolved (its password). Undefined for `store: false`.
 */
export function storeOfConfig(file: string, env: NodeJS.ProcessEnv = process.env, redactor = new Redactor()): string | undefined {
  const path = resolve(file);
  const raw = readYamlFile(path, 'config') as { store?: unknown } | null;
  const store = raw && typeof raw === 'object' ? raw.store : undefined;
  if (store === false) return undefined;
  const given = store && typeof store === 'object' ? (store as { path?: unknown; url?: unknown }) : {};
  if (given.url !== undefined) {
    const problems: string[] = [];
    const url = interpolate(given.url, { env, baseDir: dirname(path), redactor, problems }, 'store.url', 'url');
    if (problems.length) throw new UserError(`${file}: ${problems.join('; ')}`);
    if (typeof url !== 'string' || !/^postgres(ql)?:\/\//i.test(url)) throw new UserError(`${file}: store.url must be a postgres:// URL`);
    return url;
  }
  if (given.path !== undefined && (typeof given.path !== 'string' || given.path.includes('${'))) throw new UserError(`${file}: store.path must be a plain path for history and diff`);
  return resolve(dirname(path), (given.path as string | undefined) ?? DEFAULT_STORE_PATH);
}
