import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * One request a collector made, as an auditor needs it: what was asked, when, what came back.
 * The body itself is not kept; its SHA-256 and a bounded, redacted excerpt are.
 */
export interface EvidenceRecord {
  id: string;
  collector: string;
  instance: string;
  method: string;
  /** Without credentials. */
  url: string;
  status?: number;
  /** Set when no usable response came back: connection refused, timeout, budget … */
  error?: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  bytes?: number;
  sha256?: string;
  excerpt?: string;
  /** The URLs that redirected to this one, first to last (same origin only: others are refused). */
  redirects?: string[];
  /**
   * Set when the server answered 304 Not Modified to a conditional request: the body (bytes,
   * sha256, excerpt) is the cached one the 304 confirmed, stored at this time.
   */
  revalidated_from?: string;
  /**
   * Set when no request was sent at all: the answer stored at `revalidated_from` was reused
   * because what it depends on is unchanged (this says what, naming the evidence that shows it).
   * Only for answers without validators of their own (GraphQL); `status` is the stored answer's.
   */
  reused_because?: string;
}

/**
 * The scan's evidence records, kept compressed as they are made: a scan of a large organisation
 * makes one record per request (tens of thousands), each with a 512-character excerpt, and held
 * as objects for the whole scan they were the part of the heap that grew most with the estate
 * (~5 MiB at the benchmark's x100, ~50 at ten times that). Records are gathered as JSON lines and
 * every BLOCK_CHARS sealed into one raw-deflate block (zlib at level 1: the excerpts are JSON and
 * compress ~5×; a block costs ~1 ms). `records` inflates them again, once the collectors are done.
 */
export class EvidenceLog {
  private next = 1;
  private lines: string[] = [];
  private chars = 0;
  private readonly blocks: Buffer[] = [];

  add(record: Omit<EvidenceRecord, 'id'>): EvidenceRecord {
    const full = { id: `ev-${String(this.next++).padStart(5, '0')}`, ...record };
    const line = JSON.stringify(full);
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= BLOCK_CHARS) this.seal();
    return full;
  }

  /** How many records were added. */
  get size(): number {
    return this.next - 1;
  }

  /** Every record, in the order added (a new array each time: inflated from the blocks). */
  get records(): EvidenceRecord[] {
    const out: EvidenceRecord[] = [];
    for (const block of this.blocks) for (const line of inflateRawSync(block).toString('utf8').split('\n')) out.push(JSON.parse(line) as EvidenceRecord);
    for (const line of this.lines) out.push(JSON.parse(line) as EvidenceRecord);
    return out;
  }

  private seal(): void {
    this.blocks.push(deflateRawSync(this.lines.join('\n'), { level: 1 }));
    this.lines = [];
    this.chars = 0;
  }
}

/** JSON characters gathered before they are compressed into one block. */
const BLOCK_CHARS = 256 * 1024;
