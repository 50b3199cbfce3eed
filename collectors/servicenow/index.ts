import { emitAll, type Collector } from '../../src/collector/kit.js';
import { servicenowApi } from './api.js';
import { servicenowConfigSchema, type ServicenowConfig } from './config.js';
import { measureCustomFields, measureHistory, measureItems, toInventory, type Measures } from './measure.js';
import { servicenowReader } from './read.js';
import { SIGNALS } from './signals.js';

export { servicenowConfigSchema, type ServicenowConfig } from './config.js';

export const servicenowCollector: Collector<ServicenowConfig> = {
  id: 'servicenow',
  description: 'ServiceNow CMDB (Table API, read-only): cmdb_ci and subclasses, cmdb_rel_ci, sys_audit for cmdb_ci tables, custom fields in sys_dictionary',
  signals: [...SIGNALS],
  publishes: ['inventory'],
  configSchema: servicenowConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const auth = config.token ? { bearer: config.token } : { basic: { username: config.username!, password: config.password! } };
    const http = ctx.http({ baseURL: config.url.replace(/\/+$/, ''), auth });
    const read = servicenowReader(servicenowApi(http), config.page_size, ctx.signal);
    // The namespace field is read only where workloads are compared.
    const extra = config.workload_classes.length ? [config.namespace_field] : [];

    // Refused credentials or an instance that does not answer end the collection here.
    const probe = await read.probe(extra);
    const measured: Measures = {
      'servicenow.api.reachable': probe.status === 'ok'
        ? { status: 'value', value: true, evidence: probe.evidence, detail: probe.data !== undefined ? `${probe.data} configuration items` : 'answered' }
        : { status: 'failed', reason: probe.reason, evidence: probe.evidence },
    };
    // One query at a time (each pages a few requests at once): gentle on the instance's semaphores.
    const items = await read.items(extra);
    const relations = await read.relations();
    const customFields = await read.customFields();
    const audit = await read.audit(ctx.window.start, ctx.window.end);
    Object.assign(measured, measureItems({ items, relations }, config, ctx.window.start), measureCustomFields(customFields),
      measureHistory(audit, config.automation_users, ctx.window.end));
    // Published only when the whole of cmdb_ci was read: drift over part of it would flatter.
    if (items.status === 'ok') ctx.publish('inventory', toInventory(items.data, config), items.evidence);
    else ctx.log.info('inventory not published', { reason: items.reason });
    emitAll(ctx, SIGNALS, measured, 'not measured');
  },
};
