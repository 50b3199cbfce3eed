import { z } from 'zod';
import { parseDuration } from '../duration.js';

/** `30d`, `90s`: a Prometheus-style duration, kept in seconds. */
export const duration = z.string().transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 90s, 5m, 12h or 30d, got '${text}'` });
    return z.NEVER;
  }
  return seconds;
});

export const httpSettingsSchema = z
  .object({
    timeout: duration.optional().describe('Per-request timeout (default 10s).'),
    retries: z.number().int().min(0).max(10).optional().describe('Retries on connection errors, 5xx and 429 (default 2).'),
    request_budget: z.number().int().min(1).optional().describe('Most requests this instance may make in one scan (default 1000).'),
    max_body_bytes: z.number().int().min(1024).optional().describe('Largest response body accepted (default 64 MiB).'),
    max_retry_after: duration.optional().describe('Longest Retry-After a 429 may ask to wait (default 60s).'),
    max_concurrency: z.number().int().min(1).max(64).optional().describe('Requests of this instance in flight at once (default 10).'),
    cache: z.boolean().optional().describe('Conditional requests (ETag / Last-Modified) against an on-disk cache (default true).'),
    cache_dir: z.string().min(1).optional().describe('Folder of that cache, relative to the config file (default .techops-cache/http beside it).'),
  })
  .strict();

/** The keys the core reads from every collector instance; the rest belongs to the collector. */
export const instanceCommon = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, ".", "_" and "-"').describe('Unique name of this instance.'),
  http: httpSettingsSchema.optional(),
});

export const configSchema = z
  .object({
    assessment: z
      .object({
        name: z.string().min(1).describe('What is assessed, e.g. "Acme production".'),
        scope: z.string().optional().describe('The systems and teams the assessment covers.'),
      })
      .strict(),
    window: duration.default(2592000).describe('Look-back window for rates and counts (default 30d).'),
    collectors: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).default({}).describe('Instances per collector id.'),
    parameters: z
      .record(z.string().regex(/^\d+\.\d+\.\d+$/, 'a capability id like 5.3.1'), z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])))
      .default({})
      .describe('Rule parameter overrides: capability id → parameter → value.'),
    attestations: z.string().optional().describe('Path of the attestations file (relative to this config).'),
    claims: z.string().optional().describe('Path of the claims file (relative to this config).'),
    attestation_validity: duration.default(31536000).describe('The longest an attestation holds after its date (default 365d): it expires then, or at its own earlier `expires`.'),
    rules: z.string().optional().describe('Directory of rule files (default: the rules shipped with techops).'),
    store: z
      .union([
        z.literal(false),
        z
          .object({
            path: z.string().min(1).optional().describe('SQLite file of the run history, relative to this config (default .techops/runs.db beside it).'),
            url: z
              .string()
              .regex(/^postgres(ql)?:\/\//i, 'expected a postgres:// or postgresql:// URL')
              .optional()
              .describe('PostgreSQL database of a fleet\'s run history, instead of `path`: postgres://USER:${PASSWORD_ENV}@HOST:5432/DB (the password from ${ENV} or PGPASSWORD; never logged).'),
            keep_runs: z.number().int().min(1).optional().describe('Keep at most this many runs per scope (default: no limit).'),
            keep_days: duration.optional().describe('Drop runs older than this before the newest (default 400d).'),
          })
          .strict()
          .refine((st) => !(st.path && st.url), { message: 'give either `path` (a SQLite file) or `url` (PostgreSQL), not both' }),
      ])
      .optional()
      .describe('Where each scan is recorded for history, diff and export; false records nothing.'),
    limits: z
      .object({
        concurrency: z.number().int().min(1).max(64).default(4).describe('Collector instances running at once.'),
        collector_deadline: duration.default(120).describe('Longest time one instance may run (default 2m).'),
        scan_deadline: duration.default(600).describe('Longest time the whole collection may run (default 10m).'),
      })
      .strict()
      .default({ concurrency: 4, collector_deadline: 120, scan_deadline: 600 }),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;

/**
 * An http(s) base URL. (zod's own httpUrl() insists on a domain with a dot, which rejects
 * 127.0.0.1 and localhost; the WHATWG URL parser accepts every address a server can have.)
 */
export const httpUrl = () =>
  z.string().superRefine((s, ctx) => {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected an http:// or https:// URL' });
      return;
    }
    if (!['http:', 'https:'].includes(url.protocol)) ctx.addIssue({ code: 'custom', message: 'expected an http:// or https:// URL' });
    // A base URL's query or fragment would be dropped or misplaced as API paths are appended to it.
    else if (url.search || s.includes('?')) ctx.addIssue({ code: 'custom', message: `a base URL cannot have a query ('${url.search || '?'}'): API paths are appended to it; give the server's base path only` });
    else if (url.hash || s.includes('#')) ctx.addIssue({ code: 'custom', message: `a base URL cannot have a fragment ('${url.hash || '#'}'): give the server's base path only` });
    else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'a base URL cannot carry a user or password: use the collector\'s credential keys (basic_auth, token)' });
  });

/** A regular expression in JavaScript syntax (used case-insensitive), e.g. a filter on repository names. */
export const regexPattern = () =>
  z.string().min(1).refine((s) => {
    try {
      new RegExp(s, 'i');
      return true;
    } catch {
      return false;
    }
  }, 'expected a regular expression (JavaScript syntax)');
