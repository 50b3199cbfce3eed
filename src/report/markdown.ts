import { formatDuration } from '../duration.js';
import { describeObjects } from './annotations.js';
import { labels, type Lang, unknownSplit } from './i18n.js';
import type { Report } from './schema.js';

export function formatFigure(value: number, unit: string): string {
  if (unit === 'seconds') return formatDuration(value);
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  return `${Math.round(value * 100) / 100} ${unit}`;
}

// `<` and `&` escaped so a value such as `<redacted>` or `a < b` is shown, not read as HTML.
const cell = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const ICON: Record<string, string> = { met: '✅', not_met: '❌', unknown: '❔' };
const COLLECTOR_ICON: Record<string, string> = { ok: '✅', partial: '⚠️', failed: '❌' };

/** Markdown for wikis and pull requests; per-item criteria folded in <details>. */
export function renderMarkdown(report: Report, lang: Lang): string {
  const t = labels(lang);
  const out: string[] = [];
  const run = report.run;
  out.push(`# ${t.report}: ${run.assessment.name}`, '');
  if (run.assessment.scope) out.push(`**${t.scope}:** ${run.assessment.scope}  `);
  out.push(`**${t.window}:** ${run.window.start} → ${run.window.end} (${formatDuration(run.window.seconds)})  `);
  out.push(`**${t.rules}:** \`${run.rules_digest.slice(0, 19)}…\` · ${run.standard} · techops ${run.tool.version} · ${run.finished_at}`, '');
  const s = report.summary.criteria;
  out.push(`${t.criteria}: ${ICON.met} ${s.met} ${t.met} · ${ICON.not_met} ${s.not_met} ${t.not_met} · ${ICON.unknown} ${s.unknown} ${t.unknown} (${unknownSplit(t, s)})`, '');
  if (report.collectors.length === 0) out.push(`> ${t.noCollectors}`, '');

  out.push(`## ${t.domains}`, '', `| ${t.domain} | ${t.minLevel} | ${t.meanLevel} |`, '|---|---:|---:|');
  for (const d of report.summary.domains) out.push(`| ${lang === 'zh' ? d.zh : d.en} | ${d.min_level} | ${d.mean_level} |`);
  out.push('');

  out.push(`## ${t.capabilities}`, '', `| ${t.item} | ${t.title} | ${t.level} | ${t.ceiling} | ${t.blockers} |`, '|---|---|---:|---:|---|');
  for (const c of report.capabilities) {
    const blockers = c.blockers.map((b) => `${ICON[b.status]} ${b.criterion}`).join(', ') || '-';
    out.push(`| ${c.id} | ${cell(c.title[lang])} | ${c.level} | ${c.ceiling} | ${blockers} |`);
  }
  out.push('');

  if (report.dora.some((d) => d.status !== 'not_configured')) {
    out.push(`## DORA`, '', `| ${t.metric} | ${t.value} | ${t.definition} |`, '|---|---|---|');
    for (const d of report.dora) out.push(`| ${d.title[lang]} | ${d.value !== undefined ? formatFigure(d.value, d.unit) : `${ICON.unknown} ${cell(d.reason ?? d.status)}`} | ${cell(d.definition)} |`);
    out.push('');
  }
  if (report.claims.length) {
    out.push(`## ${t.claims}`, '', `| ${t.item} | ${t.claimed} | ${t.level} | ${t.ceiling} | ${t.verdict} |`, '|---|---:|---:|---:|---|');
    for (const c of report.claims) out.push(`| ${c.capability} | ${c.claimed} | ${c.level} | ${c.ceiling} | ${t[c.verdict]} |`);
    out.push('');
  }
  if (report.parameters.overridden.length) {
    out.push(`## ${t.parameters}`, '', `| ${t.item} | ${t.parameter} | ${t.default} | ${t.value} |`, '|---|---|---|---|');
    for (const p of report.parameters.overridden) out.push(`| ${p.capability} | ${p.name} | ${p.default} | ${p.value} |`);
    out.push('');
  }
  if (report.attestations.conflicts.length) {
    out.push(`## ${t.conflicts}`, '');
    for (const c of report.attestations.conflicts) out.push(`- ${cell(c.message)}`);
    out.push('');
  }
  if (report.collectors.length) {
    out.push(`## ${t.collectors}`, '', `| ${t.collector} | ${t.instance} | ${t.status} | ${t.signals} | ${t.requests} | ${t.duration} | ${t.error} |`, '|---|---|---|---:|---:|---:|---|');
    for (const r of report.collectors) {
      out.push(`| ${r.collector} | ${r.instance} | ${COLLECTOR_ICON[r.status]} ${r.status} | ${r.signals_observed}/${r.signals_declared} | ${r.requests_failed ? `${r.requests_failed} ${t.failedOf} ` : ''}${r.requests} | ${formatDuration(r.duration_ms / 1000)} | ${cell(r.status_reason ?? r.error ?? '')} |`);
    }
    out.push('');
  }

  out.push(`## ${t.criteria}`, '');
  const byCap = new Map<string, Report['criteria']>();
  for (const c of report.criteria) byCap.set(c.capability, [...(byCap.get(c.capability) ?? []), c]);
  for (const cap of report.capabilities) {
    out.push(`<details><summary>${cap.id} ${cap.title[lang]} — ${t.level} ${cap.level} / ${t.ceiling} ${cap.ceiling}</summary>`, '');
    out.push(`| ${t.criterion} | ${t.status} | ${t.basis} | ${t.explanation} |`, '|---|---|---|---|');
    for (const c of byCap.get(cap.id) ?? []) {
      // what the auditor checks next to the verdict: the objects behind each value, the collector's caveats, why the check reads what it reads
      const extra = [
        ...c.signals.flatMap((sig) => [
          ...(sig.objects ? [`\`${sig.id}\` ${describeObjects(sig.objects)}`] : []),
          ...(sig.notes ?? []).map((n) => `\`${sig.id}\`: ${n}`),
        ]),
        ...(c.why ? [`_${t.why}:_ ${c.why}`] : []),
      ].map((x) => `<br>${cell(x)}`).join('');
      out.push(`| ${c.id} ${cell(c.text[lang])} | ${ICON[c.status]} ${t[c.status]} | ${c.basis ?? '-'} | ${cell(c.explanation)}${extra} |`);
    }
    out.push('', '</details>', '');
  }
  out.push(`_${t.generated} ${run.tool.version}_`, '');
  return out.join('\n');
}
