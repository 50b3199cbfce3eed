import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { IncidentFileConfig } from './config.js';

/** One exported incident: where it is in the file (for messages) and its fields by column name. */
export interface Row {
  /** `line 12` in a CSV, `record 12` in a JSON array. */
  where: string;
  fields: ReadonlyMap<string, string>;
}

export interface Table {
  /** The columns the export has (CSV header; keys of the JSON records). */
  columns: ReadonlySet<string>;
  rows: Row[];
  /** Rows that cannot be read at all (a wrong number of fields), with why. */
  broken: string[];
}

/** The file's problem, with the file named: the whole import fails with it. */
export class ExportError extends Error {}

export async function readExport(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ExportError(`cannot read incident export ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}`);
  }
}

export function formatOf(file: string, config: Pick<IncidentFileConfig, 'format'>): 'csv' | 'json' {
  if (config.format) return config.format;
  if (/\.json$/i.test(file)) return 'json';
  if (/\.(csv|txt)$/i.test(file)) return 'csv';
  throw new ExportError(`incident export ${file}: cannot tell CSV from JSON by its name; set format: csv or format: json`);
}

export function decode(bytes: Buffer, encoding: IncidentFileConfig['encoding']): string {
  // TextDecoder drops a UTF-8 BOM itself; Excel writes one before Chinese headers.
  return new TextDecoder(encoding).decode(bytes);
}

export function parseCsv(text: string, file: string, delimiter: string): Table {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (err) {
    throw new ExportError(`incident export ${file}: not a readable CSV: ${(err as Error).message}`);
  }
  const [head, ...body] = records;
  if (!head) throw new ExportError(`incident export ${file}: the file is empty (no header row)`);
  const header = head.record.map((h) => h.trim());
  const rows: Row[] = [];
  const broken: string[] = [];
  for (const { record, info } of body) {
    const where = `line ${info.lines}`;
    if (record.length !== header.length) {
      broken.push(`${file} ${where}: ${record.length} fields where the header has ${header.length}`);
      continue;
    }
    rows.push({ where, fields: new Map(header.map((h, i) => [h, record[i].trim()])) });
  }
  return { columns: new Set(header), rows, broken };
}

export function parseJson(text: string, file: string, recordsPath: string | undefined): Table {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ExportError(`incident export ${file}: not valid JSON: ${(err as Error).message}`);
  }
  let list = doc;
  for (const key of recordsPath ? recordsPath.split('.') : []) {
    list = list && typeof list === 'object' && !Array.isArray(list) ? (list as Record<string, unknown>)[key] : undefined;
  }
  if (!Array.isArray(list)) {
    throw new ExportError(`incident export ${file}: ${recordsPath ? `'${recordsPath}' is not` : 'the document is not'} an array of incidents${recordsPath ? '' : ' (set records: to the key that holds them)'}`);
  }
  const columns = new Set<string>();
  const rows: Row[] = [];
  const broken: string[] = [];
  list.forEach((item, i) => {
    const where = `record ${i + 1}`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      broken.push(`${file} ${where}: not an object`);
      return;
    }
    const fields = new Map<string, string>();
    flatten(item as Record<string, unknown>, '', fields);
    for (const k of fields.keys()) columns.add(k);
    rows.push({ where, fields });
  });
  return { columns, rows, broken };
}

/**
 * Nested objects as dotted keys, so a REST export (Jira's `fields.priority.name`) maps like a flat
 * one; arrays stay one field, as JSON text.
 */
function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, string>): void {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    if (v === null || v === undefined) out.set(key, '');
    else if (Array.isArray(v)) out.set(key, JSON.stringify(v));
    else if (typeof v === 'object') flatten(v as Record<string, unknown>, `${key}.`, out);
    else out.set(key, String(v).trim());
  }
}
