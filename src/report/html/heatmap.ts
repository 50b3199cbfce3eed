import { html, type Html } from './escape.js';
import { labelText } from './labels.js';
import { biSvgText } from './svg-text.js';

export interface HeatmapItem {
  id: string;
  title: { en: string; zh: string };
  domain: string;
  level: number;
  ceiling: number;
}

export interface HeatmapDomain {
  id: string;
  en: string;
  zh: string;
}

export interface HeatmapRow {
  domain: HeatmapDomain;
  items: HeatmapItem[];
}

/** Items grouped by domain, in the report's order of domains; an item of a domain the summary lacks gets its own row. */
export function heatmapRows(domains: readonly HeatmapDomain[], items: readonly HeatmapItem[]): HeatmapRow[] {
  const rows = new Map<string, HeatmapRow>(domains.map((d) => [d.id, { domain: d, items: [] }]));
  for (const item of items) {
    if (!rows.has(item.domain)) rows.set(item.domain, { domain: { id: item.domain, en: item.domain, zh: item.domain }, items: [] });
    rows.get(item.domain)!.items.push(item);
  }
  return [...rows.values()].filter((r) => r.items.length > 0);
}

const CELL = { w: 84, h: 58, gap: 6 };
const LABEL_WIDTH = 150;
const MARK = { w: 12, h: 6, gap: 3 };

/** Each of the five levels of an item: reached, still open below the ceiling, or above the ceiling. */
export function levelMarks(level: number, ceiling: number): ('reached' | 'open' | 'blocked')[] {
  return [1, 2, 3, 4, 5].map((l) => (l <= level ? 'reached' : l <= ceiling ? 'open' : 'blocked'));
}

/**
 * The heat map: a row per domain, a cell per capability item coloured by its level, with its
 * level / ceiling and five marks; each cell links to the item's drill-down.
 */
export function heatmapSvg(rows: readonly HeatmapRow[]): Html {
  const columns = Math.max(1, ...rows.map((r) => r.items.length));
  const width = LABEL_WIDTH + columns * (CELL.w + CELL.gap);
  const height = rows.length * (CELL.h + CELL.gap);
  const body = rows.map((row, r) => {
    const y = r * (CELL.h + CELL.gap);
    const name = biSvgText(row.domain.en, row.domain.zh, { x: LABEL_WIDTH - 10, y: y + CELL.h / 2 + 4, anchor: 'end', cls: 'heat-domain', max: 16, lineHeight: 16 });
    const cells = row.items.map((item, c) => {
      const x = LABEL_WIDTH + c * (CELL.w + CELL.gap);
      const tip = `${item.id} ${item.title.en} / ${item.title.zh}: ${labelText('level', 'en')} ${item.level}, ${labelText('ceiling', 'en')} ${item.ceiling} / ${labelText('level', 'zh')} ${item.level}，${labelText('ceiling', 'zh')} ${item.ceiling}`;
      const marksX = x + (CELL.w - (5 * MARK.w + 4 * MARK.gap)) / 2;
      const marks = levelMarks(item.level, item.ceiling).map((m, i) => html`<rect class="mark mark-${m}" x="${marksX + i * (MARK.w + MARK.gap)}" y="${y + CELL.h - 12}" width="${MARK.w}" height="${MARK.h}"/>`);
      return html`<a class="cell lvl-${item.level}" href="#item-${item.id}" data-item="${item.id}" data-level="${item.level}" data-ceiling="${item.ceiling}"><title>${tip}</title><rect class="cell-bg" x="${x}" y="${y}" width="${CELL.w}" height="${CELL.h}" rx="4"/><text class="cell-id" x="${x + CELL.w / 2}" y="${y + 18}" text-anchor="middle">${item.id}</text><text class="cell-lc" x="${x + CELL.w / 2}" y="${y + 35}" text-anchor="middle">${item.level} / ${item.ceiling}</text>${marks}</a>`;
    });
    return html`<g class="heat-row" data-domain="${row.domain.id}">${name}${cells}</g>`;
  });
  const title = `${labelText('heatmap', 'en')} / ${labelText('heatmap', 'zh')}`;
  return html`<svg id="heatmap" class="chart" viewBox="0 0 ${width} ${height}" role="group" aria-label="${title}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>${body}</svg>`;
}
