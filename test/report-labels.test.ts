import { describe, expect, it } from 'vitest';
import { auditLabels, fill, planLabels, progressLabels } from '../src/report/i18n.js';

describe('labels of the auditor\'s Markdown, plan and progress', () => {
  for (const [name, of] of [['audit', auditLabels], ['plan', planLabels], ['progress', progressLabels]] as const) {
    it(`${name}: every English label has a Chinese one with the same placeholders, in Chinese`, () => {
      const en = of('en') as Record<string, string>;
      const zh = of('zh') as Record<string, string>;
      expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
      for (const [k, v] of Object.entries(en)) {
        const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(holes(zh[k]), k).toEqual(holes(v));
        // Chinese, or a symbol or name the same in both (SHA-256, a separator)
        if (zh[k] !== v && zh[k].trim() !== '') expect(zh[k], k).toMatch(/[\u4e00-\u9fff]/);
        else expect(v, k).not.toMatch(/[a-z]{3,} [a-z]{3,}/i);
      }
    });
  }

  it('fill replaces named placeholders and leaves unknown ones', () => {
    expect(fill('{n} of {total} ({x})', { n: 2, total: 5 })).toBe('2 of 5 ({x})');
  });
});
