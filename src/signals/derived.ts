import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { formatIssues } from '../zod-path.js';
import { aggregate } from './aggregate.js';
import type { InstanceValue, SignalDeclaration, SignalState } from './types.js';

/**
 * Signals combined from several collectors (signals/derived.yaml), so a rule reads
 * `delivery.deployments.per_week` whether the organisation uses GitHub, GitLab or both. The
 * sources combine like instances of one collector (src/signals/aggregate.ts): a source that is
 * not configured or not available adds nothing; one that failed makes the result unknown.
 */
export interface DerivedSignal extends SignalDeclaration {
  from: string[];
}

const schema = z
  .object({
    signals: z.array(
      z
        .object({
          id: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/),
          type: z.enum(['number', 'boolean', 'string', 'duration', 'ratio']),
          unit: z.string().optional(),
          description: z.string().min(1),
          aggregation: z.enum(['min', 'max', 'sum', 'mean', 'any', 'all', 'first']),
          from: z.array(z.string()).min(1),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * `cross` are the cross signals' declarations: sources a derived signal may combine like a
 * collector's, but no collector's namespace (a derived `cmdb.items.count` beside the cross
 * `cmdb.drift.stale_count` is one family of names, not a collision).
 */
export function loadDerived(file: string, collectorSignals: ReadonlyMap<string, SignalDeclaration>, cross: ReadonlyMap<string, SignalDeclaration> = new Map()): DerivedSignal[] {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read derived signals ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UserError(`invalid derived signals ${file}:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  const problems: string[] = [];
  const collectorIds = new Set([...collectorSignals.keys()].map((id) => id.split('.')[0]));
  const seen = new Set<string>();
  parsed.data.signals.forEach((d, i) => {
    if (seen.has(d.id)) problems.push(`signals[${i}].id: ${d.id} is defined twice`);
    seen.add(d.id);
    if (collectorIds.has(d.id.split('.')[0])) problems.push(`signals[${i}].id: ${d.id} uses a collector's namespace`);
    if (cross.has(d.id)) problems.push(`signals[${i}].id: ${d.id} is a cross signal's id`);
    for (const src of d.from) {
      const decl = collectorSignals.get(src) ?? cross.get(src);
      // A source whose collector is not registered is allowed only if no registered collector
      // owns its namespace: collectors arrive one issue at a time.
      if (!decl && collectorIds.has(src.split('.')[0])) problems.push(`signals[${i}].from: ${src} is not declared by collector ${src.split('.')[0]}`);
      if (decl && decl.type !== d.type) problems.push(`signals[${i}].from: ${src} is a ${decl.type}, ${d.id} a ${d.type}`);
    }
  });
  if (problems.length) throw new UserError(`invalid derived signals ${file}:\n  ${problems.join('\n  ')}`);
  return parsed.data.signals;
}

export function computeDerived(derived: DerivedSignal[], signals: Map<string, SignalState>): Map<string, SignalState> {
  const out = new Map(signals);
  for (const d of derived) {
    const sources: InstanceValue[] = d.from.map((src) => {
      const s = signals.get(src);
      if (!s) return { instance: src, status: 'not_available', reason: `no registered collector declares ${src}`, evidence: [] };
      return {
        instance: src,
        // an unconfigured source is a system the organisation does not use: it adds nothing
        status: s.status === 'not_configured' ? 'not_available' : s.status,
        value: s.value,
        reason: s.reason ?? (s.status === 'not_configured' ? `${s.collector} is not configured` : undefined),
        evidence: s.evidence,
        ...(s.objects ? { objects: s.objects } : {}),
        ...(s.notes ? { notes: s.notes } : {}),
      };
    });
    const { from: _from, ...decl } = d;
    const state = aggregate('derived', decl, sources);
    if (state.status === 'not_available' && sources.every((s) => s.reason?.endsWith('is not configured') || s.reason?.startsWith('no registered'))) {
      state.status = 'not_configured';
      state.reason = `none of its sources is configured (${d.from.map((f) => f.split('.')[0]).filter((v, i, a) => a.indexOf(v) === i).join(', ')})`;
    }
    out.set(d.id, state);
  }
  return out;
}
