import { allReads, attemptRead, emitAll, mapRead, type Collector } from '../../src/collector/kit.js';
import { netboxApi } from './api.js';
import { netboxConfigSchema, type NetboxConfig } from './config.js';
import { measureCounts, measureCustomFields, measureEvents, measureHistory, measureItems, toInventory, toItems, type Measures } from './measure.js';
import { netboxReader } from './read.js';
import { SIGNALS } from './signals.js';

export { netboxConfigSchema, type NetboxConfig } from './config.js';

export const netboxCollector: Collector<NetboxConfig> = {
  id: 'netbox',
  description: 'NetBox (REST API 4.x, read-only token): devices, virtual machines, clusters, contacts, cables, custom fields, event rules, the change log, tenants, IPAM and journal counts',
  signals: [...SIGNALS],
  publishes: ['inventory'],
  configSchema: netboxConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const http = ctx.http({ baseURL: config.url.replace(/\/+$/, ''), headers: { Authorization: `Token ${config.token}` } });
    const api = netboxApi(http);
    const read = netboxReader(api, config.page_size, ctx.signal);

    // A refused token or a NetBox that does not answer makes every other read pointless.
    const status = await attemptRead(async () => {
      const r = await api.status();
      return { data: r.data['netbox-version'], evidence: [r.evidence] };
    }, { fatal: ['credentials', 'unavailable'] });
    const measured: Measures = {
      'netbox.api.reachable': status.status === 'ok'
        ? { status: 'value', value: true, evidence: status.evidence, detail: `NetBox ${status.data}` }
        : { status: 'failed', reason: status.reason, evidence: status.evidence },
    };

    // One listing at a time (each pages a few requests at once): gentle on NetBox, and within the
    // concurrency a shared deadline signal is meant for.
    const devices = await read.devices();
    const vms = await read.virtualMachines();
    const clusters = await read.clusters();
    const contacts = await read.contactAssignments();
    const cables = await read.cables();
    const items = mapRead(allReads({ devices, vms }), ({ devices, vms }) => toItems(devices, vms, config.namespace_field));
    Object.assign(measured, measureItems({ items, contacts, cables }, config, ctx.window.start));

    // Published only when devices, machines and clusters were read whole: drift over part of the
    // register would call the rest unrecorded.
    const inventory = allReads({ items, clusters });
    if (inventory.status === 'ok') ctx.publish('inventory', toInventory(inventory.data.items, inventory.data.clusters, config), inventory.evidence);
    else ctx.log.info('inventory not published', { reason: inventory.reason });

    const customFields = await read.customFields();
    const eventRules = await read.eventRules();
    const changeLog = await read.changeLog(ctx.window.start, ctx.window.end);
    const [tenants, prefixes, ipAddresses, journal] = await Promise.all([read.tenants(), read.prefixes(), read.ipAddresses(), read.journalEntries()]);
    Object.assign(measured,
      measureCustomFields(customFields),
      measureEvents(eventRules),
      measureHistory(changeLog, config.automation_users, ctx.window.end),
      measureCounts({ tenants, prefixes, ipAddresses, journal }));
    emitAll(ctx, SIGNALS, measured, 'not measured');
  },
};
