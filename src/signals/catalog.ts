import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '../collector/types.js';
import { packageRoot } from '../package-info.js';
import { loadDerived, type DerivedSignal } from './derived.js';
import type { SignalDeclaration } from './types.js';

/** Every signal a rule may read: the registered collectors' and the derived ones. */
export interface SignalCatalog {
  collectors: Map<string, SignalDeclaration>;
  derived: DerivedSignal[];
  ids: Set<string>;
}

export function defaultDerivedFile(): string {
  return join(packageRoot(), 'signals', 'derived.yaml');
}

export function signalCatalog(registry: Registry, derivedFile = defaultDerivedFile()): SignalCatalog {
  const collectors = new Map(registry.flatMap((c) => c.signals.map((s) => [s.id, s] as const)));
  const derived = existsSync(derivedFile) ? loadDerived(derivedFile, collectors) : [];
  return { collectors, derived, ids: new Set([...collectors.keys(), ...derived.map((d) => d.id)]) };
}
