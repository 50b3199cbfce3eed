import { fill, labels, planLabels, type Lang } from './i18n.js';
import type { Plan } from './plan.js';
import { detailLines, itemHeading, needsText, planTitle, stepLines, unlocksText } from './plan-render.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The plan as an HTML fragment (a <section>, no <html> or styles of its own) for the HTML
 * report: every text escaped, classes `techops-plan`, `plan-item`, `needs-…` for its stylesheet.
 */
/** `idPrefix` keeps anchors unique where a page carries the plan more than once (once per language). */
export function planHtml(plan: Plan, lang: Lang, idPrefix = 'plan-'): string {
  const p = planLabels(lang);
  const t = labels(lang);
  const out: string[] = [`<section class="techops-plan" lang="${lang === 'zh' ? 'zh-CN' : 'en'}">`, `<h2>${esc(planTitle(plan, lang))}</h2>`];
  for (const item of plan.items) {
    out.push(`<article class="plan-item" id="${esc(idPrefix)}${esc(item.id)}">`, `<h3>${esc(itemHeading(item, lang))}</h3>`);
    const steps = stepLines(item, lang);
    if (steps.length || item.beyondCeiling) {
      out.push('<ul class="plan-steps">', ...steps.map((s) => `<li>${esc(s)}</li>`));
      if (item.beyondCeiling) out.push(`<li class="beyond-ceiling"><strong>${esc(fill(p.beyondCeiling, { ceiling: item.ceiling }))}</strong></li>`);
      out.push('</ul>');
    }
    out.push('<table class="plan-blockers">', `<thead><tr>${[p.blocker, t.level, t.status, p.needs, p.unlocks, p.toFix].map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>`, '<tbody>');
    for (const b of item.blockers) {
      const detail = detailLines(b, lang).map((l) => `<li>${esc(l)}</li>`).join('');
      out.push(`<tr class="${b.needs.map((n) => `needs-${n}`).join(' ')}">`
        + `<td><code>${esc(b.criterion)}</code> ${esc(b.text[lang])}</td><td>${b.level}</td><td class="status-${b.status}">${esc(t[b.status])}</td>`
        + `<td>${esc(needsText(b.needs, lang))}</td><td>${esc(unlocksText(b, lang))}</td><td>${detail ? `<ul>${detail}</ul>` : '-'}</td></tr>`);
    }
    out.push('</tbody>', '</table>', '</article>');
  }
  out.push(`<p class="plan-at-target">${esc(plan.items.length ? fill(p.atTarget, { n: plan.atTarget.length }) : p.nothingToPlan)}</p>`, '</section>');
  return out.join('\n') + '\n';
}
