import { UserError } from '../errors.js';
import type { Capability, Criterion, Model } from '../model/types.js';
import { labels, type Lang } from '../report/i18n.js';
import { describeObjects } from '../report/annotations.js';
import { formatFigure } from '../report/markdown.js';
import type { Report } from '../report/schema.js';

const MEASURED_MEANS = {
  required: 'the check and the attestation must both hold; a measured not met stands',
  supporting: 'a valid attestation decides; the check supports it, and a measured not met is shown as a conflict',
} as const;

const INCIDENT_FIGURES = /^incident\.((urgent|critical|high|low)\.)?(ack|first_action|resolve)_(median|p90)_seconds$|^incident\.(count|monitoring_ratio|auto_resolved_ratio|oncall\.week_coverage_any_ratio|services\.multi_level_escalation_ratio)$/;

/** `techops explain 5.3.1` or `techops explain 5.3.1-2.4`: the rules, the signals, and the last verdicts. */
export function renderExplain(model: Model, target: string, lang: Lang, report?: Report): string {
  const t = labels(lang);
  const cap = model.capabilities.find((c) => c.id === target);
  const crit = model.criteria.get(target);
  if (!cap && !crit) throw new UserError(`no capability item or criterion '${target}' (try an item like 5.3.1 or a criterion like 5.3.1-2.4; \`techops model\` lists them)`);
  const lines: string[] = [];
  const verdicts = new Map((report?.criteria ?? []).map((c) => [c.id, c] as const));
  const capOf = (c: Criterion) => model.capabilities.find((x) => x.id === c.capability)!;
  const header = (c: Capability) => {
    lines.push(`${c.id} ${c.title.zh} — ${c.title.en}`);
    lines.push(`${c.domain.en} (${c.domain.zh}) › ${c.process.en} (${c.process.zh})   ${c.file}`);
    if (c.reading) lines.push(`reading: ${c.reading}`);
    const r = report?.capabilities.find((x) => x.id === c.id);
    if (r) lines.push(`${t.level} ${r.level}, ${t.ceiling} ${r.ceiling} (report of ${report!.run.finished_at})`);
    else lines.push('no report with verdicts found: run `techops scan` (or pass --report FILE)');
    for (const p of c.parameters) lines.push(`parameter ${p.name} = ${JSON.stringify(p.default)} (${p.source}): ${p.description}`);
    lines.push('');
  };
  const criterion = (c: Criterion) => {
    const v = verdicts.get(c.id);
    lines.push(`  ${c.id}  ${v ? `[${t[v.status]}${v.basis ? `, ${v.basis}` : ''}]` : ''}`);
    lines.push(`    ${c.text.zh}`);
    lines.push(`    ${c.text.en}`);
    if (c.check) lines.push(`    check:  ${c.check.source}`);
    if (c.check?.references.length) lines.push(`    reads:  ${c.check.references.join(', ')}`);
    if (c.why) lines.push(`    why:    ${c.why}`);
    if (c.attest) lines.push(`    attest: ${c.attest}`);
    if (c.measured) lines.push(`    measured: ${c.measured} (${MEASURED_MEANS[c.measured]})`);
    if (c.reading) lines.push(`    reading: ${c.reading}`);
    if (v) {
      lines.push(`    → ${v.explanation}`);
      for (const s of v.signals) {
        lines.push(`      ${s.id} = ${s.status === 'observed' ? JSON.stringify(s.value) : s.status}${s.evidence.length ? `  evidence: ${s.evidence.slice(0, 5).join(', ')}${s.evidence.length > 5 ? ' …' : ''}` : ''}${s.reason ? `  (${s.reason})` : ''}`);
        if (s.objects) lines.push(`        behind it: ${describeObjects(s.objects)}`);
        for (const n of s.notes ?? []) lines.push(`        note: ${n}`);
      }
    }
  };
  if (cap) {
    header(cap);
    if (cap.id.startsWith('6.2') && report) {
      lines.push('DORA figures (from the delivery signals):');
      for (const d of report.dora) {
        lines.push(`  ${d.title.en}: ${d.value !== undefined ? formatFigure(d.value, d.unit) : `unknown (${d.reason ?? d.status})`}`);
        lines.push(`    ${d.definition}`);
      }
      lines.push('');
    }
    if ((cap.id.startsWith('6.1') || cap.id.startsWith('10.3')) && report) {
      // The response figures the standard names minutes for, per grade, whether or not a check reads them.
      const figures = report.signals.filter((x) => INCIDENT_FIGURES.test(x.id));
      if (figures.length) {
        lines.push('Incident figures (from the incident signals, over the window):');
        for (const f of figures) lines.push(`  ${f.id}: ${f.status === 'observed' && typeof f.value === 'number' ? formatFigure(f.value, f.unit ?? '') : f.status}`);
        lines.push('');
      }
    }
    for (const l of cap.levels) {
      lines.push(`Level ${l.level}${l.addsNothing ? `: ${l.addsNothing} (adds nothing)` : ''}`);
      for (const c of l.criteria) criterion(c);
    }
  } else {
    header(capOf(crit!));
    criterion(crit!);
  }
  return lines.join('\n') + '\n';
}
