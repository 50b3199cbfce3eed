/**
 * `JSON.parse` of a large body without one string of the whole body.
 *
 * `JSON.parse` takes a string: for a page of an API list (GitHub's pull requests, 1.4 MiB for 100
 * of them) that is a string as large as the body, too large for V8's young generation, so it is
 * allocated in the large-object space and stays there, garbage, until the next full collection.
 * While a scan reads several such pages at once, those strings are much of the heap's growth
 * between collections. Here the body's arrays and objects are split at their top-level commas,
 * down to pieces of at most PIECE bytes, and each piece is parsed from a string of its own: small
 * strings, which die young.
 *
 * The value is the one `JSON.parse` gives: each piece is parsed by `JSON.parse`, the scanner
 * accepts only `[`, `]`, `{`, `}`, `,`, `:` and whitespace between them, and anything else it does
 * not recognise (or a piece that does not parse) makes it parse the whole body as one string,
 * which then says what is wrong as `JSON.parse` would.
 */
const PIECE = 64 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

class NotSplit extends Error {}

export function parseJsonBody(body: Buffer, piece = PIECE): unknown {
  if (body.length <= piece) return JSON.parse(body.toString('utf8'));
  try {
    const [start, end] = trim(body, 0, body.length);
    return parseRange(body, start, end, piece);
  } catch (err) {
    if (!(err instanceof NotSplit) && !(err instanceof SyntaxError)) throw err;
    return JSON.parse(body.toString('utf8'));
  }
}

function parseRange(body: Buffer, start: number, end: number, piece: number): unknown {
  const first = body[start];
  if (end - start <= piece || (first !== OPEN_BRACKET && first !== OPEN_BRACE)) return JSON.parse(body.toString('utf8', start, end));
  const close = first === OPEN_BRACKET ? CLOSE_BRACKET : CLOSE_BRACE;
  if (body[end - 1] !== close) throw new NotSplit();
  const [innerStart, innerEnd] = trim(body, start + 1, end - 1);
  if (first === OPEN_BRACKET) {
    const out: unknown[] = [];
    for (let at = innerStart; at < innerEnd;) {
      const valueEnd = valueEndAt(body, at, innerEnd);
      out.push(parseRange(body, at, valueEnd, piece));
      at = next(body, valueEnd, innerEnd);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (let at = innerStart; at < innerEnd;) {
    if (body[at] !== QUOTE) throw new NotSplit();
    const keyEnd = stringEnd(body, at) + 1;
    const key = JSON.parse(body.toString('utf8', at, keyEnd)) as string;
    let colon = keyEnd;
    while (colon < innerEnd && isSpace(body[colon])) colon++;
    if (body[colon] !== COLON) throw new NotSplit();
    const [valueStart] = trim(body, colon + 1, innerEnd);
    const valueEnd = valueEndAt(body, valueStart, innerEnd);
    // defined, not assigned: a key named __proto__ stays a key, as JSON.parse makes it
    Object.defineProperty(out, key, { value: parseRange(body, valueStart, valueEnd, piece), enumerable: true, writable: true, configurable: true });
    at = next(body, valueEnd, innerEnd);
  }
  return out;
}

/** After a value ending at `at`: the start of the next one (past one comma), or `end`. */
function next(body: Buffer, at: number, end: number): number {
  while (at < end && isSpace(body[at])) at++;
  if (at === end) return end;
  if (body[at] !== COMMA) throw new NotSplit();
  const [after] = trim(body, at + 1, end);
  // a comma with nothing after it
  if (after === end) throw new NotSplit();
  return after;
}

/** Where the value starting at `start` ends (exclusive, whitespace after it not included). */
function valueEndAt(body: Buffer, start: number, end: number): number {
  let depth = 0;
  let last = start;
  for (let at = start; at < end; at++) {
    const c = body[at];
    if (c === QUOTE) {
      at = stringEnd(body, at);
      last = at + 1;
      if (depth === 0) return last;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
    else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (--depth < 0) throw new NotSplit();
      last = at + 1;
      if (depth === 0) return last;
    } else if (depth === 0 && (c === COMMA || isSpace(c))) return last;
    else if (!isSpace(c)) last = at + 1;
  }
  if (depth !== 0) throw new NotSplit();
  return last;
}

/** The index of the quote closing the string whose opening quote is at `start`. */
function stringEnd(body: Buffer, start: number): number {
  for (let at = start + 1; ;) {
    const quote = body.indexOf(QUOTE, at);
    if (quote < 0) throw new NotSplit();
    let slashes = 0;
    while (body[quote - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

function trim(body: Buffer, start: number, end: number): [number, number] {
  while (start < end && isSpace(body[start])) start++;
  while (end > start && isSpace(body[end - 1])) end--;
  return [start, end];
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
