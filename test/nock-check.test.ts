import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { nockProblems } from './helpers/nock-check.js';

// test/setup.ts fails every test with these problems after it; here they are checked directly.
describe('the nock check after each test', () => {
  it('names an unused mock, not an optional one, and requests no mock matched', () => {
    nock('https://unused.test').get('/a').reply(200, 'a').get('/b').optionally().reply(200, 'b');
    expect(nockProblems([])).toEqual(['nock mocks no request used (mark deliberate ones .optionally()): GET https://unused.test:443/a']);
    expect(nockProblems(['GET https://other.test/x'])[0]).toBe('requests no nock mock matched: GET https://other.test/x');
    nock.cleanAll();
    expect(nockProblems([])).toEqual([]);
  });

  it('counts a used mock as done', async () => {
    nock('https://used.test').get('/a').reply(200, 'a');
    expect(await (await fetch('https://used.test/a')).text()).toBe('a');
    expect(nockProblems([])).toEqual([]);
  });
});
