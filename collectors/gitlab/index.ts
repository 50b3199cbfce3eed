import { readFile } from 'node:fs/promises';
import type { CollectContext, Collector } from '../../src/collector/types.js';
import { errorMessage } from '../../src/errors.js';
import type { HttpClient } from '../../src/http/client.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import { listAll, projectSchema, type Project } from './api.js';
import { gitlabConfigSchema, type GitlabConfig } from './config.js';
import {
  deploymentFacts, leadTimes, maxPerDay, median, weeksWithDeploy, workingDaysWithDeploy, type Deploy, type Merge, type Span,
} from './delivery.js';
import { limited, scanProject, type Fetched, type ProjectScan } from './fetch.js';
import { GITLAB_SIGNALS, type GitlabSignalId } from './signals.js';

export { gitlabConfigSchema, type GitlabConfig } from './config.js';

type Ctx = CollectContext<GitlabConfig>;

/** Requests in flight at once for one instance (GitLab.com allows 2,000 authenticated API calls a minute). */
const CONCURRENCY = 6;
/** Deployments are read this far before the window, so a rollback to a version deployed just before it is recognised. */
const ROLLBACK_LOOKBACK_MS = 14 * 86_400_000;
const DAY_S = 86_400;

export const gitlabCollector: Collector<GitlabConfig> = {
  id: 'gitlab',
  description: 'GitLab (GitLab.com or self-managed, REST API v4): deployments, environments, merge requests, pipelines, branch protection, approval rules, repository files, releases',
  signals: GITLAB_SIGNALS,
  configSchema: gitlabConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    const raw = ctx.http({
      baseURL: config.url.replace(/\/+$/, '') + '/api/v4',
      auth: { bearer: config.token },
      tls: config.tls ? { insecureSkipVerify: config.tls.insecure_skip_verify, ca: config.tls.ca_file ? await readCa(ctx.resolvePath(config.tls.ca_file)) : undefined } : undefined,
    });
    const http = limited(raw, CONCURRENCY);

    // Without the project list nothing can be measured: any failure here fails every signal.
    const listed = await listProjects(http, config);
    const w: Span = { start: ctx.window.start.getTime(), end: ctx.window.end.getTime() };
    const production = config.production_environments.map((p) => new RegExp(p, 'i'));
    const scans = await Promise.all(listed.projects.map((p) => scanProject(http, p, { window: w, historyStart: w.start - ROLLBACK_LOOKBACK_MS, production })));
    emitAll(ctx, scans, listed, w);
  },
};

interface Listed {
  projects: Project[];
  evidence: string[];
  detail: string;
}

async function listProjects(http: HttpClient, config: GitlabConfig): Promise<Listed> {
  const include = (config.include ?? []).map((r) => new RegExp(r, 'i'));
  const exclude = (config.exclude ?? []).map((r) => new RegExp(r, 'i'));
  /** Why a project is not scanned, or undefined when it is. */
  const skip = (p: Project): string | undefined => {
    if (p.archived && !config.include_archived) return 'archived';
    if (p.forked_from_project && !config.include_forks) return 'forks';
    const path = p.path_with_namespace;
    if ((include.length && !include.some((r) => r.test(path))) || exclude.some((r) => r.test(path))) return 'filtered by include/exclude';
    return undefined;
  };
  const evidence: string[] = [];
  const byId = new Map<number, Project>();
  if (config.group) {
    let kept = 0;
    try {
      // Archived projects are filtered here rather than by the server, so the report can say how many there were.
      const page = await listAll(http, `/groups/${encodeURIComponent(config.group)}/projects`, projectSchema, {
        include_subgroups: true, with_shared: false, order_by: 'last_activity_at', sort: 'desc',
      }, {
        // Most recent activity first: once more than max_projects are kept, the rest would be cut anyway.
        stop: (p) => skip(p) === undefined && ++kept > config.max_projects,
        maxPages: 1000,
      });
      evidence.push(...page.evidence);
      for (const p of page.items) byId.set(p.id, p);
    } catch (err) {
      throw explain(err, `group '${config.group}'`);
    }
  }
  for (const path of config.projects ?? []) {
    try {
      const res = await http.getJson(`/projects/${encodeURIComponent(path)}`, projectSchema);
      evidence.push(res.evidence);
      byId.set(res.data.id, res.data);
    } catch (err) {
      throw explain(err, `project '${path}'`);
    }
  }
  const skipped = new Map<string, number>();
  const all: Project[] = [];
  for (const p of byId.values()) {
    const why = skip(p);
    if (why) skipped.set(why, (skipped.get(why) ?? 0) + 1);
    else all.push(p);
  }
  all.sort((a, b) => (Date.parse(b.last_activity_at ?? '') || 0) - (Date.parse(a.last_activity_at ?? '') || 0) || a.id - b.id);
  const projects = all.slice(0, config.max_projects);
  const notes = ['archived', 'forks', 'filtered by include/exclude'].filter((why) => skipped.has(why)).map((why) => `${skipped.get(why)} ${why}`);
  if (all.length > projects.length) notes.push(`${all.length - projects.length}${config.group ? ' or more' : ''} over max_projects (${config.max_projects})`);
  return { projects, evidence, detail: `${projects.length} projects${notes.length ? `; not scanned: ${notes.join(', ')}` : ''}` };
}

function explain(err: unknown, what: string): unknown {
  if (isCollectError(err, 'not_found')) return new CollectError('not_found', `${what} not found, or not visible to the token: ${err.message}`, err.detail);
  return err;
}

/** Why a signal cannot be computed from these projects' reads: a failure wins over an edition's absence. */
function blocked(parts: (Fetched<unknown> | undefined)[]): { status: 'failed' | 'absent'; reason: string } | undefined {
  const failed = parts.filter((p): p is Extract<Fetched<unknown>, { ok: false }> => p !== undefined && !p.ok && !p.absent);
  const absent = parts.filter((p): p is Extract<Fetched<unknown>, { ok: false }> => p !== undefined && !p.ok && p.absent);
  const more = (n: number) => (n > 1 ? ` (and ${n - 1} more)` : '');
  if (failed.length) return { status: 'failed', reason: failed[0].reason + more(failed.length) };
  if (absent.length) return { status: 'absent', reason: absent[0].reason + more(absent.length) };
  return undefined;
}

function evidenceOf(parts: (Fetched<unknown> | undefined)[]): string[] {
  return [...new Set(parts.flatMap((p) => p?.evidence ?? []))];
}

function emitAll(ctx: Ctx, scans: ProjectScan[], listed: Listed, w: Span): void {
  const weeks = (w.end - w.start) / 1000 / DAY_S / 7;
  const n = scans.length;
  // Emitted with the rest: a 401 later in the scan (a token revoked) fails every signal alike.
  ctx.emit('gitlab.api.reachable', true, listed.evidence);
  ctx.emit('gitlab.repos.count', n, listed.evidence, listed.detail);

  /** Emits `compute()` unless a read it needs failed (failed) or is not in this edition (not available). */
  const signal = (ids: GitlabSignalId[], parts: (Fetched<unknown> | undefined)[], compute: (ev: string[]) => void) => {
    const stop = blocked(parts);
    if (stop) {
      for (const id of ids) {
        if (stop.status === 'failed') ctx.failed(id, stop.reason, evidenceOf(parts));
        else ctx.notAvailable(id, stop.reason, evidenceOf(parts));
      }
      return;
    }
    compute([...new Set([...listed.evidence, ...evidenceOf(parts)])]);
  };
  const ratio = (id: GitlabSignalId, num: number, den: number, ev: string[], what: string, none: string) => {
    if (den === 0) ctx.notAvailable(id, none, ev);
    else ctx.emit(id, num / den, ev, `${num} of ${den} ${what}`);
  };

  // ---- deployments ----
  const DEPLOY_IDS: GitlabSignalId[] = [
    'gitlab.repos.with_deployments', 'gitlab.deployments.count', 'gitlab.deployments.per_week', 'gitlab.deployments.weeks_with_deploy_ratio',
    'gitlab.deployments.days_with_deploy_ratio', 'gitlab.deployments.max_per_day', 'gitlab.deployments.success_ratio',
    'gitlab.deployments.automated_ratio', 'gitlab.deployments.rollbacks', 'gitlab.changes.failure_rate', 'gitlab.restore.median_seconds',
  ];
  const depParts = scans.map((s) => s.deployments);
  const okDeploys = (s: ProjectScan) => (s.deployments.ok ? s.deployments.value : { environments: [], deploys: [] as Deploy[] });
  const all = scans.flatMap((s) => okDeploys(s).deploys);
  const facts = deploymentFacts(all, w);
  const withDeploys = new Set(facts.counted.map((d) => d.project));
  const prodEnvs = scans.reduce((k, s) => k + okDeploys(s).environments.length, 0);
  signal(DEPLOY_IDS, depParts, (ev) => {
    ctx.emit('gitlab.repos.with_deployments', withDeploys.size, ev, [...withDeploys].sort().join(', ') || 'none');
    if (prodEnvs === 0) {
      const why = `no project has an environment matching production_environments (${(ctx.config.production_environments).join(', ')}): GitLab records no production deployment here`;
      for (const id of DEPLOY_IDS.slice(1)) ctx.notAvailable(id, why, ev);
      return;
    }
    const times = facts.counted.map((d) => d.createdAt);
    const statuses = countBy(all.filter((d) => d.createdAt >= w.start && d.createdAt <= w.end).map((d) => d.status));
    ctx.emit('gitlab.deployments.count', facts.counted.length, ev, `${facts.counted.length} in ${withDeploys.size} projects (${statuses || 'none'}; created, blocked, skipped and canceled are not counted)`);
    ctx.emit('gitlab.deployments.per_week', facts.counted.length / weeks, ev, `${facts.counted.length} deployments over ${round(weeks)} weeks`);
    const wk = weeksWithDeploy(times, w);
    if (wk) ctx.emit('gitlab.deployments.weeks_with_deploy_ratio', wk.withDeploy / wk.weeks, ev, `${wk.withDeploy} of ${wk.weeks} whole weeks`);
    else ctx.notAvailable('gitlab.deployments.weeks_with_deploy_ratio', 'the window is shorter than a week', ev);
    const days = workingDaysWithDeploy(times, w);
    if (days) ctx.emit('gitlab.deployments.days_with_deploy_ratio', days.withDeploy / days.days, ev, `${days.withDeploy} of ${days.days} whole working days (UTC)`);
    else ctx.notAvailable('gitlab.deployments.days_with_deploy_ratio', 'the window holds no whole working day', ev);
    const peak = maxPerDay(times);
    ctx.emit('gitlab.deployments.max_per_day', peak.max, ev, peak.day ? `on ${peak.day}` : undefined);
    const final = facts.success + facts.failed;
    ratio('gitlab.deployments.success_ratio', facts.success, final, ev, 'production deployments with a final status succeeded (canceled and running not counted)',
      'no production deployment in the window has a final status (success or failed)');
    ratio('gitlab.deployments.automated_ratio', facts.counted.filter((d) => d.automated).length, facts.counted.length, ev,
      'production deployments were run by a CI job', 'no production deployment in the window');
    ctx.emit('gitlab.deployments.rollbacks', facts.rollbacks.length, ev, facts.rollbacks.map((d) => `${d.project} ${d.env} ${d.sha.slice(0, 8)}`).join(', ') || undefined);
    if (final === 0) ctx.notAvailable('gitlab.changes.failure_rate', 'no production deployment in the window has a final status (success or failed)', ev);
    else ctx.emit('gitlab.changes.failure_rate', (facts.failed + facts.rolledBack.length) / final, ev,
      `${facts.failed} failed + ${facts.rolledBack.length} rolled back within 24 h, of ${final} production deployments (failed deployments over deployments, not incidents)`);
    const restore = median(facts.restores);
    if (facts.failed === 0) ctx.notAvailable('gitlab.restore.median_seconds', 'no failed production deployment in the window', ev);
    else if (restore === undefined) ctx.notAvailable('gitlab.restore.median_seconds', `no success has followed the ${facts.failed} failed production deployments yet`, ev);
    else ctx.emit('gitlab.restore.median_seconds', restore, ev, `median of ${facts.restores.length} failed deployments${facts.unrestored ? `; ${facts.unrestored} not restored yet` : ''}`);
  });

  // Lead time needs merges only where something was deployed; elsewhere no merge can pair.
  const withProdEnv = scans.filter((s) => okDeploys(s).environments.length > 0);
  signal(['gitlab.changes.lead_time_median_seconds'], [...depParts, ...withProdEnv.map((s) => s.merges)], (ev) => {
    const id = 'gitlab.changes.lead_time_median_seconds';
    const merges: Merge[] = withProdEnv.flatMap((s) => (s.merges.ok ? s.merges.value : [])
      .filter((m) => m.target_branch === s.project.default_branch)
      .map((m) => ({ project: s.path, iid: m.iid, mergedAt: Date.parse(m.merged_at!) })));
    const lt = leadTimes(merges, facts.counted, new Set(facts.rollbacks));
    const med = median(lt.seconds);
    if (med === undefined) ctx.notAvailable(id, merges.length ? `none of the ${merges.length} merges into a default branch has been deployed to production yet` : 'no merge into the default branch of a project with a production environment in the window', ev);
    else ctx.emit(id, med, ev, `median of ${lt.seconds.length} merges${lt.undeployed ? `; ${lt.undeployed} not deployed yet (left out)` : ''}; each to the first later successful non-rollback production deployment of its project`);
  });

  // ---- environments ----
  const deployed = scans.filter((s) => withDeploys.has(s.path));
  signal(['gitlab.environments.gated_ratio'], [...depParts, ...deployed.map((s) => s.protectedEnvironments)], (ev) => {
    const gated = deployed.filter((s) => {
      const envs = new Set(facts.counted.filter((d) => d.project === s.path).map((d) => d.env));
      const pes = s.protectedEnvironments?.ok ? s.protectedEnvironments.value : [];
      return [...envs].every((env) => pes.some((pe) => pe.name === env && ((pe.required_approval_count ?? 0) >= 1 || (pe.approval_rules ?? []).some((r) => (r.required_approvals ?? 0) >= 1))));
    });
    ratio('gitlab.environments.gated_ratio', gated.length, deployed.length, ev, 'projects with production deployments need an approval to deploy to production',
      'no project has a production deployment in the window');
  });

  // ---- review ----
  signal(['gitlab.review.protected_ratio'], scans.flatMap((s) => [s.branch, s.approvals]), (ev) => {
    const yes = scans.filter((s) => s.branch.ok && s.branch.value.pushProtected && s.approvals?.ok && s.approvals.value.required);
    ratio('gitlab.review.protected_ratio', yes.length, n, ev, `projects protect the default branch (push: no one) and require an approval${yes.length ? `: ${yes.map((s) => s.path).join(', ')}` : ''}`, 'no project in scope');
  });
  {
    const missing = scans.filter((s) => s.project.only_allow_merge_if_pipeline_succeeds === undefined);
    if (missing.length) {
      ctx.failed('gitlab.review.required_checks_ratio', `the project API does not show only_allow_merge_if_pipeline_succeeds for ${missing.map((s) => s.path).join(', ')} (needs the Reporter role)`, listed.evidence);
    } else {
      const yes = scans.filter((s) => s.project.only_allow_merge_if_pipeline_succeeds).length;
      ratio('gitlab.review.required_checks_ratio', yes, n, listed.evidence, 'projects merge only when the pipeline succeeds', 'no project in scope');
    }
  }
  signal(['gitlab.review.codeowners_ratio'], scans.map((s) => s.repo), (ev) => {
    const yes = scans.filter((s) => s.repo.ok && s.repo.value.codeowners !== undefined).length;
    ratio('gitlab.review.codeowners_ratio', yes, n, ev, 'projects have a CODEOWNERS file (root, .gitlab/ or docs/)', 'no project in scope');
  });
  const merged = scans.flatMap((s) => (s.merges.ok ? s.merges.value.map((m) => ({ s, m })) : []));
  signal(['gitlab.review.merged_reviewed_ratio'], scans.flatMap((s) => [s.merges, s.reviewed]), (ev) => {
    const yes = merged.filter(({ s, m }) => s.reviewed.ok && s.reviewed.value.get(m.iid)).length;
    ratio('gitlab.review.merged_reviewed_ratio', yes, merged.length, ev, 'merge requests merged in the window were approved by someone other than the author', 'no merge request was merged in the window');
  });

  // ---- CI ----
  signal(['gitlab.ci.pr_checked_ratio'], scans.flatMap((s) => [s.merges, s.checked]), (ev) => {
    const yes = merged.filter(({ s, m }) => s.checked.ok && s.checked.value.get(m.iid)).length;
    ratio('gitlab.ci.pr_checked_ratio', yes, merged.length, ev, 'merge requests merged in the window had a successful head pipeline', 'no merge request was merged in the window');
  });
  signal(['gitlab.ci.success_ratio'], scans.map((s) => s.pipelines), (ev) => {
    const pipes = scans.flatMap((s) => (s.pipelines.ok ? s.pipelines.value : []));
    const ok = pipes.filter((p) => p.status === 'success').length;
    const concluded = ok + pipes.filter((p) => p.status === 'failed').length;
    ratio('gitlab.ci.success_ratio', ok, concluded, ev, `merge request pipelines created in the window succeeded (${countBy(pipes.map((p) => p.status)) || 'none'}; canceled and skipped not counted)`,
      'no merge request pipeline (source merge_request_event) succeeded or failed in the window');
  });

  // ---- configuration as code ----
  signal(['gitlab.iac.repos', 'gitlab.gitops.present'], scans.map((s) => s.repo), (ev) => {
    const repos = scans.filter((s) => s.repo.ok && s.repo.value.kinds.length > 0);
    const kinds = countBy(repos.flatMap((s) => (s.repo.ok ? s.repo.value.kinds : [])));
    const truncated = scans.filter((s) => s.repo.ok && s.repo.value.truncated).map((s) => s.path);
    const partly = truncated.length ? `; trees read in part (over 3,000 entries): ${truncated.join(', ')}` : '';
    ctx.emit('gitlab.iac.repos', repos.length, ev, `${kinds || 'none found'}${partly}`);
    const gitops = scans.flatMap((s) => (s.repo.ok ? s.repo.value.gitops.map((p) => `${s.path}:${p}`) : []));
    if (gitops.length) ctx.emit('gitlab.gitops.present', true, ev, gitops.join(', '));
    else if (truncated.length) ctx.notAvailable('gitlab.gitops.present', `no Argo CD or Flux manifest found, but the trees of ${truncated.join(', ')} were read only in part`, ev);
    else ctx.emit('gitlab.gitops.present', false, ev, 'no Argo CD Application/ApplicationSet or Flux Kustomization/HelmRelease among the candidate files');
  });

  // ---- releases ----
  signal(['gitlab.releases.per_week'], scans.map((s) => s.releases), (ev) => {
    const total = scans.reduce((k, s) => k + (s.releases.ok ? s.releases.value.count : 0), 0);
    const fromTags = scans.filter((s) => s.releases.ok && s.releases.value.from === 'tags' && s.releases.value.count > 0).length;
    const noDeploy = scans.filter((s) => !withDeploys.has(s.path)).reduce((k, s) => k + (s.releases.ok ? s.releases.value.count : 0), 0);
    ctx.emit('gitlab.releases.per_week', total / weeks, ev, `${total} releases over ${round(weeks)} weeks (${noDeploy} in projects without production deployments; tags counted for ${fromTags} projects without releases)`);
  });
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => `${c} ${k}`).join(', ');
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read tls.ca_file ${path}: ${errorMessage(err)}`);
  }
}

