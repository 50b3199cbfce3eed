/**
 * Keeps credentials out of everything techops writes: logs, evidence, reports, errors.
 *
 * By value first: every secret the config resolved is registered once, with the forms it takes
 * on the wire (base64, URL-encoded, and for a user/password pair `user:password` and its base64,
 * as in a Basic Authorization header), and each form is masked wherever it appears, however
 * short. A form shorter than LOOSE is masked only where it stands alone (not inside a longer word
 * or number), so a 3-character password does not eat every word that contains those letters.
 *
 * Then by shape, for credentials no config named (an SDK's header, a server echoing a token):
 * an Authorization header's value, a Basic credential that decodes to `user:password`, a JWT, a
 * Bearer token, and the documented token prefixes (ghp_, github_pat_, glpat-). Never by words
 * alone: "Basic incident classification" is prose and stays as written.
 */
const SECRET_KEY = /(token|password|passwd|secret|api[_-]?key|credential|authorization|cookie|private[_-]?key)/i;
const MASK = '<redacted>';
/** Forms at least this long are masked anywhere; shorter ones only between non-alphanumerics. */
const LOOSE = 8;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The ways a value is written on the wire and in logs. */
function formsOf(value: string): string[] {
  const forms = [value, b64(value), b64(value).replace(/=+$/, ''), encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+')];
  return forms.filter((f) => f.length > 0);
}

export class Redactor {
  private readonly forms = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers a secret (any length but empty) with its base64 and URL-encoded forms. */
  add(value: string | undefined): void {
    if (!value) return;
    for (const f of formsOf(value)) this.forms.add(f);
    const trimmed = value.trim();
    if (trimmed && trimmed !== value) for (const f of formsOf(trimmed)) this.forms.add(f);
    this.pattern = undefined;
  }

  /** Registers a user/password pair: the password, `user:password` (as in a URL or a Basic header) and their encodings. */
  addPair(username: string | undefined, password: string | undefined): void {
    if (!password) return;
    this.add(password);
    if (!username) return;
    this.add(`${username}:${password}`);
    this.add(`${encodeURIComponent(username)}:${encodeURIComponent(password)}`);
  }

  private regex(): RegExp | undefined {
    if (this.forms.size === 0) return undefined;
    if (!this.pattern) {
      // Longest first, so `user:password` is masked whole before `password` is.
      const all = [...this.forms].sort((a, b) => b.length - a.length);
      const loose = all.filter((f) => f.length >= LOOSE).map(escape);
      const tight = all.filter((f) => f.length < LOOSE).map(escape);
      const parts = [];
      if (loose.length) parts.push(`(?:${loose.join('|')})`);
      if (tight.length) parts.push(`(?<![A-Za-z0-9])(?:${tight.join('|')})(?![A-Za-z0-9])`);
      this.pattern = new RegExp(parts.join('|'), 'g');
    }
    return this.pattern;
  }

  /** Replace registered secrets and credential-shaped text. */
  text(input: string): string {
    const re = this.regex();
    let out = re ? input.replace(re, MASK) : input;
    out = out
      .replace(/(\/\/)[^/@\s:]+:[^/@\s]+@/g, `$1${MASK}@`)
      .replace(/([?&](?:access_token|private_token|token|api_key|apikey|key|password|secret|sig|signature)=)[^&\s#"']+/gi, `$1${MASK}`)
      // An Authorization header's value, whatever its scheme: `Authorization: Basic dXNlcjpwdw==`, `"authorization":"token x"`.
      .replace(/\b((?:proxy-)?authorization["']?\s*[:=]\s*["']?)(?:(Basic|Bearer|token|Token|GenieKey|Negotiate|Digest)\s+)?(?!<redacted>)[^\s"',;}]+/gi, (_, head: string, scheme?: string) => `${head}${scheme ? scheme + ' ' : ''}${MASK}`)
      // A Basic credential is base64 of `user:password`: only that shape is masked, never a word after "Basic".
      .replace(/\bBasic\s+([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g, (whole, encoded: string) => (isBasicPair(encoded) ? `Basic ${MASK}` : whole))
      .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, MASK)
      .replace(/\bBearer\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}/g, `Bearer ${MASK}`)
      .replace(/\b(token\s+|token=)([A-Fa-f0-9]{32,})\b/g, `$1${MASK}`)
      .replace(/\bgh[pousr]_[A-Za-z0-9]{20,}/g, MASK)
      .replace(/\bgithub_pat_[A-Za-z0-9_]{20,}/g, MASK)
      .replace(/\bglpat-[A-Za-z0-9_-]{20,}/g, MASK);
    return out;
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
    return this.masked(input, undefined, false) as T;
  }

  /**
   * What `value` does, in place: secret-named keys masked and secrets removed from strings in
   * the objects and arrays themselves, which are returned. For a value the caller owns and is done
   * with (a scan's report, which a copy would double at the end of the scan). Only what changes is
   * written; a frozen object that would change is replaced by a masked copy.
   */
  scrub<T>(input: T): T {
    return this.masked(input, undefined, true) as T;
  }

  /** The one walk of `value` and `scrub`: a copy of every array and object, or (in place) only of a frozen one that changes. */
  private masked(v: unknown, key: string | undefined, inPlace: boolean): unknown {
    if (typeof v === 'string') return key && isSecretKey(key) ? MASK : this.text(v);
    if (!v || typeof v !== 'object' || v instanceof Date) return v;
    const source = v as Record<string | number, unknown>;
    const array = Array.isArray(v);
    let out = (inPlace ? source : array ? [] : {}) as Record<string | number, unknown>;
    for (const k of array ? v.keys() : Object.keys(v)) {
      const x = source[k];
      const named = typeof k === 'string' ? k : undefined;
      const masked = named && isSecretKey(named) && x != null && typeof x !== 'object' ? MASK : this.masked(x, named, inPlace);
      if (inPlace && masked === x) continue;
      if (out === source && Object.isFrozen(source)) out = (array ? [...v] : { ...source }) as Record<string | number, unknown>;
      out[k] = masked;
    }
    return out;
  }
}

/** Whether base64 text decodes to printable `user:password`. */
function isBasicPair(encoded: string): boolean {
  const decoded = Buffer.from(encoded, 'base64').toString('latin1');
  return /^[\x21-\x7e][\x20-\x7e]*:[\x20-\x7e]*$/.test(decoded) && !/^[a-z]+:\/\//i.test(decoded);
}
