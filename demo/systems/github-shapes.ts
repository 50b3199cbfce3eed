/**
 * GitHub REST API objects in the shapes the API documents (docs.github.com/rest, API version
 * 2022-11-28: simple-user, minimal-repository, deployment, deployment-status, environment,
 * release, tag, commit, pull-request-simple, pull-request-review, workflow-run, check-run,
 * combined-commit-status, commit-comparison, git-tree, blob, branch-protection,
 * repository-rule-detailed), for the fake API server and the tests. Every documented field the
 * collector does not read is present too, with plausible values, so that a schema that relied
 * on the wrong field would be caught.
 */

export interface ShapeBase {
  /** API root the objects' URLs point at, e.g. https://api.github.com. */
  api: string;
  /** Web root, e.g. https://github.com. */
  web: string;
}

export const GITHUB_COM: ShapeBase = { api: 'https://api.github.com', web: 'https://github.com' };

function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64').replace(/=/g, '')}`;
}

export function simpleUser(b: ShapeBase, login: string, id: number, type: 'User' | 'Bot' | 'Organization' = 'User') {
  return {
    login,
    id,
    node_id: nodeId(type === 'Bot' ? 'BOT' : type === 'Organization' ? 'O' : 'U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `${b.api}/users/${encodeURIComponent(login)}`,
    html_url: `${b.web}/${type === 'Bot' ? 'apps/' + login.replace(/\[bot\]$/, '') : login}`,
    followers_url: `${b.api}/users/${encodeURIComponent(login)}/followers`,
    following_url: `${b.api}/users/${encodeURIComponent(login)}/following{/other_user}`,
    gists_url: `${b.api}/users/${encodeURIComponent(login)}/gists{/gist_id}`,
    starred_url: `${b.api}/users/${encodeURIComponent(login)}/starred{/owner}{/repo}`,
    subscriptions_url: `${b.api}/users/${encodeURIComponent(login)}/subscriptions`,
    organizations_url: `${b.api}/users/${encodeURIComponent(login)}/orgs`,
    repos_url: `${b.api}/users/${encodeURIComponent(login)}/repos`,
    events_url: `${b.api}/users/${encodeURIComponent(login)}/events{/privacy}`,
    received_events_url: `${b.api}/users/${encodeURIComponent(login)}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The GitHub Actions app, as `performed_via_github_app` shows it. */
export function actionsApp(b: ShapeBase) {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    client_id: 'Iv1.05c79e9ad1f6bdfa',
    owner: simpleUser(b, 'github', 9919, 'Organization'),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${b.web}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: { actions: 'write', checks: 'write', contents: 'write', deployments: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
    events: ['check_run', 'check_suite', 'deployment', 'pull_request', 'push', 'workflow_dispatch'],
  };
}

export interface RepoSpec {
  owner: string;
  name: string;
  id: number;
  archived?: boolean;
  fork?: boolean;
  private?: boolean;
  default_branch?: string;
  pushed_at: string;
  created_at?: string;
}

export function repository(b: ShapeBase, r: RepoSpec) {
  const full = `${r.owner}/${r.name}`;
  const url = `${b.api}/repos/${full}`;
  return {
    id: r.id,
    node_id: nodeId('R', r.id),
    name: r.name,
    full_name: full,
    private: r.private ?? true,
    owner: simpleUser(b, r.owner, 1000 + (r.id % 97), 'Organization'),
    html_url: `${b.web}/${full}`,
    description: `The ${r.name} service`,
    fork: r.fork ?? false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git:${b.web.replace(/^https?:/, '')}/${full}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@${new URL(b.web).host}:${full}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${b.web}/${full}.git`,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: `${b.web}/${full}`,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    stargazers_count: 3,
    watchers_count: 3,
    size: 2048,
    default_branch: r.default_branch ?? 'main',
    open_issues_count: 2,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: r.archived ?? false,
    disabled: false,
    visibility: r.private === false ? 'public' : 'private',
    pushed_at: r.pushed_at,
    created_at: r.created_at ?? '2021-03-01T09:00:00Z',
    updated_at: r.pushed_at,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
    allow_forking: false,
    web_commit_signoff_required: false,
    license: null,
    forks: 0,
    open_issues: 2,
    watchers: 3,
  };
}

export interface DeploymentSpec {
  id: number;
  sha: string;
  ref?: string;
  environment: string;
  created_at: string;
  /** Who created it: a bot (github-actions[bot], performed via the Actions app) or a person. */
  by: { login: string; bot: boolean; id?: number };
  production?: boolean;
}

export function deployment(b: ShapeBase, full: string, d: DeploymentSpec) {
  const url = `${b.api}/repos/${full}/deployments/${d.id}`;
  const creator = d.by.bot ? simpleUser(b, d.by.login, d.by.id ?? 41898282, 'Bot') : simpleUser(b, d.by.login, d.by.id ?? 583231);
  return {
    url,
    id: d.id,
    node_id: nodeId('DE', d.id),
    task: 'deploy',
    original_environment: d.environment,
    environment: d.environment,
    description: null,
    created_at: d.created_at,
    updated_at: d.created_at,
    statuses_url: `${url}/statuses`,
    repository_url: `${b.api}/repos/${full}`,
    creator,
    sha: d.sha,
    ref: d.ref ?? 'main',
    payload: {},
    transient_environment: false,
    production_environment: d.production ?? /prod/i.test(d.environment),
    performed_via_github_app: d.by.bot ? actionsApp(b) : null,
  };
}

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';

export function deploymentStatus(b: ShapeBase, full: string, deploymentId: number, s: { id: number; state: DeploymentState; created_at: string; environment: string; bot?: boolean }) {
  const dep = `${b.api}/repos/${full}/deployments/${deploymentId}`;
  return {
    url: `${dep}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES', s.id),
    state: s.state,
    creator: s.bot === false ? simpleUser(b, 'octocat', 583231) : simpleUser(b, 'github-actions[bot]', 41898282, 'Bot'),
    description: s.state === 'success' ? 'Deployment finished successfully.' : s.state === 'inactive' ? '' : `Deployment ${s.state}`,
    environment: s.environment,
    target_url: `${b.web}/${full}/actions/runs/${deploymentId}`,
    created_at: s.created_at,
    updated_at: s.created_at,
    deployment_url: dep,
    repository_url: `${b.api}/repos/${full}`,
    environment_url: s.state === 'success' ? `https://${s.environment}.example.com/` : '',
    log_url: `${b.web}/${full}/actions/runs/${deploymentId}`,
    performed_via_github_app: s.bot === false ? null : actionsApp(b),
  };
}

export interface EnvironmentSpec {
  id: number;
  name: string;
  reviewers?: string[];
  wait_timer?: number;
  branch_policy?: boolean;
}

export function environment(b: ShapeBase, full: string, e: EnvironmentSpec) {
  const rules: unknown[] = [];
  if (e.wait_timer !== undefined) rules.push({ id: e.id * 10 + 1, node_id: nodeId('GA', e.id * 10 + 1), type: 'wait_timer', wait_timer: e.wait_timer });
  if (e.reviewers?.length) {
    rules.push({
      id: e.id * 10 + 2,
      node_id: nodeId('GA', e.id * 10 + 2),
      prevent_self_review: true,
      type: 'required_reviewers',
      reviewers: e.reviewers.map((login, i) => ({ type: 'User', reviewer: simpleUser(b, login, 7000 + i) })),
    });
  }
  if (e.branch_policy) rules.push({ id: e.id * 10 + 3, node_id: nodeId('GA', e.id * 10 + 3), type: 'branch_policy' });
  return {
    id: e.id,
    node_id: nodeId('EN', e.id),
    name: e.name,
    url: `${b.api}/repos/${full}/environments/${encodeURIComponent(e.name)}`,
    html_url: `${b.web}/${full}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
    created_at: '2024-05-02T10:00:00Z',
    updated_at: '2025-01-15T10:00:00Z',
    can_admins_bypass: true,
    protection_rules: rules,
    deployment_branch_policy: e.branch_policy ? { protected_branches: true, custom_branch_policies: false } : null,
  };
}

export function release(b: ShapeBase, full: string, r: { id: number; tag: string; created_at: string; published_at: string | null; draft?: boolean; prerelease?: boolean; author?: string }) {
  const url = `${b.api}/repos/${full}/releases/${r.id}`;
  return {
    url,
    html_url: `${b.web}/${full}/releases/tag/${r.tag}`,
    assets_url: `${url}/assets`,
    upload_url: `https://uploads.github.com/repos/${full}/releases/${r.id}/assets{?name,label}`,
    tarball_url: `${b.api}/repos/${full}/tarball/${r.tag}`,
    zipball_url: `${b.api}/repos/${full}/zipball/${r.tag}`,
    id: r.id,
    node_id: nodeId('RE', r.id),
    tag_name: r.tag,
    target_commitish: 'main',
    name: r.tag,
    body: `## What's changed\n* Release ${r.tag}`,
    draft: r.draft ?? false,
    prerelease: r.prerelease ?? false,
    immutable: false,
    created_at: r.created_at,
    updated_at: r.published_at ?? r.created_at,
    published_at: r.published_at,
    author: simpleUser(b, r.author ?? 'github-actions[bot]', 41898282, r.author ? 'User' : 'Bot'),
    assets: [],
  };
}

export function tag(b: ShapeBase, full: string, name: string, sha: string) {
  return {
    name,
    commit: { sha, url: `${b.api}/repos/${full}/commits/${sha}` },
    zipball_url: `${b.api}/repos/${full}/zipball/refs/tags/${name}`,
    tarball_url: `${b.api}/repos/${full}/tarball/refs/tags/${name}`,
    node_id: nodeId('REF', `${full}:${name}`),
  };
}

export function commit(b: ShapeBase, full: string, c: { sha: string; date: string; message: string; author?: string }) {
  const person = { name: c.author ?? 'Alice Example', email: `${(c.author ?? 'alice').toLowerCase()}@example.com`, date: c.date };
  return {
    url: `${b.api}/repos/${full}/commits/${c.sha}`,
    sha: c.sha,
    node_id: nodeId('C', c.sha),
    html_url: `${b.web}/${full}/commit/${c.sha}`,
    comments_url: `${b.api}/repos/${full}/commits/${c.sha}/comments`,
    commit: {
      url: `${b.api}/repos/${full}/git/commits/${c.sha}`,
      author: person,
      committer: { name: 'GitHub', email: 'noreply@github.com', date: c.date },
      message: c.message,
      tree: { url: `${b.api}/repos/${full}/git/trees/${c.sha.split('').reverse().join('')}`, sha: c.sha.split('').reverse().join('') },
      comment_count: 0,
      verification: { verified: true, reason: 'valid', signature: null, payload: null, verified_at: c.date },
    },
    author: simpleUser(b, c.author ?? 'alice', 583300),
    committer: simpleUser(b, 'web-flow', 19864447),
    parents: [],
  };
}

export interface PullSpec {
  number: number;
  author: string;
  created_at: string;
  updated_at: string;
  merged_at: string | null;
  closed_at?: string | null;
  merge_commit_sha: string | null;
  head_sha: string;
  base?: string;
  head_ref?: string;
}

export function pull(b: ShapeBase, repo: ReturnType<typeof repository>, p: PullSpec) {
  const full = repo.full_name;
  const url = `${b.api}/repos/${full}/pulls/${p.number}`;
  const user = simpleUser(b, p.author, 600000 + p.author.length);
  const branchRef = (ref: string, sha: string) => ({ label: `${repo.owner.login}:${ref}`, ref, sha, user: repo.owner, repo });
  return {
    url,
    id: 1_900_000_000 + p.number,
    node_id: nodeId('PR', repo.id === undefined ? p.number : `${repo.id}:${p.number}`),
    html_url: `${b.web}/${full}/pull/${p.number}`,
    diff_url: `${b.web}/${full}/pull/${p.number}.diff`,
    patch_url: `${b.web}/${full}/pull/${p.number}.patch`,
    issue_url: `${b.api}/repos/${full}/issues/${p.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${b.api}/repos/${full}/pulls/comments{/number}`,
    comments_url: `${b.api}/repos/${full}/issues/${p.number}/comments`,
    statuses_url: `${b.api}/repos/${full}/statuses/${p.head_sha}`,
    number: p.number,
    state: 'closed',
    locked: false,
    title: `Change #${p.number}`,
    user,
    body: 'What changes, why, how it was tested, how to roll back.',
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: p.created_at,
    updated_at: p.updated_at,
    closed_at: p.closed_at === undefined ? (p.merged_at ?? p.updated_at) : p.closed_at,
    merged_at: p.merged_at,
    merge_commit_sha: p.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchRef(p.head_ref ?? `feature/${p.number}`, p.head_sha),
    base: branchRef(p.base ?? repo.default_branch, p.merge_commit_sha ?? p.head_sha),
    _links: {
      self: { href: url },
      html: { href: `${b.web}/${full}/pull/${p.number}` },
      issue: { href: `${b.api}/repos/${full}/issues/${p.number}` },
      comments: { href: `${b.api}/repos/${full}/issues/${p.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${b.api}/repos/${full}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${b.api}/repos/${full}/statuses/${p.head_sha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: false,
  };
}

export function review(b: ShapeBase, full: string, pullNumber: number, r: { id: number; user: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING'; submitted_at: string; commit_id: string }) {
  return {
    id: r.id,
    node_id: nodeId('PRR', r.id),
    user: simpleUser(b, r.user, 700000 + r.user.length),
    body: r.state === 'APPROVED' ? 'LGTM' : 'A question inline.',
    state: r.state,
    html_url: `${b.web}/${full}/pull/${pullNumber}#pullrequestreview-${r.id}`,
    pull_request_url: `${b.api}/repos/${full}/pulls/${pullNumber}`,
    _links: { html: { href: `${b.web}/${full}/pull/${pullNumber}#pullrequestreview-${r.id}` }, pull_request: { href: `${b.api}/repos/${full}/pulls/${pullNumber}` } },
    submitted_at: r.submitted_at,
    commit_id: r.commit_id,
    author_association: 'MEMBER',
  };
}

export function workflowRun(b: ShapeBase, repo: ReturnType<typeof repository>, r: { id: number; head_sha: string; created_at: string; status: 'completed' | 'in_progress' | 'queued'; conclusion: string | null; pull_number?: number; event?: string; name?: string }) {
  const full = repo.full_name;
  const url = `${b.api}/repos/${full}/actions/runs/${r.id}`;
  const minimal = { id: repo.id, node_id: repo.node_id, name: repo.name, full_name: full, owner: repo.owner, private: repo.private, html_url: repo.html_url, description: repo.description, fork: repo.fork, url: repo.url };
  return {
    id: r.id,
    name: r.name ?? 'CI',
    node_id: nodeId('WFR', r.id),
    head_branch: r.pull_number ? `feature/${r.pull_number}` : 'main',
    head_sha: r.head_sha,
    path: '.github/workflows/ci.yml',
    display_title: r.pull_number ? `Change #${r.pull_number}` : 'CI',
    run_number: r.id % 10000,
    event: r.event ?? 'pull_request',
    status: r.status,
    conclusion: r.conclusion,
    workflow_id: 161335,
    check_suite_id: r.id + 1,
    check_suite_node_id: nodeId('CS', r.id + 1),
    url,
    html_url: `${b.web}/${full}/actions/runs/${r.id}`,
    pull_requests: r.pull_number ? [{ url: `${b.api}/repos/${full}/pulls/${r.pull_number}`, id: 1_900_000_000 + r.pull_number, number: r.pull_number, head: { ref: `feature/${r.pull_number}`, sha: r.head_sha, repo: { id: repo.id, url: repo.url, name: repo.name } }, base: { ref: repo.default_branch, sha: r.head_sha, repo: { id: repo.id, url: repo.url, name: repo.name } } }] : [],
    created_at: r.created_at,
    updated_at: r.created_at,
    actor: simpleUser(b, 'alice', 583300),
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: r.created_at,
    triggering_actor: simpleUser(b, 'alice', 583300),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${b.api}/repos/${full}/check-suites/${r.id + 1}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${b.api}/repos/${full}/actions/workflows/161335`,
    head_commit: { id: r.head_sha, tree_id: r.head_sha.split('').reverse().join(''), message: `Change #${r.pull_number ?? 0}`, timestamp: r.created_at, author: { name: 'Alice Example', email: 'alice@example.com' }, committer: { name: 'Alice Example', email: 'alice@example.com' } },
    repository: minimal,
    head_repository: minimal,
  };
}

export function workflowRuns(runs: unknown[], total = runs.length) {
  return { total_count: total, workflow_runs: runs };
}

export function checkRun(b: ShapeBase, full: string, c: { id: number; name: string; head_sha: string; status: 'completed' | 'in_progress' | 'queued'; conclusion: string | null; app?: string; completed_at?: string }) {
  return {
    id: c.id,
    head_sha: c.head_sha,
    node_id: nodeId('CR', c.id),
    external_id: String(c.id),
    url: `${b.api}/repos/${full}/check-runs/${c.id}`,
    html_url: `${b.web}/${full}/runs/${c.id}`,
    details_url: `https://ci.example.com/job/${c.id}`,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.completed_at ?? '2026-01-01T00:00:00Z',
    completed_at: c.status === 'completed' ? (c.completed_at ?? '2026-01-01T00:05:00Z') : null,
    output: { title: c.name, summary: `${c.name}: ${c.conclusion ?? c.status}`, text: null, annotations_count: 0, annotations_url: `${b.api}/repos/${full}/check-runs/${c.id}/annotations` },
    name: c.name,
    check_suite: { id: c.id + 1 },
    app: { id: 9426, slug: c.app ?? 'jenkins', node_id: 'MDM6QXBwOTQyNg==', owner: simpleUser(b, 'acme', 1000, 'Organization'), name: c.app ?? 'Jenkins', description: 'CI', external_url: 'https://ci.example.com', html_url: `${b.web}/apps/${c.app ?? 'jenkins'}`, created_at: '2020-01-01T00:00:00Z', updated_at: '2020-01-01T00:00:00Z', permissions: { checks: 'write', metadata: 'read' }, events: [] },
    pull_requests: [],
  };
}

export function checkRuns(runs: unknown[]) {
  return { total_count: runs.length, check_runs: runs };
}

export function combinedStatus(b: ShapeBase, repo: ReturnType<typeof repository>, sha: string, statuses: { id: number; context: string; state: 'success' | 'failure' | 'error' | 'pending'; at: string }[]) {
  const full = repo.full_name;
  const state = statuses.length === 0 ? 'pending' : statuses.some((s) => s.state === 'failure' || s.state === 'error') ? 'failure' : statuses.every((s) => s.state === 'success') ? 'success' : 'pending';
  return {
    state,
    statuses: statuses.map((s) => ({
      url: `${b.api}/repos/${full}/statuses/${sha}`,
      avatar_url: 'https://avatars.githubusercontent.com/oa/4808?v=4',
      id: s.id,
      node_id: nodeId('SC', s.id),
      state: s.state,
      description: `The build ${s.state === 'success' ? 'passed' : s.state === 'pending' ? 'is running' : 'failed'}`,
      target_url: `https://ci.example.com/build/${s.id}`,
      context: s.context,
      created_at: s.at,
      updated_at: s.at,
    })),
    sha,
    total_count: statuses.length,
    repository: { id: repo.id, node_id: repo.node_id, name: repo.name, full_name: full, owner: repo.owner, private: repo.private, html_url: repo.html_url, description: repo.description, fork: repo.fork, url: repo.url },
    commit_url: `${b.api}/repos/${full}/commits/${sha}`,
    url: `${b.api}/repos/${full}/commits/${sha}/status`,
  };
}

export function comparison(b: ShapeBase, full: string, base: string, head: string, status: 'diverged' | 'ahead' | 'behind' | 'identical', ahead: number, behind: number, commits: unknown[] = []) {
  return {
    url: `${b.api}/repos/${full}/compare/${base}...${head}`,
    html_url: `${b.web}/${full}/compare/${base}...${head}`,
    permalink_url: `${b.web}/${full}/compare/acme:${base.slice(0, 7)}...acme:${head.slice(0, 7)}`,
    diff_url: `${b.web}/${full}/compare/${base}...${head}.diff`,
    patch_url: `${b.web}/${full}/compare/${base}...${head}.patch`,
    base_commit: commit(b, full, { sha: base, date: '2026-01-01T00:00:00Z', message: 'base' }),
    merge_base_commit: commit(b, full, { sha: status === 'behind' ? head : base, date: '2026-01-01T00:00:00Z', message: 'merge base' }),
    status,
    ahead_by: ahead,
    behind_by: behind,
    total_commits: ahead,
    commits,
    files: [],
  };
}

export function tree(b: ShapeBase, full: string, sha: string, entries: { path: string; type?: 'blob' | 'tree'; sha: string; size?: number }[], truncated = false) {
  return {
    sha,
    url: `${b.api}/repos/${full}/git/trees/${sha}`,
    tree: entries.map((e) => ({
      path: e.path,
      mode: e.type === 'tree' ? '040000' : '100644',
      type: e.type ?? 'blob',
      sha: e.sha,
      ...(e.type === 'tree' ? {} : { size: e.size ?? 100 }),
      url: `${b.api}/repos/${full}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
    })),
    truncated,
  };
}

export function blob(b: ShapeBase, full: string, sha: string, text: string) {
  const content = Buffer.from(text, 'utf8').toString('base64').replace(/(.{60})/g, '$1\n');
  return { content, encoding: 'base64', url: `${b.api}/repos/${full}/git/blobs/${sha}`, sha, size: Buffer.byteLength(text), node_id: nodeId('B', sha) };
}

export function branchProtection(b: ShapeBase, full: string, branch: string, p: { approvals?: number; contexts?: string[] }) {
  const url = `${b.api}/repos/${full}/branches/${branch}/protection`;
  return {
    url,
    ...(p.contexts
      ? {
          required_status_checks: {
            url: `${url}/required_status_checks`,
            strict: true,
            contexts: p.contexts,
            contexts_url: `${url}/required_status_checks/contexts`,
            checks: p.contexts.map((context) => ({ context, app_id: null })),
          },
        }
      : {}),
    ...(p.approvals !== undefined
      ? {
          required_pull_request_reviews: {
            url: `${url}/required_pull_request_reviews`,
            dismiss_stale_reviews: true,
            require_code_owner_reviews: true,
            required_approving_review_count: p.approvals,
            require_last_push_approval: false,
          },
        }
      : {}),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: true },
    required_linear_history: { enabled: false },
    allow_force_pushes: { enabled: false },
    allow_deletions: { enabled: false },
    block_creations: { enabled: false },
    required_conversation_resolution: { enabled: true },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
}

export function branchRules(source: string, rulesetId: number, r: { approvals?: number; checks?: string[]; extra?: boolean }) {
  const info = { ruleset_source_type: 'Organization', ruleset_source: source, ruleset_id: rulesetId };
  const out: unknown[] = [];
  if (r.extra !== false) out.push({ type: 'deletion', ...info }, { type: 'non_fast_forward', ...info });
  if (r.approvals !== undefined) {
    out.push({
      type: 'pull_request',
      ...info,
      parameters: {
        allowed_merge_methods: ['merge', 'squash', 'rebase'],
        dismiss_stale_reviews_on_push: true,
        require_code_owner_review: false,
        require_last_push_approval: false,
        required_approving_review_count: r.approvals,
        required_review_thread_resolution: false,
      },
    });
  }
  if (r.checks) {
    out.push({
      type: 'required_status_checks',
      ...info,
      parameters: { do_not_enforce_on_create: false, required_status_checks: r.checks.map((context) => ({ context })), strict_required_status_checks_policy: true },
    });
  }
  return out;
}

/** The documented error bodies. */
export function errorBody(message: string, doc = 'https://docs.github.com/rest', status?: number) {
  return status === undefined ? { message, documentation_url: doc } : { message, documentation_url: doc, status: String(status) };
}
