import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Window } from '../../src/collector/types.js';
import { incidentFileConfigSchema } from './config.js';
import { parseDate } from './dates.js';
import { incidentFileCollector } from './index.js';
import { scanCollector } from '../../test/helpers/scan.js';
import type { IncidentRecord } from '../../src/incidents/records.js';

/*
 * fixtures/servicenow-export-zh.csv is an incident list exported as CSV in a Chinese locale
 * (UTF-8 with a BOM, Chinese headers, a quoted title with a comma and one with a line break);
 * fixtures/jira-search.json is the body of Jira's GET /rest/api/2/search for incident issues.
 */

const FIXTURES = join(import.meta.dirname, 'fixtures');
const NOW = '2026-11-25T12:00:00.000Z';
const WINDOW: Window = { start: new Date('2026-10-26T12:00:00.000Z'), end: new Date(NOW), seconds: 30 * 86400 };

const CSV_CONFIG = {
  path: 'servicenow-export-zh.csv',
  timezone: 'Asia/Shanghai',
  columns: { id: '工单号', created: '创建时间', acknowledged: '响应时间', resolved: '解决时间', priority: '优先级', service: '业务系统', source: '来源', major: '是否重大', review: '复盘报告' },
  priorities: { P1: 'critical', P2: 'high', P3: 'high', P4: 'low' },
  sources: { 监控告警: 'monitoring', 用户报障: 'human' },
};

async function scan(config: Record<string, unknown>, baseDir = FIXTURES) {
  const r = await scanCollector({
    collector: incidentFileCollector,
    instances: [{ collector: 'incident_file', name: 'tickets', config: incidentFileConfigSchema.parse(config), http: {}, baseDir }],
    window: WINDOW,
    now: NOW,
    collectorDeadlineMs: 10_000,
    scanDeadlineMs: 20_000,
  });
  return { runs: r.runs, evidence: r.evidence, publications: r.publications, get: r.get, value: (id: string) => r.get(id).value };
}

function tempCopy(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'incident-file-'));
  writeFileSync(join(dir, name), content);
  return dir;
}

describe('incident_file on a CSV export with Chinese headers (UTF-8 with BOM)', () => {
  it('reads the rows it can into the shared incident measures, dates in the configured zone', async () => {
    const { value, get, runs } = await scan(CSV_CONFIG);
    expect(runs[0].status).toBe('ok');
    expect(value('incident_file.rows.read')).toBe(6);
    expect(value('incident_file.incidents.count')).toBe(5); // INC0009990 is before the window
    expect(value('incident_file.incidents.critical_count')).toBe(2);
    expect(value('incident_file.incidents.high_count')).toBe(3);
    expect(value('incident_file.incidents.resolved_ratio')).toBe(0.8);
    expect(value('incident_file.incidents.monitoring_ratio')).toBe(0.6);
    // responses 4, 20, 10, 30, 2 minutes
    expect(value('incident_file.incidents.ack_median_seconds')).toBe(600);
    expect(value('incident_file.incidents.ack_p90_seconds')).toBe(1800);
    expect(value('incident_file.incidents.critical.ack_median_seconds')).toBe(180);
    // resolutions 90 min, 4 h, 40 min, 20 min and the open INC0010004 at its age (2026-11-12 10:00 +08:00 to the window end)
    expect(value('incident_file.incidents.resolve_median_seconds')).toBe(5400);
    expect(value('incident_file.incidents.resolve_p90_seconds')).toBe((Date.parse(NOW) - Date.parse('2026-11-12T02:00:00Z')) / 1000);
    expect(value('incident_file.incidents.major_count')).toBe(2);
    expect(value('incident_file.incidents.major_reviewed_ratio')).toBe(0.5);
    // no auto_resolved or reopened column mapped: not measured, never 0
    expect(get('incident_file.incidents.auto_resolved_ratio')).toMatchObject({ status: 'not_available', reason: expect.stringMatching(/auto_resolved column/) });
    expect(get('incident_file.incidents.reopened_ratio').status).toBe('not_available');
  });

  it('counts and names the rows it cannot read: file, row and column', async () => {
    const { value, get } = await scan(CSV_CONFIG);
    expect(value('incident_file.rows.unreadable')).toBe(2);
    const notes = get('incident_file.rows.unreadable').notes ?? [];
    expect(notes).toEqual([
      expect.stringMatching(/servicenow-export-zh\.csv line 9, column '创建时间': cannot read '2026-11-18 上午' as a date/),
      expect.stringMatching(/servicenow-export-zh\.csv line 10, column '优先级': priority 'P5' is not in priorities/),
    ]);
    expect(get('incident_file.incidents.count').notes?.join()).toMatch(/2 unreadable rows/);
  });

  it('records the file read as evidence: path, size and SHA-256', async () => {
    const { evidence, get } = await scan(CSV_CONFIG);
    const bytes = readFileSync(join(FIXTURES, 'servicenow-export-zh.csv'));
    const rec = evidence.records.find((r) => r.id === get('incident_file.incidents.count').evidence[0])!;
    expect(rec).toMatchObject({ method: 'READ', bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), status: 0 });
    expect(rec.url).toContain('servicenow-export-zh.csv');
  });

  it('reads the same export without a BOM, and a semicolon-separated one', async () => {
    const text = readFileSync(join(FIXTURES, 'servicenow-export-zh.csv'), 'utf8').replace(/^\uFEFF/, '');
    expect((await scan(CSV_CONFIG, tempCopy('servicenow-export-zh.csv', text))).value('incident_file.incidents.count')).toBe(5);
    const semi = text.replace(/"[^"]*"/g, (q) => q.replace(/,/g, '，')).replace(/,/g, ';');
    expect((await scan({ ...CSV_CONFIG, delimiter: ';' }, tempCopy('servicenow-export-zh.csv', semi))).value('incident_file.incidents.count')).toBe(5);
  });

  it('reads a GBK export (Excel in a Chinese locale, CRLF line ends) when told its encoding', async () => {
    const gbk = {
      path: 'inhouse-export-gbk.csv', encoding: 'gbk', timezone: 'Asia/Shanghai',
      columns: { id: '工单号', created: '创建时间', acknowledged: '响应时间', resolved: '解决时间', priority: '优先级', source: '来源' },
      priorities: { 一级: 'critical', 二级: 'high', 三级: 'low' }, sources: { 监控告警: 'monitoring', 用户报障: 'human' },
    };
    const { value } = await scan(gbk);
    expect(value('incident_file.rows.unreadable')).toBe(0);
    expect(value('incident_file.incidents.count')).toBe(2);
    expect(value('incident_file.incidents.critical.ack_median_seconds')).toBe(300);
    expect(value('incident_file.incidents.monitoring_ratio')).toBe(0.5);
    // read as UTF-8 the headers are mojibake: the mapped columns are not found, and the message says so
    const { get } = await scan({ ...gbk, encoding: 'utf-8' });
    expect(get('incident_file.incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/inhouse-export-gbk\.csv: mapped columns not in the file: id → '工单号'/) });
  });

  it('fails every signal with one message naming the file when it is missing', async () => {
    const { get, runs } = await scan({ ...CSV_CONFIG, path: 'no-such-export.csv' });
    expect(runs[0].status).toBe('failed');
    expect(get('incident_file.incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/cannot read incident export .*no-such-export\.csv: no such file/) });
  });

  it('fails every signal naming the file and the column when a mapped column is not in it', async () => {
    const { get } = await scan({ ...CSV_CONFIG, columns: { ...CSV_CONFIG.columns, resolved: '关闭时间' } });
    expect(get('incident_file.incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/servicenow-export-zh\.csv: mapped column not in the file: resolved → '关闭时间'/) });
    expect(get('incident_file.rows.read').status).toBe('failed');
  });

  it('names the line of a CSV that cannot be parsed at all', async () => {
    const { get } = await scan(CSV_CONFIG, tempCopy('servicenow-export-zh.csv', '工单号,创建时间,优先级\nINC1,"2026-11-02 09:00:00,P1\n'));
    expect(get('incident_file.incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/servicenow-export-zh\.csv: not a readable CSV: .*line/i) });
  });
});

describe('incident_file records published for change failure from incidents', () => {
  const clean = () => readFileSync(join(FIXTURES, 'servicenow-export-zh.csv'), 'utf8').split('\n').slice(0, 4).join('\n') + '\n';
  it('publishes every row with its service (业务系统) and the apps service_apps maps it to', async () => {
    const { publications } = await scan({ ...CSV_CONFIG, service_apps: { 支付系统: 'acme/payments' } }, tempCopy('servicenow-export-zh.csv', clean()));
    const p = publications[0];
    if (p.status !== 'published') throw new Error(`not published: ${p.reason}`);
    const records = p.records as IncidentRecord[];
    expect(records.map((r) => [r.id, r.serviceNames, r.apps])).toEqual([
      ['INC0009990', ['订单系统'], undefined],
      ['INC0010001', ['支付系统'], ['acme/payments']],
      ['INC0010002', ['订单系统'], undefined],
    ]);
  });
  it('publishes nothing when rows are unreadable: change failure over part of the incidents would flatter', async () => {
    const { publications, value } = await scan(CSV_CONFIG);
    expect(value('incident_file.rows.unreadable')).toBe(2);
    expect(publications).toEqual([expect.objectContaining({ status: 'missing' })]);
  });
  it('publishes nothing when no service column is mapped: incidents without their service match no deployment', async () => {
    const { service: _service, ...columns } = CSV_CONFIG.columns;
    const { publications, value } = await scan({ ...CSV_CONFIG, columns }, tempCopy('servicenow-export-zh.csv', clean()));
    expect(value('incident_file.incidents.count')).toBe(2);
    expect(publications).toEqual([expect.objectContaining({ status: 'missing' })]);
  });
});

describe('incident_file on a JSON export (Jira search)', () => {
  const config = {
    path: 'jira-search.json',
    records: 'issues',
    columns: { id: 'key', created: 'fields.created', acknowledged: 'fields.customfield_10060', resolved: 'fields.resolutiondate', priority: 'fields.priority.name' },
    priorities: { Highest: 'critical', High: 'critical', Medium: 'high', Low: 'low', Lowest: 'low' },
  };

  it('maps nested fields by dotted path and reads ISO dates with their offsets', async () => {
    const { value, get } = await scan(config);
    expect(value('incident_file.rows.read')).toBe(3);
    expect(value('incident_file.rows.unreadable')).toBe(0);
    expect(value('incident_file.incidents.count')).toBe(3);
    expect(value('incident_file.incidents.critical_count')).toBe(1);
    expect(value('incident_file.incidents.low_count')).toBe(1);
    expect(value('incident_file.incidents.ack_median_seconds')).toBe(3600);
    expect(value('incident_file.incidents.resolve_median_seconds')).toBe(17 * 3600);
    expect(get('incident_file.incidents.monitoring_ratio')).toMatchObject({ status: 'not_available', reason: expect.stringMatching(/no source column/) });
    expect(get('incident_file.incidents.major_reviewed_ratio').status).toBe('not_available');
  });

  it('says where the incidents are expected when the document is not an array', async () => {
    const { get } = await scan({ ...config, records: undefined });
    expect(get('incident_file.incidents.count')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/jira-search\.json: the document is not an array of incidents \(set records:/) });
  });
});

describe('export dates', () => {
  it('reads ISO 8601 with offsets and local times in the configured zone, and refuses the rest', () => {
    expect(parseDate('2026-11-02 09:00:00', 'Asia/Shanghai')).toBe(Date.parse('2026-11-02T01:00:00Z'));
    expect(parseDate('2026/11/2 9:00', 'Asia/Shanghai')).toBe(Date.parse('2026-11-02T01:00:00Z'));
    expect(parseDate('2026-11-03T10:00:00.000+0800', 'UTC')).toBe(Date.parse('2026-11-03T02:00:00Z'));
    expect(parseDate('2026-07-01 12:00:00', 'Europe/Berlin')).toBe(Date.parse('2026-07-01T10:00:00Z')); // summer time
    expect(parseDate('2026-01-01 12:00:00', 'Europe/Berlin')).toBe(Date.parse('2026-01-01T11:00:00Z'));
    expect(parseDate('2026-02-30 10:00:00', 'UTC')).toBeUndefined();
    expect(parseDate('03/01/2026', 'UTC')).toBeUndefined();
    expect(parseDate('2026-11-18 上午', 'UTC')).toBeUndefined();
  });

  it('refuses a time zone that is not IANA', () => {
    expect(incidentFileConfigSchema.safeParse({ ...CSV_CONFIG, timezone: 'CST+8' }).success).toBe(false);
  });
});
