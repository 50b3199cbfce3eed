import { signalReason, original } from '../../engine/signal-reasons.js';
import { html, type Html } from './escape.js';

/**
 * Report text in both languages: two spans the page toggles between. Where there is no Chinese
 * (or it is the same), the English is shown in both views rather than nothing.
 */
export function bi(en: string, zh: string | undefined): Html {
  if (zh === undefined || zh === '' || zh === en) return html`<span>${en}</span>`;
  return html`<span class="en" lang="en">${en}</span><span class="zh" lang="zh">${zh}</span>`;
}

/** A `{ zh, en }` text of the report. */
export function biText(t: { en: string; zh: string }): Html {
  return bi(t.en, t.zh);
}

/**
 * The Chinese beside an English field of the report (`explanation` → `explanation_zh`), where
 * the report has one. Reports from before the Chinese fields were added have none: then the
 * English stands in.
 */
export function zhField(record: object, field: string): string | undefined {
  const v = (record as Record<string, unknown>)[`${field}_zh`];
  return typeof v === 'string' ? v : undefined;
}

/** An English field of the report with its Chinese, where there is one. */
export function biField<T extends object>(record: T, field: keyof T & string): Html {
  const en = (record as Record<string, unknown>)[field];
  return bi(typeof en === 'string' ? en : '', zhField(record, field));
}

/** Chinese list beside an English one (`reasons` → `reasons_zh`), used only when it matches item for item. */
export function zhList(record: object, field: string, length: number): (string | undefined)[] {
  const v = (record as Record<string, unknown>)[`${field}_zh`];
  if (Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'string')) return v as string[];
  return Array.from({ length }, () => undefined);
}

/**
 * Text a system or a collector wrote (an error, a status reason, a collector's note): as it is in
 * English, marked as the original in the Chinese view (the engine's convention): rewording a
 * system's words would put words in its mouth.
 */
export function biVerbatim(en: string): Html {
  return bi(en, original(en));
}

/** A signal's reason: the core's own reasons in Chinese, a collector's quoted as the original. */
export function biReason(record: object & { reason?: string; status: string }): Html {
  return bi(record.reason ?? '', zhField(record, 'reason') ?? signalReason(record.reason, record.status).zh);
}
