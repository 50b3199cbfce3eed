import { describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { loadModel } from '../src/model/load.js';
import { defaultRulesDir } from '../src/package-info.js';
import { signalCatalog } from '../src/signals/catalog.js';

/*
 * The rules' prose (why, reading, attest, parameter descriptions) is shown to auditors in every
 * report format. It says what a check reads and why that is what the standard's cell asks; how
 * the check read before belongs in git history and golden-case notes, which reports leave out.
 * A sentence telling rule history is caught here, where it is written, not filtered out of one
 * report at render time.
 */
const HISTORY_EN = [
  /\bformer(ly)?\b/i,
  /\bpreviously\b/i,
  /\bas before\b|\buntil now\b|\bany ?more\b/i,
  /\bno longer\b/i,
  /\bused to (be|count|read|ask|take|require|need|mean|pass|fail|accept|check|look|treat|use)\b/i,
  /\b(old|older|earlier|previous|prior|original) (check|rule|reading|signal|threshold|clause|condition)s?\b/i,
  /\bwas always (true|met|false)\b/i,
  /\b(now|today) (the|it|this|that)\b/i,
  /\bhas been (replaced|dropped|removed|changed|corrected|narrowed|widened)\b/i,
];
const HISTORY_ZH = [
  /原先|此前|原检查|原来的|原有的|以前|过去的|曾经|曾[将把被经]/,
  /旧的?(检查|规则|信号|阈值|条件|子句|读法)/,
  /之前的(检查|规则|信号|阈值|条件|子句|读法)/,
  /不再/,
  /现在(由|改|则|以)|改为/,
  /恒为真/,
];

interface Passage { where: string; lang: 'en' | 'zh'; text: string }

function passages(): Passage[] {
  const model = loadModel(defaultRulesDir(), { declaredSignals: signalCatalog(collectors).ids });
  const out: Passage[] = [];
  const add = (where: string, en?: string, zh?: string) => {
    if (en) out.push({ where, lang: 'en', text: en });
    if (zh) out.push({ where, lang: 'zh', text: zh });
  };
  for (const cap of model.capabilities) {
    add(`${cap.id} reading`, cap.reading, cap.readingZh);
    for (const p of cap.parameters) add(`${cap.id} params.${p.name} description`, p.description, p.descriptionZh);
    for (const level of cap.levels) {
      for (const c of level.criteria) {
        add(`${c.id} why`, c.why, c.whyZh);
        add(`${c.id} reading`, c.reading, c.readingZh);
        add(`${c.id} attest`, c.attest, c.attestZh);
      }
    }
  }
  return out;
}

/** The first pattern a passage matches, with the words around the match. */
function historyIn(p: Passage): string | undefined {
  for (const re of p.lang === 'en' ? HISTORY_EN : HISTORY_ZH) {
    const m = re.exec(p.text);
    if (m) return `«${p.text.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40)}»`;
  }
  return undefined;
}

describe('rule prose shown to auditors', () => {
  it('the patterns catch history as it has been written, and leave present-tense prose alone', () => {
    const en = (text: string) => historyIn({ where: 't', lang: 'en', text });
    const zh = (text: string) => historyIn({ where: 't', lang: 'zh', text });
    expect(en('The former `fired_window >= 0` was always true.')).toBeDefined();
    expect(en('Service discovery alone switches nothing, so it no longer counts.')).toBeDefined();
    expect(en('A reachable API alone (the old check) shows data, not charts.')).toBeDefined();
    expect(en('Any alerting rule, as before, watched the estate, not the processing.')).toBeDefined();
    expect(zh('原先的检查将其计入，三个默认 exporter 即可达标。')).toBeDefined();
    expect(zh('此前的检查取的是最差的单个样本。')).toBeDefined();
    expect(zh('单有服务发现并不能开关任何东西，因此不再计入。')).toBeDefined();
    expect(en('The data inventory used to train a model on ops data, and the model that used it.')).toBeUndefined();
    expect(en('Samples ingested per second now is only a lower bound of it.')).toBeUndefined();
    expect(zh('中文原文包含两部分，两者都要。')).toBeUndefined();
  });

  it('tells no rule history in why, reading, attest or parameter descriptions, in either language', () => {
    const found = passages().flatMap((p) => {
      const hit = historyIn(p);
      return hit ? [`${p.where} (${p.lang}): ${hit}`] : [];
    });
    expect(found, `rule history in auditor-facing prose; say what the check reads and why, as a fact about the data:\n${found.join('\n')}`).toEqual([]);
  });
});
