import { STATUS_ZH } from '../engine/signal-reasons.js';
import { basisLabel, fill, labels, type Lang } from '../report/i18n.js';
import type { Report } from '../report/schema.js';

type Criterion = Report['criteria'][number];
type SignalRead = Criterion['signals'][number];

export interface SignalChange {
  id: string;
  from: { status: string; value?: unknown };
  to: { status: string; value?: unknown };
}

export interface CriterionFlip {
  id: string;
  capability: string;
  from: Criterion['status'];
  to: Criterion['status'];
  basis: { from?: string; to?: string };
  /** The signals the criterion read whose value or status moved: what caused the flip. */
  signals: SignalChange[];
}

export interface LevelMove {
  item: string;
  from: { level: number; ceiling: number };
  to: { level: number; ceiling: number };
}

export interface RunDiff {
  from: { id: string; started_at: string; rules_digest: string; config_digest: string };
  to: { id: string; started_at: string; rules_digest: string; config_digest: string };
  levels: LevelMove[];
  criteria: CriterionFlip[];
  /** Every signal whose value or status moved, read by a criterion or not. */
  signals: SignalChange[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const state = (s: { status: string; value?: unknown } | undefined) => (s ? { status: s.status, ...(s.value !== undefined ? { value: s.value } : {}) } : { status: 'absent' });

/**
 * What moved between two runs: every level and ceiling, every criterion whose verdict flipped
 * with the signals behind it, every signal value. Criteria and items present in one run only
 * (rules changed between them) count as flipped from or to `absent`.
 */
export function diffRuns(a: { id: string; report: Report }, b: { id: string; report: Report }): RunDiff {
  const head = (r: { id: string; report: Report }) => ({ id: r.id, started_at: r.report.run.started_at, rules_digest: r.report.run.rules_digest, config_digest: r.report.run.config_digest });
  const capsA = new Map(a.report.capabilities.map((c) => [c.id, c]));
  const capsB = new Map(b.report.capabilities.map((c) => [c.id, c]));
  const levels: LevelMove[] = [];
  for (const item of new Set([...capsA.keys(), ...capsB.keys()])) {
    const x = capsA.get(item);
    const y = capsB.get(item);
    const from = { level: x?.level ?? 0, ceiling: x?.ceiling ?? 0 };
    const to = { level: y?.level ?? 0, ceiling: y?.ceiling ?? 0 };
    if (!same(from, to)) levels.push({ item, from, to });
  }
  const critA = new Map(a.report.criteria.map((c) => [c.id, c]));
  const critB = new Map(b.report.criteria.map((c) => [c.id, c]));
  const criteria: CriterionFlip[] = [];
  for (const id of new Set([...critA.keys(), ...critB.keys()])) {
    const x = critA.get(id);
    const y = critB.get(id);
    if (x && y && x.status === y.status) continue;
    const readsA = new Map<string, SignalRead>((x?.signals ?? []).map((s) => [s.id, s]));
    const readsB = new Map<string, SignalRead>((y?.signals ?? []).map((s) => [s.id, s]));
    const signals = [...new Set([...readsA.keys(), ...readsB.keys()])]
      .map((s) => ({ id: s, from: state(readsA.get(s)), to: state(readsB.get(s)) }))
      .filter((c) => !same(c.from, c.to));
    criteria.push({
      id, capability: (y ?? x)!.capability, from: x?.status ?? ('absent' as Criterion['status']), to: y?.status ?? ('absent' as Criterion['status']),
      basis: { from: x?.basis, to: y?.basis }, signals,
    });
  }
  const sigA = new Map(a.report.signals.map((s) => [s.id, s]));
  const sigB = new Map(b.report.signals.map((s) => [s.id, s]));
  const signals: SignalChange[] = [...new Set([...sigA.keys(), ...sigB.keys()])]
    .map((id) => ({ id, from: state(sigA.get(id)), to: state(sigB.get(id)) }))
    .filter((c) => !same(c.from, c.to));
  const byId = (p: { id: string }, q: { id: string }) => p.id.localeCompare(q.id, 'en', { numeric: true });
  return {
    from: head(a), to: head(b),
    levels: levels.sort((p, q) => p.item.localeCompare(q.item, 'en', { numeric: true })),
    criteria: criteria.sort(byId),
    signals: signals.sort(byId),
  };
}

const show = (s: { status: string; value?: unknown }, lang: Lang = 'en') =>
  (s.value !== undefined ? JSON.stringify(s.value) : lang === 'zh' ? (STATUS_ZH[s.status] ?? s.status) : s.status);

/** The diff as lines for a terminal or, with `md`, as Markdown, in English or Chinese. */
export function renderDiff(d: RunDiff, md: boolean, lang: Lang = 'en'): string {
  const t = labels(lang);
  const zh = lang === 'zh';
  const status = (x: string) => (zh ? t[x as 'met' | 'not_met' | 'unknown'] ?? x : x);
  const basis = (x: string | undefined) => (x === undefined ? '-' : zh ? basisLabel(t, x) : x);
  const out: string[] = [];
  const h = (text: string) => out.push(md ? `## ${text}` : text, '');
  out.push(md ? `# techops diff ${d.from.id} → ${d.to.id}` : fill(t.diffHead, { from: d.from.id, fromAt: d.from.started_at, to: d.to.id, toAt: d.to.started_at }), '');
  if (d.from.rules_digest !== d.to.rules_digest) out.push(`${md ? '> ' : ''}${fill(t.rulesDiffer, { from: d.from.rules_digest.slice(0, 19), to: d.to.rules_digest.slice(0, 19) })}`, '');
  if (d.from.config_digest !== d.to.config_digest) out.push(`${md ? '> ' : ''}${t.configDiffers}`, '');
  h(fill(t.levelsMoved, { n: d.levels.length }));
  if (md && d.levels.length) out.push(zh ? `| ${t.item} | ${t.level} | ${t.ceiling} |` : '| item | level | ceiling |', '|---|---|---|');
  for (const l of d.levels) {
    const lv = `${l.from.level} → ${l.to.level}`;
    const cl = `${l.from.ceiling} → ${l.to.ceiling}`;
    out.push(md ? `| ${l.item} | ${lv} | ${cl} |` : `  ${l.item.padEnd(8)} ${zh ? t.level : 'level'} ${lv}   ${zh ? t.ceiling : 'ceiling'} ${cl}`);
  }
  if (d.levels.length) out.push('');
  h(fill(t.criteriaFlipped, { n: d.criteria.length }));
  for (const c of d.criteria) {
    const moved = c.basis.from !== c.basis.to ? ` ${zh ? '（' : '('}${fill(t.basisMoved, { from: basis(c.basis.from), to: basis(c.basis.to) })}${zh ? '）' : ')'}` : '';
    out.push(`${md ? '- **' : '  '}${c.id}${md ? '**' : ''} ${status(c.from)} → ${status(c.to)}${moved}`);
    for (const s of c.signals) out.push(`${md ? '  - `' : '      '}${s.id}${md ? '`' : ''} ${show(s.from, lang)} → ${show(s.to, lang)}`);
    if (c.signals.length === 0) out.push(`${md ? '  - ' : '      '}${t.noSignalMoved}`);
  }
  if (d.criteria.length) out.push('');
  h(fill(t.signalsChanged, { n: d.signals.length }));
  for (const s of d.signals) out.push(`${md ? '- `' : '  '}${s.id}${md ? '`' : ''} ${show(s.from, lang)} → ${show(s.to, lang)}`);
  return out.join('\n') + '\n';
}
