import { measuredValue, measureFailed, notAvailable, ratioOf, type Measured, type Read } from '../../src/collector/kit.js';
import { measuredSink } from '../../src/collector/sink.js';
import { leadTimes } from '../../src/delivery/deployments.js';
import type { ChangeRecord, DeploymentRecord } from '../../src/delivery/records.js';
import { emitDeploymentSignals } from '../../src/delivery/signals.js';
import { INCIDENT_MEASURES, emitMeasures, measureIncidents, measuresFrom } from '../../src/incidents/index.js';
import type { ApprovalRule, ProtectedBranch } from './api.js';
import type { Listed, ProjectScan } from './read.js';
import type { GitlabSignalId } from './signals.js';
import { branchMatches, incidentRecord, type Span } from './translate.js';

/**
 * Pure functions from what read.ts read to a `Measured` per signal: no HTTP, tested on plain
 * objects. The delivery definitions themselves live in src/delivery; this file only says which
 * GitLab reads each signal needs and words the details.
 */

const DAY_S = 86_400;

export type GitlabMeasured = Partial<Record<GitlabSignalId, Measured>>;

export function noOneMayPush(b: ProtectedBranch): boolean {
  return (b.push_access_levels ?? []).every((l) => (l.access_level ?? 0) === 0 && l.user_id == null && l.group_id == null && l.deploy_key_id == null);
}

/** An approval rule with approvals_required ≥ 1 that applies to the default branch, or the legacy approvals_before_merge. */
export function approvalsRequired(rules: ApprovalRule[], branch: string, legacy: number): { required: boolean; why: string } {
  for (const r of rules) {
    if (r.rule_type === 'report_approver' || r.approvals_required < 1) continue;
    const branches = r.protected_branches ?? [];
    if (r.applies_to_all_protected_branches || branches.length === 0 || branches.some((b) => branchMatches(b.name, branch))) {
      return { required: true, why: `approval rule '${r.name}' requires ${r.approvals_required}` };
    }
  }
  if (legacy >= 1) return { required: true, why: `approvals_before_merge ${legacy}` };
  return { required: false, why: rules.length ? 'no approval rule requiring an approval applies to the default branch' : 'no approval rule' };
}

/** Why a signal cannot be computed from these projects' reads: a failure wins over an edition's absence. */
function blocked(parts: (Read<unknown> | undefined)[]): Measured | undefined {
  const failed = parts.filter((p): p is Extract<Read<unknown>, { status: 'failed' }> => p?.status === 'failed');
  const absent = parts.filter((p): p is Extract<Read<unknown>, { status: 'absent' }> => p?.status === 'absent');
  const more = (n: number) => (n > 1 ? ` (and ${n - 1} more)` : '');
  if (failed.length) return measureFailed(failed[0].reason + more(failed.length), evidenceOf(parts));
  if (absent.length) return notAvailable(absent[0].reason + more(absent.length), evidenceOf(parts));
  return undefined;
}

function evidenceOf(parts: (Read<unknown> | undefined)[]): string[] {
  return [...new Set(parts.flatMap((p) => p?.evidence ?? []))];
}

const ok = <T>(r: Read<T> | undefined): T | undefined => (r?.status === 'ok' ? r.data : undefined);

export interface MeasureInput {
  scans: ProjectScan[];
  listed: Listed;
  window: Span;
  /** The configured production_environments, for the reason when none matches. */
  productionPatterns: string[];
}

/** Every gitlab.* signal from the projects' reads. */
export function measureGitlab({ scans, listed, window: w, productionPatterns }: MeasureInput): GitlabMeasured {
  const out: GitlabMeasured = {};
  const weeks = (w.end - w.start) / 1000 / DAY_S / 7;
  const n = scans.length;
  out['gitlab.api.reachable'] = measuredValue(true, listed.evidence);
  out['gitlab.repos.count'] = measuredValue(n, listed.evidence, { detail: listed.detail });

  /** Sets `compute()` unless a read it needs failed (failed) or is not in this edition (not available). */
  const signal = (ids: GitlabSignalId[], parts: (Read<unknown> | undefined)[], compute: (ev: string[]) => void) => {
    const stop = blocked(parts);
    if (stop) {
      for (const id of ids) out[id] = stop;
      return;
    }
    compute([...new Set([...listed.evidence, ...evidenceOf(parts)])]);
  };
  const ratio = (id: GitlabSignalId, num: number, den: number, ev: string[], what: string, none: string) => {
    out[id] = den === 0 ? notAvailable(none, ev) : ratioOf(num, den, ev, what);
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
  const okDeploys = (s: ProjectScan) => ok(s.deployments) ?? { environments: [], deploys: [] as DeploymentRecord[], gitlabStatus: new Map<number, string>() };
  const all = scans.flatMap((s) => okDeploys(s).deploys);
  const prodEnvs = scans.reduce((k, s) => k + okDeploys(s).environments.length, 0);
  let counted: DeploymentRecord[] = [];
  let rollbacks = new Set<DeploymentRecord>();
  signal(DEPLOY_IDS, depParts, (ev) => {
    if (prodEnvs === 0) {
      out['gitlab.repos.with_deployments'] = measuredValue(0, ev, { detail: 'none' });
      out['gitlab.apps.count'] = measuredValue(0, ev, { detail: 'no project has a production environment' });
      const why = `no project has an environment matching production_environments (${productionPatterns.join(', ')}): GitLab records no production deployment here`;
      for (const id of DEPLOY_IDS.slice(1)) if (id !== 'gitlab.apps.count') out[id] = notAvailable(why, ev);
      return;
    }
    const sink = measuredSink();
    const facts = emitDeploymentSignals(sink, {
      prefix: 'gitlab',
      records: all,
      // Applications: the projects with a production environment (GitLab creates one on the first deployment to it).
      apps: scans.filter((s) => okDeploys(s).environments.length > 0).map((s) => s.path),
      window: w,
      evidence: ev,
      automatedBy: 'a CI job',
    });
    for (const [id, m] of sink.measured) out[id as GitlabSignalId] = m;
    counted = facts.counted;
    rollbacks = new Set(facts.rollbacks);
    const withDeploys = new Set(counted.map((d) => d.app));
    out['gitlab.repos.with_deployments'] = measuredValue(withDeploys.size, ev, { detail: [...withDeploys].sort().join(', ') || 'none' });
    const statuses = countBy(scans.flatMap((s) => okDeploys(s).deploys.filter((d) => d.createdAt >= w.start && d.createdAt <= w.end).map((d) => okDeploys(s).gitlabStatus.get(d.id) ?? d.status)));
    out['gitlab.deployments.count'] = measuredValue(counted.length, ev, { detail: `${counted.length} in ${withDeploys.size} projects (${statuses || 'none'}; created, blocked, skipped and canceled are not counted)` });
  });
  const withDeploys = new Set(counted.map((d) => d.app));

  // Lead time needs merges only where something was deployed; elsewhere no merge can pair.
  const withProdEnv = scans.filter((s) => okDeploys(s).environments.length > 0);
  signal(['gitlab.changes.lead_time_median_seconds'], [...depParts, ...withProdEnv.map((s) => s.merges)], (ev) => {
    const changes: ChangeRecord[] = withProdEnv.flatMap((s) => (ok(s.merges) ?? [])
      .filter((m) => m.target_branch === s.project.default_branch)
      .map((m) => ({ app: s.path, id: `!${m.iid}`, mergedAt: Date.parse(m.merged_at!) })));
    // GitLab's deployment list does not say which merges a deployment contains: the first candidate ships it.
    const lead = leadTimes(changes, counted, rollbacks);
    out['gitlab.changes.lead_time_median_seconds'] = lead.median === undefined
      ? notAvailable(changes.length ? `none of the ${changes.length} merges into a default branch has been deployed to production yet` : 'no merge into the default branch of a project with a production environment in the window', ev)
      : measuredValue(lead.median, ev, { detail: `median of ${lead.seconds.length} merges${lead.undeployed.length ? `; ${lead.undeployed.length} not deployed yet (left out)` : ''}; each to the end of the first later successful non-rollback production deployment of its project` });
  });

  // ---- environments ----
  const deployed = scans.filter((s) => withDeploys.has(s.path));
  signal(['gitlab.environments.gated_ratio'], [...depParts, ...deployed.map((s) => s.protectedEnvironments)], (ev) => {
    const gated = deployed.filter((s) => {
      const envs = new Set(counted.filter((d) => d.app === s.path).map((d) => d.environment));
      const pes = ok(s.protectedEnvironments) ?? [];
      return [...envs].every((env) => pes.some((pe) => pe.name === env && ((pe.required_approval_count ?? 0) >= 1 || (pe.approval_rules ?? []).some((r) => (r.required_approvals ?? 0) >= 1))));
    });
    ratio('gitlab.environments.gated_ratio', gated.length, deployed.length, ev, 'projects with production deployments need an approval to deploy to production',
      'no project has a production deployment in the window');
  });

  // ---- review ----
  signal(['gitlab.review.protected_ratio'], scans.flatMap((s) => [s.branch, s.approvals]), (ev) => {
    const yes = scans.filter((s) => ok(s.branch)?.pushProtected && ok(s.approvals)?.required);
    ratio('gitlab.review.protected_ratio', yes.length, n, ev, `projects protect the default branch (push: no one) and require an approval${yes.length ? `: ${yes.map((s) => s.path).join(', ')}` : ''}`, 'no project in scope');
  });
  {
    const missing = scans.filter((s) => s.project.only_allow_merge_if_pipeline_succeeds === undefined);
    if (missing.length) {
      out['gitlab.review.required_checks_ratio'] = measureFailed(`the project API does not show only_allow_merge_if_pipeline_succeeds for ${missing.map((s) => s.path).join(', ')} (needs the Reporter role)`, listed.evidence);
    } else {
      const yes = scans.filter((s) => s.project.only_allow_merge_if_pipeline_succeeds).length;
      ratio('gitlab.review.required_checks_ratio', yes, n, listed.evidence, 'projects merge only when the pipeline succeeds', 'no project in scope');
    }
  }
  signal(['gitlab.review.codeowners_ratio'], scans.map((s) => s.repo), (ev) => {
    const yes = scans.filter((s) => ok(s.repo)?.codeowners !== undefined && s.repo.status === 'ok').length;
    ratio('gitlab.review.codeowners_ratio', yes, n, ev, 'projects have a CODEOWNERS file (root, .gitlab/ or docs/)', 'no project in scope');
  });
  const merged = scans.flatMap((s) => (ok(s.merges) ?? []).map((m) => ({ s, m })));
  signal(['gitlab.review.merged_reviewed_ratio'], scans.flatMap((s) => [s.merges, s.reviewed]), (ev) => {
    const yes = merged.filter(({ s, m }) => ok(s.reviewed)?.get(m.iid)).length;
    ratio('gitlab.review.merged_reviewed_ratio', yes, merged.length, ev, 'merge requests merged in the window were approved by someone other than the author', 'no merge request was merged in the window');
  });

  // ---- CI ----
  signal(['gitlab.ci.pr_checked_ratio'], scans.flatMap((s) => [s.merges, s.checked]), (ev) => {
    const yes = merged.filter(({ s, m }) => ok(s.checked)?.get(m.iid)).length;
    ratio('gitlab.ci.pr_checked_ratio', yes, merged.length, ev, 'merge requests merged in the window had a successful head pipeline', 'no merge request was merged in the window');
  });
  signal(['gitlab.ci.success_ratio'], scans.map((s) => s.pipelines), (ev) => {
    const statuses = scans.flatMap((s) => ok(s.pipelines) ?? []);
    const succeeded = statuses.filter((status) => status === 'success').length;
    const concluded = succeeded + statuses.filter((status) => status === 'failed').length;
    ratio('gitlab.ci.success_ratio', succeeded, concluded, ev, `merge request pipelines created in the window succeeded (${countBy(statuses) || 'none'}; canceled and skipped not counted)`,
      'no merge request pipeline (source merge_request_event) succeeded or failed in the window');
  });

  // ---- configuration as code ----
  signal(['gitlab.iac.repos', 'gitlab.gitops.present'], scans.map((s) => s.repo), (ev) => {
    const repos = scans.filter((s) => (ok(s.repo)?.kinds.length ?? 0) > 0);
    const kinds = countBy(repos.flatMap((s) => ok(s.repo)?.kinds ?? []));
    const truncated = scans.filter((s) => ok(s.repo)?.truncated).map((s) => s.path);
    const partly = truncated.length ? `; trees read in part (over 3,000 entries): ${truncated.join(', ')}` : '';
    out['gitlab.iac.repos'] = measuredValue(repos.length, ev, { detail: `${kinds || 'none found'}${partly}` });
    const gitops = scans.flatMap((s) => (ok(s.repo)?.gitops ?? []).map((p) => `${s.path}:${p}`));
    if (gitops.length) out['gitlab.gitops.present'] = measuredValue(true, ev, { detail: gitops.join(', ') });
    else if (truncated.length) out['gitlab.gitops.present'] = notAvailable(`no Argo CD or Flux manifest found, but the trees of ${truncated.join(', ')} were read only in part`, ev);
    else out['gitlab.gitops.present'] = measuredValue(false, ev, { detail: 'no Argo CD Application/ApplicationSet or Flux Kustomization/HelmRelease among the candidate files' });
  });

  // ---- releases ----
  signal(['gitlab.releases.per_week'], scans.map((s) => s.releases), (ev) => {
    const count = (s: ProjectScan) => ok(s.releases)?.count ?? 0;
    const total = scans.reduce((k, s) => k + count(s), 0);
    const fromTags = scans.filter((s) => ok(s.releases)?.from === 'tags' && count(s) > 0).length;
    const noDeploy = scans.filter((s) => !withDeploys.has(s.path)).reduce((k, s) => k + count(s), 0);
    out['gitlab.releases.per_week'] = measuredValue(total / weeks, ev, { detail: `${total} releases over ${round(weeks)} weeks (${noDeploy} in projects without production deployments; tags counted for ${fromTags} projects without releases)` });
  });
  return out;
}

function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => `${c} ${k}`).join(', ');
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}

export const INCIDENT_PREFIX = 'gitlab';

const NO_TIMELINE = 'GitLab\'s REST API shows no acknowledgement or incident timeline (timeline events are GraphQL-only, gitlab-org/gitlab#439853)';
const NO_REVIEWS = 'GitLab incident issues carry no postmortem or review object; import reviews with an incident file';
const NO_ONCALL = 'GitLab\'s REST API has no escalation policies or on-call schedules (GraphQL-only, Premium)';
const needsTimeline = (measure: string) => /(^|\.)(ack|first_action)_(median|p90)_seconds$/.test(measure);

/**
 * The gitlab.incidents.* (and services/oncall/escalation) signals from the projects' incident
 * issues, through src/incidents' one definition. What GitLab's REST API does not show is not
 * available with the reason, never 0.
 */
export function measureGitlabIncidents(scans: ProjectScan[], listed: Listed, window: Span, enabled: boolean): GitlabMeasured {
  const sink = measuredSink();
  const ids = INCIDENT_MEASURES.map((d) => `${INCIDENT_PREFIX}.${d.measure}`);
  if (!enabled) {
    for (const id of ids) sink.notAvailable(id, 'incidents: false in the config (incident issues are not read)', listed.evidence);
    return Object.fromEntries(sink.measured);
  }
  for (const m of [...measuresFrom('services'), ...measuresFrom('oncall')]) sink.notAvailable(`${INCIDENT_PREFIX}.${m}`, NO_ONCALL, listed.evidence);
  const parts = scans.map((s) => s.incidents);
  const stop = blocked(parts.filter((p) => p?.status === 'failed'));
  const ev = [...new Set([...listed.evidence, ...evidenceOf(parts)])];
  const incidentIds = ids.filter((id) => !sink.measured.has(id));
  if (stop) {
    for (const id of incidentIds) sink.measured.set(id, stop);
    return Object.fromEntries(sink.measured);
  }
  const readable = scans.filter((s) => s.incidents?.status === 'ok');
  if (readable.length === 0) {
    const absent = blocked(parts) ?? notAvailable('no project in scope', ev);
    for (const id of incidentIds) sink.measured.set(id, absent);
    return Object.fromEntries(sink.measured);
  }
  const records = readable.flatMap((s) => (ok(s.incidents) ?? []).map((i) => incidentRecord(s.path, i)));
  const unread = scans.filter((s) => s.incidents?.status === 'absent').map((s) => s.path);
  const notes = unread.length ? [`incident issues not read (turned off or not known there): ${unread.join(', ')}`] : undefined;
  const reviews = new Set(measuresFrom('reviews'));
  const measures = measureIncidents(records, window).map((m) => {
    if (needsTimeline(m.measure)) return { measure: m.measure, reason: NO_TIMELINE };
    if (reviews.has(m.measure)) return { measure: m.measure, reason: NO_REVIEWS };
    return notes && m.value !== undefined ? { ...m, notes: [...(m.notes ?? []), ...notes] } : m;
  });
  emitMeasures(sink, INCIDENT_PREFIX, measures, ev);
  return Object.fromEntries(sink.measured);
}
