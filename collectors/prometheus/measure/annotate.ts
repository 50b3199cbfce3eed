import type { Measured, Read } from '../../../src/collector/kit.js';
import type { SignalObjects } from '../../../src/signals/types.js';
import type { Rules, Targets } from '../api.js';
import { firstNames, objectsOf } from './names.js';
import { defaultSetNote, ruleProvenance } from './provenance.js';

/**
 * Counts about rules and targets carry the objects behind them, and every signal computed over
 * alerting rules carries a note when those rules all come from default rule sets, so that a
 * measured `met` resting only on installed rules reads as such in the report and in
 * `techops explain`.
 */
export function annotateCounts(signals: Record<string, Measured>, rules: Read<Rules>, targets: Read<Targets>): Record<string, Measured> {
  const out = { ...signals };
  const annotate = (id: string, extra: { objects?: SignalObjects; notes?: string[]; detail?: string }) => {
    const m = out[id];
    if (!m || m.status !== 'value') return;
    const notes = [...(m.notes ?? []), ...(extra.notes ?? [])];
    out[id] = {
      ...m,
      objects: extra.objects ?? m.objects,
      notes: notes.length ? notes : undefined,
      detail: extra.detail ? (m.detail ? `${m.detail}; ${extra.detail}` : extra.detail) : m.detail,
    };
  };
  if (rules.status === 'ok') {
    const all = rules.data.groups.flatMap((g) => g.rules);
    const named = (type: string) => all.filter((r) => r.type === type).map((r) => r.name);
    annotate('prometheus.rules.alerting_count', { objects: objectsOf(named('alerting')) });
    annotate('prometheus.rules.recording_count', { objects: objectsOf(named('recording')) });
    annotate('prometheus.rules.groups', { objects: objectsOf(rules.data.groups.map((g) => g.name)) });
    annotate('prometheus.rules.unhealthy', { objects: objectsOf(all.filter((r) => r.health === 'err' || (r.lastError ?? '').trim() !== '').map((r) => r.name)) });
    const note = defaultSetNote(ruleProvenance(rules.data));
    if (note) for (const id of ALERTING_RULE_SIGNALS) annotate(id, { notes: [note] });
  }
  if (targets.status === 'ok') {
    const poolOf = (t: Targets['activeTargets'][number]) => t.scrapePool ?? t.labels.job ?? '';
    annotate('prometheus.jobs.count', { objects: objectsOf([...new Set(targets.data.activeTargets.map(poolOf))].sort()) });
    annotate('prometheus.targets.count', { objects: objectsOf(targets.data.activeTargets.map((t) => `${poolOf(t)} ${t.labels.instance ?? t.scrapeUrl ?? ''}`.trim())) });
    const down = [...new Set(targets.data.activeTargets.filter((t) => t.health !== 'up').map(poolOf))].sort();
    if (down.length) annotate('prometheus.targets.up_ratio', { detail: `down in jobs ${firstNames(down)}` });
  }
  return out;
}

/** Signals computed over alerting rules, whose `met` can rest on a default rule set alone. */
const ALERTING_RULE_SIGNALS: readonly string[] = [
  'prometheus.rules.alerting_count', 'prometheus.rules.severity_ratio', 'prometheus.rules.severity_levels',
  'prometheus.rules.runbook_ratio', 'prometheus.rules.summary_ratio', 'prometheus.rules.dynamic_threshold_count',
  'prometheus.rules.for_ratio', 'prometheus.capacity.alert_rules', 'prometheus.capacity.cpu_threshold_rules',
];
