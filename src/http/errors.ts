/**
 * Every way a collector's request can fail, classified once for all collectors.
 * - credentials: 401/403, the token is missing, wrong or lacks a permission;
 * - not_found: 404, the endpoint or object does not exist (often: feature not installed);
 * - unavailable: cannot connect, timed out, 5xx or 429 after the retries;
 * - rejected: another 4xx, the server refused the request as asked;
 * - malformed: the response is not what the API documents (bad JSON, wrong shape, too large);
 * - budget: the instance spent its request budget;
 * - aborted: the collector's or the scan's deadline passed.
 */
export type FailureKind = 'credentials' | 'not_found' | 'unavailable' | 'rejected' | 'malformed' | 'budget' | 'aborted';

export class CollectError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly detail: { url?: string; status?: number; evidence?: string } = {},
  ) {
    super(message);
    this.name = 'CollectError';
  }
}

export function isCollectError(err: unknown, kind?: FailureKind): err is CollectError {
  return err instanceof CollectError && (kind === undefined || err.kind === kind);
}
