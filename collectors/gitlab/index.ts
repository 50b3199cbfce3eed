import { readFile } from 'node:fs/promises';
import type { CollectContext, Collector } from '../../src/collector/types.js';
import { errorMessage } from '../../src/errors.js';
import type { HttpClient } from '../../src/http/client.js';
import { CollectError, isCollectError } from '../../src/http/errors.js';
import { listAll, projectSchema, type Project } from './api.js';
import { gitlabConfigSchema, type GitlabConfig } from './config.js';
import { HISTORY_BEFORE_WINDOW, leadTimeSeconds, median, shippingCandidates } from '../../src/delivery/deployments.js';
import type { ChangeRecord, DeploymentRecord } from '../../src/delivery/records.js';
import { emitDeploymentSignals } from '../../src/delivery/signals.js';
import type { Span } from './translate.js';
import { scanProject, type Fetched, type ProjectScan } from './fetch.js';
import { GITLAB_SIGNALS, type GitlabSignalId } from './signals.js';

export { gitlabConfigSchema, type GitlabConfig } from './config.js';

type Ctx = CollectContext<GitlabConfig>;

const DAY_S = 86_400;

export const gitlabCollector: Collector<GitlabConfig> = {
  id: 'gitlab',
  description: 'GitLab (GitLab.com or self-managed, REST API v4): deployments, environments, merge requests, pipelines, branch protection, approval rules, repository files, releases',
  signals: GITLAB_SIGNALS,
  configSchema: gitlabConfigSchema,
  async collect(ctx) {
    const { config } = ctx;
    // Every project is scanned at once; the instance's concurrency cap (`http.max_concurrency`)
    // bounds the requests in flight (GitLab.com allows 2,000 authenticated API calls a minute).
    const http = ctx.http({
      baseURL: config.url.replace(/\/+$/, '') + '/api/v4',
      auth: { bearer: config.token },
      tls: config.tls ? { insecureSkipVerify: config.tls.insecure_skip_verify, ca: config.tls.ca_file ? await readCa(ctx.resolvePath(config.tls.ca_file)) : undefined } : undefined,
    });

    // Without the project list nothing can be measured: any failure here fails every signal.
    const listed = await listProjects(http, config);
    const w: Span = { start: ctx.window.start.getTime(), end: ctx.window.end.getTime() };
    const production = config.production_environments.map((p) => new RegExp(p, 'i'));
    const scans = await Promise.all(listed.projects.map((p) => scanProject(http, p, { window: w, historyStart: w.start - HISTORY_BEFORE_WINDOW, production })));
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
    'gitlab.apps.count', 'gitlab.apps.monthly_ratio', 'gitlab.apps.weekly_ratio', 'gitlab.apps.daily_ratio', 'gitlab.apps.on_demand_ratio',
    'gitlab.apps.success_ratio_min',
  ];
  const depParts = scans.map((s) => s.deployments);
  const okDeploys = (s: ProjectScan) => (s.deployments.ok ? s.deployments.value : { environments: [], deploys: [] as DeploymentRecord[], gitlabStatus: new Map<number, string>() });
  const all = scans.flatMap((s) => okDeploys(s).deploys);
  const prodEnvs = scans.reduce((k, s) => k + okDeploys(s).environments.length, 0);
  let counted: DeploymentRecord[] = [];
  let rollbacks = new Set<DeploymentRecord>();
  signal(DEPLOY_IDS, depParts, (ev) => {
    if (prodEnvs === 0) {
      ctx.emit('gitlab.repos.with_deployments', 0, ev, 'none');
      ctx.emit('gitlab.apps.count', 0, ev, 'no project has a production environment');
      const why = `no project has an environment matching production_environments (${(ctx.config.production_environments).join(', ')}): GitLab records no production deployment here`;
      for (const id of DEPLOY_IDS.slice(1)) if (id !== 'gitlab.apps.count') ctx.notAvailable(id, why, ev);
      return;
    }
    const facts = emitDeploymentSignals(ctx, {
      prefix: 'gitlab',
      records: all,
      // Applications: the projects with a production environment (GitLab creates one on the first deployment to it).
      apps: scans.filter((s) => okDeploys(s).environments.length > 0).map((s) => s.path),
      window: w,
      evidence: ev,
      automatedBy: 'a CI job',
    });
    counted = facts.counted;
    rollbacks = new Set(facts.rollbacks);
    const withDeploys = new Set(counted.map((d) => d.app));
    ctx.emit('gitlab.repos.with_deployments', withDeploys.size, ev, [...withDeploys].sort().join(', ') || 'none');
    const statuses = countBy(scans.flatMap((s) => okDeploys(s).deploys.filter((d) => d.createdAt >= w.start && d.createdAt <= w.end).map((d) => okDeploys(s).gitlabStatus.get(d.id) ?? d.status)));
    ctx.emit('gitlab.deployments.count', counted.length, ev, `${counted.length} in ${withDeploys.size} projects (${statuses || 'none'}; created, blocked, skipped and canceled are not counted)`);
  });
  const withDeploys = new Set(counted.map((d) => d.app));

  // Lead time needs merges only where something was deployed; elsewhere no merge can pair.
  const withProdEnv = scans.filter((s) => okDeploys(s).environments.length > 0);
  signal(['gitlab.changes.lead_time_median_seconds'], [...depParts, ...withProdEnv.map((s) => s.merges)], (ev) => {
    const id = 'gitlab.changes.lead_time_median_seconds';
    const changes: ChangeRecord[] = withProdEnv.flatMap((s) => (s.merges.ok ? s.merges.value : [])
      .filter((m) => m.target_branch === s.project.default_branch)
      .map((m) => ({ app: s.path, id: `!${m.iid}`, mergedAt: Date.parse(m.merged_at!) })));
    // GitLab's deployment list does not say which merges a deployment contains: the first candidate ships it.
    const seconds: number[] = [];
    let undeployed = 0;
    for (const c of changes) {
      const shipped = shippingCandidates(c, counted, rollbacks)[0];
      if (shipped) seconds.push(leadTimeSeconds(c, shipped));
      else undeployed++;
    }
    const med = median(seconds);
    if (med === undefined) ctx.notAvailable(id, changes.length ? `none of the ${changes.length} merges into a default branch has been deployed to production yet` : 'no merge into the default branch of a project with a production environment in the window', ev);
    else ctx.emit(id, med, ev, `median of ${seconds.length} merges${undeployed ? `; ${undeployed} not deployed yet (left out)` : ''}; each to the end of the first later successful non-rollback production deployment of its project`);
  });

  // ---- environments ----
  const deployed = scans.filter((s) => withDeploys.has(s.path));
  signal(['gitlab.environments.gated_ratio'], [...depParts, ...deployed.map((s) => s.protectedEnvironments)], (ev) => {
    const gated = deployed.filter((s) => {
      const envs = new Set(counted.filter((d) => d.app === s.path).map((d) => d.environment));
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

