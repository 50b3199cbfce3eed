/**
 * A small reader for the Prometheus text exposition format (version 0.0.4), enough for the few
 * counters this collector sums. Hand-written: prom-client only writes the format, and the npm
 * parser for it (parse-prometheus-text-format) is CommonJS without types that builds whole
 * metric families when a few sums are needed; a hundred lines here are easier to audit.
 *
 * Every sample line must parse: an HTML login page or a truncated body served with status 200
 * is reported as malformed rather than read as "no notifications".
 */

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Samples by metric name (histogram and summary series keep their _bucket/_sum/_count names). */
export type Exposition = Map<string, Sample[]>;

export class ExpositionError extends Error {
  override name = 'ExpositionError';
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parseExposition(text: string): Exposition {
  const out: Exposition = new Map();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      const { name, sample } = parseSample(line);
      const list = out.get(name) ?? [];
      list.push(sample);
      out.set(name, list);
    } catch (err) {
      const shown = line.length > 80 ? line.slice(0, 80) + '…' : line;
      throw new ExpositionError(`line ${i + 1}: ${(err as Error).message}: ${shown}`);
    }
  });
  return out;
}

function parseSample(line: string): { name: string; sample: Sample } {
  const nameMatch = METRIC_NAME.exec(line);
  if (!nameMatch) throw new Error('expected a metric name');
  const name = nameMatch[0];
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest);
    labels = parsed.labels;
    rest = rest.slice(parsed.length);
  }
  // OpenMetrics may append an exemplar after " # "; it is not part of the value.
  const fields = rest.split(' # ')[0].trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new Error('expected a value and an optional timestamp');
  return { name, sample: { labels, value: parseValue(fields[0]) } };
}

function parseValue(token: string): number {
  if (token === '+Inf' || token === 'Inf') return Infinity;
  if (token === '-Inf') return -Infinity;
  if (token === 'NaN') return NaN;
  const value = Number(token);
  if (Number.isNaN(value)) throw new Error(`invalid value '${token}'`);
  return value;
}

/** Parses `{a="1",b="x\"y"}` from the start of `text`; returns the labels and the characters read. */
function parseLabels(text: string): { labels: Record<string, string>; length: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') return { labels, length: i + 1 };
    const nameMatch = LABEL_NAME.exec(text.slice(i));
    if (!nameMatch) throw new Error('expected a label name');
    i += nameMatch[0].length;
    skipSpace();
    if (text[i] !== '=') throw new Error(`expected '=' after label ${nameMatch[0]}`);
    i++;
    skipSpace();
    if (text[i] !== '"') throw new Error(`expected a quoted value for label ${nameMatch[0]}`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error('unterminated label value');
      if (c === '"') break;
      if (c === '\\') {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : next ?? '';
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    labels[nameMatch[0]] = value;
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error('expected , or } after a label');
  }
}
