import nock from 'nock';

/**
 * What is wrong with the nock conversation a test just had: requests no mock matched, and mocks
 * no request used (nock's pendingMocks: optional mocks and used persisted ones are not pending).
 */
export function nockProblems(unmatched: readonly string[]): string[] {
  const unused = nock.pendingMocks();
  return [
    unmatched.length ? `requests no nock mock matched: ${unmatched.join(', ')}` : '',
    unused.length ? `nock mocks no request used (mark deliberate ones .optionally()): ${unused.join(', ')}` : '',
  ].filter(Boolean);
}
