/**
 * The collector kit: everything a collector folder imports from the core to read, measure,
 * declare and emit. See collectors/README.md for the folder's shape and how to write one.
 */
export type { Collector, CollectContext, EmitDetail, Window } from './types.js';
export { attemptRead, allReads, mapRead, readAbsent, readFailed, readOk, type Read, type ReadOptions } from './read.js';
export { fromRead, measuredValue, measureFailed, notAvailable, ratioOf, type Measured } from './measured.js';
export { count, flag, number, ratio, seconds, text, type SignalIds } from './declare.js';
export { mapPool } from './pool.js';
export { emitAll, emitMeasured } from './emit.js';
