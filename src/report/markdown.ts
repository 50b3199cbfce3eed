import { signalReason } from '../engine/signal-reasons.js';
import { formatDuration } from '../duration.js';
import { STANDARD } from './build.js';
import { auditLabels, fill, labels, type AuditLabels, type Labels, type Lang, unknownSplit, verbatim } from './i18n.js';
import type { Report } from './schema.js';
import { whatOf } from './plan.js';
import { prose, verdictWords } from './verdict-words.js';

export function formatFigure(value: number, unit: string): string {
  if (unit === 'seconds') return formatDuration(value);
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  return `${Math.round(value * 100) / 100} ${unit}`;
}

type Criterion = Report['criteria'][number];
type Evidence = Report['evidence'][number];

// `<` and `&` escaped so a value such as `<redacted>` or `a < b` is shown, not read as HTML.
const text = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, ' ');
const cell = (s: string) => text(s).replace(/\|/g, '\\|');
/** A code span that survives backticks inside (CEL has none today; a value might). */
const code = (s: string) => {
  const flat = s.replace(/\n/g, ' ');
  const fence = flat.includes('`') ? '``' : '`';
  return `${fence}${fence.length > 1 ? ' ' : ''}${flat}${fence.length > 1 ? ' ' : ''}${fence}`;
};
/** In a table cell a code span still ends the cell at `|`. */
const cellCode = (s: string) => code(s).replace(/\|/g, '\\|');

const ICON: Record<string, string> = { met: '✅', not_met: '❌', unknown: '❔' };
const COLLECTOR_ICON: Record<string, string> = { ok: '✅', partial: '⚠️', failed: '❌' };
/** Evidence records shown in full under a verdict; the rest are linked to the Evidence section. */
const EVIDENCE_INLINE = 3;

/**
 * The auditor's Markdown: a legend, full digests, each verdict in words beside its CEL with the
 * values, objects and evidence (id, URL, time, SHA-256) behind it, and every request in an
 * Evidence section. Items fold in <details> so 408 criteria stay readable. Every label comes from
 * i18n.ts; the report's Chinese prose (`*_zh`) is used under `zh` where it exists.
 */
/** A signal's reason in the language: the core's own reasons in Chinese, a collector's quoted. */
function signalReasonIn(lang: Lang, reason: string, status: string): string {
  return lang === 'zh' ? signalReason(reason, status).zh : reason;
}

export function renderMarkdown(report: Report, lang: Lang): string {
  const t = labels(lang);
  const a = auditLabels(lang);
  const out: string[] = [];
  const run = report.run;
  const colon = lang === 'zh' ? '：' : ': ';
  const lbl = bold(lang);
  out.push(`# ${t.report}${colon}${text(run.assessment.name)}`, '');
  if (run.assessment.scope) out.push(`${lbl(t.scope)}${text(run.assessment.scope)}  `);
  out.push(`${lbl(t.window)}${run.window.start} → ${run.window.end} (${formatDuration(run.window.seconds)})  `);
  // the standard this build models is named in the report's language; another is shown as recorded
  out.push(`${lbl(a.standard)}${text(run.standard === STANDARD ? a.standardName : run.standard)}  `);
  out.push(`${lbl(a.tool)}techops ${run.tool.version} · ${lbl(a.started)}${run.started_at} · ${lbl(a.finished)}${run.finished_at}`, '');

  out.push(`## ${a.digests}`, '', `- ${lbl(t.rules)}\`${run.rules_digest}\``, `- ${lbl(a.configDigest)}\`${run.config_digest}\``, '');

  out.push(`## ${a.legend}`, '');
  for (const k of ['legendLevel', 'legendCeiling', 'legendBlockers', 'legendMet', 'legendNotMet', 'legendUnknown', 'legendBasis', 'legendRequired', 'legendSupporting', 'legendEvidence', 'legendDigests'] as const) out.push(`- ${a[k]}`);
  out.push('');

  const s = report.summary.criteria;
  out.push(`## ${a.summary}`, '', `${t.criteria}${colon}${ICON.met} ${s.met} ${t.met} · ${ICON.not_met} ${s.not_met} ${t.not_met} · ${ICON.unknown} ${s.unknown} ${t.unknown} (${unknownSplit(t, s)})`, '');
  if (report.collectors.length === 0) out.push(`> ${t.noCollectors}`, '');

  out.push(`## ${t.domains}`, '', `| ${t.domain} | ${t.minLevel} | ${t.meanLevel} |`, '|---|---:|---:|');
  for (const d of report.summary.domains) out.push(`| ${cell(lang === 'zh' ? d.zh : d.en)} | ${d.min_level} | ${d.mean_level} |`);
  out.push('');

  out.push(`## ${t.capabilities}`, '', `| ${t.item} | ${t.title} | ${t.level} | ${t.ceiling} | ${t.blockers} |`, '|---|---|---:|---:|---|');
  for (const c of report.capabilities) {
    const blockers = c.blockers.map((b) => `${ICON[b.status]} [${b.criterion}](#${anchor(b.criterion)})`).join(', ') || '-';
    out.push(`| [${c.id}](#${anchor(c.id)}) | ${cell(c.title[lang])} | ${c.level} | ${c.ceiling} | ${blockers} |`);
  }
  out.push('');

  dora(report, lang, t, out);
  if (report.claims.length) {
    out.push(`## ${t.claims}`, '', `| ${t.item} | ${t.claimed} | ${t.level} | ${t.ceiling} | ${t.verdict} | ${t.criteria} |`, '|---|---:|---:|---:|---|---|');
    for (const c of report.claims) {
      const deciding = c.verdict === 'confirmed' ? '-' : c.criteria.map((x) => `${ICON[x.status]} [${x.id}](#${anchor(x.id)})`).join(', ');
      out.push(`| ${c.capability} | ${c.claimed} | ${c.level} | ${c.ceiling} | ${t[c.verdict]} | ${deciding} |`);
    }
    out.push('');
  }
  if (report.parameters.overridden.length) {
    out.push(`## ${t.parameters}`, '', `| ${t.item} | ${t.parameter} | ${t.default} | ${t.value} | ${a.source} |`, '|---|---|---|---|---|');
    for (const p of report.parameters.overridden) out.push(`| ${p.capability} | ${cellCode(p.name)} | ${cell(String(p.default))} | ${cell(String(p.value))} | ${p.source === 'standard' ? a.fromStandard : a.heuristic} |`);
    out.push('');
  }
  attestations(report, lang, t, a, out);
  collectors(report, t, a, out);
  criteria(report, lang, t, a, out);
  evidence(report, t, a, out);
  out.push(`_${t.generated} ${run.tool.version}_`, '');
  return out.join('\n');
}

/** `**Label:** ` — the colon inside the emphasis, or CommonMark does not close it before a space. */
const bold = (lang: Lang) => (label: string) => (lang === 'zh' ? `**${label}：**` : `**${label}:** `);

/** GitHub prefixes ids with `user-content-` and resolves `#x` links to them; dots are kept. */
const anchor = (id: string) => `c-${id}`;

function dora(report: Report, lang: Lang, t: Labels, out: string[]): void {
  if (!report.dora.some((d) => d.status !== 'not_configured')) return;
  out.push(`## DORA`, '', `| ${t.metric} | ${t.value} | ${t.definition} |`, '|---|---|---|');
  for (const d of report.dora) {
    const definition = lang === 'zh' ? ((d as typeof d & { definition_zh?: string }).definition_zh ?? d.definition) : d.definition;
    const value = d.value !== undefined ? formatFigure(d.value, d.unit) : `${ICON.unknown} ${cell(d.reason ?? d.status)}`;
    out.push(`| ${d.title[lang]} | ${value}${d.evidence.length ? ` (${d.evidence.map((e) => `[${e}](#${e})`).join(', ')})` : ''} | ${cell(definition)} |`);
  }
  out.push('');
}

function attestations(report: Report, lang: Lang, t: Labels, a: AuditLabels, out: string[]): void {
  const { used, conflicts, ignored } = report.attestations;
  if (conflicts.length) {
    out.push(`## ${t.conflicts}`, '');
    for (const c of conflicts) {
      const message = lang === 'zh' ? ((c as typeof c & { message_zh?: string }).message_zh ?? c.message) : c.message;
      out.push(`- [${c.criterion}](#${anchor(c.criterion)}) (${a.decidedBy} ${c.decided_by === 'attestation' ? a.attestation : a.measurement}): ${text(message)}`);
    }
    out.push('');
  }
  if (used.length) {
    out.push(`## ${a.attestationsUsed}`, '', `| ${t.criterion} | ${a.statement} | ${a.by} | ${a.date} | ${a.expires} | ${a.evidence} |`, '|---|---|---|---|---|---|');
    for (const u of used) {
      out.push(`| [${u.criterion}](#${anchor(u.criterion)}) | ${cell(u.statement)} | ${cell(u.by)} | ${u.date} | ${u.expires}${u.expired ? ` (${a.expired})` : ''} | ${cell(u.evidence)} |`);
    }
    out.push('');
  }
  if (ignored.length) {
    out.push(`## ${a.ignored}`, '', `| ${t.criterion} | ${a.reason} |`, '|---|---|');
    for (const i of ignored) out.push(`| ${cell(i.criterion)} | ${cell(i.reason)} |`);
    out.push('');
  }
}

function collectors(report: Report, t: Labels, a: AuditLabels, out: string[]): void {
  if (!report.collectors.length) return;
  out.push(`## ${t.collectors}`, '', `| ${t.collector} | ${t.instance} | ${t.status} | ${t.signals} | ${t.requests} | ${t.duration} | ${t.error} |`, '|---|---|---|---:|---:|---:|---|');
  for (const r of report.collectors) {
    out.push(`| ${r.collector} | ${cell(r.instance)} | ${COLLECTOR_ICON[r.status]} ${a[r.status]} | ${r.signals_observed}/${r.signals_declared} | ${r.requests_failed ? `${r.requests_failed} ${t.failedOf} ` : ''}${r.requests} | ${formatDuration(r.duration_ms / 1000)} | ${cell(r.status_reason ?? r.error ?? '')} |`);
  }
  out.push('');
}

function criteria(report: Report, lang: Lang, t: Labels, a: AuditLabels, out: string[]): void {
  const evidenceById = new Map(report.evidence.map((e) => [e.id, e] as const));
  const byCap = new Map<string, Criterion[]>();
  for (const c of report.criteria) byCap.set(c.capability, [...(byCap.get(c.capability) ?? []), c]);
  out.push(`## ${t.criteria}`, '');
  for (const cap of report.capabilities) {
    const n = cap.counts;
    out.push(`<details id="${anchor(cap.id)}"><summary><b>${cap.id} ${text(cap.title[lang])}</b> — ${t.level} ${cap.level} / ${t.ceiling} ${cap.ceiling} · ${ICON.met} ${n.met} ${ICON.not_met} ${n.not_met} ${ICON.unknown} ${n.unknown}</summary>`, '');
    for (const c of byCap.get(cap.id) ?? []) criterion(c, evidenceById, lang, t, a, out);
    out.push('</details>', '');
  }
}

function criterion(c: Criterion, evidenceById: Map<string, Evidence>, lang: Lang, t: Labels, a: AuditLabels, out: string[]): void {
  const colon = lang === 'zh' ? '：' : ': ';
  const lbl = bold(lang);
  const meta = [
    fill(a.levelN, { n: c.level }),
    t[c.status],
    ...(c.basis ? [`${t.basis}${colon}${a[c.basis]}`] : []),
    ...(c.check && c.attest ? [c.measured === 'supporting' ? a.checkSupporting : a.checkRequired] : []),
  ];
  out.push(`<a id="${anchor(c.id)}"></a>**${ICON[c.status]} ${c.id}** ${text(c.text[lang])}  `, `_${meta.join(' · ')}_`, '');
  out.push(text(verdictWords(c, a)), '');

  const lines: string[] = [];
  if (c.check) {
    lines.push(`${lbl(a.check)}${code(c.check)}`);
    const values = [
      ...c.signals.map((s) => `${code(s.id)} = ${s.status === 'observed' ? code(JSON.stringify(s.value)) : `${a[s.status]}${s.reason ? ` (${text(signalReasonIn(lang, s.reason, s.status))})` : ''}`}`),
      ...Object.entries(c.parameters).map(([k, v]) => `${code(`params.${k}`)} = ${code(JSON.stringify(v))}`),
    ];
    if (values.length) lines.push(`${lbl(a.values)}${values.join(' · ')}`);
  }
  for (const s of c.signals) {
    if (s.objects) {
      const { what } = whatOf(s.notes);
      const names = s.objects.sample.join(', ');
      const listed = s.objects.total > s.objects.sample.length ? fill(a.objectsFirst, { total: s.objects.total, names, n: s.objects.sample.length }) : `${s.objects.total}${names ? `${colon}${names}` : ''}`;
      lines.push(`${lbl(a.objects)}${code(s.id)}${what ? ` (${text(verbatim(lang, what))})` : ''} ${text(listed)}`);
    }
    const notes = (s.notes ?? []).filter((n) => !/^(?:objects|listed):/.test(n));
    if (notes.length) lines.push(`${lbl(a.collectorNotes)}${code(s.id)} ${notes.map((n) => text(verbatim(lang, n))).join(' · ')}`);
  }
  const att = c.attestation;
  if (att) {
    lines.push(`${lbl(a.attestation)}${text(att.statement)} — ${text(att.by)}, ${att.date}, ${a.expires} ${att.expires}${att.expired ? ` (${a.expired})` : ''}, ${a.evidence}${colon}${text(att.evidence)}`);
  }
  if (c.attest && (c.status !== 'met' || !att)) lines.push(`${lbl(a.attestNeeded)}${text(prose(c, 'attest', lang) ?? '')}`);
  const why = prose(c, 'why', lang);
  if (why) lines.push(`${lbl(t.why)}${text(why)}`);
  const reading = prose(c, 'reading', lang);
  if (reading) lines.push(`${lbl(a.reading)}${text(reading)}`);
  const ids = [...new Set(c.signals.flatMap((s) => s.evidence))];
  if (c.check) {
    const shown = ids.slice(0, EVIDENCE_INLINE).map((id) => evidenceLine(id, evidenceById.get(id)));
    const rest = ids.slice(EVIDENCE_INLINE);
    const more = rest.length ? [`${fill(a.evidenceMore, { n: rest.length })}${colon}${rest.map((id) => `[${id}](#${id})`).join(', ')}`] : [];
    lines.push(`${lbl(a.evidence)}${ids.length ? '' : a.noEvidence}`, ...[...shown, ...more].map((l) => `  - ${l}`));
  }
  lines.push(`${lbl(a.engine)}${text(prose(c, 'explanation', lang) ?? c.explanation)}`);
  out.push(...lines.map((l) => (l.startsWith('  - ') ? l : `- ${l}`)), '');
}

function evidenceLine(id: string, e: Evidence | undefined): string {
  if (!e) return `${code(id)}`;
  return `[${id}](#${id}) ${e.method} ${code(e.url)} · ${e.started_at} · ${e.status ?? text(e.error ?? '')} · sha256 ${e.sha256 ? code(e.sha256) : '-'}`;
}

function evidence(report: Report, t: Labels, a: AuditLabels, out: string[]): void {
  if (!report.evidence.length) return;
  out.push(`## ${a.evidence}`, '', `<details><summary>${report.evidence.length} · ${a.request} · ${a.time} · ${a.sha256}</summary>`, '');
  out.push(`| id | ${t.collector} | ${a.request} | ${t.status} | ${a.time} | ${t.duration} | ${a.bytes} | ${a.sha256} |`, '|---|---|---|---:|---|---:|---:|---|');
  for (const e of report.evidence) {
    const request = `${e.method} ${cellCode(e.url)}${e.redirects?.length ? ` ← ${e.redirects.map(cellCode).join(' ← ')}` : ''}`;
    out.push(`| <a id="${e.id}"></a>${e.id} | ${e.collector}/${cell(e.instance)} | ${request} | ${e.status ?? cell(e.error ?? '')} | ${e.started_at} | ${e.duration_ms} ms | ${e.bytes ?? ''} | ${e.sha256 ? `\`${e.sha256}\`` : '-'} |`);
  }
  out.push('', '</details>', '');
}
