import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { runCollectors, type InstanceConfig } from '../../src/collector/harness.js';
import type { Collector, Window } from '../../src/collector/types.js';
import { EvidenceLog } from '../../src/evidence/types.js';
import { isCollectError } from '../../src/http/errors.js';
import { silentLogger } from '../../src/log.js';
import { Redactor } from '../../src/redact.js';
import type { SignalState } from '../../src/signals/types.js';
import { compilePattern, gitConfigSchema, type GitConfig } from './config.js';
import { GitCommandError, gitEnvironment, GLOBAL_OPTIONS, openGit, READ_ONLY_SUBCOMMANDS, REF_FORMAT } from './api.js';
import { weeksWithRelease, workingDaysWithRelease } from './measure.js';
import { gitCollector } from './index.js';
import { analyseTree, changeRecord, containsIn, fixRecord, releaseDeployment, releaseRecord, revertRecord } from './translate.js';
import type { TreeEntry } from './api.js';
import { createCommandRecorder } from '../../src/evidence/command.js';
import { GIT_SIGNAL_IDS, type GitSignalId } from './signals.js';
import { scanCollector } from '../../test/helpers/scan.js';

// ---------------------------------------------------------------------------------------------
// Repositories built with the git CLI, every date fixed.

const unix = (iso: string) => Date.parse(iso) / 1000;
const WINDOW: Window = { start: new Date('2024-02-05T00:00:00Z'), end: new Date('2024-03-04T00:00:00Z'), seconds: 28 * 86400 };

// The test's own git commands: no user or system config, fixed identity, no signing.
const TEST_ENV: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
Object.assign(TEST_ENV, { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' });
const IDENTITY = ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false'];

function sh(cwd: string, args: string[], dates: { at?: string; authorAt?: string } = {}, extraEnv: NodeJS.ProcessEnv = {}): string {
  const env = { ...TEST_ENV, ...extraEnv };
  if (dates.at) {
    env.GIT_COMMITTER_DATE = `${unix(dates.at)} +0000`;
    env.GIT_AUTHOR_DATE = `${unix(dates.authorAt ?? dates.at)} +0000`;
  }
  return execFileSync('git', [...IDENTITY, ...args], { cwd, env, encoding: 'utf8' }).trim();
}

class Repo {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    sh(dir, ['init', '-q']);
  }
  write(files: Record<string, string>): void {
    for (const [path, body] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), body);
    }
  }
  commit(message: string, at: string, opts: { authorAt?: string; files?: Record<string, string> } = {}): string {
    this.write(opts.files ?? { [`changes/${message.replace(/\W+/g, '-')}.txt`]: message });
    sh(this.dir, ['add', '-A']);
    sh(this.dir, ['commit', '-q', '-m', message], { at, authorAt: opts.authorAt });
    return this.head();
  }
  head(): string {
    return sh(this.dir, ['rev-parse', 'HEAD']);
  }
  /** An annotated tag: its date is the tagger date, GIT_COMMITTER_DATE. */
  tagAnnotated(name: string, at: string, rev = 'HEAD'): void {
    sh(this.dir, ['tag', '-a', name, '-m', `release ${name}`, rev], { at });
  }
  /** A lightweight tag: its date is the commit's. */
  tagLight(name: string, rev = 'HEAD'): void {
    sh(this.dir, ['tag', name, rev]);
  }
  branch(name: string): void {
    sh(this.dir, ['checkout', '-q', '-b', name]);
  }
  checkout(name: string): void {
    sh(this.dir, ['checkout', '-q', name]);
  }
  mergeNoFf(branch: string, at: string): string {
    sh(this.dir, ['merge', '-q', '--no-ff', '-m', `Merge branch '${branch}'`, branch], { at });
    return this.head();
  }
  revert(sha: string, at: string): string {
    sh(this.dir, ['revert', '--no-edit', sha], { at });
    return this.head();
  }
}

const ARGO_APP = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
spec:
  project: default
  source: { repoURL: https://git.example.com/shop.git, path: charts/app, targetRevision: main }
  destination: { server: https://kubernetes.default.svc, namespace: shop }
`;
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      containers: [{ name: web, image: "web:1.0" }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
`;

let root: string;
const sha: Record<string, string> = {};

/**
 * app: Helm chart, Terraform, .github/CODEOWNERS, an Argo CD Application; releases v1.0.0
 * (annotated), v1.0.1 (lightweight), v1.1.0 (annotated) in the window, v0.9.0 before it and
 * v2.0.0 after; a --no-ff feature merge, a revert of a released commit, a hotfix branch merged.
 * infra: Kubernetes manifests, a kustomization and an Ansible playbook; releases v3.2
 * (lightweight) and v3.3 (annotated, on a Saturday); a revert of an unreleased commit; a hotfix tag.
 * tools: a Dockerfile, a ConfigMap outside any deployment folder, a CODEOWNERS without rules.
 */
function buildEstate(): void {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'techops-git-')));

  const app = new Repo(join(root, 'app'));
  sha.c0 = app.commit('initial', '2024-01-10T10:00:00Z', {
    files: {
      'README.md': '# shop\n',
      Dockerfile: 'FROM alpine:3.19\n',
      'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'charts/app/templates/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
      'infra/main.tf': 'resource "null_resource" "x" {}\n',
      '.github/CODEOWNERS': '# owners\n* @acme/ops\n',
      'argocd/app.yaml': ARGO_APP,
    },
  });
  app.tagAnnotated('v0.9.0', '2024-01-15T10:00:00Z');
  sha.c1 = app.commit('feat: a', '2024-02-06T10:00:00Z', { authorAt: '2024-02-06T08:00:00Z' });
  app.branch('feat/b');
  sha.c2 = app.commit('feat: b1', '2024-02-07T09:00:00Z');
  sha.c3 = app.commit('feat: b2', '2024-02-07T10:00:00Z');
  app.checkout('main');
  sha.m1 = app.mergeNoFf('feat/b', '2024-02-07T12:00:00Z');
  app.tagAnnotated('v1.0.0', '2024-02-08T15:00:00Z');
  sha.c4 = app.revert(sha.c1, '2024-02-09T10:00:00Z');
  sha.c5 = app.commit('fix: b', '2024-02-14T10:00:00Z');
  app.tagLight('v1.0.1');
  app.branch('hotfix/login');
  sha.c6 = app.commit('fix login crash', '2024-02-20T09:00:00Z');
  app.checkout('main');
  sha.m2 = app.mergeNoFf('hotfix/login', '2024-02-20T11:00:00Z');
  app.tagAnnotated('v1.1.0', '2024-02-22T16:00:00Z');
  sha.c7 = app.commit('docs: readme', '2024-02-27T10:00:00Z');
  app.tagLight('nightly-2024-02-27');
  sha.c8 = app.commit('hotfix: late', '2024-03-05T10:00:00Z');
  app.tagAnnotated('v2.0.0', '2024-03-06T10:00:00Z');

  const infra = new Repo(join(root, 'infra'));
  infra.commit('init', '2024-01-20T10:00:00Z', {
    files: {
      'k8s/deployment.yaml': DEPLOYMENT,
      'k8s/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deployment.yaml]\n',
      'ansible/playbook-web.yml': '- hosts: web\n  tasks: []\n',
    },
  });
  sha.e1 = infra.commit('chore: bump', '2024-02-08T09:00:00Z', { authorAt: '2024-02-07T09:00:00Z' });
  infra.tagLight('v3.2');
  sha.e1b = infra.commit('feat: experiment', '2024-02-12T10:00:00Z');
  sha.e1c = infra.revert(sha.e1b, '2024-02-13T10:00:00Z');
  sha.e2 = infra.commit('chore: weekend', '2024-02-24T10:00:00Z');
  infra.tagAnnotated('v3.3', '2024-02-24T11:00:00Z');
  sha.e3 = infra.commit('fix: config typo', '2024-02-26T10:00:00Z');
  infra.tagLight('hotfix-0226');

  const tools = new Repo(join(root, 'tools'));
  tools.commit('init', '2024-01-05T10:00:00Z', {
    files: {
      Dockerfile: 'FROM node:20\n',
      'docs/example.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: example }\n',
      'docs/CODEOWNERS': '# nobody owns anything yet\n',
    },
  });
  tools.commit('update dockerfile', '2024-02-15T10:00:00Z', { files: { Dockerfile: 'FROM node:20-slim\n' } });

  new Repo(join(root, 'empty'));
  mkdirSync(join(root, 'plain'));
  writeFileSync(join(root, 'plain', 'notes.txt'), 'not a repository\n');
  sh(root, ['clone', '-q', '--bare', join(root, 'app'), join(root, 'app.git')]);
}

beforeAll(buildEstate);
afterAll(() => rmSync(root, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Scans through the real harness.

function instance(config: Record<string, unknown>, name = 'local'): InstanceConfig {
  return { collector: 'git', name, config: gitConfigSchema.parse(config), http: {}, baseDir: root };
}

async function scan(instances: InstanceConfig[], opts: { window?: Window } = {}) {
  return scanCollector<GitSignalId>({ collector: gitCollector, instances, window: opts.window ?? WINDOW, concurrency: 2 });
}

const H = 3600;
const D = 86400;

describe('git collector: three repositories', () => {
  it('measures every signal as computed by hand', async () => {
    const r = await scan([instance({ repositories: ['app', 'infra', 'tools'] })]);
    expect(r.runs).toEqual([expect.objectContaining({ status: 'ok' })]);
    const notObserved = GIT_SIGNAL_IDS.filter((id) => r.get(id).status !== 'observed').map((id) => `${id}: ${r.get(id).reason}`);
    expect(notObserved).toEqual([]);

    expect(r.value('git.repos.count')).toBe(3);
    expect(r.detail('git.repos.count')).toBe('app (refs/heads/main); infra (refs/heads/main); tools (refs/heads/main)');

    // v0.9.0 is before the window, v2.0.0 after it; nightly-… and hotfix-0226 are not release names
    expect(r.value('git.releases.count')).toBe(5);
    expect(r.detail('git.releases.count')).toBe('app: v1.0.0, v1.0.1, v1.1.0; infra: v3.2, v3.3');
    expect(r.value('git.releases.per_week')).toBe(5 / 4);
    // weeks counted back from Mon 4 March: (26 Feb, 4 Mar] none, (19, 26 Feb] v1.1.0 and v3.3,
    // (12, 19 Feb] v1.0.1, (5, 12 Feb] v1.0.0 and v3.2
    expect(r.value('git.releases.weeks_with_release_ratio')).toBe(3 / 4);
    // 20 working days; releases on Thu 8, Wed 14, Thu 22 Feb; v3.3 on Saturday 24 Feb does not count
    expect(r.value('git.releases.days_with_release_ratio')).toBe(3 / 20);

    // author date → first release of the window containing the commit:
    // app  c1 55h (author 08:00, not committer 10:00), c2 30h, c3 29h → v1.0.0; c4 5d, c5 0 → v1.0.1; c6 55h → v1.1.0
    // infra e1 24h → v3.2; e1b 12d1h, e1c 11d1h, e2 1h → v3.3; c7, e3 and tools' commit are not released
    // sorted: 0, 1h, 24h, 29h, 30h, 55h, 55h, 5d, 11d1h, 12d1h → median (30h + 55h) / 2
    expect(r.value('git.changes.lead_time_median_seconds')).toBe((30 * H + 55 * H) / 2);
    expect(r.detail('git.changes.lead_time_median_seconds')).toBe('10 commits released in the window');

    // non-merge commits in the window: app c1–c7 (c8 is after the end), infra e1, e1b, e1c, e2, e3, tools 1
    expect(r.value('git.commits.count')).toBe(13);
    // first-parent lines: app c7 m2 c5 c4 m1 c1, infra 5, tools 1; merges m1 and m2
    expect(r.value('git.merges.ratio')).toBe(2 / 12);
    expect(r.value('git.reverts.count')).toBe(2);
    expect(r.detail('git.reverts.count')).toBe(`app: ${sha.c4.slice(0, 12)} "Revert "feat: a""; infra: ${sha.e1c.slice(0, 12)} "Revert "feat: experiment""`);

    // app: the merge of hotfix/login and the branch itself are one hotfix ("hotfix: late" is after the end); infra: tag hotfix-0226
    expect(r.value('git.hotfixes.count')).toBe(2);
    expect(r.detail('git.hotfixes.count')).toBe(`app: commit ${sha.m2.slice(0, 12)} "Merge branch 'hotfix/login'"; infra: tag hotfix-0226`);

    // v1.0.0: c1 reverted before v1.0.1; v1.0.1: hotfix merged before v1.1.0; v3.3: hotfix tag after it.
    // v3.2 is followed by a revert too, of e1b, which v3.2 does not contain; v1.1.0 has no fix before the end.
    expect(r.value('git.changes.failure_rate')).toBe(3 / 5);
    expect(r.detail('git.changes.failure_rate')).toBe(
      `3 of 5 releases needed a fix; app v1.0.0: revert ${sha.c4.slice(0, 12)} of ${sha.c1.slice(0, 12)}; ` +
        `app v1.0.1: commit ${sha.m2.slice(0, 12)} "Merge branch 'hotfix/login'"; infra v3.3: tag hotfix-0226`,
    );

    expect(r.value('git.iac.repos')).toBe(2);
    expect(r.detail('git.iac.repos')).toBe('app: helm, kubernetes, terraform; infra: ansible, kubernetes, kustomize'); // app's Argo CD Application is a Kubernetes manifest that deploys
    expect(r.value('git.gitops.present')).toBe(true);
    expect(r.detail('git.gitops.present')).toBe('app: argocd/app.yaml (Argo CD Application)');
    // tools' docs/CODEOWNERS has no rule
    expect(r.value('git.review.codeowners_ratio')).toBe(1 / 3);
    expect(r.detail('git.review.codeowners_ratio')).toBe('app: .github/CODEOWNERS');
  });

  it('points every value at the git commands it came from, each reproducible', async () => {
    const r = await scan([instance({ repositories: ['app', 'infra', 'tools'] })]);
    const byId = new Map(r.evidence.records.map((e) => [e.id, e] as const));
    for (const id of GIT_SIGNAL_IDS) {
      const s = r.get(id);
      expect(s.evidence.length, id).toBeGreaterThan(0);
      for (const e of s.evidence) expect(byId.has(e), `${id} → ${e}`).toBe(true);
    }
    for (const e of r.evidence.records) {
      expect(e).toMatchObject({ collector: 'git', instance: 'local', method: 'GIT', attempt: 1 });
      // exit code 1 is an answer only for merge-base --is-ancestor (not an ancestor)
      expect(e.status === 0 || (e.status === 1 && e.url.includes(' merge-base --is-ancestor ')), e.url).toBe(true);
      const m = /^file:\/\/(\/[^#]+)#git (.*)$/.exec(e.url);
      expect(m, e.url).not.toBeNull();
      expect([join(root, 'app'), join(root, 'infra'), join(root, 'tools')]).toContain(decodeURIComponent(m![1]));
      expect(m![2].startsWith(GLOBAL_OPTIONS.join(' ') + ' ')).toBe(true);
      const sub = m![2].slice(GLOBAL_OPTIONS.join(' ').length + 1).split(' ')[0];
      expect(READ_ONLY_SUBCOMMANDS.has(sub), sub).toBe(true);
      expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    const urls = (id: GitSignalId) => r.get(id).evidence.map((e) => byId.get(e)!.url);
    expect(urls('git.releases.count').every((u) => u.includes('#git --no-pager -c core.quotepath=off for-each-ref'))).toBe(true);
    expect(urls('git.merges.ratio').filter((u) => / log -z /.test(u))).toHaveLength(3);
    expect(urls('git.changes.failure_rate').filter((u) => / merge-base --is-ancestor /.test(u))).toHaveLength(2);
    expect(urls('git.iac.repos').filter((u) => / ls-tree /.test(u))).toHaveLength(3);
    expect(urls('git.gitops.present').filter((u) => / cat-file --batch < stdin: \d+ lines, sha256 [0-9a-f]{64}$/.test(u))).toHaveLength(3);

    // The recorded hash is that of what the same command prints now.
    const refsArgs = [...GLOBAL_OPTIONS, 'for-each-ref', `--format=${REF_FORMAT}`, 'refs/heads', 'refs/remotes', 'refs/tags'];
    const refs = r.evidence.records.find((e) => e.url === `file://${join(root, 'app')}#git ${GLOBAL_OPTIONS.join(' ')} for-each-ref '--format=${REF_FORMAT}' refs/heads refs/remotes refs/tags`);
    expect(refs).toBeDefined();
    const out = execFileSync('git', refsArgs, { cwd: join(root, 'app'), env: gitEnvironment(join(root, 'app')) });
    if (!refs) return;
    expect(refs.sha256).toBe(createHash('sha256').update(out).digest('hex'));
    expect(refs.bytes).toBe(out.length);
    expect(refs.excerpt).toBe(out.toString('utf8').slice(0, 512));
  });

  it('changes nothing in the repository: no index refresh, no lock, no new file', async () => {
    const dir = join(root, 'app');
    // A tracked file whose mtime no longer matches the index: any index refresh would rewrite .git/index.
    const later = new Date('2030-01-01T00:00:00Z');
    utimesSync(join(dir, 'README.md'), later, later);
    const snapshot = () => ({ status: sh(dir, ['status', '--porcelain'], {}, { GIT_OPTIONAL_LOCKS: '0' }), index: statSync(join(dir, '.git/index')).mtimeMs, files: listing(join(dir, '.git')) });
    const before = snapshot();
    const r = await scan([instance({ repositories: ['app'] })]);
    expect(r.value('git.releases.count')).toBe(3);
    const after = snapshot();
    expect(after.status).toBe(before.status);
    expect(after.index).toBe(before.index);
    expect(after.files).toEqual(before.files);
  });

  it('the no-change check would notice a write: plain git status refreshes that stale index', () => {
    const dir = mkdtempSync(join(root, 'scratch-'));
    sh(root, ['clone', '-q', join(root, 'tools'), dir]);
    const later = new Date('2030-01-01T00:00:00Z');
    utimesSync(join(dir, 'Dockerfile'), later, later);
    const before = statSync(join(dir, '.git/index')).mtimeMs;
    const files = listing(join(dir, '.git'));
    sh(dir, ['status', '--porcelain']);
    expect(statSync(join(dir, '.git/index')).mtimeMs).not.toBe(before);
    expect(listing(join(dir, '.git'))).not.toEqual(files);
  });

  it('reads a bare clone like its work tree', async () => {
    const r = await scan([instance({ repositories: ['app.git'] })]);
    expect(r.value('git.repos.count')).toBe(1);
    expect(r.value('git.releases.count')).toBe(3);
    expect(r.value('git.commits.count')).toBe(7);
    expect(r.value('git.merges.ratio')).toBe(2 / 6);
    expect(r.value('git.changes.failure_rate')).toBe(2 / 3);
    // 0, 29h, 30h, 55h, 55h, 5d
    expect(r.value('git.changes.lead_time_median_seconds')).toBe((30 * H + 55 * H) / 2);
    expect(r.value('git.iac.repos')).toBe(1);
    expect(r.value('git.gitops.present')).toBe(true);
    expect(r.value('git.review.codeowners_ratio')).toBe(1);
  });

  it('measures the configured branch instead of HEAD', async () => {
    const r = await scan([instance({ repositories: ['app'], branch: 'feat/b' })]);
    expect(r.detail('git.repos.count')).toBe('app (refs/heads/feat/b)');
    expect(r.value('git.commits.count')).toBe(3); // c1, c2, c3
    expect(r.value('git.merges.ratio')).toBe(0);
    expect(r.value('git.reverts.count')).toBe(1); // c4 comes with release v1.0.1's history
    // c1 55h, c2 30h, c3 29h, all first released in v1.0.0
    expect(r.value('git.changes.lead_time_median_seconds')).toBe(30 * H);
  });

  it('measures a detached HEAD at the commit it points at', async () => {
    const dir = mkdtempSync(join(root, 'detached-'));
    sh(root, ['clone', '-q', join(root, 'tools'), dir]);
    sh(dir, ['checkout', '-q', '--detach', 'HEAD~1']);
    const r = await scan([instance({ repositories: [dir] })]);
    expect(r.detail('git.repos.count')).toMatch(/\(HEAD \(detached at [0-9a-f]{12}\)\)$/);
    expect(r.value('git.commits.count')).toBe(0); // the window's commit is after HEAD~1
    expect(r.value('git.iac.repos')).toBe(0);
  });

  it('fails the branch signals of a repository without the configured branch, and still counts its releases', async () => {
    const r = await scan([instance({ repositories: ['app'], branch: 'nope' })]);
    expect(r.value('git.releases.count')).toBe(3);
    expect(r.value('git.repos.count')).toBe(1);
    for (const id of ['git.commits.count', 'git.merges.ratio', 'git.changes.failure_rate', 'git.iac.repos', 'git.gitops.present'] as const) {
      expect(r.get(id)).toMatchObject({ status: 'failed', reason: 'branch nope not found in app' });
    }
  });

  it('takes release_tags and hotfix patterns from the config, (?i) included', async () => {
    const r = await scan([instance({ repositories: ['app'], release_tags: '^v1\\.0\\.', hotfix: '(?i)LOGIN' })]);
    expect(r.value('git.releases.count')).toBe(2);
    // branch hotfix/login, its commit "fix login crash" and the merge are one hotfix
    expect(r.value('git.hotfixes.count')).toBe(1);
    const sensitive = await scan([instance({ repositories: ['app'], hotfix: 'LOGIN' })]);
    expect(sensitive.value('git.hotfixes.count')).toBe(0);
  });

  it('adds up several instances as each signal\'s aggregation says', async () => {
    const r = await scan([instance({ repositories: ['app'] }, 'a'), instance({ repositories: ['infra', 'tools'] }, 'b')]);
    expect(r.value('git.repos.count')).toBe(3);
    expect(r.value('git.releases.count')).toBe(5);
    expect(r.value('git.commits.count')).toBe(13);
    expect(r.value('git.merges.ratio')).toBe(0); // min of 2/6 and 0/6
    expect(r.value('git.changes.failure_rate')).toBe(2 / 3); // max of 2/3 and 1/2
    expect(r.value('git.review.codeowners_ratio')).toBe(0); // min of 1 and 0
    expect(r.value('git.gitops.present')).toBe(true);
  });
});

describe('git collector: empty and missing repositories', () => {
  it('an empty repository: counts are 0, ratios not available', async () => {
    const r = await scan([instance({ repositories: ['empty'] })]);
    expect(r.runs[0].status).toBe('ok');
    for (const id of ['git.releases.count', 'git.commits.count', 'git.reverts.count', 'git.hotfixes.count', 'git.iac.repos'] as const) {
      expect(r.value(id), id).toBe(0);
    }
    expect(r.value('git.repos.count')).toBe(1);
    for (const id of [
      'git.releases.per_week', 'git.releases.weeks_with_release_ratio', 'git.releases.days_with_release_ratio',
      'git.changes.lead_time_median_seconds', 'git.merges.ratio', 'git.changes.failure_rate', 'git.gitops.present', 'git.review.codeowners_ratio',
    ] as const) {
      expect(r.get(id).status, id).toBe('not_available');
    }
    expect(r.get('git.releases.per_week').reason).toBe('no tag in empty matches release_tags ^v?\\d+\\.\\d+(\\.\\d+)?$: releases cannot be told');
    expect(r.get('git.merges.ratio').evidence.length).toBeGreaterThan(0);
  });

  it('a path that is not a repository fails every signal, naming the path', async () => {
    const r = await scan([instance({ repositories: ['plain'] })]);
    expect(r.runs[0]).toMatchObject({ status: 'failed', error_kind: 'not_found', error: 'plain is not a git repository' });
    for (const id of GIT_SIGNAL_IDS) expect(r.get(id), id).toMatchObject({ status: 'failed', reason: 'git/local failed: plain is not a git repository' });
    // the failed git command is the evidence: exit code 128 and git's own words
    const [ev] = r.get('git.repos.count').evidence;
    expect(r.evidence.records.find((e) => e.id === ev)).toMatchObject({ method: 'GIT', status: 128, error: expect.stringContaining('not a git repository') });
    // git did not climb to a repository above it
    const inside = await scan([instance({ repositories: ['app/charts'] })]);
    expect(inside.get('git.repos.count').reason).toBe('git/local failed: app/charts is not a git repository');
    const missing = await scan([instance({ repositories: ['nowhere'] })]);
    expect(missing.get('git.repos.count').reason).toBe('git/local failed: nowhere is not a git repository (no such directory)');
  });

  it('one repository of two missing: its signals fail, a GitOps manifest found elsewhere still counts', async () => {
    const r = await scan([instance({ repositories: ['app', 'plain'] })]);
    expect(r.runs[0].status).toBe('partial');
    expect(r.get('git.releases.count')).toMatchObject({ status: 'failed', reason: 'plain is not a git repository' });
    expect(r.get('git.repos.count').status).toBe('failed');
    expect(r.value('git.gitops.present')).toBe(true);
  });

});

describe('git runner', () => {
  const recorder = () => {
    const evidence = new EvidenceLog();
    return { evidence, record: createCommandRecorder({ collector: 'git', instance: 't', evidence, redactor: new Redactor() }) };
  };

  it('refuses any subcommand but the read-only ones, before running it', async () => {
    const { evidence, record } = recorder();
    const git = openGit(join(root, 'app'), { record, signal: new AbortController().signal, maxBytes: 1024 });
    for (const sub of ['commit', 'fetch', 'gc', 'status', 'config']) {
      const err = await git.run([sub]).catch((e: unknown) => e);
      expect(isCollectError(err, 'rejected'), sub).toBe(true);
    }
    expect(evidence.records).toEqual([]);
  });

  it('bounds the output: a command printing more fails and is recorded without a hash', async () => {
    const { evidence, record } = recorder();
    const git = openGit(join(root, 'app'), { record, signal: new AbortController().signal, maxBytes: 100 });
    const err = await git.run(['log', '--format=%H']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitCommandError);
    expect((err as Error).message).toContain('output exceeded 100 bytes');
    const records = evidence.records;
    expect(records).toEqual([expect.objectContaining({ error: 'output exceeded 100 bytes' })]);
    expect(records[0].status).toBeUndefined();
    expect(records[0].sha256).toBeUndefined();
  });

  it('stops at the collector\'s deadline', async () => {
    const { evidence, record } = recorder();
    const abort = new AbortController();
    abort.abort(new Error('collector deadline'));
    const git = openGit(join(root, 'app'), { record, signal: abort.signal, maxBytes: 1024 });
    const err = await git.run(['log', '--format=%H']).catch((e: unknown) => e);
    expect(isCollectError(err, 'aborted')).toBe(true);
    expect(evidence.records).toEqual([]);
  });

  it('runs git without the caller\'s GIT_* variables, with no locks, prompts or transports', () => {
    const env = gitEnvironment('/srv/repos/app', { PATH: '/usr/bin', GIT_DIR: '/elsewhere/.git', GIT_INDEX_FILE: '/tmp/index', HOME: '/home/x' });
    expect(env).toMatchObject({ PATH: '/usr/bin', HOME: '/home/x', GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: '', GIT_CEILING_DIRECTORIES: '/srv/repos' });
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.GIT_INDEX_FILE).toBeUndefined();
  });

  it('fetches nothing for a partial clone: the tree signals fail instead', async () => {
    sh(join(root, 'tools'), ['config', 'uploadpack.allowFilter', 'true']);
    const dir = join(root, 'partial');
    sh(root, ['clone', '-q', '--filter=blob:none', '--no-checkout', `file://${join(root, 'tools')}`, dir]);
    const packs = readdirSync(join(dir, '.git/objects/pack')).sort();
    const r = await scan([instance({ repositories: ['partial'] })]);
    expect(r.value('git.commits.count')).toBe(1);
    expect(r.get('git.iac.repos')).toMatchObject({ status: 'failed', reason: 'partial is a partial clone without all its file contents; the collector does not fetch them' });
    expect(readdirSync(join(dir, '.git/objects/pack')).sort()).toEqual(packs);
  });
});

describe('git collector: config and pure parts', () => {
  it('translates a tree and the files read into the shared definitions (src/delivery/repository.ts)', () => {
    const blob = (path: string, oid: string): TreeEntry => ({ mode: '100644', type: 'blob', oid, size: 10, path });
    const entries = [
      blob('CODEOWNERS', 'o1'), blob('.github/CODEOWNERS', 'o2'), blob('infra/main.tf', 't1'), blob('clusters/prod/app.yaml', 'a1'),
      blob('docs/example.yaml', 'k1'), { mode: '160000', type: 'commit', oid: 's1', size: -1, path: 'vendor-sub' },
    ];
    const contents = new Map([
      ['o1', Buffer.from('# no rule here\n')], ['o2', Buffer.from('* @team\n')],
      ['a1', Buffer.from('apiVersion: argoproj.io/v1alpha1\nkind: Application\n')], ['k1', Buffer.from('apiVersion: v1\nkind: Service\n')],
    ]);
    const facts = analyseTree(entries, contents, { deploy: 0, other: 0 });
    expect(facts.codeowners).toBeUndefined(); // the root file comes first and holds no rule
    expect([...facts.iac.keys()]).toEqual(['kubernetes', 'terraform']); // the Argo CD Application; docs/ is no deployment folder
    expect(facts.gitops).toEqual(['clusters/prod/app.yaml (Argo CD Application)']);
    expect(analyseTree(entries.slice(1), contents, { deploy: 0, other: 0 }).codeowners).toBe('.github/CODEOWNERS');
  });

  it('translates tags and commits into the shared delivery records (src/delivery), in milliseconds', () => {
    const c = (sha: string, parents: string[], at: number, subject = 'x', body = '') => ({ sha, parents, authorTime: at - 60, commitTime: at, subject, body });
    const a = 'a'.repeat(40), b = 'b'.repeat(40), side = 'c'.repeat(40);
    const graph = new Map([[a, c(a, [], 1000)], [b, c(b, [a], 2000)], [side, c(side, [a], 1500)]]);
    const rel = releaseRecord('app', { tag: 'v1.0', commit: b, date: 3000 });
    expect(rel).toEqual({ app: 'app', tag: 'v1.0', commit: b, at: 3_000_000 });
    const dep = releaseDeployment(rel, 4);
    expect(dep).toEqual({ app: 'app', environment: 'release', id: 4, sha: b, createdAt: 3_000_000, finishedAt: 3_000_000, status: 'success', automated: false });
    // the author date is the change's time: a rebase or cherry-pick keeps it
    expect(changeRecord('app', graph.get(a)!)).toEqual({ app: 'app', id: a.slice(0, 12), mergedAt: 940_000, sha: a });
    const contains = containsIn(graph);
    expect(contains(changeRecord('app', graph.get(a)!), dep)).toBe(true);
    expect(contains(changeRecord('app', graph.get(side)!), dep)).toBe(false);
    const revert = c('d'.repeat(40), [b], 2500, 'Revert "x"', `This reverts commit ${a}.`);
    expect(revertRecord('app', revert)).toEqual({ app: 'app', at: 2_500_000, label: `revert ${'d'.repeat(12)}`, reverts: [a] });
    expect(fixRecord('app', { label: 'tag hotfix-1', date: 2600 })).toEqual({ app: 'app', at: 2_600_000, label: 'tag hotfix-1' });
  });

  it('defaults release_tags and hotfix, rejects unknown keys and bad patterns', () => {
    expect(gitConfigSchema.parse({ repositories: ['.'] })).toEqual({ repositories: ['.'], release_tags: '^v?\\d+\\.\\d+(\\.\\d+)?$', hotfix: '(?i)hotfix' });
    expect(gitConfigSchema.safeParse({ repositories: ['.'], url: 'x' }).success).toBe(false);
    expect(gitConfigSchema.safeParse({ repositories: [] }).success).toBe(false);
    const bad = gitConfigSchema.safeParse({ repositories: ['.'], release_tags: '^v(' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['release_tags'], message: expect.stringContaining('not a valid regular expression for release_tags') });
    expect(gitConfigSchema.safeParse({ repositories: ['.'], branch: 'main branch' }).success).toBe(false);
  });

  it('compiles leading inline flags', () => {
    expect(compilePattern('(?i)hotfix').test('HotFix/x')).toBe(true);
    expect(compilePattern('hotfix').test('HotFix/x')).toBe(false);
    expect(compilePattern('^v?\\d+\\.\\d+(\\.\\d+)?$').test('v1.2.3')).toBe(true);
    expect(compilePattern('^v?\\d+\\.\\d+(\\.\\d+)?$').test('v1.2.3-rc1')).toBe(false);
  });

  it('buckets weeks back from the end, (start, end] each', () => {
    const w = { start: unix('2024-02-05T00:00:00Z'), end: unix('2024-03-04T00:00:00Z') };
    expect(weeksWithRelease([w.end], w)).toEqual({ weeks: 4, withRelease: 1 });
    expect(weeksWithRelease([w.end - 7 * D, w.end - 7 * D + 1], w)).toEqual({ weeks: 4, withRelease: 2 });
    expect(weeksWithRelease([w.start - 1, w.end + 1], w)).toEqual({ weeks: 4, withRelease: 0 });
    expect(weeksWithRelease([], { start: 0, end: 6 * D })).toEqual({ weeks: 0, withRelease: 0 });
  });

  it('counts whole UTC working days only', () => {
    // Wed 7 Feb 12:00 → Mon 12 Feb 12:00: whole days Thu 8, Fri 9, Sat 10, Sun 11 → 2 working days
    const w = { start: unix('2024-02-07T12:00:00Z'), end: unix('2024-02-12T12:00:00Z') };
    expect(workingDaysWithRelease([unix('2024-02-08T23:59:59Z'), unix('2024-02-10T10:00:00Z'), unix('2024-02-07T13:00:00Z')], w)).toEqual({ days: 2, withRelease: 1 });
  });

});

/** Every file under a folder with its size and mtime. */
function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[p.slice(dir.length)] = `${st.size}:${st.mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}
