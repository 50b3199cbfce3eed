import type { Registry } from '../collector/types.js';
import type { Model } from '../model/types.js';
import type { Lang } from '../report/i18n.js';
import type { DerivedSignal } from '../signals/derived.js';
import type { SignalDeclaration } from '../signals/types.js';

export interface ModelCounts {
  items: number;
  criteria: number;
  with_check: number;
  attest_only: number;
  check_and_attest: number;
  levels_adding_nothing: number;
  domains: { id: string; zh: string; en: string; items: number; criteria: number; with_check: number; attest_only: number }[];
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
    domains: [...domains.values()],
  };
}

export function renderModel(model: Model, lang: Lang): string {
  const counts = modelCounts(model);
  const lines = [
    `YD/T 1756 part 4: ${counts.items} capability items, ${counts.criteria} criteria (${counts.with_check} with a check, ${counts.attest_only} attest only, ${counts.check_and_attest} both)`,
    '',
  ];
  for (const cap of model.capabilities) {
    const per = cap.levels.map((l) => (l.addsNothing ? `L${l.level}:${l.addsNothing}` : `L${l.level}:${l.criteria.length}`)).join(' ');
    const checks = cap.levels.flatMap((l) => l.criteria).filter((c) => c.check).length;
    lines.push(`${cap.id.padEnd(7)} ${cap.title[lang]}  [${per}]  checks: ${checks}`);
  }
  return lines.join('\n') + '\n';
}

export function renderSignals(registry: Registry, derived: DerivedSignal[] = []): string {
  if (registry.length === 0) return 'No collectors are registered.\n';
  const lines: string[] = [];
  const line = (s: SignalDeclaration) => `  ${s.id}  ${s.type}${s.unit ? ` (${s.unit})` : ''}  [${s.aggregation}]  ${s.description}`;
  for (const c of registry) {
    lines.push(`${c.id}: ${c.description}`);
    for (const s of c.signals) lines.push(line(s));
  }
  if (derived.length) {
    lines.push('derived: combined from several collectors (signals/derived.yaml)');
    for (const d of derived) lines.push(`${line(d)}  ← ${d.from.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
