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

export class EvidenceLog {
  readonly records: EvidenceRecord[] = [];
  private next = 1;

  add(record: Omit<EvidenceRecord, 'id'>): EvidenceRecord {
    const full = { id: `ev-${String(this.next++).padStart(5, '0')}`, ...record };
    this.records.push(full);
    return full;
  }
}
