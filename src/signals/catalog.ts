import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '../collector/types.js';
import { packageRoot } from '../package-info.js';
import { crossSignals } from './cross-registry.js';
import type { CrossSignal } from './cross.js';
import { loadDerived, type DerivedSignal } from './derived.js';
import type { SignalDeclaration } from './types.js';

/** Every signal a rule may read: the registered collectors' and the derived ones. */
export interface SignalCatalog {
  collectors: Map<string, SignalDeclaration>;
  derived: DerivedSignal[];
  /** Signals the core measures from records several collectors publish. */
  cross: readonly CrossSignal[];
  ids: Set<string>;
}

export function defaultDerivedFile(): string {
  return join(packageRoot(), 'signals', 'derived.yaml');
}

export function signalCatalog(registry: Registry, derivedFile = defaultDerivedFile()): SignalCatalog {
  const collectors = new Map(registry.flatMap((c) => c.signals.map((s) => [s.id, s] as const)));
  // Cross signals are sources derived signals may combine, like a collector's.
  const cross = new Map(crossSignals.map((c) => [c.declaration.id, c.declaration] as const));
  const sources = new Map([...collectors, ...cross]);
  const derived = existsSync(derivedFile) ? loadDerived(derivedFile, collectors, cross) : [];
  return { collectors, derived, cross: crossSignals, ids: new Set([...sources.keys(), ...derived.map((d) => d.id)]) };
}
