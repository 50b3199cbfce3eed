import { CollectError } from '../http/errors.js';

/**
 * Paging loops in lists read by offset, page number or cursor, where no URL repeats to give one
 * away: a server that ignores the offset (or page, or cursor) asked for sends the same objects
 * again, and a reader that trusts "more follows" reads on until its budget is spent, or counts
 * every object several times.
 */

/**
 * Whether `page` holds exactly the objects of `earlier`, a page read before at another offset.
 * Objects of one list are distinct, so two non-empty pages alike are the same page sent twice.
 */
export function repeatsPage(page: readonly unknown[], earlier: readonly unknown[]): boolean {
  return page.length > 0 && page.length === earlier.length && JSON.stringify(page) === JSON.stringify(earlier);
}

/** The failure a paging loop is: `where` names the request (method and path), `what` what repeated. */
export function pagingLoop(where: string, what: string, evidence?: string): CollectError {
  return new CollectError('malformed', `paging loop: ${where} ${what}; the list cannot be read whole`, { evidence });
}
