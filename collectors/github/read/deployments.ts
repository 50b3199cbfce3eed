import { readFailed, type Read } from '../../../src/collector/kit.js';
import type { Window } from '../../../src/collector/types.js';
import { HISTORY_BEFORE_WINDOW } from '../../../src/delivery/deployments.js';
import { inWindow, type DeploymentRecord } from '../../../src/delivery/records.js';
import { deploymentSchema, deploymentStatusSchema, environmentSchema, type DeploymentStatus, type Environment } from '../api.js';
import type { GithubApi } from '../client.js';
import { batches, DEPLOYMENT_STATUSES_QUERY, deploymentNodeSchema, nodesAnswerSchema, restState } from '../graphql.js';
import { deploymentRecord, withStatuses } from '../translate.js';
import type { Repo } from './repositories.js';
import { settle } from './settle.js';

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

export async function readDeployments(api: GithubApi, repo: Repo, w: Window, isProduction: (environment: string) => boolean): Promise<DeploymentReads> {
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
  if (list.status !== 'ok') {
    const none = { ...readFailed(new Error(list.reason)), evidence: [] };
    return { list, statuses: none, environments: none };
  }

  // The statuses of the history before the window are read too: a rollback is a return to a version that was live.
  const prod = list.data.prod;
  const statuses = await settle(async (evidence) => {
    // In bulk over GraphQL, 100 deployments a query; one by one over REST only where GraphQL cannot
    // answer whole (no node id, more than 100 statuses).
    const bulk = new Map<number, DeploymentStatus[]>();
    for (const batch of batches(prod.filter((d) => nodeIds.has(d.id)))) {
      // Never reused from the cache: that a new status changes its deployment's updated_at (so
      // that an unchanged deployment list would mean no new status) is nowhere documented, and a
      // stale status would misstate the success rate.
      const got = await api.graphql('deployment statuses', DEPLOYMENT_STATUSES_QUERY, { ids: batch.map((d) => nodeIds.get(d.id)!) }, nodesAnswerSchema(deploymentNodeSchema));
      evidence.push(...got.evidence);
      got.data.nodes.forEach((node, k) => {
        if (!node?.statuses || node.statuses.pageInfo.hasNextPage) return;
        const found = node.statuses.nodes;
        // GitHub lists statuses newest first, as REST does: ids that order them the same way break ties of created_at.
        bulk.set(batch[k].id, found.map((st, j) => ({ id: found.length - j, state: restState(st.state), created_at: st.createdAt })));
      });
    }
    for (let i = 0; i < prod.length; i++) {
      const known = bulk.get(prod[i].id);
      if (known) {
        prod[i] = withStatuses(prod[i], known);
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
