import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../src/report/html/escape.js';
import { heatmapRows, heatmapSvg, levelMarks } from '../src/report/html/heatmap.js';
import { CONTENT_SECURITY_POLICY, renderHtml } from '../src/report/html/page.js';
import { radarPoint, radarPoints, radarSvg } from '../src/report/html/radar.js';
import { splitLabel } from '../src/report/html/svg-text.js';
import { modelReport } from './helpers/report.js';

const HOSTILE = `<script>window.pwned=1</script>"'><img src=x onerror="window.pwned=2">`;
const geometry = { cx: 100, cy: 100, radius: 50, max: 5 };

describe('radar', () => {
  it('puts level 5 on the rim, level 0 in the centre, the first axis up and the rest clockwise', () => {
    expect(radarPoints([5, 0, 5, 2.5], geometry)).toEqual([{ x: 100, y: 50 }, { x: 100, y: 100 }, { x: 100, y: 150 }, { x: 75, y: 100 }]);
    // a value outside 0..max stays on the chart
    expect(radarPoint(0, 4, 7, geometry)).toEqual({ x: 100, y: 50 });
    expect(radarPoint(1, 4, -1, geometry)).toEqual({ x: 100, y: 100 });
    // seven axes: the second is 360/7 degrees clockwise from the top
    const p = radarPoint(1, 7, 5, geometry);
    expect(p.x).toBeCloseTo(100 + 50 * Math.sin((2 * Math.PI) / 7), 1);
    expect(p.y).toBeCloseTo(100 - 50 * Math.cos((2 * Math.PI) / 7), 1);
  });

  it('draws one polygon per series with a vertex per domain, and the domain names in both languages', () => {
    const domains = Array.from({ length: 7 }, (_, i) => ({ id: `d${i}`, en: `Domain ${i}`, zh: `能力域${i}`, mean_level: i === 0 ? 5 : 1, min_level: 0, min_ceiling: 3 }));
    const svg = radarSvg(domains, geometry).value;
    const mean = /<polygon class="radar-mean" points="([^"]+)"/.exec(svg)![1].split(' ');
    expect(mean).toHaveLength(7);
    expect(mean[0]).toBe('100,50');
    expect(svg).toMatch(/<polygon class="radar-min" points="(100,100 ?){7}"/);
    expect(svg).toContain('能力域3');
    expect(svg).toContain('Domain 6');
  });

  it('breaks a long name at the space nearest its middle, and leaves Chinese whole', () => {
    expect(splitLabel('Incident and change management', 14)).toEqual(['Incident and', 'change management']);
    expect(splitLabel('Monitoring', 14)).toEqual(['Monitoring']);
    expect(splitLabel('事件管理与变更管理事件管理与变更管理', 14)).toEqual(['事件管理与变更管理事件管理与变更管理']);
  });
});

describe('heat map', () => {
  it('marks each level of an item as reached, open below the ceiling, or above it', () => {
    expect(levelMarks(2, 4)).toEqual(['reached', 'reached', 'open', 'open', 'blocked']);
    expect(levelMarks(0, 0)).toEqual(['blocked', 'blocked', 'blocked', 'blocked', 'blocked']);
    expect(levelMarks(5, 5)).toEqual(['reached', 'reached', 'reached', 'reached', 'reached']);
  });

  it('has a cell for each of the 35 items of the shipped rules, coloured by its level, linking to its drill-down', () => {
    const report = modelReport();
    expect(report.capabilities).toHaveLength(35);
    const rows = heatmapRows(report.summary.domains, report.capabilities);
    expect(rows.map((r) => r.domain.id)).toEqual(report.summary.domains.map((d) => d.id));
    const svg = heatmapSvg(rows).value;
    const cells = [...svg.matchAll(/<a class="cell lvl-(\d)" href="#item-([\d.]+)" data-item="[\d.]+" data-level="(\d)" data-ceiling="(\d)">/g)];
    expect(cells).toHaveLength(35);
    const byId = new Map(report.capabilities.map((c) => [c.id, c]));
    for (const [, cls, id, level, ceiling] of cells) {
      expect(Number(cls), id).toBe(byId.get(id)!.level);
      expect(Number(level), id).toBe(byId.get(id)!.level);
      expect(Number(ceiling), id).toBe(byId.get(id)!.ceiling);
    }
    // the one observed signal meets 5.1.1-1.1: 5.1.1 is at level 1, the others with a level-1 criterion unmet stay at 0
    expect(byId.get('5.1.1')!.level).toBe(1);
    const page = renderHtml(report, 'en');
    for (const [, , id] of cells) expect(page).toContain(`<details class="item" id="item-${id}"`);
  });

  it('gives an item of a domain the summary does not list a row of its own', () => {
    const rows = heatmapRows([{ id: 'a', en: 'A', zh: '甲' }], [
      { id: '1.1', title: { en: 'x', zh: 'x' }, domain: 'a', level: 1, ceiling: 2 },
      { id: '2.1', title: { en: 'y', zh: 'y' }, domain: 'b', level: 0, ceiling: 0 },
    ]);
    expect(rows.map((r) => [r.domain.id, r.items.map((i) => i.id)])).toEqual([['a', ['1.1']], ['b', ['2.1']]]);
  });
});

describe('escaping', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(html`<p title="${'"><script>'}">${'<b>'}${['<i>', 1]}</p>`.value).toBe('<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;&lt;i&gt;1</p>');
  });

  it('shows hostile text from a scanned system as text: in names, notes, objects, URLs, excerpts and attestations', () => {
    const report = modelReport({
      name: HOSTILE, text: HOSTILE, url: `http://127.0.0.1:9090/api?q="><script>window.pwned=3</script>`, excerpt: `</pre></details>${HOSTILE}`,
      attestations: [
        { criterion: '5.1.1-2.1', statement: HOSTILE, evidence: 'javascript:window.pwned=4', by: HOSTILE, date: '2026-11-01', expires: '2027-11-01' },
        { criterion: '5.1.1-2.3', statement: 'ok', evidence: 'https://wiki.example/page?a=1&b="2"', by: 'Li Wei', date: '2026-11-01', expires: '2027-11-01' },
      ],
    });
    const page = renderHtml(report, 'en');
    // the page's own script is the only one, and nothing the report brought became an element
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).not.toContain('<img');
    expect(page).not.toMatch(/onerror="/);
    expect(page).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;');
    expect(page).toContain('&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;');
    // a javascript: URL stays text; an http one is a link, its & and quotes escaped
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).toContain('javascript:window.pwned=4');
    expect(page).toContain('<a href="https://wiki.example/page?a=1&amp;b=&quot;2&quot;" rel="noreferrer noopener">');
  });

  it('allows by the Content-Security-Policy exactly the style and script the page carries, and nothing from the network', () => {
    const page = renderHtml(modelReport(), 'en');
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
    expect(CONTENT_SECURITY_POLICY).toContain(`script-src ${hash(script)};`);
    expect(CONTENT_SECURITY_POLICY).toContain(`style-src ${hash(style)};`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none';/);
    // self-contained: nothing is loaded from anywhere
    expect(page).not.toMatch(/<(link|img|iframe|object|embed)\b/);
    expect(page).not.toMatch(/\bsrc=/);
    expect(page).not.toMatch(/url\(/);
  });
});

describe('languages', () => {
  it('carries both languages, opens in the one asked for, and uses the Chinese fields of the report where they exist', () => {
    const report = modelReport();
    const c = report.criteria.find((x) => x.id === '5.1.1-1.1')!;
    // 5.1.1-2.1 stands for a report recorded before the Chinese fields: its explanation has no twin
    const withZh = {
      ...report,
      criteria: report.criteria.map((x) => (x === c ? { ...x, explanation_zh: '满足：已采集操作系统指标', why_zh: '标准要求具备该能力' } : x.id === '5.1.1-2.1' ? { ...x, explanation_zh: undefined } : x)),
    };
    const page = renderHtml(withZh, 'zh');
    expect(page).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN" data-lang="zh" /);
    expect(page).toContain(`<span class="en" lang="en">${escapeHtml(c.explanation)}</span><span class="zh" lang="zh">满足：已采集操作系统指标</span>`);
    expect(page).toContain('<span class="zh" lang="zh">标准要求具备该能力</span>');
    expect(page).toContain(`<span class="en" lang="en">${c.text.en}</span><span class="zh" lang="zh">${c.text.zh}</span>`);
    // without a Chinese field the English stands in both views, once
    const other = report.criteria.find((x) => x.id === '5.1.1-2.1')!;
    expect(page).toContain(`<p class="explanation"><span>${escapeHtml(other.explanation)}</span></p>`);
    expect(renderHtml(report, 'en')).toMatch(/^<!DOCTYPE html>\n<html lang="en" data-lang="en" /);
  });
});

describe('plan to the next level', () => {
  it('lists the items below their next level with their blockers, in both languages, ids kept unique', () => {
    const report = modelReport();
    const page = renderHtml(report, 'en');
    const belowNext = report.capabilities.filter((c) => c.level < 5);
    expect(belowNext.length).toBeGreaterThan(0);
    expect(page).toContain('<section id="plan">');
    const first = belowNext[0];
    expect(page).toContain(`id="plan-${first.id}"`);
    expect(page).toContain(`id="plan-zh-${first.id}"`);
    const ids = [...page.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBe(new Set(ids).size);
    expect(page).toContain(`<a href="#plan">`);
  });
});
