import type { Registry } from '../collector/types.js';
import type { Criterion, Model } from '../model/types.js';
import { fill, labels, type Labels, type Lang } from '../report/i18n.js';
import { chineseCollectorDescription, chineseSignalDescription } from '../signals/descriptions-zh.js';
import type { DerivedSignal } from '../signals/derived.js';
import type { CrossSignal } from '../signals/cross.js';
import type { SignalDeclaration } from '../signals/types.js';

export interface ModelCounts {
  items: number;
  criteria: number;
  with_check: number;
  attest_only: number;
  check_and_attest: number;
  levels_adding_nothing: number;
  /** How criteria of levels 1–3 are decided (the figures issue 10 tracks). */
  coverage_l1_3: Coverage;
  domains: { id: string; zh: string; en: string; items: number; criteria: number; with_check: number; attest_only: number }[];
}

export interface Coverage {
  criteria: number;
  /** A check and no attest part: the data decides alone. */
  measured_only: number;
  /** A check, with or without an attest part. */
  with_measured_part: number;
  /** Check and attest, the check a required part (both must hold). */
  measured_required: number;
  /** Check and attest, the check only supporting the attestation. */
  measured_supporting: number;
  /** Check and attest, a measured met deciding alone (the attestation decides otherwise). */
  measured_sufficient: number;
  /** Decided by data alone where the data shows it: measured_only plus measured_sufficient. */
  data_can_decide: number;
  attest_only: number;
  /** The same figures as percentages of `criteria`, one decimal. */
  percent: { measured_only: number; with_measured_part: number; measured_required: number; measured_supporting: number; measured_sufficient: number; data_can_decide: number; attest_only: number };
}

export function coverage(criteria: Criterion[]): Coverage {
  const n = criteria.length;
  const counts = {
    measured_only: criteria.filter((c) => c.check && !c.attest).length,
    with_measured_part: criteria.filter((c) => c.check).length,
    measured_required: criteria.filter((c) => c.check && c.attest && c.measured === 'required').length,
    measured_supporting: criteria.filter((c) => c.check && c.attest && c.measured === 'supporting').length,
    measured_sufficient: criteria.filter((c) => c.check && c.attest && c.measured === 'sufficient').length,
    data_can_decide: criteria.filter((c) => c.check && (!c.attest || c.measured === 'sufficient')).length,
    attest_only: criteria.filter((c) => !c.check).length,
  };
  const pct = (x: number) => (n ? Math.round((x / n) * 1000) / 10 : 0);
  return {
    criteria: n,
    ...counts,
    percent: {
      measured_only: pct(counts.measured_only), with_measured_part: pct(counts.with_measured_part),
      measured_required: pct(counts.measured_required), measured_supporting: pct(counts.measured_supporting),
      measured_sufficient: pct(counts.measured_sufficient), data_can_decide: pct(counts.data_can_decide), attest_only: pct(counts.attest_only),
    },
  };
}

export function modelCounts(model: Model): ModelCounts {
  const all = [...model.criteria.values()];
  const domains = new Map<string, ModelCounts['domains'][number]>();
  for (const cap of model.capabilities) {
    const d = domains.get(cap.domain.id) ?? { id: cap.domain.id, zh: cap.domain.zh, en: cap.domain.en, items: 0, criteria: 0, with_check: 0, attest_only: 0 };
    d.items++;
    for (const c of cap.levels.flatMap((l) => l.criteria)) {
      d.criteria++;
      if (c.check) d.with_check++;
      else d.attest_only++;
    }
    domains.set(d.id, d);
  }
  return {
    items: model.capabilities.length,
    criteria: all.length,
    with_check: all.filter((c) => c.check).length,
    attest_only: all.filter((c) => !c.check).length,
    check_and_attest: all.filter((c) => c.check && c.attest).length,
    levels_adding_nothing: model.capabilities.flatMap((c) => c.levels).filter((l) => l.addsNothing).length,
    coverage_l1_3: coverage(all.filter((c) => c.level <= 3)),
    domains: [...domains.values()],
  };
}

export function renderModel(model: Model, lang: Lang): string {
  const t = labels(lang);
  const counts = modelCounts(model);
  const lines = [
    fill(t.modelHeader, { items: counts.items, criteria: counts.criteria, check: counts.with_check, attest: counts.attest_only, both: counts.check_and_attest }),
    ...coverageLines(counts.coverage_l1_3, t),
    '',
  ];
  for (const cap of model.capabilities) {
    const per = cap.levels.map((l) => (l.addsNothing ? `L${l.level}:${l.addsNothing}` : `L${l.level}:${l.criteria.length}`)).join(' ');
    const checks = cap.levels.flatMap((l) => l.criteria).filter((c) => c.check).length;
    lines.push(`${cap.id.padEnd(7)} ${cap.title[lang]}  [${per}]  ${t.checks}${lang === 'zh' ? '：' : ': '}${checks}`);
  }
  return lines.join('\n') + '\n';
}

function coverageLines(c: Coverage, t: Labels): string[] {
  const f = (n: number, p: number) => `${n} (${p.toFixed(1)} %)`;
  return [
    fill(t.coverageHead, { n: c.criteria }),
    fill(t.coverageMeasuredOnly, { v: f(c.measured_only, c.percent.measured_only) }),
    fill(t.coverageWithMeasured, { v: f(c.with_measured_part, c.percent.with_measured_part) }),
    fill(t.coverageRequired, { v: f(c.measured_required, c.percent.measured_required) }),
    fill(t.coverageSupporting, { v: f(c.measured_supporting, c.percent.measured_supporting) }),
    fill(t.coverageSufficient, { v: f(c.measured_sufficient, c.percent.measured_sufficient) }),
    fill(t.coverageDataCanDecide, { v: f(c.data_can_decide, c.percent.data_can_decide) }),
    fill(t.coverageAttestOnly, { v: f(c.attest_only, c.percent.attest_only) }),
  ];
}

/**
 * `techops signals`: in Chinese, each description from signals/descriptions.zh.yaml (through
 * src/signals/descriptions-zh.ts), the English one where it has none yet.
 */
export function renderSignals(registry: Registry, derived: DerivedSignal[] = [], cross: readonly CrossSignal[] = [], lang: Lang = 'en'): string {
  const t = labels(lang);
  if (registry.length === 0) return `${t.noCollectorsRegistered}\n`;
  const zh = lang === 'zh';
  const colon = zh ? '：' : ': ';
  const describe = (s: SignalDeclaration) => (zh ? chineseSignalDescription(s.id) ?? s.description : s.description);
  const lines: string[] = [];
  const line = (s: SignalDeclaration) => `  ${s.id}  ${s.type}${s.unit ? ` (${s.unit})` : ''}  [${s.aggregation}]  ${describe(s)}`;
  for (const c of registry) {
    lines.push(`${c.id}${colon}${zh ? chineseCollectorDescription(c.id) ?? c.description : c.description}`);
    for (const s of c.signals) lines.push(line(s));
  }
  if (cross.length) {
    lines.push(t.crossHeading);
    for (const c of cross) lines.push(`${line(c.declaration)}  ← ${t.published} ${c.needs.join(' + ')}`);
  }
  if (derived.length) {
    lines.push(t.derivedHeading);
    for (const d of derived) lines.push(`${line(d)}  ← ${d.from.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
