export * from './records.js';
export * from './measure.js';
export { median, quantile, coveredLength } from './stats.js';
