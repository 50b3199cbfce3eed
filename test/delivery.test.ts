import { describe, expect, it } from 'vitest';
import { appDelivery, cadenceShare, worstSuccess } from '../src/delivery/apps.js';
import { cadence, changeFailureRate, deploymentFacts, leadTimes, leadTimeSeconds, median, rollbacksOf, shippingCandidates, successRatio } from '../src/delivery/deployments.js';
import { failedReleases, releaseFailureRate, type FixRecord, type ReleaseRecord } from '../src/delivery/releases.js';
import type { DeploymentRecord, DeploymentStatus } from '../src/delivery/records.js';
import { classifyFile, classifyPaths, codeownersHasRule, codeownersPath, gitopsKind, manifests } from '../src/delivery/repository.js';

// The shared cases of the README's "Delivery definitions": every source translates into these
// records, so each definition is tested once, here.
const H = 3_600_000;
const t = (s: string) => Date.parse(s);
const w = { start: t('2026-11-01T00:00:00Z'), end: t('2026-11-15T00:00:00Z') };
const d = (id: number, sha: string, status: DeploymentStatus, at: string, o: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  app: 'o/app', environment: 'production', id, sha, status, createdAt: t(at),
  finishedAt: status === 'success' || status === 'failure' ? t(at) + H / 6 : undefined, automated: true, ...o,
});

describe('delivery definitions: rollbacks', () => {
  it('"A ok, B failed, A ok" is no rollback: B never went live, its failure already counts', () => {
    const h = [d(1, 'a', 'success', '2026-11-02T00:00:00Z'), d(2, 'b', 'failure', '2026-11-03T00:00:00Z'), d(3, 'a', 'success', '2026-11-03T01:00:00Z')];
    expect(rollbacksOf(h, w)).toEqual([]);
    const f = deploymentFacts(h, w);
    expect(f.rollbacks).toEqual([]);
    expect(changeFailureRate(f)).toBeCloseTo(1 / 3);
  });

  it('"A ok, B ok, A" is a rollback that undoes B; a failed change rolled back within 24 h counts as failed', () => {
    const h = [d(1, 'a', 'success', '2026-11-02T00:00:00Z'), d(2, 'b', 'success', '2026-11-03T00:00:00Z'), d(3, 'a', 'success', '2026-11-03T20:00:00Z')];
    expect(rollbacksOf(h, w).map((r) => [r.rollback.id, r.undid.map((u) => u.id)])).toEqual([[3, [2]]]);
    const f = deploymentFacts(h, w);
    expect(f.rolledBack.map((x) => x.id)).toEqual([2]);
    expect(changeFailureRate(f)).toBeCloseTo(1 / 3);
  });

  it('undoes every version live since, but marks as failed only those within 24 h; a redeploy of the live sha is none', () => {
    const h = [
      d(1, 'a', 'success', '2026-11-02T00:00:00Z'), d(2, 'a', 'success', '2026-11-02T01:00:00Z'), d(3, 'b', 'success', '2026-11-03T00:00:00Z'),
      d(4, 'c', 'success', '2026-11-04T12:00:00Z'), d(5, 'a', 'success', '2026-11-05T00:00:00Z'),
    ];
    expect(rollbacksOf(h, w).map((r) => [r.rollback.id, r.undid.map((u) => u.id)])).toEqual([[5, [4, 3]]]);
    expect(deploymentFacts(h, w).rolledBack.map((x) => x.id)).toEqual([4]); // b was undone too, but 48 h before
  });

  it('is per application and environment, ignores deployments that never ran, and counts only rollbacks made in the window', () => {
    const h = [
      d(1, 'a', 'success', '2026-10-30T00:00:00Z'), d(2, 'b', 'success', '2026-10-31T00:00:00Z'),
      d(3, 'a', 'not_run', '2026-11-02T00:00:00Z'), d(4, 'a', 'success', '2026-11-02T00:00:00Z', { environment: 'production-eu' }),
      d(5, 'a', 'success', '2026-11-02T00:00:00Z', { app: 'o/other' }), d(6, 'a', 'running', '2026-11-03T00:00:00Z'),
    ];
    const f = deploymentFacts(h, w);
    expect(f.rollbacks.map((x) => x.id)).toEqual([6]); // a rollback attempt still running is one
    expect(f.counted.map((x) => x.id).sort()).toEqual([4, 5, 6]);
    expect(f.rolledBack).toEqual([]); // b was deployed before the window
  });
});

describe('delivery definitions: success, failure, restore', () => {
  it('success rate counts finished deployments only; none finished is no rate', () => {
    const f = deploymentFacts([d(1, 'a', 'success', '2026-11-02T00:00:00Z'), d(2, 'b', 'failure', '2026-11-03T00:00:00Z'), d(3, 'c', 'running', '2026-11-03T01:00:00Z')], w);
    expect(successRatio(f)).toBe(0.5);
    expect(successRatio(deploymentFacts([d(1, 'a', 'running', '2026-11-02T00:00:00Z')], w))).toBeUndefined();
  });

  it('time to restore runs from the failed deployment\'s creation to the end of the next success in its environment', () => {
    const h = [
      d(1, 'a', 'failure', '2026-11-03T00:00:00Z'), d(2, 'b', 'failure', '2026-11-03T01:00:00Z'),
      d(3, 'c', 'success', '2026-11-03T02:00:00Z', { finishedAt: t('2026-11-03T02:30:00Z') }), d(4, 'd', 'failure', '2026-11-10T00:00:00Z'),
      d(5, 'e', 'success', '2026-11-10T01:00:00Z', { environment: 'production-eu' }),
    ];
    const f = deploymentFacts(h, w);
    expect(f.restores).toEqual([9000, 5400]);
    expect(f.unrestored).toBe(1); // the success in another environment restores nothing here
    expect(median(f.restores)).toBe(7200);
  });
});

describe('delivery definitions: lead time and cadence', () => {
  it('a change ships with the first later successful non-rollback deployment of its application, timed to its end', () => {
    const h = [d(1, 'a', 'success', '2026-11-02T00:00:00Z'), d(2, 'b', 'success', '2026-11-03T00:00:00Z'), d(3, 'a', 'success', '2026-11-03T06:00:00Z'), d(4, 'c', 'success', '2026-11-04T00:00:00Z')];
    const rollbacks = new Set(deploymentFacts(h, w).rollbacks);
    const change = { app: 'o/app', id: '#1', mergedAt: t('2026-11-03T01:00:00Z') };
    const first = shippingCandidates(change, h, rollbacks)[0];
    expect(first.id).toBe(4); // 3 returns to a: it cannot ship the change
    expect(leadTimeSeconds(change, first)).toBe(23 * 3600 + 600);
    expect(shippingCandidates({ ...change, app: 'o/other' }, h, rollbacks)).toEqual([]);
  });

  it('lead time: the first candidate that contains the change (GitHub, git), or the first candidate (GitLab); changes nothing shipped are left out', () => {
    const h = [d(1, 'a', 'success', '2026-11-03T00:00:00Z'), d(2, 'b', 'success', '2026-11-04T00:00:00Z'), d(3, 'c', 'failure', '2026-11-05T00:00:00Z')];
    const early = { app: 'o/app', id: 'x', mergedAt: t('2026-11-02T00:00:00Z'), sha: 'x' };
    const late = { app: 'o/app', id: 'y', mergedAt: t('2026-11-04T12:00:00Z'), sha: 'y' };
    // no containment known: the first later success ships it
    expect(leadTimes([early, late], h, new Set())).toEqual({ seconds: [24 * 3600 + 600], undeployed: [late], median: 24 * 3600 + 600 });
    // deployment 1 does not contain x (built from an older commit): deployment 2 ships it
    const contains = (c: { sha?: string }, dep: DeploymentRecord) => !(c.sha === 'x' && dep.id === 1);
    expect(leadTimes([early], h, new Set(), contains).seconds).toEqual([48 * 3600 + 600]);
    expect(leadTimes([], h, new Set()).median).toBeUndefined();
  });

  it('releases as deployments: a release is a failed change when a hotfix, or a revert of a commit it contains, lands before the next release', async () => {
    const r = (tag: string, at: string, app = 'repo'): ReleaseRecord => ({ app, tag, commit: `c-${tag}`, at: t(at) });
    const releases = [r('v0.9', '2026-10-20T00:00:00Z'), r('v1.0', '2026-11-02T00:00:00Z'), r('v1.1', '2026-11-05T00:00:00Z'), r('v1.2', '2026-11-09T00:00:00Z'), r('v2.0', '2026-11-20T00:00:00Z')];
    const fixes: FixRecord[] = [
      { app: 'repo', at: t('2026-11-03T00:00:00Z'), label: 'revert r1', reverts: ['old', 'in-1.0'] },
      { app: 'repo', at: t('2026-11-06T00:00:00Z'), label: 'revert r2', reverts: ['in-1.2-only'] },
      { app: 'repo', at: t('2026-11-14T12:00:00Z'), label: 'tag hotfix-1' }, // after v1.2, before the window's end
      { app: 'other', at: t('2026-11-05T12:00:00Z'), label: 'tag hotfix-x' }, // another repository's hotfix: not v1.1's
    ];
    const asked: string[] = [];
    const contains = async (commit: string, rel: ReleaseRecord) => {
      asked.push(`${commit}@${rel.tag}`);
      return commit === 'in-1.0' || (commit === 'in-1.2-only' && rel.tag === 'v1.2');
    };
    const got = await failedReleases(releases, fixes, w, contains);
    expect(got.measured).toBe(3); // v0.9 is before the window, v2.0 after it
    expect(got.failed.map((f) => f.why)).toEqual(['v1.0: revert r1 of in-1.0', 'v1.2: tag hotfix-1']);
    expect(releaseFailureRate(got)).toBe(2 / 3);
    // ancestry is asked only as far as needed: v1.2's hotfix settles it without a question
    expect(asked).toEqual(['old@v1.0', 'in-1.0@v1.0', 'in-1.2-only@v1.1']);
    expect(releaseFailureRate(await failedReleases([], fixes, w, contains))).toBeUndefined();
  });

  it('counts whole weeks back from the window end, whole working days and the busiest day', () => {
    const c = cadence([d(1, 'a', 'success', '2026-11-14T00:00:00Z'), d(2, 'a', 'success', '2026-11-07T10:00:00Z'), d(3, 'a', 'success', '2026-11-09T10:00:00Z'), d(4, 'a', 'success', '2026-11-09T11:00:00Z')], w);
    // 2026-11-01 is a Sunday: whole days 11-01 … 11-14 hold 10 working days; Saturday deployments count for none
    expect(c).toMatchObject({ count: 4, weeks: { total: 2, withDeploy: 2 }, workingDays: { total: 10, withDeploy: 1 }, maxPerDay: { count: 2, day: '2026-11-09' } });
    expect(c.perWeek).toBe(2);
  });
});

describe('delivery definitions: per application', () => {
  const month = { start: t('2026-10-05T00:00:00Z'), end: t('2026-11-04T00:00:00Z') }; // 30 days, 4 whole weeks, Mon 5 Oct
  const everyDay = (app: string, days: number, perDay = 1) => Array.from({ length: days * perDay }, (_, i) =>
    d(1000 + i, `s${i}`, 'success', new Date(t('2026-10-05T09:00:00Z') + Math.floor(i / perDay) * 86_400_000 + (i % perDay) * H).toISOString(), { app }));

  it('forty applications deploying monthly do not make the organisation weekly, daily or on demand', () => {
    const apps = Array.from({ length: 40 }, (_, i) => `o/app${i}`);
    // together they deploy every working day, each one once in the month
    const records = apps.map((app, i) => d(i + 1, 'a', 'success', new Date(t('2026-10-05T10:00:00Z') + (i % 30) * 86_400_000).toISOString(), { app }));
    expect(cadence(records.filter((r) => r.createdAt <= month.end), month).weeks.withDeploy).toBe(4);
    const per = appDelivery(apps, records, month);
    expect(cadenceShare(per, 'monthly')?.value).toBe(1);
    expect(cadenceShare(per, 'weekly')?.value).toBe(0);
    expect(cadenceShare(per, 'daily')?.value).toBe(0);
    expect(cadenceShare(per, 'on_demand')?.value).toBe(0);
  });

  it('an application that did not deploy in the window counts and meets no cadence; on demand needs a busy day', () => {
    const records = [...everyDay('o/daily', 30), ...everyDay('o/busy', 30, 2)];
    const per = appDelivery(['o/daily', 'o/busy', 'o/idle'], records, month);
    expect(per.map((a) => [a.app, a.cadence])).toEqual([
      ['o/busy', { monthly: true, weekly: true, daily: true, on_demand: true }],
      ['o/daily', { monthly: true, weekly: true, daily: true, on_demand: false }],
      ['o/idle', { monthly: false, weekly: false, daily: false, on_demand: false }],
    ]);
    expect(cadenceShare(per, 'daily')).toEqual({ value: 2 / 3, meeting: ['o/busy', 'o/daily'] });
    expect(cadenceShare([], 'daily')).toBeUndefined();
    expect(cadenceShare(appDelivery(['o/x'], [], { start: 0, end: 86_400_000 }), 'monthly')).toBeUndefined(); // no whole period
  });

  it('success per application: the worst one, with applications without a finished deployment left out', () => {
    const records = [d(1, 'a', 'success', '2026-10-06T00:00:00Z', { app: 'o/a' }), d(2, 'b', 'failure', '2026-10-07T00:00:00Z', { app: 'o/a' }),
      d(3, 'c', 'success', '2026-10-06T00:00:00Z', { app: 'o/b' }), d(4, 'd', 'running', '2026-10-06T00:00:00Z', { app: 'o/c' })];
    expect(worstSuccess(appDelivery(['o/a', 'o/b', 'o/c'], records, month))).toEqual({ value: 0.5, apps: ['o/a'], of: 2 });
    expect(worstSuccess(appDelivery(['o/c'], records, month))).toBeUndefined();
  });
});

describe('delivery definitions: configuration as code and CODEOWNERS', () => {
  it('recognises kinds by name, never a Dockerfile alone, and picks the YAML worth reading', () => {
    const facts = classifyPaths([
      'charts/x/Chart.yaml', 'charts/x/templates/dep.yaml', 'ops/site.yml', 'node_modules/y/main.tf', 'infra/main.tf',
      'k8s/base/kustomization.yaml', 'k8s/base/svc.yaml', 'clusters/prod/flux-system/gotk-sync.yaml', 'CODEOWNERS', 'Dockerfile', 'docker-compose.yml',
    ]);
    expect([...facts.kinds.keys()].sort()).toEqual(['ansible', 'helm', 'kustomize', 'terraform']);
    expect(facts.kinds.get('terraform')).toBe('infra/main.tf');
    expect(facts.candidates).toEqual(['clusters/prod/flux-system/gotk-sync.yaml', 'k8s/base/svc.yaml']);
    expect(classifyPaths(['Dockerfile', 'docker-compose.yml']).kinds.size).toBe(0);
  });

  it('reads apiVersion and kind per document; a manifest counts in a deployment folder, a GitOps object anywhere', () => {
    expect(manifests('apiVersion: apps/v1\nkind: Deployment\n---\napiVersion: v1\nkind: Service\n')).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'v1', kind: 'Service' }]);
    expect(manifests('spec:\n  apiVersion: v1\n  kind: Pod\n')).toEqual([]);
    expect(gitopsKind({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet' })).toBe('Argo CD ApplicationSet');
    expect(gitopsKind({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' })).toBe('Flux Kustomization');
    expect(gitopsKind({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' })).toBeUndefined();
    expect(gitopsKind({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' })).toBe('Flux HelmRelease');
    expect(classifyFile('deploy/app.yaml', 'apiVersion: v1\nkind: Service\n')).toEqual({ kubernetes: true, gitops: [] });
    expect(classifyFile('config/app.yaml', 'apiVersion: v1\nkind: Service\n')).toEqual({ kubernetes: false, gitops: [] });
    expect(classifyFile('clusters/prod/apps.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Application\n')).toEqual({ kubernetes: true, gitops: ['Argo CD Application'] });
    expect(classifyFile('.github/workflows/ci.yaml', 'name: ci\non: push\n')).toEqual({ kubernetes: false, gitops: [] });
  });

  it('takes the CODEOWNERS file each platform reads, and counts it only with a rule naming an owner', () => {
    const tree = ['docs/CODEOWNERS', '.gitlab/CODEOWNERS', 'src/CODEOWNERS'];
    expect(codeownersPath(tree, 'github')).toBe('docs/CODEOWNERS');
    expect(codeownersPath(['.gitlab/CODEOWNERS', 'src/CODEOWNERS'], 'github')).toBeUndefined();
    expect(codeownersPath(['.github/CODEOWNERS', 'CODEOWNERS'], 'github')).toBe('.github/CODEOWNERS');
    expect(codeownersPath(['.gitlab/CODEOWNERS', 'docs/CODEOWNERS'], 'gitlab')).toBe('docs/CODEOWNERS');
    expect(codeownersPath(['.gitlab/CODEOWNERS', '.github/CODEOWNERS'], 'git')).toBe('.github/CODEOWNERS');
    expect(codeownersHasRule('# comment\n\n')).toBe(false);
    expect(codeownersHasRule('[Docs]\n')).toBe(false);
    expect(codeownersHasRule('*.go @team # the Go code\n')).toBe(true);
    expect(codeownersHasRule('/docs/\n')).toBe(false);
  });
});
