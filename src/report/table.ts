import { styleText } from 'node:util';
import Table from 'cli-table3';
import { collectorStatusLabel, labels, type Lang, unknownSplit, verbatim } from './i18n.js';
import type { Report } from './schema.js';

/** The terminal view: one row per capability item. cli-table3 measures CJK width correctly. */
/**
 * `colour` (a terminal that wants it: see main's NO_COLOR handling) marks levels and statuses:
 * red for level 0, a failed collector, a contradicted claim; yellow for levels 1–2 and partial
 * collectors; green from level 3 and for ok. Files never get colour.
 */
export function renderTable(report: Report, lang: Lang, opts: { maxBlockers?: number; colour?: boolean } = {}): string {
  const t = labels(lang);
  type Style = Parameters<typeof styleText>[0];
  // validateStream: false — whether to colour is decided by the caller, not by process.stdout.
  const paint = (style: Style, text: string) => (opts.colour ? styleText(style, text, { validateStream: false }) : text);
  const byLevel = (n: number) => (n === 0 ? 'red' : n < 3 ? 'yellow' : 'green');
  const byStatus = { ok: 'green', partial: 'yellow', failed: 'red' } as const;
  const byVerdict = { confirmed: 'green', unverified: 'yellow', contradicted: 'red' } as const;
  const max = opts.maxBlockers ?? 3;
  const table = new Table({
    head: [t.item, t.title, t.level, t.ceiling, t.blockers],
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    colWidths: [8, lang === 'zh' ? 18 : 36, 7, 9, 46],
  });
  for (const c of report.capabilities) {
    const ids = c.blockers.map((b) => `${b.criterion}${b.status === 'unknown' ? '?' : ''}`);
    const shown = ids.length > max ? `${ids.slice(0, max).join(' ')} +${ids.length - max} ${t.more}` : ids.join(' ') || '-';
    table.push([c.id, c.title[lang], paint(byLevel(c.level), String(c.level)), String(c.ceiling), shown]);
  }
  const s = report.summary.criteria;
  const summary = lang === 'zh'
    ? `${t.criteria}：${t.met} ${s.met}，${t.not_met} ${s.not_met}，${t.unknown} ${s.unknown}：${unknownSplit(t, s)}   （? = ${t.unknown}）`
    : `${t.criteria}: ${s.met} ${t.met}, ${s.not_met} ${t.not_met}, ${s.unknown} ${t.unknown}: ${unknownSplit(t, s)}   (? = ${t.unknown})`;
  const lines = [table.toString(), summary];
  // Collectors: one line each, so a scan that saw nothing never looks like a clean one.
  for (const r of report.collectors) {
    const [colon, open, close, comma] = lang === 'zh' ? ['：', '（', '）', '，'] : [': ', ' (', ')', ', '];
    const why = r.status !== 'ok' && (r.error ?? r.status_reason) ? ` — ${verbatim(lang, truncate(r.error ?? r.status_reason ?? '', 160))}` : '';
    lines.push(`${t.collector} ${r.collector}/${r.instance}${colon}${paint(byStatus[r.status], collectorStatusLabel(t, r.status))}${open}${r.signals_observed}/${r.signals_declared} ${t.signals.toLowerCase()}${comma}${r.requests_failed ? `${r.requests_failed} ${t.failedOf} ` : ''}${r.requests} ${t.requests.toLowerCase()}${close}${why}`);
  }
  for (const c of report.claims) {
    const [colon, open, close, comma] = lang === 'zh' ? ['：', '（', '）', '，'] : [': ', ' (', ')', ', '];
    lines.push(`${t.claims}${colon}${c.capability} ${t.claimed} ${c.claimed} → ${paint(byVerdict[c.verdict], t[c.verdict])}${open}${t.level} ${c.level}${comma}${t.ceiling} ${c.ceiling}${close}`);
  }
  return lines.join('\n') + '\n';
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
