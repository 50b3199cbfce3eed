import { JSONParser, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import type { z } from 'zod';
import { formatIssues, formatPath } from '../zod-path.js';

/**
 * Reading a JSON document value by value (@streamparser/json), for the answers that grow with
 * the estate as one document: Prometheus's targets, OpenCost's allocations. `JSON.parse` would
 * hold the body as a string, the whole tree and a validated copy of it at once (for a 7.7 MiB
 * answer, ~50 MiB for a moment); here only the values asked for are built, one at a time, each
 * validated and handed over before the next is parsed. Nothing else of the document is kept,
 * nor the body: the HTTP client writes it to a jsonValuesReader chunk by chunk as it arrives.
 */
export interface JsonValues<T = unknown> {
  /** Where the values are: `$.status`, `$.data.activeTargets.*` (`*`: any key of an object or index of an array). */
  at: string;
  /** Without a schema and `each`, only the container is checked (a path ending in `*`). */
  schema?: z.ZodType<T>;
  /** Called with each value, validated, as it is parsed, its key and its whole path; a throw stops the read. */
  each?: (value: T, key: string | number | undefined, path: readonly (string | number)[]) => void;
  /**
   * The value (for a path ending in `*`: its container) must be in the document; a function is
   * asked once the document is read (an API whose error answer has no data, say).
   */
  required?: boolean | (() => boolean);
  /** For a path ending in `*`: what each container at the path before it must be (default an array). */
  in?: 'array' | 'object';
  /** For a path ending in `*`: a container may be null (and then holds nothing). */
  nullable?: boolean;
  /** For a path ending in `*`: called as each container at the path before it opens (or is null), with its path. */
  opened?: (path: readonly (string | number)[]) => void;
}

type Options = Pick<JsonValues, 'required' | 'in' | 'nullable' | 'opened'>;

/** One selection of values, typed by its schema. */
export function values<T>(at: string, schema: z.ZodType<T>, each: (value: T, key: string | number | undefined, path: readonly (string | number)[]) => void, opts: Options = {}): JsonValues {
  return { at, schema, each: each as JsonValues['each'], ...opts };
}

/** A container the document must hold (`$.data`: an array, by default), its values not read. */
export function container(at: string, opts: Options = {}): JsonValues {
  return { at: `${at}.*`, required: true, ...opts };
}

/**
 * The body is not JSON (`syntax`), or not what the selections expect (`shape`: the message names
 * the place, `data.activeTargets[3].health: …`).
 */
export class JsonShapeError extends Error {
  constructor(readonly kind: 'syntax' | 'shape', message: string) {
    super(message);
  }
}

/** Body bytes handed to the parser at a time; after each, the event loop gets a turn (other requests' answers go on being read). */
const CHUNK = 256 * 1024;

type Segment = string | number;
type Kind = 'array' | 'object' | 'null' | 'scalar';
const KIND_WORDS: Record<Kind, string> = { array: 'an array', object: 'an object', null: 'null', scalar: 'a value' };

/**
 * A document read as its bytes arrive: `write` each chunk as it comes (from a socket, say), then
 * `end`. `write` never throws: the first failure is kept and the rest of the body is not parsed,
 * so that a caller reading from a socket can go on counting and hashing what arrives. `end`
 * throws that failure, or the one the whole document shows (a required value missing).
 */
export interface JsonValuesReader {
  write(chunk: Buffer): void;
  end(): void;
}

/**
 * A reader handing every value at each selection's path to its `each`. `end` throws
 * JsonShapeError for invalid JSON, a value its schema refuses, a container of the wrong kind or
 * a required value missing; an `each` that throws stops the read with its own error.
 */
export function jsonValuesReader(selections: readonly JsonValues[]): JsonValuesReader {
  const parsed = selections.map((s) => ({ s, path: parsePath(s.at) }));
  const containers = parsed.filter((p) => p.path.at(-1) === '*').map((p) => ({ ...p, parent: p.path.slice(0, -1), opened: false }));
  const seen = new Set<JsonValues>();
  // The parser's own error (invalid JSON), or one thrown by a check or an `each` (kept as it is).
  let failure: Error | undefined;
  let own: unknown;
  // After the first such error the rest is still tokenized, unchecked: a body that is not JSON at
  // all is said to be that, whatever its first values looked like.
  const guarded = <A extends unknown[]>(f: (...a: A) => void) => (...a: A) => {
    if (own !== undefined) return;
    try {
      f(...a);
    } catch (err) {
      own = err;
    }
  };

  const read = parsed.filter((p) => p.s.each && p.s.schema);
  const parser = new JSONParser({ paths: read.map((p) => p.s.at), keepStack: false });
  // Where the parser is, from its tokens: the kind of each container as it opens is checked here
  // (the value parser reports only the values selected, not the containers that hold them).
  const frames: { array: boolean; key: Segment | undefined; expectKey: boolean }[] = [];
  const valueStarts = (kind: Kind) => {
    // Called for every value of the document: compared with the frames as they are, the path
    // built only for a container checked.
    for (const c of containers) {
      if (c.parent.length !== frames.length || !c.parent.every((p, i) => p === '*' || String(p) === String(frames[i].key))) continue;
      const path = frames.map((f) => f.key as Segment);
      const want = c.s.in ?? 'array';
      if (kind === want || (kind === 'null' && c.s.nullable)) {
        c.opened = true;
        c.s.opened?.(path);
      } else throw new JsonShapeError('shape', `${formatPath(path)}: expected ${KIND_WORDS[want]}, got ${KIND_WORDS[kind]}`);
    }
  };
  let tokens = 0;
  parser.onToken = guarded((t: ParsedTokenInfo) => {
    tokens++;
    const top = frames.at(-1);
    switch (t.token) {
      case TokenType.LEFT_BRACE:
      case TokenType.LEFT_BRACKET:
        valueStarts(t.token === TokenType.LEFT_BRACE ? 'object' : 'array');
        // The key a child gets in this container: an array's index, an object's key once read.
        frames.push({ array: t.token === TokenType.LEFT_BRACKET, key: t.token === TokenType.LEFT_BRACKET ? 0 : undefined, expectKey: t.token === TokenType.LEFT_BRACE });
        return;
      case TokenType.RIGHT_BRACE:
      case TokenType.RIGHT_BRACKET:
        frames.pop();
        return;
      case TokenType.COMMA:
        if (top?.array) top.key = (top.key as number) + 1;
        else if (top) top.expectKey = true;
        return;
      case TokenType.COLON:
        return;
      case TokenType.STRING:
        if (top && !top.array && top.expectKey) {
          top.key = String(t.value);
          top.expectKey = false;
          return;
        }
        valueStarts('scalar');
        return;
      case TokenType.NULL:
        valueStarts('null');
        return;
      default:
        valueStarts('scalar');
    }
  });
  parser.onValue = guarded(({ value, key, stack }) => {
    const path: Segment[] = [...stack.slice(1).map((e) => e.key as Segment), ...(key === undefined ? [] : [key as Segment])];
    for (const { s, path: want } of read) {
      if (!matches(want, path)) continue;
      seen.add(s);
      const ok = s.schema!.safeParse(value);
      if (!ok.success) throw new JsonShapeError('shape', formatIssues(ok.error, formatPath(path)).slice(0, 3).join('; '));
      s.each!(ok.data, key as Segment | undefined, path);
    }
  });
  parser.onError = (err) => {
    failure ??= err;
  };
  return {
    write(chunk) {
      if (failure) return;
      try {
        parser.write(chunk);
      } catch (err) {
        failure ??= err as Error;
      }
    },
    end() {
      try {
        if (!failure && !parser.isEnded) parser.end();
      } catch (err) {
        failure ??= err as Error;
      }
      if (failure) throw new JsonShapeError('syntax', failure.message);
      if (own !== undefined) throw own;
      if (tokens === 0) throw new JsonShapeError('syntax', 'the body holds no JSON value');
      for (const { s, path } of parsed) {
        const required = typeof s.required === 'function' ? s.required() : s.required === true;
        if (!required) continue;
        const container = containers.find((c) => c.s === s);
        if (container ? container.opened : seen.has(s)) continue;
        const where = formatPath(container ? container.parent : path);
        throw new JsonShapeError('shape', container ? `${where}: missing (expected ${KIND_WORDS[s.in ?? 'array']})` : `${where}: missing`);
      }
    },
  };
}

/**
 * Reads `body` (UTF-8 JSON) whole with a jsonValuesReader, a CHUNK at a time; rejects as its
 * `end` throws.
 */
export async function readJsonValues(body: Buffer, selections: readonly JsonValues[]): Promise<void> {
  const reader = jsonValuesReader(selections);
  for (let at = 0; at < body.length; at += CHUNK) {
    reader.write(body.subarray(at, at + CHUNK));
    if (at + CHUNK < body.length) await new Promise((r) => setImmediate(r));
  }
  reader.end();
}

/** `$.data.activeTargets.*` → ['data', 'activeTargets', '*']. */
function parsePath(at: string): Segment[] {
  if (at !== '$' && !at.startsWith('$.')) throw new Error(`JSON path ${at} must start with $.`);
  return at === '$' ? [] : at.slice(2).split('.');
}

function matches(pattern: readonly Segment[], path: readonly Segment[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((p, i) => p === '*' || String(p) === String(path[i]));
}
