import { mapRead, readFailed, type Read } from '../../../src/collector/kit.js';
import type { Window } from '../../../src/collector/types.js';
import { HISTORY_BEFORE_WINDOW } from '../../../src/delivery/deployments.js';
import { inWindow, type DeploymentRecord } from '../../../src/delivery/records.js';
import { deploymentSchema, deploymentStatusSchema, environmentSchema, type DeploymentStatus, type Environment } from '../api.js';
import type { GithubApi } from '../client.js';
import { DEPLOYMENT_STATUSES_QUERY, deploymentNodeSchema, restState } from '../graphql.js';
import { nodesAcrossRepositories } from './nodes.js';
import { deploymentRecord, withStatuses } from '../translate.js';
import type { Repo } from './repositories.js';
import { dataOf, settle } from './settle.js';

export interface DeploymentList {
  /** Production deployments fetched (the window and the rest of the last page before it), oldest first; their statuses once read. */
  prod: DeploymentRecord[];
  /** Deployments fetched in all environments (for the detail). */
  fetched: number;
  /** A production deployment is among those listed, however old: the repository is an application. */
  deploysToProduction: boolean;
}

export interface DeploymentReads {
  list: Read<DeploymentList>;
  /** The final states of `list.prod`, written into its records. */
  statuses: Read<null>;
  /** The repository's environments; undefined when it has no production deployment in the window. */
  environments: Read<Environment[] | undefined>;
}

const span = (w: Window) => ({ start: w.start.getTime(), end: w.end.getTime() });

/** A repository's production deployments listed, and the GraphQL node id of each deployment listed. */
export interface ListedDeployments {
  list: Read<DeploymentList>;
  nodeIds: Map<number, string>;
}

/** Lists a repository's deployments: the window and the history before it. */
export async function listDeployments(api: GithubApi, repo: Repo, w: Window, isProduction: (environment: string) => boolean): Promise<ListedDeployments> {
  const { owner, name } = repo;
  const start = w.start.getTime();
  let nodeIds = new Map<number, string>();
  const list = await settle<DeploymentList>(async (evidence) => {
    // Newest first: stop once a page reaches past the window's start.
    const page = await api.list('GET /repos/{owner}/{repo}/deployments', { owner, repo: name }, deploymentSchema,
      (items) => items.some((d) => Date.parse(d.created_at) < start));
    evidence.push(...page.evidence);
    // Production only, from HISTORY_BEFORE_WINDOW before the window (the page may reach further back).
    const since = start - HISTORY_BEFORE_WINDOW;
    const prod = page.data
      .filter((d) => isProduction(d.environment) && Date.parse(d.created_at) >= since)
      .map((d) => deploymentRecord(repo.full, d))
      .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
    nodeIds = new Map(page.data.filter((d) => d.node_id).map((d) => [d.id, d.node_id!]));
    return { prod, fetched: page.data.length, deploysToProduction: page.data.some((d) => isProduction(d.environment)) };
  });
  return { list, nodeIds };
}

/**
 * The statuses of every repository's production deployments (the history before the window too:
 * a rollback is a return to a version that was live), over GraphQL, 100 deployments a query
 * whatever their repository. Never reused from the cache: that a new status changes its
 * deployment's updated_at (so that an unchanged deployment list would mean no new status) is
 * nowhere documented, and a stale status would misstate the success rate. Pooled across
 * repositories, this is one request per 100 deployments of the organisation, not one per repository.
 */
export async function deploymentStatusesInBulk(api: GithubApi, listed: readonly ListedDeployments[]): Promise<Read<Map<number, DeploymentStatus[]>>[]> {
  const wanted = listed.map((l) => (l.list.status === 'ok' ? l.list.data.prod.filter((d) => l.nodeIds.has(d.id)).map((d) => l.nodeIds.get(d.id)!) : []));
  const nodes = await nodesAcrossRepositories(api, 'deployment statuses', DEPLOYMENT_STATUSES_QUERY, deploymentNodeSchema, wanted);
  return nodes.map((read, i) => mapRead(read, (byId) => {
    const statuses = new Map<number, DeploymentStatus[]>();
    for (const [id, nodeId] of listed[i].nodeIds) {
      const node = byId.get(nodeId);
      // More than 100 statuses: read over REST.
      if (!node?.statuses || node.statuses.pageInfo.hasNextPage) continue;
      const found = node.statuses.nodes;
      // GitHub lists statuses newest first, as REST does: ids that order them the same way break ties of created_at.
      statuses.set(id, found.map((st, j) => ({ id: found.length - j, state: restState(st.state), created_at: st.createdAt })));
    }
    return statuses;
  }));
}

/**
 * A repository's deployments with their final states: from the pooled statuses, and over REST one
 * by one where GraphQL could not answer whole (no node id, more than 100 statuses); and its
 * environments when it deployed to production in the window.
 */
export async function readDeployments(api: GithubApi, repo: Repo, listed: ListedDeployments, bulk: Read<Map<number, DeploymentStatus[]>>, w: Window): Promise<DeploymentReads> {
  const { owner, name } = repo;
  const { list } = listed;
  if (list.status !== 'ok') {
    const none = { ...readFailed(new Error(list.reason)), evidence: [] };
    return { list, statuses: none, environments: none };
  }
  const prod = list.data.prod;
  const statuses = await settle(async (evidence) => {
    const known = dataOf(bulk, evidence);
    for (let i = 0; i < prod.length; i++) {
      const found = known.get(prod[i].id);
      if (found) {
        prod[i] = withStatuses(prod[i], found);
        continue;
      }
      const page = await api.list('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { owner, repo: name, deployment_id: prod[i].id }, deploymentStatusSchema);
      evidence.push(...page.evidence);
      prod[i] = withStatuses(prod[i], page.data);
    }
    return null;
  });

  const environments = await settle(async (evidence) => {
    if (!prod.some((d) => inWindow(d.createdAt, span(w)))) return undefined;
    const page = await api.list('GET /repos/{owner}/{repo}/environments', { owner, repo: name }, environmentSchema);
    evidence.push(...page.evidence);
    return page.data;
  });
  return { list, statuses, environments };
}
