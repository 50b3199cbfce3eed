/**
 * The HTTP settings every collector instance runs with unless its config says otherwise: the one
 * place they are written. A config without an `http:` block, or with some of its keys, gets
 * these for the rest (undefined never overrides a default: see `withHttpDefaults`).
 */
export const HTTP_DEFAULTS = {
  timeoutMs: 10_000,
  retries: 2,
  retryBaseMs: 200,
  maxRetryAfterMs: 60_000,
  budget: 1_000,
  maxBodyBytes: 64 * 1024 * 1024,
  excerptChars: 512,
  /** Requests of one instance in flight at once (its clients and fetch together). */
  maxConcurrency: 10,
} as const;

export type HttpDefaults = { -readonly [K in keyof typeof HTTP_DEFAULTS]: number };

/**
 * `{ ...HTTP_DEFAULTS, ...options }` would let a key that is present but undefined (as a parsed
 * config produces) wipe the default out; this takes only the keys that have a value.
 */
export function withHttpDefaults<T extends Partial<Record<keyof HttpDefaults, number | undefined>>>(options: T): Omit<T, keyof HttpDefaults> & HttpDefaults {
  const out: Record<string, unknown> = { ...HTTP_DEFAULTS };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as Omit<T, keyof HttpDefaults> & HttpDefaults;
}
