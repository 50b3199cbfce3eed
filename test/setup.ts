import nock from 'nock';
import { afterEach } from 'vitest';

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

afterEach(() => {
  nock.cleanAll();
  const seen = unmatched.splice(0);
  if (seen.length) throw new Error(`requests no nock mock matched: ${seen.join(', ')}`);
});
