import { z } from 'zod';
import { serviceAppsSchema } from '../../src/incidents/service-apps.js';

const GRADES = ['critical', 'high', 'low'] as const;
const SOURCES = ['monitoring', 'human'] as const;

/** The export's column (CSV header, or JSON key) for each field techops reads; only id, created and priority are required. */
const columnsSchema = z
  .object({
    id: z.string().min(1).describe('Ticket or incident number, e.g. 工单号'),
    created: z.string().min(1).describe('When the incident was opened, e.g. 创建时间'),
    priority: z.string().min(1).describe('Priority or severity, graded through `priorities`, e.g. 优先级'),
    acknowledged: z.string().min(1).optional().describe('When a person first responded (acknowledged), e.g. 响应时间'),
    first_action: z.string().min(1).optional().describe('When a person first acted (note, diagnosis, assignment), if exported'),
    resolved: z.string().min(1).optional().describe('When it was resolved, e.g. 解决时间; empty = still open'),
    service: z.string().min(1).optional().describe('The affected service or business system, e.g. 业务系统'),
    source: z.string().min(1).optional().describe('Who or what reported it, mapped through `sources`, e.g. 来源'),
    major: z.string().min(1).optional().describe('A yes/no column marking major incidents (是/否, yes/no, true/false, 1/0)'),
    review: z.string().min(1).optional().describe('Link to or id of the postmortem/review; non-empty = reviewed, e.g. 复盘报告'),
    reviewed_at: z.string().min(1).optional().describe('When the postmortem/review was written'),
    auto_resolved: z.string().min(1).optional().describe('A yes/no column: resolved with no person acting (self-healing)'),
    reopened: z.string().min(1).optional().describe('A yes/no column, or a reopen count: reopened after resolution'),
  })
  .strict();

export const incidentFileConfigSchema = z
  .object({
    path: z.string().min(1).describe('The export file, relative to the config file.'),
    format: z.enum(['csv', 'json']).optional().describe('csv or json; default: from the file extension.'),
    encoding: z.enum(['utf-8', 'gbk', 'gb18030']).default('utf-8').describe('Text encoding of the file (a BOM is accepted in UTF-8); Excel in Chinese locales saves CSV as GBK.'),
    delimiter: z.string().length(1).default(',').describe('CSV field separator.'),
    records: z.string().min(1).optional().describe('JSON only: the dotted path of the array of incidents inside the document (e.g. result or data.items); default: the document is the array.'),
    timezone: z
      .string()
      .default('UTC')
      .refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, 'expected an IANA time zone such as Asia/Shanghai')
      .describe('IANA time zone of dates written without an offset (YYYY-MM-DD HH:mm:ss), e.g. Asia/Shanghai.'),
    columns: columnsSchema,
    priorities: z.record(z.string(), z.enum(GRADES)).refine((m) => Object.keys(m).length > 0, 'map at least one priority value').describe('Each priority value in the export → critical, high or low.'),
    major_priorities: z.array(z.string()).default([]).describe('Priority values that mark a major incident (besides a `major` column).'),
    sources: z.record(z.string(), z.enum(SOURCES)).default({}).describe('Each value of the `source` column → monitoring or human; other values are unknown.'),
    service_apps: serviceAppsSchema,
  })
  .strict();

export type IncidentFileConfig = z.infer<typeof incidentFileConfigSchema>;
export type Field = keyof IncidentFileConfig['columns'];
