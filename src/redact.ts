/**
 * Keeps credentials out of everything techops writes: logs, evidence, reports, errors.
 * Secrets are registered once (from config interpolation and secret-named keys) and
 * replaced wherever they appear, whatever the context that carries them.
 */
const SECRET_KEY = /(token|password|passwd|secret|api[_-]?key|credential|authorization|cookie|private[_-]?key)/i;
const MASK = '<redacted>';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: string | undefined): void {
    // Very short values would redact ordinary words; nobody uses a 3-character token.
    if (value && value.length >= 4) this.secrets.add(value);
  }

  /** Replace registered secrets and credential-looking URL parts in free text. */
  text(input: string): string {
    let out = input;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(MASK);
    }
    return out
      .replace(/(\/\/)[^/@\s:]+:[^/@\s]+@/g, `$1${MASK}@`)
      .replace(/([?&](?:access_token|token|api_key|apikey|key|password|secret|sig|signature)=)[^&\s#"']+/gi, `$1${MASK}`)
      .replace(/\b(Bearer|Basic|GenieKey)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`)
      .replace(/\b(token\s+|token=)(gh[pousr]_[A-Za-z0-9]{8,}|[A-Fa-f0-9]{32,})/g, `$1${MASK}`)
      .replace(/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, MASK);
  }

  /** A URL without userinfo or credential query parameters. */
  url(input: string): string {
    try {
      const url = new URL(input);
      url.username = '';
      url.password = '';
      for (const key of [...url.searchParams.keys()]) {
        if (isSecretKey(key) || /^(key|sig|signature|apikey)$/i.test(key)) url.searchParams.set(key, MASK);
      }
      return this.text(url.toString());
    } catch {
      return this.text(input);
    }
  }

  /** Deep copy of a value with secret-named keys masked and secrets removed from strings. */
  value<T>(input: T): T {
    const walk = (v: unknown, key?: string): unknown => {
      if (typeof v === 'string') return key && isSecretKey(key) ? MASK : this.text(v);
      if (Array.isArray(v)) return v.map((x) => walk(x));
      if (v && typeof v === 'object' && !(v instanceof Date)) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = isSecretKey(k) && x != null && typeof x !== 'object' ? MASK : walk(x, k);
        return out;
      }
      return v;
    };
    return walk(input) as T;
  }
}
