import Table from 'cli-table3';
import { signalReason } from '../engine/signal-reasons.js';
import { fill, labels, planLabels, verbatim, type Lang, type PlanLabels } from './i18n.js';
import type { Need, Plan, PlanBlocker, PlanItem, PlanObjects } from './plan.js';

/** The pieces every plan renderer shows, as plain text; each renderer escapes them its own way. */

export function planTitle(plan: Plan, lang: Lang): string {
  const p = planLabels(lang);
  return `${plan.target === undefined ? p.plan : fill(p.planTo, { n: plan.target })}${lang === 'zh' ? '：' : ': '}${plan.assessment}`;
}

export function itemHeading(item: PlanItem, lang: Lang): string {
  const t = labels(lang);
  return `${item.id} ${item.title[lang]}${lang === 'zh' ? '：' : ': '}${t.level} ${item.level} → ${item.target} (${t.ceiling} ${item.ceiling})`;
}

export function stepLines(item: PlanItem, lang: Lang): string[] {
  const p = planLabels(lang);
  return item.steps.map((s) => fill(p.stepLine, { blockers: s.blockers.join(lang === 'zh' ? '、' : ', '), reaches: s.reaches }));
}

export function needsText(needs: readonly Need[], lang: Lang): string {
  const p = planLabels(lang);
  return needs.map((n) => p[n]).join(' + ');
}

export function unlocksText(b: PlanBlocker, lang: Lang): string {
  const p = planLabels(lang);
  const gain = b.unlocks > 0 ? fill(p.levelsGained, { n: b.unlocks }) : p.nothingAlone;
  return b.with.length && b.unlocks === 0 ? `${gain} (${p.withOthers} ${b.with.join(lang === 'zh' ? '、' : ', ')})` : gain;
}

export function objectsText(o: PlanObjects, lang: Lang): string {
  const p = planLabels(lang);
  const names = o.sample.length ? `: ${o.sample.join(', ')}${o.total > o.sample.length ? ', …' : ''}` : '';
  return `${o.signal} (${o.what ? verbatim(lang, o.what) : p.counted}) ${o.total}${names}`;
}

/** What to do about a blocker: the objects the evidence names, what was not measured, what an attestation must show. */
export function detailLines(b: PlanBlocker, lang: Lang): string[] {
  const p = planLabels(lang);
  const t = labels(lang);
  const colon = lang === 'zh' ? '：' : ': ';
  return [
    ...b.objects.map((o) => `${p.objectsToFix}${colon}${objectsText(o, lang)}`),
    ...b.unmeasured.map((u) => `${p.unmeasured}${colon}${u.signal}${u.reason ? ` (${lang === 'zh' ? signalReason(u.reason, u.status).zh : u.reason})` : ''}`),
    ...(b.attest ? [`${p.attestation}${colon}${lang === 'zh' ? (b.attestZh ?? b.attest) : b.attest}`] : []),
    ...(b.status === 'not_met' ? [`${t.not_met}${colon}${lang === 'zh' ? (b.reasonZh ?? b.reason) : b.reason}`] : []),
  ];
}

export function renderPlanTable(plan: Plan, lang: Lang): string {
  const p = planLabels(lang);
  const t = labels(lang);
  const out: string[] = [planTitle(plan, lang), fill(p.from, { date: plan.finishedAt }), ''];
  for (const item of plan.items) {
    out.push(itemHeading(item, lang));
    for (const s of stepLines(item, lang)) out.push(`  ${s}`);
    if (item.beyondCeiling) out.push(`  ${fill(p.beyondCeiling, { ceiling: item.ceiling })}`);
    const table = new Table({
      head: [p.blocker, t.level, t.status, p.needs, p.unlocks],
      style: { head: [], border: [], compact: true },
      wordWrap: true,
      colWidths: [44, 7, 10, 16, 26],
    });
    for (const b of item.blockers) {
      table.push([lang === 'zh' ? [b.criterion, ...chunks(b.text.zh, 20)].join('\n') : `${b.criterion} ${b.text.en}`, String(b.level), t[b.status], needsText(b.needs, lang), unlocksText(b, lang)]);
      // what to fix gets the table's whole width: signal ids and object names are long
      const detail = detailLines(b, lang);
      if (detail.length) table.push([{ colSpan: 5, content: detail.map((l) => `  ${l}`).join('\n') }]);
    }
    out.push(table.toString(), '');
  }
  out.push(plan.items.length ? fill(p.atTarget, { n: plan.atTarget.length }) : p.nothingToPlan);
  return out.join('\n') + '\n';
}

/** Chinese has no spaces for the table to wrap at (it would cut the text short): lines of n characters, each two columns wide. */
function chunks(s: string, n: number): string[] {
  const chars = [...s];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += n) out.push(chars.slice(i, i + n).join(''));
  return out;
}

const mdText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderPlanMarkdown(plan: Plan, lang: Lang): string {
  const p: PlanLabels = planLabels(lang);
  const t = labels(lang);
  const out: string[] = [`# ${mdText(planTitle(plan, lang))}`, '', `_${mdText(fill(p.from, { date: plan.finishedAt }))}_`, ''];
  for (const item of plan.items) {
    out.push(`## ${mdText(itemHeading(item, lang))}`, '');
    for (const s of stepLines(item, lang)) out.push(`- ${mdText(s)}`);
    if (item.beyondCeiling) out.push(`- **${mdText(fill(p.beyondCeiling, { ceiling: item.ceiling }))}**`);
    out.push('', `| ${p.blocker} | ${t.level} | ${t.status} | ${p.needs} | ${p.unlocks} | ${p.toFix} |`, '|---|---:|---|---|---|---|');
    for (const b of item.blockers) {
      out.push(`| **${b.criterion}** ${mdText(b.text[lang])} | ${b.level} | ${t[b.status]} | ${needsText(b.needs, lang)} | ${mdText(unlocksText(b, lang))} | ${detailLines(b, lang).map(mdText).join('<br>') || '-'} |`);
    }
    out.push('');
  }
  out.push(plan.items.length ? fill(p.atTarget, { n: plan.atTarget.length }) : p.nothingToPlan, '');
  return out.join('\n');
}
