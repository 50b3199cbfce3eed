import { describe, expect, it } from 'vitest';
import { EvidenceLog, type EvidenceRecord } from '../src/evidence/types.js';

/** The evidence log keeps its records compressed as they come: what goes in must come out, in order, whole. */
describe('the evidence log', () => {
  const record = (i: number): Omit<EvidenceRecord, 'id'> => ({
    collector: 'c', instance: 'i', method: 'GET', url: `http://127.0.0.1/items?page=${i}`, status: 200, attempt: 1,
    started_at: new Date(Date.UTC(2026, 10, 30, 0, 0, i)).toISOString(), duration_ms: i % 97, bytes: 1000 + i,
    sha256: String(i).padStart(64, '0'),
    // text that makes the blocks fill: JSON with line breaks, quotes and characters outside ASCII
    excerpt: `{"items":[${i}],\n"note":"第${i}页 \u2028 \\"quoted\\""}`.repeat(8),
    ...(i % 5 === 0 ? { redirects: [`http://127.0.0.1/old?page=${i}`] } : {}),
  });

  it('gives back every record as added, in order, across many compressed blocks', () => {
    const log = new EvidenceLog();
    const added = Array.from({ length: 3000 }, (_, i) => log.add(record(i)));
    expect(log.size).toBe(3000);
    const back = log.records;
    expect(back).toHaveLength(3000);
    expect(back).toEqual(added);
    expect(back[0].id).toBe('ev-00001');
    expect(back[2999].id).toBe('ev-03000');
  });

  it('reads the same twice, and records added after a read come after the others', () => {
    const log = new EvidenceLog();
    log.add(record(1));
    expect(log.records).toEqual(log.records);
    log.add(record(2));
    expect(log.records.map((r) => r.url)).toEqual([record(1).url, record(2).url]);
  });

  it('keeps a record as it was added: changing the returned object changes nothing kept', () => {
    const log = new EvidenceLog();
    const rec = log.add(record(7));
    rec.status = 500;
    expect(log.records[0].status).toBe(200);
  });
});
