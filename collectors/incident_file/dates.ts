/**
 * Dates as incident exports write them: ISO 8601 with an offset (2024-03-01T08:15:00+08:00, Jira's
 * +0800, Z), or a local wall-clock time without one (2024-03-01 08:15:00, 2024/03/01 08:15, ISO
 * without offset), read in the configured IANA time zone. Anything else is refused, never guessed:
 * 03/01/2024 means different days in different countries.
 */
const PATTERN = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export const DATE_FORMATS = 'ISO 8601 (2024-03-01T08:15:00+08:00) or YYYY-MM-DD HH:mm[:ss] in the configured time zone';

/** Epoch milliseconds, or undefined when the text is not a date in an accepted format. */
export function parseDate(text: string, timeZone: string): number | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
  const parts = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  const wall = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], ms);
  // Date.UTC rolls 2024-02-30 over to March: refuse instead of moving the date.
  const back = new Date(wall);
  if (back.getUTCFullYear() !== parts[0] || back.getUTCMonth() !== parts[1] - 1 || back.getUTCDate() !== parts[2] || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return undefined;
  if (zone) {
    if (/^z$/i.test(zone)) return wall;
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
    return wall - sign * offsetMin * 60_000;
  }
  // Local time in the zone: subtract the zone's offset at that moment (twice, for a DST change between).
  const first = wall - zoneOffset(wall, timeZone);
  return wall - zoneOffset(first, timeZone);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds (Asia/Shanghai: +8 h). */
function zoneOffset(instant: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}
