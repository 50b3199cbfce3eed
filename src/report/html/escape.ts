/**
 * HTML that is safe to put in the page. Everything in a report can come from a scanned system
 * (names, URLs, excerpts of API answers), so text only reaches the page through `html`
 * templates, which escape every interpolated value that is not already `Html`.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Part = Html | string | number | boolean | undefined | null | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML, safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function part(p: Part): string {
  if (p === undefined || p === null || p === false) return '';
  if (p instanceof Html) return p.value;
  if (Array.isArray(p)) return p.map(part).join('');
  return escapeHtml(String(p));
}

/** A template whose interpolations are escaped unless they are Html; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup the page itself wrote (CSS, the script, SVG built from numbers): never report text. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** Only http(s) links become links: a `javascript:` URL in an attestation stays text. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url);
}
