import { appsFor, type IncidentRecord, type IncidentSource } from '../../src/incidents/index.js';
import type { Field, IncidentFileConfig } from './config.js';
import { DATE_FORMATS, parseDate } from './dates.js';
import { ExportError, type Row, type Table } from './read.js';

/**
 * Rows of an incident export translated into the core's incident records (src/incidents). A row
 * that cannot be translated is kept out with a message naming file, row and column; the caller
 * counts and reports them.
 */
export interface Translated {
  records: IncidentRecord[];
  /** One message per row left out. */
  unreadable: string[];
  /** Fields the mapping leaves out, so the measures that need them are not available. */
  unmapped: Field[];
}

const YES = /^(1|y|yes|true|是|有|已复盘|√|✓)$/i;
const NO = /^(0|n|no|false|否|无|)$/i;

/** Every mapped column must be in the export: a typo in the mapping would otherwise read as "never". */
export function checkColumns(table: Table, file: string, columns: IncidentFileConfig['columns']): void {
  const missing = Object.entries(columns).filter(([, col]) => col !== undefined && !table.columns.has(col));
  if (missing.length) {
    const list = missing.map(([field, col]) => `${field} → '${col}'`).join(', ');
    throw new ExportError(`incident export ${file}: mapped column${missing.length > 1 ? 's' : ''} not in the file: ${list} (the file has: ${[...table.columns].join(', ')})`);
  }
}

export function translate(table: Table, file: string, config: IncidentFileConfig): Translated {
  const { columns } = config;
  const records: IncidentRecord[] = [];
  const unreadable = [...table.broken];
  const seen = new Set<string>();
  for (const row of table.rows) {
    const r = rowRecord(row, file, config, seen);
    if (typeof r === 'string') unreadable.push(r);
    else records.push(r);
  }
  const optional: Field[] = ['acknowledged', 'first_action', 'resolved', 'service', 'source', 'major', 'review', 'reviewed_at', 'auto_resolved', 'reopened'];
  return { records, unreadable, unmapped: optional.filter((f) => columns[f] === undefined) };
}

/** The record of one row, or the message saying why it cannot be read. */
function rowRecord(row: Row, file: string, config: IncidentFileConfig, seen: Set<string>): IncidentRecord | string {
  const { columns } = config;
  const at = (field: Field) => `${file} ${row.where}, column '${columns[field]}'`;
  const text = (field: Field) => (columns[field] ? row.fields.get(columns[field]!) ?? '' : '');

  const id = text('id');
  if (!id) return `${at('id')}: empty incident id`;
  if (seen.has(id)) return `${at('id')}: incident ${id} appears twice (the earlier row is kept)`;

  const dates: Partial<Record<Field, number>> = {};
  for (const field of ['created', 'acknowledged', 'first_action', 'resolved', 'reviewed_at'] as const) {
    const value = text(field);
    if (!value) continue;
    const t = parseDate(value, config.timezone);
    if (t === undefined) return `${at(field)}: cannot read '${value}' as a date (expected ${DATE_FORMATS})`;
    dates[field] = t;
  }
  if (dates.created === undefined) return `${at('created')}: no creation time`;
  for (const field of ['acknowledged', 'first_action', 'resolved'] as const) {
    const t = dates[field];
    if (t !== undefined && t < dates.created) return `${at(field)}: '${text(field)}' is before the creation time '${text('created')}'`;
  }

  const priority = text('priority');
  const grade = config.priorities[priority];
  if (!grade) return `${at('priority')}: priority '${priority}' is not in priorities: (${Object.keys(config.priorities).join(', ')})`;

  const flags: Partial<Record<'major' | 'auto_resolved' | 'reopened', boolean>> = {};
  for (const field of ['major', 'auto_resolved', 'reopened'] as const) {
    if (!columns[field]) continue;
    const value = text(field);
    if (YES.test(value) || (field === 'reopened' && /^[1-9]\d*$/.test(value))) flags[field] = true;
    else if (NO.test(value)) flags[field] = false;
    else return `${at(field)}: cannot read '${value}' as yes or no (是/否, yes/no, true/false, 1/0)`;
  }

  seen.add(id);
  const source: IncidentSource = columns.source ? config.sources[text('source')] ?? 'unknown' : 'unknown';
  const review = text('review');
  const service = text('service');
  const apps = service ? appsFor(config.service_apps, [service]) : undefined;
  return {
    id,
    service,
    ...(service ? { serviceNames: [service] } : {}),
    ...(apps ? { apps } : {}),
    grade,
    createdAt: dates.created,
    acknowledgedAt: dates.acknowledged,
    firstActionAt: dates.first_action,
    resolvedAt: dates.resolved,
    source,
    autoResolved: flags.auto_resolved ?? false,
    reopened: flags.reopened,
    major: (flags.major ?? false) || config.major_priorities.includes(priority),
    reviewLinked: review !== '' && !NO.test(review),
    reviewAt: dates.reviewed_at,
  };
}
