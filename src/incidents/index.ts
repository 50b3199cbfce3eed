export * from './records.js';
export * from './measure.js';
export { median, quantile, coveredLength } from './stats.js';
export { appsFor, serviceAppsSchema, type ServiceApps } from './service-apps.js';
