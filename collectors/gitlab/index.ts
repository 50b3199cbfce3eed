import { readFile } from 'node:fs/promises';
import { emitAll, mapPool, type CollectContext, type Collector, type Measured } from '../../src/collector/kit.js';
import { notedSample, sampledWarning } from '../../src/collector/sample.js';
import { HISTORY_BEFORE_WINDOW } from '../../src/delivery/deployments.js';
import { errorMessage } from '../../src/errors.js';
import { CollectError } from '../../src/http/errors.js';
import { EVIDENCE_HEADER, parsedJsonOf, WATERMARK_HEADER, WATERMARK_REASON_HEADER } from '../../src/http/recording-fetch.js';
import type { GraphqlQuery } from './api.js';
import { affordableProjects } from './budget.js';
import { gitlabConfigSchema, type GitlabConfig } from './config.js';
import { measureGitlab, measureGitlabIncidents } from './measure.js';
import { listProjects, scanProject, type ProjectScan } from './read.js';
import { GITLAB_SIGNALS } from './signals.js';
import { incidentRecord, type Span } from './translate.js';

export { gitlabConfigSchema, type GitlabConfig } from './config.js';
export { GITLAB_REQUESTS_PER_PROJECT } from './budget.js';

/**
 * Projects read at once. The instance's concurrency cap (`http.max_concurrency`, in the core)
 * bounds the requests in flight; this only bounds how many projects' reads are held in memory.
 */
const PROJECT_CONCURRENCY = 16;

export const gitlabCollector: Collector<GitlabConfig> = {
  id: 'gitlab',
  description: 'GitLab (GitLab.com or self-managed, REST API v4): deployments, environments, merge requests, pipelines, branch protection, approval rules, repository files, releases',
  signals: GITLAB_SIGNALS,
  configSchema: gitlabConfigSchema,
  publishes: ['deployments', 'incidents'],
  async collect(ctx) {
    const { config } = ctx;
    const root = config.url.replace(/\/+$/, '');
    const http = ctx.http({
      baseURL: root + '/api/v4',
      auth: { bearer: config.token },
      tls: config.tls ? { insecureSkipVerify: config.tls.insecure_skip_verify, ca: config.tls.ca_file ? await readCa(ctx.resolvePath(config.tls.ca_file)) : undefined } : undefined,
    });

    // Approvals in bulk through GraphQL (queries only; the shared fetch refuses anything else). An
    // instance behind its own CA is read through REST alone: the fetch takes no TLS settings.
    const graphql = config.tls ? undefined : graphqlClient(ctx.fetch({ baseURL: root, reads: { graphql: `${root}/api/graphql` } }), `${root}/api/graphql`, config.token);

    // Without the project list nothing can be measured: any failure here fails every signal.
    const listed = await listProjects(http, config, (rateLimit) => affordableProjects(rateLimit, ctx.deadline));
    if (listed.sampled) ctx.log.warn(sampledWarning('gitlab', listed.sampled));
    const w: Span = { start: ctx.window.start.getTime(), end: ctx.window.end.getTime() };
    const production = config.production_environments.map((p) => new RegExp(p, 'i'));
    const scans = await mapPool(listed.projects, PROJECT_CONCURRENCY,
      (p) => scanProject(http, p, { window: w, historyStart: w.start - HISTORY_BEFORE_WINDOW, production, incidents: config.incidents, graphql }), ctx.signal);
    // Cross signals join whole readings only, never a sample.
    if (!listed.sampled) publishRecords(ctx, scans, listed.evidence);
    const measured: Record<string, Measured | undefined> = {
      ...measureGitlab({ scans, listed, window: w, productionPatterns: config.production_environments }),
      ...measureGitlabIncidents(scans, listed, w, config.incidents),
    };
    // Every value comes from the sample: say so beside each.
    for (const [id, m] of Object.entries(measured)) if (m) measured[id] = notedSample(m, listed.sampled);
    emitAll(ctx, GITLAB_SIGNALS, measured, 'not measured');
  },
};

/**
 * Hands the production deployments and the incident issues to the core for cross signals, each
 * only when every project's read of it was whole (a part would make a join look better or worse
 * than it is).
 */
function publishRecords(ctx: CollectContext<GitlabConfig>, scans: ProjectScan[], listed: string[]): void {
  const deployments = scans.map((s) => s.deployments);
  if (deployments.every((d) => d.status === 'ok')) {
    ctx.publish('deployments', scans.flatMap((s) => (s.deployments.status === 'ok' ? s.deployments.data.deploys : [])),
      [...new Set([...listed, ...deployments.flatMap((d) => d.evidence)])]);
  }
  const incidents = scans.map((s) => s.incidents);
  if (ctx.config.incidents && incidents.every((i) => i !== undefined && i.status !== 'failed')) {
    ctx.publish('incidents', scans.flatMap((s) => (s.incidents?.status === 'ok' ? s.incidents.data.map((i) => incidentRecord(s.path, i)) : [])),
      [...new Set([...listed, ...incidents.flatMap((i) => i?.evidence ?? [])])]);
  }
}

/** Posts a GraphQL query; a refused or failed one throws, so the reader falls back to REST. */
function graphqlClient(fetch: typeof globalThis.fetch, url: string, token: string): GraphqlQuery {
  return async (query, variables, reuse) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json',
        ...(reuse ? { [WATERMARK_HEADER]: reuse.watermark, [WATERMARK_REASON_HEADER]: reuse.why } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const evidence = res.headers.get(EVIDENCE_HEADER) ?? '';
    if (res.status !== 200) throw new CollectError('unavailable', `GitLab GraphQL answered HTTP ${res.status}`, { status: res.status, evidence });
    // The core's fetch parsed the body already, to check it is JSON.
    return { data: parsedJsonOf(res)?.value ?? (await res.json()), evidence };
  };
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read tls.ca_file ${path}: ${errorMessage(err)}`);
  }
}
