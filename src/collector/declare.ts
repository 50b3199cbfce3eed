import type { Aggregation, SignalDeclaration } from '../signals/types.js';

/**
 * The one way a collector declares its signals, in its `signals.ts` beside the code that
 * measures them: `count('netbox.devices.count', 'Devices in DCIM')`. Each helper fixes type and
 * unit; the aggregation across instances has the usual default and can be given.
 */
export const count = (id: string, description: string, aggregation: Aggregation = 'sum'): SignalDeclaration =>
  ({ id, type: 'number', unit: 'count', description, aggregation });
export const ratio = (id: string, description: string, aggregation: Aggregation = 'min'): SignalDeclaration =>
  ({ id, type: 'ratio', unit: 'ratio', description, aggregation });
export const flag = (id: string, description: string, aggregation: Aggregation = 'any'): SignalDeclaration =>
  ({ id, type: 'boolean', description, aggregation });
export const seconds = (id: string, description: string, aggregation: Aggregation = 'max'): SignalDeclaration =>
  ({ id, type: 'duration', unit: 'seconds', description, aggregation });
export const number = (id: string, unit: string, description: string, aggregation: Aggregation = 'max'): SignalDeclaration =>
  ({ id, type: 'number', unit, description, aggregation });
export const text = (id: string, description: string, aggregation: Aggregation = 'first'): SignalDeclaration =>
  ({ id, type: 'string', description, aggregation });

/** The declared ids as a union type, for a collector's own Record<SignalId, Measured>. */
export type SignalIds<T extends readonly { id: string }[]> = T[number]['id'];
