import { html, type Html } from './escape.js';
import { label, labelText } from './labels.js';
import { biSvgText } from './svg-text.js';

export interface RadarGeometry {
  cx: number;
  cy: number;
  /** The radius of the outer ring, level `max`. */
  radius: number;
  max: number;
}

export interface Point {
  x: number;
  y: number;
}

export const RADAR: RadarGeometry = { cx: 300, cy: 230, radius: 160, max: 5 };

const round = (n: number) => Math.round(n * 100) / 100;

/** The point of `value` on axis `i` of `n`: the first axis points up, the others follow clockwise. */
export function radarPoint(i: number, n: number, value: number, g: RadarGeometry = RADAR): Point {
  const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
  const r = (g.radius * Math.max(0, Math.min(value, g.max))) / g.max;
  return { x: round(g.cx + r * Math.cos(angle)), y: round(g.cy + r * Math.sin(angle)) };
}

export function radarPoints(values: readonly number[], g: RadarGeometry = RADAR): Point[] {
  return values.map((v, i) => radarPoint(i, values.length, v, g));
}

const polygon = (points: Point[]) => points.map((p) => `${p.x},${p.y}`).join(' ');

export interface RadarDomain {
  id: string;
  en: string;
  zh: string;
  mean_level: number;
  min_level: number;
  min_ceiling: number;
}

/**
 * The radar of the domains: the mean level of each domain's items (filled), its weakest item
 * (line) and its lowest ceiling (dashed), on rings for levels 1 to 5. Plain SVG from numbers:
 * only the domain names come from the report, and they are escaped.
 */
export function radarSvg(domains: readonly RadarDomain[], g: RadarGeometry = RADAR): Html {
  const n = domains.length;
  const rings = [1, 2, 3, 4, 5].filter((l) => l <= g.max).map((l) => polygon(domains.map((_, i) => radarPoint(i, n, l, g))));
  const axes = domains.map((_, i) => radarPoint(i, n, g.max, g));
  const labels = domains.map((d, i) => {
    const p = radarPoint(i, n, g.max + 0.6, g);
    const anchor = p.x > g.cx + 1 ? 'start' : p.x < g.cx - 1 ? 'end' : 'middle';
    // labels above the centre grow upwards, those below downwards, clear of the rings
    const dy = p.y < g.cy - g.radius * 0.8 ? -30 : p.y > g.cy + g.radius * 0.8 ? 10 : 0;
    const figures = `${d.mean_level} · ${d.min_level} · ${d.min_ceiling}`;
    const name = biSvgText(d.en, d.zh, { x: p.x, y: round(p.y + dy), anchor, cls: 'radar-name', max: 14, lineHeight: 15 });
    return html`<g class="radar-label" data-domain="${d.id}">${name}<text class="radar-figures" x="${p.x}" y="${round(p.y + dy + 24)}" text-anchor="${anchor}">${figures}</text></g>`;
  });
  const ringLabels = [1, 2, 3, 4, 5].filter((l) => l <= g.max).map((l) => {
    const p = radarPoint(0, n, l, g);
    // just inside each ring, beside the first axis, clear of the first domain's name above the chart
    return html`<text class="radar-ring-label" x="${round(p.x + 4)}" y="${round(p.y + 11)}">${l}</text>`;
  });
  const series = (cls: string, values: number[]) => html`<polygon class="${cls}" points="${polygon(radarPoints(values, g))}"/>`;
  const dots = radarPoints(domains.map((d) => d.mean_level), g).map((p) => html`<circle class="radar-dot" cx="${p.x}" cy="${p.y}" r="3"/>`);
  const title = `${labelText('radar', 'en')} / ${labelText('radar', 'zh')}: ${domains.map((d) => `${d.en} ${d.mean_level}`).join(', ')}`;
  return html`<svg id="radar" class="chart" viewBox="0 0 ${g.cx * 2} ${g.cy * 2}" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg"><title>${title}</title>
<g class="radar-grid">${rings.map((r) => html`<polygon points="${r}"/>`)}${axes.map((p) => html`<line x1="${g.cx}" y1="${g.cy}" x2="${p.x}" y2="${p.y}"/>`)}</g>
${ringLabels}
${series('radar-ceiling', domains.map((d) => d.min_ceiling))}
${series('radar-mean', domains.map((d) => d.mean_level))}
${series('radar-min', domains.map((d) => d.min_level))}
${dots}
${labels}
</svg>
<p class="chart-legend"><span class="key key-mean"></span>${label('meanLevel')} <span class="key key-min"></span>${label('minLevel')} <span class="key key-ceiling"></span>${label('minCeiling')} <span class="muted">(${label('meanLevel')} · ${label('minLevel')} · ${label('minCeiling')})</span></p>`;
}
