import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { loadModel } from '../src/model/load.js';
import { signalCatalog } from '../src/signals/catalog.js';
import { defaultRulesDir } from '../src/package-info.js';

/**
 * The rules hold the whole standard. The numbers below were counted by hand from the tables of
 * YD/T 1756 part 4 (../shared/standard/): criteria per capability item and level; '无' and '同上'
 * mark levels that add nothing. A rule file that drops, merges or invents a criterion fails here.
 */
const STANDARD_COUNTS: Record<string, (number | '无' | '同上')[]> = {
  '5.1.1': [1, 3, 5, 2, 2],
  '5.1.2': [1, 2, 2, 2, '无'],
  '5.2.1': [1, 4, 3, 2, 2],
  '5.2.2': [2, 4, 5, 4, 2],
  '5.2.3': [1, 5, 5, 2, 1],
  '5.3.1': [2, 5, 5, 3, 2],
  '5.3.2': [1, 5, 4, 2, 1],
  '5.3.3': [1, 3, 6, 2, 2],
  '6.1.1': [2, 5, 5, 2, 1],
  '6.1.2': [1, 4, 4, 2, 1],
  '6.1.3': [2, 3, 4, 2, '同上'],
  '6.2.1': [2, 3, 5, 4, 1],
  '6.2.2': [1, 3, 5, 3, '同上'],
  '7.1.1': [1, 2, 4, 2, 1],
  '7.1.2': [1, 4, 4, 4, 2],
  '8.1.1': [2, 6, 4, 3, 1],
  '8.1.2': [2, 3, 5, 3, 1],
  '8.2.1': [1, 3, 6, 3, 1],
  '8.2.2': [2, 4, 3, 4, 1],
  '9.1.1': [3, 3, 2, 1, 1],
  '9.1.2': [2, 3, 1, 1, 1],
  '9.1.3': [2, 2, 2, 1, '同上'],
  '9.2.1': [2, 4, 5, 3, 2],
  '9.2.2': [1, 1, 2, 1, '同上'],
  '10.1.1': [1, 3, 3, 3, 3],
  '10.1.2': [1, 2, 1, 1, 1],
  '10.1.3': [1, 2, 3, 1, 2],
  '10.2.1': [1, 1, 1, 1, '同上'],
  '10.2.2': [1, 1, 1, 1, '同上'],
  '10.3.1': [1, 2, 1, 1, '同上'],
  '10.3.2': [1, 2, 1, 1, 1],
  '10.3.3': [1, 2, 2, 1, 1],
  '11.1.1': [3, 6, 6, 3, 3],
  '11.2.1': [2, 4, 5, 4, 3],
  '11.2.2': [2, 4, 5, 2, 1],
};

const standardPath = join(defaultRulesDir(), '..', '..', 'shared', 'standard', 'yd-t-1756-part4-technical-operations.zh.txt');
const model = loadModel(defaultRulesDir(), { declaredSignals: signalCatalog(collectors).ids });
const squash = (s: string) => s.replace(/\s+/g, '');

describe('the catalogue against the standard', () => {
  it('has every capability item of the standard, and no other', () => {
    expect(model.capabilities.map((c) => c.id)).toEqual(Object.keys(STANDARD_COUNTS));
  });

  it('has 408 criteria in all', () => {
    const total = Object.values(STANDARD_COUNTS).flat().reduce<number>((n, v) => n + (typeof v === 'number' ? v : 0), 0);
    expect(total).toBe(408);
    expect(model.criteria.size).toBe(total);
  });

  for (const [item, counts] of Object.entries(STANDARD_COUNTS)) {
    it(`${item}: criteria per level match the standard`, () => {
      const cap = model.capabilities.find((c) => c.id === item)!;
      expect(cap.levels.map((l) => l.addsNothing ?? l.criteria.length)).toEqual(counts);
    });
  }

  it('numbers criteria <item>-<level>.<n> and gives each a Chinese text, an English translation and a way to decide it', () => {
    for (const cap of model.capabilities) {
      for (const l of cap.levels) {
        l.criteria.forEach((c, i) => {
          expect(c.id).toBe(`${cap.id}-${l.level}.${i + 1}`);
          expect(c.text.zh).toMatch(/[\u4e00-\u9fff]/);
          expect(c.text.en).toMatch(/[A-Za-z]{3}/);
          expect(c.check || c.attest).toBeTruthy();
        });
      }
    }
  });

  it('gives every item its domain, process and bilingual title', () => {
    const domains = new Set(model.capabilities.map((c) => c.domain.id));
    expect(domains.size).toBe(7);
    expect(new Set(model.capabilities.map((c) => c.process.id)).size).toBe(15);
    for (const cap of model.capabilities) {
      expect(cap.title.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(cap.title.en.length).toBeGreaterThan(3);
    }
  });

  // The standard's text runs across page breaks inside table cells, so a criterion may be split
  // into pieces in the source; each piece must be there, in the order given.
  it.runIf(existsSafe(standardPath))('quotes the Chinese text faithfully from the standard', () => {
    const source = squash(readFileSync(standardPath, 'utf8'));
    const unfaithful: string[] = [];
    for (const c of model.criteria.values()) {
      const text = squash(c.text.zh);
      let rest = text;
      let pieces = 0;
      let from = 0;
      while (rest.length > 0 && pieces < 4) {
        let len = rest.length;
        while (len > 0 && source.indexOf(rest.slice(0, len), from) < 0) len--;
        if (len < (pieces === 0 ? 4 : 1)) break;
        from = source.indexOf(rest.slice(0, len), from) + len;
        rest = rest.slice(len);
        pieces++;
      }
      if (rest.length > 0) unfaithful.push(`${c.id}: ${c.text.zh}`);
    }
    expect(unfaithful).toEqual([]);
  });

  it('records the reading taken where the standard is ambiguous or in error', () => {
    for (const id of ['10.1.1-2.2', '10.1.1-2.3', '6.2.1-4.3', '5.3.2-3.2']) {
      expect(model.criteria.get(id)?.reading, id).toBeTruthy();
    }
    expect(model.capabilities.find((c) => c.id === '6.2.1')?.reading).toMatch(/变更管理流程/);
  });
});

function existsSafe(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
