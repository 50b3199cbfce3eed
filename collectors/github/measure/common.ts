import { measureFailed, measuredValue, type Measured, type Read } from '../../../src/collector/kit.js';
import type { SignalValue } from '../../../src/signals/types.js';
import type { Repo } from '../read/repositories.js';
import { signalsFrom, type GithubSignalId, type Source } from '../signals.js';

/** What the measures found, by signal; a later entry for the same signal replaces an earlier one. */
export type Measures = Map<GithubSignalId, Measured>;

export const share = (n: number, of: number) => `${n} of ${of}`;

/** A value with its evidence and detail line. */
export const value = (v: SignalValue, evidence: string[], detail?: string): Measured => measuredValue(v, evidence, detail === undefined ? {} : { detail });

/**
 * One source read for every repository: the data of each, in repository order, with all their
 * evidence; or, when it failed for some repository, the signals derived from the source (but
 * those in `spare`, decided elsewhere) failed in `out` with the first failures named, and undefined.
 */
export function allRepos<T>(out: Measures, source: Source, repos: readonly Repo[], reads: readonly Read<T>[], spare: GithubSignalId[] = []): { data: T[]; evidence: string[] } | undefined {
  const failed = reads.map((r, i) => ({ r, repo: repos[i] })).filter((x) => x.r.status !== 'ok');
  if (failed.length === 0) return { data: reads.map((r) => (r as { data: T }).data), evidence: reads.flatMap((r) => r.evidence) };
  const reason = `${failed.length === 1 ? '' : `${failed.length} of ${repos.length} repositories could not be read: `}${failed.slice(0, 3).map((x) => `${x.repo.full}: ${(x.r as { reason: string }).reason}`).join('; ')}${failed.length > 3 ? '; …' : ''}`;
  const evidence = failed.flatMap((x) => x.r.evidence);
  for (const id of signalsFrom(source)) if (!spare.includes(id)) out.set(id, measureFailed(reason, evidence));
  return undefined;
}

/** Names, the first `max` of them and how many more. */
export function list(items: string[], max = 12): string {
  if (items.length === 0) return 'none';
  return items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');
}
