import { measuredValue, measureFailed, notAvailable, ratioOf, type Measured, type Read } from '../../../src/collector/kit.js';
import { SAMPLE_MAX, type SignalObjects } from '../../../src/signals/types.js';

/**
 * What every theme's measures share: the example lists the folds keep, combining the reads a
 * signal needs, and the wording of details (up to five names, plurals, ages).
 */

/** Names shown in a detail line. */
export const EXAMPLES = 5;

/** Up to SAMPLE_MAX names (the objects a report carries), and how many there were. */
export class Examples {
  readonly names: string[] = [];
  count = 0;
  add(name: string): void {
    this.count++;
    if (this.names.length < SAMPLE_MAX) this.names.push(name);
  }
  /** The first EXAMPLES names, for a detail line. */
  text(): string {
    return shown(this.names, this.count);
  }
}

/** Measurements by signal id, as each theme returns them. */
export type MeasuredSet<Id extends string> = Partial<Record<Id, Measured>>;

type AnyRead = Read<unknown>;

/**
 * The reads a signal needs. `required` ones must have been read; `optional` ones are CRDs that
 * may be absent (they then add nothing, and their discovery request stays in the evidence).
 * Returns the first failure (of either), the first absent required read as not available, or
 * the evidence of them all.
 */
export function need(required: AnyRead[], optional: AnyRead[] = []): { failed: Measured } | { failed?: undefined; evidence: string[] } {
  const all = [...required, ...optional];
  for (const o of all) if (o.status === 'failed') return { failed: measureFailed(o.reason, o.evidence) };
  const absent = required.find((o) => o.status === 'absent');
  if (absent && absent.status === 'absent') return { failed: notAvailable(absent.reason, absent.evidence) };
  return { evidence: [...new Set(all.flatMap((o) => o.evidence))] };
}

/** Every read absent: not available with their reasons joined; else undefined. */
export function allAbsent(reads: AnyRead[]): Measured | undefined {
  if (!reads.every((o) => o.status === 'absent')) return undefined;
  return notAvailable(reads.map((o) => (o.status === 'absent' ? o.reason : '')).join('; '), reads.flatMap((o) => o.evidence));
}

/** The first failed read as a failed measure (a signal that several sources decide). */
export function firstFailed(reads: AnyRead[]): Measured | undefined {
  const failed = reads.find((o) => o.status === 'failed');
  return failed && failed.status === 'failed' ? measureFailed(failed.reason, failed.evidence) : undefined;
}

/** A read's data when it is ok. */
export const data = <T>(o: Read<T>): T | undefined => (o.status === 'ok' ? o.data : undefined);

/** A value with the objects behind it, and a note saying what they are. */
export const named = (m: Measured, what: string, objects: SignalObjects): Measured => (m.status === 'value' ? { ...m, objects, notes: [`objects: ${what}`] } : m);

/**
 * part / whole with its detail and the objects that fell short; not available with `empty`
 * when there is nothing to divide by (an empty estate is not 0 % covered).
 */
export function share(part: number, whole: number, evidence: string[], empty: string, detail: string, shortfall: { what: string; objects: SignalObjects }): Measured {
  if (whole === 0) return notAvailable(empty, evidence);
  return named(ratioOf(part, whole, evidence, '', { detail }), shortfall.what, shortfall.objects);
}

/** A value with a detail line. */
export const value = (v: number | boolean, evidence: string[], detail?: string): Measured => measuredValue(v, evidence, detail === undefined ? {} : { detail });

/** The names kept by several Examples, as the objects behind a value. */
export const objectsOf = (list: { names: string[]; count: number }[]): SignalObjects =>
  ({ total: list.reduce((n, e) => n + e.count, 0), sample: list.flatMap((e) => e.names).slice(0, SAMPLE_MAX) });
export const objectsIn = (names: string[]): SignalObjects => ({ total: names.length, sample: names.slice(0, SAMPLE_MAX) });

/** Up to five names of `count`, with how many more. */
function shown(names: string[], count: number): string {
  if (!count) return 'none';
  const first = names.slice(0, EXAMPLES);
  return first.join(', ') + (count > first.length ? ` (+${count - first.length} more)` : '');
}
/** Up to five names of several Examples together. */
export const examples = (list: { names: string[]; count: number }[]): string => shown(list.flatMap((e) => e.names), list.reduce((n, e) => n + e.count, 0));
/** Up to five names of a list. */
export const list = (names: string[]): string => shown(names, names.length);

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
export const sumOf = <T>(items: readonly T[], f: (x: T) => number) => items.reduce((n, x) => n + f(x), 0);
export const ago = (now: number, t: number) => Math.max(0, Math.round((now - t) / 1000));
export const iso = (t: number) => new Date(t).toISOString();
export const time = (s: string | undefined): number | undefined => (s === undefined ? undefined : Date.parse(s));
export const later = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
export const earlier = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));

/** `3 CloudNativePG, 1 StatefulSet`: how many of each value. */
export function countBy(values: string[]): string {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** `shop/frontend`: how objects are named in details. */
export const idOf = (m: { name: string; namespace?: string }) => `${m.namespace ? m.namespace + '/' : ''}${m.name}`;
