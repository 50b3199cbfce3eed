import { createHash } from 'node:crypto';
import type { Report } from '../schema.js';
import { buildPlan } from '../plan.js';
import { planHtml } from '../plan-html.js';
import { html, trusted } from './escape.js';
import { heatmapRows, heatmapSvg } from './heatmap.js';
import { itemBlock, lookupOf } from './items.js';
import { label, labelText, type Lang } from './labels.js';
import { radarSvg } from './radar.js';
import { SCRIPT } from './script.js';
import {
  attestationsSection, claimsSection, collectorsSection, conflictsSection, doraSection, domainTable, evidenceSection,
  legend, parametersSection, runFacts, summaryCounts,
} from './sections.js';
import { STYLE } from './style.js';

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/**
 * No network at all, and only this page's own style and script: should report text ever slip
 * past the escaping, the browser still runs nothing it brought.
 */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

/**
 * The HTML report: one self-contained file (its CSS, script and SVG charts inline, nothing
 * fetched), with every text in Chinese and English and a switch between them; `lang` is the
 * language it opens in.
 */
export function renderHtml(report: Report, lang: Lang): string {
  const lookup = lookupOf(report);
  const byItem = new Map<string, Report['criteria']>();
  for (const c of report.criteria) byItem.set(c.capability, [...(byItem.get(c.capability) ?? []), c]);
  const name = report.run.assessment.name;
  // each item below its next level, with its blockers ranked by what fixing them unlocks (techops plan)
  const plan = buildPlan(report, {});
  const sections: [string, Parameters<typeof label>[0], boolean][] = [
    ['summary', 'summary', true], ['charts', 'heatmap', true], ['claims', 'claims', report.claims.length > 0], ['dora', 'dora', report.dora.length > 0],
    ['items', 'items', true], ['plan', 'plan', plan.items.length > 0], ['attestations', 'attestations', true], ['conflicts', 'conflicts', report.attestations.conflicts.length > 0],
    ['parameters', 'overridden', report.parameters.overridden.length > 0], ['collectors', 'collectors', report.collectors.length > 0], ['evidence', 'evidenceRecords', report.evidence.length > 0],
  ];
  const page = html`<!DOCTYPE html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}" data-lang="${lang}" data-title-en="${labelText('report', 'en')}: ${name}" data-title-zh="${labelText('report', 'zh')}: ${name}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="generator" content="techops ${report.run.tool.version}">
<title>${labelText('report', lang)}: ${name}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
<div class="toolbar" role="toolbar"><span class="muted">${label('language')}</span><button type="button" data-set-lang="zh" lang="zh">中文</button><button type="button" data-set-lang="en" lang="en">English</button><button type="button" data-expand>${label('expandAll')}</button><button type="button" data-collapse>${label('collapseAll')}</button></div>
<header>
<h1>${label('report')}: ${name}</h1>
${runFacts(report)}
<nav class="toc" aria-label="${labelText('contents', lang)}">${sections.filter(([, , shown]) => shown).map(([id, key]) => html`<a href="#${id}">${label(key)}</a>`)}</nav>
</header>
<main>
<section id="summary"><h2>${label('summary')}</h2>${summaryCounts(report)}${legend()}</section>
<section id="charts" class="charts">
<figure><h2>${label('radar')}</h2>${radarSvg(report.summary.domains)}<figcaption>${label('radarNote')}</figcaption></figure>
<figure><h2>${label('heatmap')}</h2>${heatmapSvg(heatmapRows(report.summary.domains, report.capabilities))}<figcaption>${label('heatmapNote')}</figcaption></figure>
</section>
<section id="domains"><h2>${label('domains')}</h2>${domainTable(report)}</section>
${claimsSection(report)}
${doraSection(report, lookup)}
<section id="items"><h2>${label('items')}</h2>${report.capabilities.map((cap) => itemBlock(cap, byItem.get(cap.id) ?? [], lookup))}</section>
${plan.items.length ? html`<section id="plan"><div class="en" lang="en">${trusted(planHtml(plan, 'en'))}</div><div class="zh" lang="zh">${trusted(planHtml(plan, 'zh', 'plan-zh-'))}</div></section>` : ''}
${attestationsSection(report)}
${conflictsSection(report)}
${parametersSection(report)}
${collectorsSection(report)}
${evidenceSection(report)}
</main>
<footer>${label('generated')} ${report.run.tool.version} · ${report.run.finished_at}</footer>
<script>${trusted(SCRIPT)}</script>
</body>
</html>
`;
  return page.value;
}
