import nock from 'nock';
import { fetch as undiciFetch } from 'undici';
import { afterEach } from 'vitest';
import { nockProblems } from './helpers/nock-check.js';

// nock 15's interceptors call Promise.withResolvers, which Node 20 lacks.
if (!(Promise as unknown as { withResolvers?: unknown }).withResolvers) {
  (Promise as unknown as { withResolvers: () => unknown }).withResolvers = function withResolvers<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

// nock 15.0.0's fetch interceptor loses the body of a request it lets through ("unusable"): a
// POST to a loopback server a test started (GitHub's GraphQL queries to the fake API) goes by
// undici's own fetch, which nock does not intercept. Mocked hosts still go through nock.
const interceptedFetch = globalThis.fetch;
globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
  const loopbackPost = typeof input === 'string' && init?.method === 'POST' && /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(input);
  return loopbackPost ? (undiciFetch(input, init as never) as unknown as Promise<Response>) : interceptedFetch(input, init);
}) as typeof fetch;

// Tests talk to loopback only: servers the tests start, or nock.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

// A request no mock matched fails the test that made it (the collector would only see a
// connection error, which a test of failure handling might mistake for the case it tests).
const unmatched: string[] = [];
nock.emitter.on('no match', (req: { method?: string; url?: string; href?: string }) => {
  // nock 15 passes a fetch Request (url); older shapes carried href
  const where = req.url ?? req.href ?? '';
  if (!/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(where)) unmatched.push(`${req.method ?? 'GET'} ${where}`);
});

// A mock no request used fails the test too: the code under test skipped a request the test
// expected it to make (or the test describes a conversation that did not happen). Mocks a test
// leaves unused on purpose say so with nock's .optionally().
afterEach(() => {
  const problems = nockProblems(unmatched.splice(0));
  nock.cleanAll();
  if (problems.length) throw new Error(problems.join('; '));
});
