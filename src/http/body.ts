import { CollectError } from './errors.js';

/**
 * A body read to its end from its chunks (a fetch Response's stream, an axios stream), in one
 * buffer. With its size declared (and the bytes counted by that declaration, i.e. not
 * decompressed on the way), each chunk is copied into one buffer of that size as it arrives and is
 * garbage at once, rather than every chunk held to the end and then copied once more; a body
 * unlike its declaration is still returned as it came. Past `max` bytes it is refused, naming
 * `where`.
 */
export async function readBody(chunks: AsyncIterable<Uint8Array>, opts: { max?: number; declared?: number; where?: string } = {}): Promise<Buffer> {
  const max = opts.max ?? Infinity;
  const declared = opts.declared;
  const whole = declared !== undefined && Number.isSafeInteger(declared) && declared > 0 && declared <= max ? Buffer.allocUnsafe(declared) : undefined;
  const rest: Buffer[] = [];
  let size = 0;
  let filled = 0;
  for await (const chunk of chunks) {
    if (size + chunk.length > max) {
      throw new CollectError('malformed', `response from ${opts.where ?? 'the server'} is larger than ${max} bytes`);
    }
    size += chunk.length;
    if (whole && rest.length === 0 && filled + chunk.length <= whole.length) {
      whole.set(chunk, filled);
      filled += chunk.length;
    } else {
      // A view of the chunk, not a copy (Buffer.from(uint8Array) copies): the concat below copies once.
      rest.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
  }
  if (!whole) return rest.length === 1 ? rest[0] : Buffer.concat(rest, size);
  const head = whole.subarray(0, filled);
  return rest.length ? Buffer.concat([head, ...rest], size) : head;
}
