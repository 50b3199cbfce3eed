import type { Publication } from '../collector/harness.js';
import type { Measured } from '../collector/measured.js';
import type { PublicationKind, Publications, Window } from '../collector/types.js';
import type { InstanceValue, SignalDeclaration, SignalState } from './types.js';

/** The records of one kind from every instance that published them, with their evidence. */
export interface Joined<K extends PublicationKind> {
  records: Publications[K];
  evidence: string[];
  /** `collector/instance` of each source, for detail lines. */
  sources: string[];
}

/**
 * A signal no single system answers, measured by the core from records several collectors
 * published (`ctx.publish`): incidents that followed a deployment of the same service, CMDB
 * items against the live estate. Its arithmetic lives beside the records it joins
 * (src/incidents/, src/inventory/) and is registered in src/signals/cross-registry.ts.
 */
export interface CrossSignal<K extends PublicationKind = PublicationKind> {
  declaration: SignalDeclaration;
  /** The kinds it joins; each must have been published by at least one configured instance. */
  needs: readonly K[];
  measure(input: { [P in K]: Joined<P> }, window: Window): Measured;
}

/**
 * Measures every cross signal from the scan's publications. A kind nobody published (no
 * collector of it configured) makes the signal not_configured; an instance that should have
 * published and did not (its run failed) makes it failed: a join over part of the records
 * would flatter.
 */
export function computeCross(cross: readonly CrossSignal[], publications: readonly Publication[], window: Window): Map<string, SignalState> {
  const out = new Map<string, SignalState>();
  // Each publication opened once, whichever cross signals join it (its records are kept sealed
  // until now, src/collector/sealed-records.ts: four drift signals read the same inventory).
  const opened = new Map<Publication, unknown[]>();
  const recordsOf = (p: Extract<Publication, { status: 'published' }>): unknown[] => {
    let records = opened.get(p);
    if (!records) opened.set(p, (records = p.records as unknown[]));
    return records;
  };
  for (const c of cross) {
    const decl = c.declaration;
    const state = (s: Omit<SignalState, 'id' | 'collector' | 'declaration' | 'instances'>, instances: InstanceValue[] = []): SignalState =>
      ({ id: decl.id, collector: 'cross', declaration: decl, instances, ...s });
    const byKind = new Map(c.needs.map((k) => [k, publications.filter((p) => p.kind === k)] as const));
    const absent = c.needs.filter((k) => byKind.get(k)!.length === 0);
    if (absent.length) {
      out.set(decl.id, state({ status: 'not_configured', reason: `no configured collector publishes ${absent.join(' or ')} records`, evidence: [] }));
      continue;
    }
    const missing = [...byKind.values()].flat().filter((p) => p.status === 'missing');
    if (missing.length) {
      out.set(decl.id, state({ status: 'failed', reason: missing.map((p) => (p.status === 'missing' ? p.reason : '')).join('; '), evidence: [] }));
      continue;
    }
    const input = Object.fromEntries([...byKind].map(([k, list]) => {
      const got = list.filter((p): p is Extract<Publication, { status: 'published' }> => p.status === 'published');
      return [k, { records: got.flatMap(recordsOf), evidence: [...new Set(got.flatMap((p) => p.evidence))], sources: got.map((p) => `${p.collector}/${p.instance}`) }];
    })) as Parameters<CrossSignal['measure']>[0];
    let m: Measured;
    try {
      m = c.measure(input, window);
    } catch (err) {
      m = { status: 'failed', reason: `could not measure: ${err instanceof Error ? err.message : String(err)}`, evidence: [] };
    }
    if (m.status === 'value') {
      const { value, evidence, detail, objects, notes } = m;
      out.set(decl.id, state({ status: 'observed', value, evidence, ...(objects ? { objects } : {}), ...(notes ? { notes } : {}) },
        [{ instance: 'cross', status: 'observed', value, evidence, detail, ...(objects ? { objects } : {}), ...(notes ? { notes } : {}) }]));
    } else {
      out.set(decl.id, state({ status: m.status, reason: m.reason, evidence: m.evidence }));
    }
  }
  return out;
}
