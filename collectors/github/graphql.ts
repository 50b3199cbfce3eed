import { z } from 'zod';

/**
 * The GraphQL queries that read in one request per 100 items what the REST API gives one
 * request per item: the statuses of deployments, the approvals and the head commit's checks of
 * pull requests. Both ask by the items' node ids (from the REST lists already read, so the
 * items are the same as before), 100 ids a query, and read `rateLimit { cost remaining resetAt }`.
 * Only `query` documents: the core's fetch refuses anything else.
 */

/** Ids per query: GitHub's limit for `nodes(ids:)` and for a connection's `first`. */
export const IDS_PER_QUERY = 100;

export const DEPLOYMENT_STATUSES_QUERY = `query DeploymentStatuses($ids: [ID!]!) {
  rateLimit { cost remaining resetAt }
  nodes(ids: $ids) {
    __typename
    ... on Deployment {
      id
      databaseId
      statuses(first: 100) {
        pageInfo { hasNextPage endCursor }
        nodes { state createdAt }
      }
    }
  }
}`;

export const PULL_CHECKS_QUERY = `query PullRequestReviewsAndChecks($ids: [ID!]!) {
  rateLimit { cost remaining resetAt }
  nodes(ids: $ids) {
    __typename
    ... on PullRequest {
      id
      number
      author { login }
      reviews(first: 100, states: [APPROVED]) {
        pageInfo { hasNextPage endCursor }
        nodes { state submittedAt author { login } }
      }
      commits(last: 1) {
        nodes {
          commit {
            oid
            statusCheckRollup {
              state
              contexts(first: 100) {
                pageInfo { hasNextPage endCursor }
                nodes {
                  __typename
                  ... on CheckRun { name status conclusion }
                  ... on StatusContext { context state }
                }
              }
            }
          }
        }
      }
    }
  }
}`;

const dateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date-time');
const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable().optional() });
const actor = z.object({ login: z.string() }).nullable();

export const rateLimitSchema = z.object({ cost: z.number(), remaining: z.number(), resetAt: dateTime });
export type GraphqlRateLimit = z.infer<typeof rateLimitSchema>;

/** DeploymentStatusState, as GitHub's GraphQL schema spells it. */
const deploymentState = z.enum(['ERROR', 'FAILURE', 'INACTIVE', 'PENDING', 'SUCCESS', 'QUEUED', 'IN_PROGRESS', 'WAITING']);

export const deploymentNodeSchema = z.object({
  __typename: z.literal('Deployment'),
  id: z.string(),
  databaseId: z.number().nullable(),
  statuses: z.object({ pageInfo, nodes: z.array(z.object({ state: deploymentState, createdAt: dateTime })) }).nullable(),
});
export type DeploymentNode = z.infer<typeof deploymentNodeSchema>;

const contextSchema = z.union([
  z.object({ __typename: z.literal('CheckRun'), name: z.string(), status: z.string(), conclusion: z.string().nullable() }),
  z.object({ __typename: z.literal('StatusContext'), context: z.string(), state: z.string() }),
]);

export const pullNodeSchema = z.object({
  __typename: z.literal('PullRequest'),
  id: z.string(),
  number: z.number(),
  author: actor,
  reviews: z.object({ pageInfo, nodes: z.array(z.object({ state: z.string(), submittedAt: dateTime.nullable(), author: actor })) }).nullable(),
  commits: z.object({
    nodes: z.array(z.object({
      commit: z.object({
        oid: z.string(),
        statusCheckRollup: z.object({ state: z.string(), contexts: z.object({ pageInfo, nodes: z.array(contextSchema) }) }).nullable(),
      }),
    })),
  }),
});
export type PullNode = z.infer<typeof pullNodeSchema>;

/** `{ data: { rateLimit, nodes } }` of either query; a node GitHub could not resolve is null (and named in `errors`). */
export function nodesAnswerSchema<T extends z.ZodTypeAny>(node: T) {
  return z.object({ rateLimit: rateLimitSchema.nullable().optional(), nodes: z.array(node.nullable()) });
}

/** A deployment status state of GraphQL as the REST API spells it (WAITING has no REST twin: it is pending). */
export function restState(state: z.infer<typeof deploymentState>): 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress' {
  return state === 'WAITING' ? 'pending' : (state.toLowerCase() as never);
}

/** Splits ids into the batches of one query each. */
export function batches<T>(items: T[], size = IDS_PER_QUERY): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Deployments whose history one query reads, and the commits read of each (100 each: at most 1,000 nodes a query). */
export const HISTORIES_PER_QUERY = 10;
export const HISTORY_DEPTH = 100;

/**
 * The ancestors of up to HISTORIES_PER_QUERY commits of one repository (`Commit.history`, the
 * commit itself first), each as an alias `hN` of `repository.object(oid: $oN)`.
 */
export function historiesQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$o${i}: GitObjectID!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) =>
    `    h${i}: object(oid: $o${i}) { ... on Commit { history(first: ${HISTORY_DEPTH}) { pageInfo { hasNextPage } nodes { oid } } } }`).join('\n');
  return `query DeploymentHistories($owner: String!, $name: String!, ${vars}) {\n  rateLimit { cost remaining resetAt }\n  repository(owner: $owner, name: $name) {\n${fields}\n  }\n}`;
}

/** One alias of historiesQuery: null for a commit GitHub does not know, no history for an object that is not a commit. */
const historySchema = z.object({
  history: z.object({ pageInfo: z.object({ hasNextPage: z.boolean() }), nodes: z.array(z.object({ oid: z.string() })) }).optional(),
}).nullable();

export const historiesAnswerSchema = z.object({
  rateLimit: rateLimitSchema.nullable().optional(),
  repository: z.record(z.string(), historySchema).nullable(),
});
