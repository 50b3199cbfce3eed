import { UserError } from '../errors.js';
import type { Capability, Criterion, Model } from '../model/types.js';
import { signalReason, STATUS_ZH } from '../engine/signal-reasons.js';
import { basisLabel, describeObjectsIn, explanationIn, fill, inLang, labels, verbatim, type Lang } from '../report/i18n.js';
import { DORA, formatFigureIn } from '../report/dora.js';
import { chineseSignalDescription } from '../signals/descriptions-zh.js';
import type { Report } from '../report/schema.js';

const INCIDENT_FIGURES = /^incident\.((urgent|critical|high|low)\.)?(ack|first_action|resolve)_(median|p90)_seconds$|^incident\.(count|monitoring_ratio|auto_resolved_ratio|oncall\.week_coverage_any_ratio|services\.multi_level_escalation_ratio)$/;

/** `techops explain 5.3.1` or `techops explain 5.3.1-2.4`: the rules, the signals, and the last verdicts. */
export function renderExplain(model: Model, target: string, lang: Lang, report?: Report): string {
  const t = labels(lang);
  const zh = lang === 'zh';
  // Rule prose in the language where the rule file gives it; the English until its translation lands.
  const prose = (en: string, zhText: string | undefined) => (zh ? (zhText ?? en) : en);
  const [colon, open, close] = zh ? ['：', '（', '）'] : [': ', ' (', ')'];
  // a criterion's fields, aligned in English (`check:  `, `why:    `), with a full-width colon in Chinese
  const field = (label: string) => (zh ? `${label}：` : `${`${label}:`.padEnd(7)} `);
  const cap = model.capabilities.find((c) => c.id === target);
  const crit = model.criteria.get(target);
  if (!cap && !crit) throw new UserError(`no capability item or criterion '${target}' (try an item like 5.3.1 or a criterion like 5.3.1-2.4; \`techops model\` lists them)`);
  const lines: string[] = [];
  const verdicts = new Map((report?.criteria ?? []).map((c) => [c.id, c] as const));
  const signalZh = new Map((report?.signals ?? []).map((s) => [s.id, s] as const));
  const capOf = (c: Criterion) => model.capabilities.find((x) => x.id === c.capability)!;
  const header = (c: Capability) => {
    lines.push(zh ? `${c.id} ${c.title.zh}` : `${c.id} ${c.title.zh} — ${c.title.en}`);
    lines.push(zh ? `${c.domain.zh} › ${c.process.zh}   ${c.file}` : `${c.domain.en} (${c.domain.zh}) › ${c.process.en} (${c.process.zh})   ${c.file}`);
    if (c.reading) lines.push(`${t.reading}${colon}${prose(c.reading, c.readingZh)}`);
    const r = report?.capabilities.find((x) => x.id === c.id);
    if (r) lines.push(`${t.level} ${r.level}${zh ? '，' : ', '}${t.ceiling} ${r.ceiling}${open}${fill(t.reportOf, { at: report!.run.finished_at })}${close}`);
    else lines.push(t.noReport);
    for (const p of c.parameters) {
      const source = p.source === 'standard' ? t.standardSource : t.heuristicSource;
      lines.push(`${t.parameterWord} ${p.name} = ${JSON.stringify(p.default)}${open}${source}${close}${colon}${prose(p.description, p.descriptionZh)}`);
    }
    lines.push('');
  };
  const criterion = (c: Criterion) => {
    const v = verdicts.get(c.id);
    lines.push(`  ${c.id}  ${v ? `[${t[v.status]}${v.basis ? `, ${basisLabel(t, v.basis)}` : ''}]` : ''}`);
    lines.push(`    ${c.text.zh}`);
    if (!zh) lines.push(`    ${c.text.en}`);
    if (c.check) lines.push(`    ${field(t.check)}${c.check.source}`);
    if (c.check?.references.length) lines.push(`    ${field(t.reads)}${c.check.references.join(', ')}`);
    if (c.why) lines.push(`    ${field(t.whyWord)}${prose(c.why, c.whyZh)}`);
    if (c.attest) lines.push(`    ${field(t.attest)}${prose(c.attest, c.attestZh)}`);
    if (c.measured) lines.push(`    ${field(t.measuredRole)}${t[c.measured]}${open}${c.measured === 'required' ? t.requiredMeans : c.measured === 'sufficient' ? t.sufficientMeans : t.supportingMeans}${close}`);
    if (c.reading) lines.push(`    ${field(t.reading)}${prose(c.reading, c.readingZh)}`);
    if (v) {
      lines.push(`    → ${explanationIn(lang, v)}`);
      for (const s of v.signals) {
        const value = s.status === 'observed' ? JSON.stringify(s.value) : zh ? (STATUS_ZH[s.status] ?? s.status) : s.status;
        const evidence = s.evidence.length ? `  ${t.evidence}${colon}${s.evidence.slice(0, 5).join(', ')}${s.evidence.length > 5 ? ' …' : ''}` : '';
        const reason = s.reason ? `  ${open.trim() || '('}${signalReason(s.reason, s.status)[lang]}${close.trim() || ')'}` : '';
        lines.push(`      ${s.id} = ${value}${evidence}${reason}`);
        const description = zh ? signalZh.get(s.id)?.description_zh ?? chineseSignalDescription(s.id) : undefined;
        if (description) lines.push(`        ${description}`);
        if (s.objects) lines.push(`        ${t.behindIt}${colon}${describeObjectsIn(lang, s.objects)}`);
        for (const n of s.notes ?? []) lines.push(`        ${t.note}${colon}${verbatim(lang, n)}`);
      }
    }
  };
  if (cap) {
    header(cap);
    if (cap.id.startsWith('6.2') && report) {
      lines.push(t.doraHeading);
      for (const d of report.dora) {
        lines.push(`  ${d.title[lang]}${colon}${d.value !== undefined ? formatFigureIn(d.value, d.unit, lang) : `${t.unknown}${open}${d.reason ? signalReason(d.reason, d.status)[lang] : zh ? (STATUS_ZH[d.status] ?? d.status) : d.status}${close}`}`);
        lines.push(`    ${inLang(lang, d.definition, d.definition_zh ?? DORA.find((x) => x.metric === d.metric)?.definition_zh)}`);
      }
      lines.push('');
    }
    if ((cap.id.startsWith('6.1') || cap.id.startsWith('10.3')) && report) {
      // The response figures the standard names minutes for, per grade, whether or not a check reads them.
      const figures = report.signals.filter((x) => INCIDENT_FIGURES.test(x.id));
      if (figures.length) {
        lines.push(t.incidentHeading);
        for (const f of figures) lines.push(`  ${f.id}${colon}${f.status === 'observed' && typeof f.value === 'number' ? formatFigureIn(f.value, f.unit ?? '', lang) : zh ? (STATUS_ZH[f.status] ?? f.status) : f.status}`);
        lines.push('');
      }
    }
    for (const l of cap.levels) {
      lines.push(`${t.level} ${l.level}${l.addsNothing ? `${colon}${l.addsNothing}${open}${t.addsNothing}${close}` : ''}`);
      for (const c of l.criteria) criterion(c);
    }
  } else {
    header(capOf(crit!));
    criterion(crit!);
  }
  return lines.join('\n') + '\n';
}
