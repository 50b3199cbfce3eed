import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attestationWarnings, isExpired, loadAttestations } from '../src/engine/attestations.js';
import { criterion, fixtureModel, run } from './helpers/engine.js';

const DAY = 86400;
const model = fixtureModel();

function load(yaml: string, maxDays = 365, now = '2026-11-25T12:00:00Z') {
  const dir = mkdtempSync(join(tmpdir(), 'techops-att-'));
  writeFileSync(join(dir, 'att.yaml'), yaml);
  return loadAttestations(join(dir, 'att.yaml'), model, maxDays * DAY, new Date(now));
}
const entry = (criterion: string, date: string, expires?: string) =>
  `  - { criterion: ${criterion}, statement: s, evidence: e, by: A. Auditor, date: ${date}${expires ? `, expires: ${expires}` : ''} }\n`;

describe('attestation maximum validity', () => {
  it('an attestation without expires holds for the maximum validity after its date', () => {
    const [a] = load('attestations:\n' + entry('1.1.1-2.2', '2026-01-10'));
    expect(a).toMatchObject({ date: '2026-01-10', expires: '2027-01-10' });
    expect(a.expires_stated).toBeUndefined();
  });

  it('an earlier expires of its own stands', () => {
    const [a] = load('attestations:\n' + entry('1.1.1-2.2', '2026-01-10', '2026-06-30'));
    expect(a).toMatchObject({ expires: '2026-06-30' });
    expect(a.expires_stated).toBeUndefined();
  });

  it('a later expires is cut to the maximum validity, which keeps what the file said', () => {
    const [a] = load('attestations:\n' + entry('1.1.1-2.2', '2025-10-01', '2028-10-01'));
    expect(a).toMatchObject({ expires: '2026-10-01', expires_stated: '2028-10-01' });
    expect(isExpired(a, new Date('2026-11-25T12:00:00Z'))).toBe(true);
    const [b] = load('attestations:\n' + entry('1.1.1-2.2', '2025-10-01', '2028-10-01'), 730);
    expect(b).toMatchObject({ expires: '2027-10-01', expires_stated: '2028-10-01' });
  });

  it('an attestation older than the maximum validity leaves its criterion unknown, and says why', () => {
    const [a] = load('attestations:\n' + entry('1.1.1-2.2', '2025-10-01', '2028-10-01'));
    const c = criterion(run({ given: {}, attestations: [a] }), '1.1.1-2.2');
    expect(c.status).toBe('unknown');
    expect(c.reasons).toEqual(['attestation by A. Auditor expired on 2026-10-01 (the longest an attestation holds after its date 2025-10-01; it says it expires on 2028-10-01)']);
    const [fresh] = load('attestations:\n' + entry('1.1.1-2.2', '2026-10-01', '2028-10-01'));
    expect(criterion(run({ given: {}, attestations: [fresh] }), '1.1.1-2.2')).toMatchObject({ status: 'met', basis: 'attested' });
  });

  it('still refuses an expires before the date and a date in the future', () => {
    expect(() => load('attestations:\n' + entry('1.1.1-2.2', '2026-10-01', '2026-09-01'))).toThrow(/attestations\[0\]\.expires: 2026-09-01 is before its date 2026-10-01/);
    expect(() => load('attestations:\n' + entry('1.1.1-2.2', '2026-12-30'))).toThrow(/attestations\[0\]\.date: 2026-12-30 is in the future/);
  });
});

describe('attestations that decide nothing', () => {
  it('are loaded, listed as ignored by the evaluation, and warned about', () => {
    const atts = load('attestations:\n' + entry('1.1.1-2.2', '2026-10-01') + entry('9.9.9-1.1', '2026-10-01') + entry('1.1.1-1.1', '2026-10-01') + entry('1.1.1-5.1', '2025-01-01'));
    const e = run({ given: {}, attestations: atts });
    expect(e.ignoredAttestations).toEqual([
      { criterion: '9.9.9-1.1', reason: 'no criterion 9.9.9-1.1 in the rules', reason_zh: '规则中没有要求 9.9.9-1.1' },
      { criterion: '1.1.1-1.1', reason: 'the criterion is decided by measurement alone (it has no attest part)', reason_zh: '该要求仅由测量判定（没有人工证明部分）' },
    ]);
    expect(attestationWarnings(atts, model, new Date('2026-11-25T12:00:00Z'))).toEqual([
      'attestations[1] (9.9.9-1.1, by A. Auditor): no criterion 9.9.9-1.1 in the rules; it is not used',
      'attestations[2] (1.1.1-1.1, by A. Auditor): 1.1.1-1.1 has no attest part (it is decided by measurement alone); it is not used',
      'attestations[3] (1.1.1-5.1, by A. Auditor): expired on 2026-01-01',
    ]);
  });
});
