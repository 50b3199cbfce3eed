import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { emitAll, mapRead, measuredValue, notAvailable, readOk, type CollectContext, type Collector, type Measured, type Read } from '../../src/collector/kit.js';
import { measuredFrom, measureIncidents, type IncidentMeasure } from '../../src/incidents/index.js';
import { incidentFileConfigSchema, type Field, type IncidentFileConfig } from './config.js';
import { checkColumns, translate, type Translated } from './measure.js';
import { decode, formatOf, parseCsv, parseJson, readExport } from './read.js';
import { NOT_IN_EXPORTS, OWN_IDS, PREFIX, SIGNALS } from './signals.js';

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

const NOT_IN_EXPORT = 'an incident export holds incidents only: no services, escalation policies or on-call schedules';

/** Most unreadable rows named in the notes; the count says how many there are. */
const NAMED_MAX = 10;

export const incidentFileCollector: Collector<IncidentFileConfig> = {
  id: 'incident_file',
  description: 'An incident export (CSV or JSON from ServiceNow, Jira, an in-house ticket system …) read through a column mapping',
  signals: SIGNALS,
  publishes: ['incidents'],
  configSchema: incidentFileConfigSchema,
  async collect(ctx) {
    const file = ctx.resolvePath(ctx.config.path);
    const started = new Date();
    let bytes: Buffer;
    try {
      bytes = await readExport(file);
    } catch (err) {
      record(ctx, file, started, undefined, (err as Error).message);
      for (const id of NOT_IN_EXPORTS) ctx.notAvailable(id, NOT_IN_EXPORT);
      throw err;
    }
    const evidence = [record(ctx, file, started, bytes)];
    const measured = new Map<string, Measured>(NOT_IN_EXPORTS.map((id) => [id, notAvailable(NOT_IN_EXPORT)]));
    // A file that cannot be parsed or mapped (ExportError, naming file and place) fails every measure.
    const imported = mapRead(readOk(bytes, evidence), (b) => importRows(ctx.config, file, b));
    for (const [id, m] of measureImport(ctx, file, bytes, imported)) measured.set(id, m);
    emitAll(ctx, SIGNALS, measured, imported.status === 'ok' ? 'not measured' : imported.reason);
    if (imported.status !== 'ok') return;
    // Published only when every row was read and the service column is mapped: a part of the
    // incidents, or incidents without their service, would make change failure look better than it is.
    const { records, unreadable, unmapped } = imported.data;
    if (unreadable.length) ctx.log.info('incidents not published for change failure: some rows are unreadable', { unreadable: unreadable.length });
    else if (unmapped.includes('service')) ctx.log.info('incidents not published for change failure: no service column is mapped');
    else ctx.publish('incidents', records, evidence);
  },
};

function importRows(config: IncidentFileConfig, file: string, bytes: Buffer): Translated {
  const text = decode(bytes, config.encoding);
  const table = formatOf(file, config) === 'json' ? parseJson(text, file, config.records) : parseCsv(text, file, config.delimiter);
  checkColumns(table, file, config.columns);
  return translate(table, file, config);
}

/** The file read, as evidence: its path, size and SHA-256 (the recorder hashes what it is given). */
function record(ctx: Ctx, file: string, started: Date, bytes: Buffer | undefined, error?: string): string {
  return ctx.recordCommand({
    program: 'read', args: [file], cwd: dirname(file), stdout: bytes, error,
    exitCode: bytes ? 0 : undefined, startedAt: started, durationMs: Date.now() - started.getTime(),
  });
}

function measureImport(ctx: Ctx, file: string, bytes: Buffer, imported: Read<Translated>): Map<string, Measured> {
  const out = measuredFrom(PREFIX, imported, ['incidents', 'timeline', 'reviews'], ({ records, unreadable, unmapped }) => {
    const window = { start: ctx.window.start.getTime(), end: ctx.window.end.getTime() };
    const caveat = unreadable.length ? [`${unreadable.length} unreadable rows of ${file} left out (incident_file.rows.unreadable names them)`] : [];
    return measureIncidents(records, window).map((m): IncidentMeasure => {
      const need = NEEDS.find(([re, field]) => re.test(m.measure) && unmapped.includes(field) && !(field === 'acknowledged' && /first_action/.test(m.measure) && !unmapped.includes('first_action')));
      if (need) return { measure: m.measure, reason: `${need[2]} in the incident_file mapping` };
      return caveat.length ? { ...m, notes: [...(m.notes ?? []), ...caveat] } : m;
    });
  });
  if (imported.status !== 'ok') {
    for (const id of OWN_IDS) out.set(id, { status: 'failed', reason: imported.reason, evidence: imported.evidence });
    return out;
  }
  const { records, unreadable } = imported.data;
  const { evidence } = imported;
  const sha = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  const named = unreadable.slice(0, NAMED_MAX);
  const more = unreadable.length > NAMED_MAX ? [`… and ${unreadable.length - NAMED_MAX} more unreadable rows`] : [];
  out.set('incident_file.rows.read', measuredValue(records.length, evidence, { detail: `${records.length} of ${records.length + unreadable.length} rows of ${file} (${bytes.length} bytes, sha256 ${sha}…)` }));
  out.set('incident_file.rows.unreadable', measuredValue(unreadable.length, evidence, unreadable.length ? { detail: `${unreadable.length} rows left out`, notes: [...named, ...more] } : {}));
  return out;
}
