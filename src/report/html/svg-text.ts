import { html, type Html } from './escape.js';

/** A long label as two lines, broken at the space nearest its middle; short ones and those without spaces (Chinese) stay whole. */
export function splitLabel(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const middle = text.length / 2;
  let best = -1;
  for (let i = 0; i < text.length; i++) if (text[i] === ' ' && (best < 0 || Math.abs(i - middle) < Math.abs(best - middle))) best = i;
  return best < 0 ? [text] : [text.slice(0, best), text.slice(best + 1)];
}

/**
 * A label in both languages as two SVG texts the page toggles between, each on one or two lines
 * centred on y.
 */
export function biSvgText(en: string, zh: string, at: { x: number; y: number; anchor: string; cls: string; max: number; lineHeight: number }): Html {
  const text = (s: string, lang: 'en' | 'zh') => {
    const lines = splitLabel(s, at.max);
    const y0 = at.y - ((lines.length - 1) * at.lineHeight) / 2;
    return html`<text class="${at.cls} ${lang}" lang="${lang}" x="${at.x}" y="${y0}" text-anchor="${at.anchor}">${lines.map((l, i) => html`<tspan x="${at.x}" dy="${i ? at.lineHeight : 0}">${l}</tspan>`)}</text>`;
  };
  return html`${text(en, 'en')}${text(zh, 'zh')}`;
}
