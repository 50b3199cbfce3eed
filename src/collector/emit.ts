import type { SignalDeclaration } from '../signals/types.js';
import type { Measured } from './measured.js';
import type { CollectContext } from './types.js';

type Emitter = Pick<CollectContext<unknown>, 'emit' | 'notAvailable' | 'failed'>;

/**
 * Emits one measured result under its signal id, each evidence record named once (a request that
 * answered for several items, such as one query for many repositories, is named by each).
 */
export function emitMeasured(ctx: Emitter, id: string, m: Measured): void {
  const evidence = [...new Set(m.evidence)];
  if (m.status === 'value') {
    const { detail, objects, notes } = m;
    ctx.emit(id, m.value, evidence, detail === undefined && !objects && !notes ? undefined : { detail, objects, notes });
  } else if (m.status === 'not_available') ctx.notAvailable(id, m.reason, evidence);
  else ctx.failed(id, m.reason, evidence);
}

/**
 * Emits every declared signal, the end of every collector's `collect`: each one measured is
 * emitted as it came; each one missing is failed with `missing` as the reason, so no declared
 * signal is silently left out. Measures that name an undeclared id are a collector bug and throw.
 */
export function emitAll(ctx: Emitter, declared: readonly SignalDeclaration[], measured: ReadonlyMap<string, Measured> | Readonly<Record<string, Measured | undefined>>, missing: string): void {
  const get = (id: string) => (measured instanceof Map ? measured.get(id) : (measured as Record<string, Measured | undefined>)[id]);
  const ids = new Set(declared.map((d) => d.id));
  const keys = measured instanceof Map ? [...measured.keys()] : Object.keys(measured);
  const stray = keys.filter((k) => !ids.has(k));
  if (stray.length) throw new Error(`measured undeclared signals: ${stray.join(', ')}`);
  for (const d of declared) emitMeasured(ctx, d.id, get(d.id) ?? { status: 'failed', reason: missing, evidence: [] });
}
