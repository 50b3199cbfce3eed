import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { CollectContext, Collector } from '../../src/collector/types.js';
import { emitMeasures, measureIncidents, type IncidentMeasure } from '../../src/incidents/index.js';
import { incidentFileConfigSchema, type Field, type IncidentFileConfig } from './config.js';
import { checkColumns, translate } from './measure.js';
import { decode, ExportError, formatOf, parseCsv, parseJson, readExport } from './read.js';
import { NOT_IN_EXPORTS, PREFIX, SIGNALS } from './signals.js';

type Ctx = CollectContext<IncidentFileConfig>;

/** Measures that need an optional column; without it they are not available, never computed from defaults. */
const NEEDS: [RegExp, Field, string][] = [
  [/\.ack_/, 'acknowledged', 'no acknowledged (response time) column is mapped'],
  [/\.first_action_/, 'acknowledged', 'neither a first_action nor an acknowledged column is mapped'],
  [/incidents\.monitoring_ratio$/, 'source', 'no source column is mapped'],
  [/incidents\.auto_resolved_ratio$/, 'auto_resolved', 'no auto_resolved column is mapped'],
  [/incidents\.major_review/, 'review', 'no review (postmortem) column is mapped'],
  [/incidents\.(resolved_ratio|resolve_)|\.resolve_/, 'resolved', 'no resolved column is mapped'],
];

/** Most unreadable rows named in the notes; the count says how many there are. */
const NAMED_MAX = 10;

export const incidentFileCollector: Collector<IncidentFileConfig> = {
  id: 'incident_file',
  description: 'An incident export (CSV or JSON from ServiceNow, Jira, an in-house ticket system …) read through a column mapping',
  signals: SIGNALS,
  configSchema: incidentFileConfigSchema,
  async collect(ctx) {
    for (const id of NOT_IN_EXPORTS) ctx.notAvailable(id, 'an incident export holds incidents only: no services, escalation policies or on-call schedules');
    const file = ctx.resolvePath(ctx.config.path);
    const started = new Date();
    let bytes: Buffer;
    try {
      bytes = await readExport(file);
    } catch (err) {
      record(ctx, file, started, undefined, (err as Error).message);
      throw err;
    }
    const evidence = [record(ctx, file, started, bytes)];
    try {
      collectFrom(ctx, file, bytes, evidence);
    } catch (err) {
      if (!(err instanceof ExportError)) throw err;
      for (const d of SIGNALS) if (!NOT_IN_EXPORTS.includes(d.id)) ctx.failed(d.id, err.message, evidence);
    }
  },
};

/** The file read, as evidence: its path, size and SHA-256 (the recorder hashes what it is given). */
function record(ctx: Ctx, file: string, started: Date, bytes: Buffer | undefined, error?: string): string {
  return ctx.recordCommand({
    program: 'read', args: [file], cwd: dirname(file), stdout: bytes, error,
    exitCode: bytes ? 0 : undefined, startedAt: started, durationMs: Date.now() - started.getTime(),
  });
}

function collectFrom(ctx: Ctx, file: string, bytes: Buffer, evidence: string[]): void {
  const { config } = ctx;
  const text = decode(bytes, config.encoding);
  const table = formatOf(file, config) === 'json' ? parseJson(text, file, config.records) : parseCsv(text, file, config.delimiter);
  checkColumns(table, file, config.columns);
  const { records, unreadable, unmapped } = translate(table, file, config);

  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const named = unreadable.slice(0, NAMED_MAX);
  const more = unreadable.length > NAMED_MAX ? [`… and ${unreadable.length - NAMED_MAX} more unreadable rows`] : [];
  ctx.emit('incident_file.rows.read', records.length, evidence, `${records.length} of ${records.length + unreadable.length} rows of ${file} (${bytes.length} bytes, sha256 ${sha}…)`);
  ctx.emit('incident_file.rows.unreadable', unreadable.length, evidence, unreadable.length ? { detail: `${unreadable.length} rows left out`, notes: [...named, ...more] } : undefined);

  const window = { start: ctx.window.start.getTime(), end: ctx.window.end.getTime() };
  const caveat = unreadable.length ? [`${unreadable.length} unreadable rows of ${file} left out (incident_file.rows.unreadable names them)`] : [];
  const measures = measureIncidents(records, window).map((m): IncidentMeasure => {
    const need = NEEDS.find(([re, field]) => re.test(m.measure) && unmapped.includes(field) && !(field === 'acknowledged' && /first_action/.test(m.measure) && !unmapped.includes('first_action')));
    if (need) return { measure: m.measure, reason: `${need[2]} in the incident_file mapping` };
    return caveat.length ? { ...m, notes: [...(m.notes ?? []), ...caveat] } : m;
  });
  emitMeasures(ctx, PREFIX, measures, evidence);
}
