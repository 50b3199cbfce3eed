import { measureFailed, notAvailable, type Read } from '../../../src/collector/kit.js';
import type { Window } from '../../../src/collector/types.js';
import { inWindow, type DeploymentRecord } from '../../../src/delivery/records.js';
import { emitDeploymentSignals, type SignalSink } from '../../../src/delivery/signals.js';
import type { Environment } from '../api.js';
import type { DeploymentReads } from '../read/deployments.js';
import type { Repo } from '../read/repositories.js';
import type { GithubSignalId } from '../signals.js';
import { allRepos, list, share, value, type Measures } from './common.js';

const span = (w: Window) => ({ start: w.start.getTime(), end: w.end.getTime() });

/** The core's deployment signals (src/delivery/signals.ts) into `out` instead of straight to the context. */
function into(out: Measures): SignalSink {
  return {
    emit: (id, v, evidence, detail) => out.set(id as GithubSignalId, value(v, evidence, detail)),
    notAvailable: (id, reason, evidence) => out.set(id as GithubSignalId, notAvailable(reason, evidence ?? [])),
    failed: (id, reason, evidence) => out.set(id as GithubSignalId, measureFailed(reason, evidence ?? [])),
  };
}

/** Whether every production environment one repository deployed to in the window requires reviewers or a wait timer. */
export function gatedVerdict(deployed: readonly DeploymentRecord[], environments: readonly Environment[]): { gated: boolean; how: string } {
  const used = [...new Set(deployed.map((d) => d.environment.toLowerCase()))].sort();
  const verdicts = used.map((env) => {
    const found = environments.find((e) => e.name.toLowerCase() === env);
    const reviewers = found?.protection_rules.some((r) => r.type === 'required_reviewers' && (r.reviewers?.length ?? 1) > 0) ?? false;
    const wait = found?.protection_rules.find((r) => r.type === 'wait_timer' && (r.wait_timer ?? 0) > 0)?.wait_timer;
    const gated = reviewers || wait !== undefined;
    const what = !found ? 'not configured as an environment' : [reviewers && 'required reviewers', wait !== undefined && `wait timer ${wait} min`].filter(Boolean).join(' + ') || 'no reviewers or wait timer';
    return { env, gated, what };
  });
  return { gated: verdicts.every((v) => v.gated), how: verdicts.map((v) => `${v.env}: ${v.what}`).join(', ') };
}

export function measureDeployments(out: Measures, repos: readonly Repo[], reads: readonly DeploymentReads[], w: Window): void {
  const lists = allRepos(out, 'deployments', repos, reads.map((r) => r.list));
  if (!lists) return;
  const facts = lists.data;
  const history = facts.flatMap((f) => f.prod);
  const prod = history.filter((d) => inWindow(d.createdAt, span(w)));
  const repoWith = repos.filter((_, i) => facts[i].prod.some((d) => inWindow(d.createdAt, span(w))));
  const envs = [...new Set(prod.map((d) => d.environment))].sort();

  out.set('github.repos.with_deployments', value(repoWith.length, lists.evidence, `${share(repoWith.length, repos.length)} repositories: ${list(repoWith.map((r) => r.full))}`));
  const statuses = reads.map((r) => r.statuses);
  const failedStatuses = statuses.map((s, i) => ({ s, repo: repos[i] })).filter((x) => x.s.status !== 'ok');
  emitDeploymentSignals(into(out), {
    prefix: 'github',
    records: history,
    // Applications: the repositories with a production deployment among those listed (in the window or on the page before it).
    apps: repos.filter((_, i) => facts[i].deploysToProduction).map((r) => r.full),
    window: span(w),
    evidence: [...lists.evidence, ...statuses.flatMap((s) => s.evidence)],
    automatedBy: 'a bot or a GitHub App',
    statusesFailed: failedStatuses.length
      ? { reason: failedStatuses.slice(0, 3).map((x) => `${x.repo.full}: ${(x.s as { reason: string }).reason}`).join('; '), evidence: failedStatuses.flatMap((x) => x.s.evidence) }
      : undefined,
  });
  out.set('github.deployments.count', value(prod.length, lists.evidence, `production environments: ${envs.join(', ') || 'none deployed to'}; ${facts.reduce((n, f) => n + f.fetched, 0)} deployments listed in all environments`));

  const environments: Read<Environment[] | undefined>[] = reads.map((r) => r.environments);
  const envs2 = allRepos(out, 'environments', repos, environments);
  if (!envs2) return;
  const withDeploys = repos
    .map((r, i) => ({ r, g: envs2.data[i] && gatedVerdict(facts[i].prod.filter((d) => inWindow(d.createdAt, span(w))), envs2.data[i]!) }))
    .filter((x) => x.g !== undefined);
  if (withDeploys.length === 0) out.set('github.environments.gated_ratio', notAvailable('no repository has a production deployment in the window'));
  else {
    const yes = withDeploys.filter((x) => x.g!.gated).length;
    out.set('github.environments.gated_ratio', value(yes / withDeploys.length, envs2.evidence,
      `${share(yes, withDeploys.length)} repositories with production deployments: ${list(withDeploys.map((x) => `${x.r.full} (${x.g!.how})`))}`));
  }
}
