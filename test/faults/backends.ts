import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateEstate } from '../../demo/estate.js';
import { alertmanagerHandler } from '../../demo/systems/alertmanager.js';
import { generateCluster, kubernetesHandler } from '../../demo/systems/kubernetes.js';
import { prometheusHandler } from '../../demo/systems/prometheus.js';
// The one place the fault suite names the fake GitHub and GitLab APIs (under demo/systems/).
import { generateOrg, githubApiHandler } from '../../demo/systems/github.js';
import { generateGroup, gitlabApiHandler } from '../../demo/systems/gitlab.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Credentials the suite gives every collector: none of them may appear in any output. */
export const CANARY = {
  token: 'canary-token-7f3a9c2e5b1d',
  user: 'canary-user',
  password: 'canary-pw-42e8b1',
} as const;

/**
 * A healthy backend for one HTTP collector (the demo estate's fake server, scaled down so a scan
 * takes well under a second), the endpoint the suite injects faults at, and the config block
 * that points the collector at a URL.
 */
export interface Backend {
  collector: 'prometheus' | 'alertmanager' | 'kubernetes' | 'github' | 'gitlab';
  handler: Handler;
  /** The endpoint that fails; every other answers as the healthy system would. */
  target: RegExp;
  /** A part of its URL every reason must name. */
  endpoint: string;
  /** Whether the target is a list read page by page, and how its pages are linked. */
  paging: 'link' | 'continue' | 'none';
  /** Signals that read the target: each must fail when it does. */
  reads: string[];
  /**
   * Where the paging faults go when the target is not always read to its end (a list read newest
   * first stops at the window's start, before a next link would be followed), and what reads it.
   */
  paged?: { target: RegExp; endpoint: string; reads: string[] };
  instance(url: string, cacheDir: string): string;
}

const NOW = new Date('2026-11-20T12:00:00Z');
/** Small timeouts and retry waits, so failures are quick; deadlines bound hangs only. */
const HTTP = 'http: { timeout: 2s, retries: 1, max_retry_after: 2s, max_body_bytes: 4194304 }';
const basic = `basic_auth: { username: ${CANARY.user}, password: "\${FAULT_PASSWORD}" }`;

export function backend(collector: Backend['collector']): Backend {
  switch (collector) {
    case 'prometheus':
      return {
        collector, handler: prometheusHandler(generateEstate({ factor: 1 }, NOW)), target: /^\/api\/v1\/rules$/, endpoint: '/api/v1/rules', paging: 'none',
        reads: ['prometheus.rules.alerting_count', 'prometheus.rules.severity_ratio'],
        instance: (url) => `  prometheus:\n    - name: faulty\n      url: ${url}\n      ${basic}\n      ${HTTP}\n`,
      };
    case 'alertmanager':
      return {
        collector, handler: alertmanagerHandler(generateEstate({ factor: 1 }, NOW)), target: /^\/api\/v2\/status$/, endpoint: '/api/v2/status', paging: 'none',
        reads: ['alertmanager.inhibit_rules.count', 'alertmanager.route.grouping'],
        instance: (url) => `  alertmanager:\n    - name: faulty\n      url: ${url}\n      ${basic}\n      ${HTTP}\n`,
      };
    case 'kubernetes':
      return {
        collector, handler: kubernetesHandler(generateCluster(1, NOW)), target: /^\/apis\/apps\/v1\/deployments$/, endpoint: 'deployments', paging: 'continue',
        reads: ['kubernetes.workloads.count'],
        instance: (url) => `  kubernetes:\n    - name: faulty\n      server: ${url}\n      token: \${FAULT_TOKEN}\n      ${HTTP}\n`,
      };
    case 'github':
      return {
        collector, handler: githubApiHandler(generateOrg(0.05, NOW)), target: /^\/repos\/[^/]+\/[^/]+\/deployments$/, endpoint: '/deployments', paging: 'link',
        reads: ['github.deployments.count', 'github.deployments.automated_ratio'],
        // the deployments are read newest first up to the window's start; the repository list to its end
        paged: { target: /^\/orgs\/[^/]+\/repos$/, endpoint: '/orgs/acme/repos', reads: ['github.repos.count', 'github.deployments.count'] },
        instance: (url, cacheDir) =>
          `  github:\n    - name: faulty\n      api_url: ${url}\n      org: acme\n      token: \${FAULT_TOKEN}\n      max_rate_limit_wait: 2s\n      ${HTTP.replace('}', `, cache_dir: ${cacheDir} }`)}\n`,
      };
    case 'gitlab':
      return {
        collector, handler: gitlabApiHandler(generateGroup(0.1, NOW)), target: /^\/api\/v4\/projects\/\d+\/deployments$/, endpoint: '/deployments', paging: 'link',
        reads: ['gitlab.deployments.count', 'gitlab.deployments.automated_ratio'],
        instance: (url) => `  gitlab:\n    - name: faulty\n      url: ${url}\n      group: shop\n      token: \${FAULT_TOKEN}\n      ${HTTP}\n`,
      };
  }
}

export const NOW_ISO = NOW.toISOString();
