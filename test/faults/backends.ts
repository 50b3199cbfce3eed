import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateEstate } from '../../demo/estate.js';
import { alertmanagerHandler } from '../../demo/systems/alertmanager.js';
import { generateCluster, kubernetesHandler } from '../../demo/systems/kubernetes.js';
import { prometheusHandler } from '../../demo/systems/prometheus.js';
// The one place the fault suite names the fake GitHub and GitLab APIs (under demo/systems/).
import { generateOrg, githubApiHandler } from '../../demo/systems/github.js';
import { generateGroup, gitlabApiHandler } from '../../demo/systems/gitlab.js';
import { backstageHandler, generateCatalogue } from '../../demo/systems/backstage.js';
import { generateGrafanaOrg, grafanaHandler } from '../../demo/systems/grafana.js';
import { generateNetbox, netboxHandler } from '../../demo/systems/netbox.js';
import { generateOpencost, opencostHandler } from '../../demo/systems/opencost.js';
import { generateOpsgenie, opsgenieApiHandler } from '../../demo/systems/opsgenie.js';
import { generatePagerdutyAccount, pagerdutyHandler } from '../../demo/systems/pagerduty.js';
import { generateServiceLevels, withServiceLevels } from '../../demo/systems/service-levels.js';
import { servicenowHandler } from './servicenow-fake.js';

/** Every collector that reads over HTTP, in the order the suite's table lists them. */
export const HTTP_COLLECTORS = [
  'prometheus', 'alertmanager', 'kubernetes', 'github', 'gitlab',
  'pagerduty', 'opsgenie', 'grafana', 'slo', 'netbox', 'servicenow', 'backstage', 'opencost',
] as const;

/** A healthy page as the fault server is about to send it: its parsed JSON and its headers. */
export interface Page {
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each backend knows its own page shape
  headers: Record<string, string>;
}

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
  collector: (typeof HTTP_COLLECTORS)[number];
  handler: Handler;
  /** The endpoint that fails; every other answers as the healthy system would. */
  target: RegExp;
  /** A part of its URL every reason must name. */
  endpoint: string;
  /** Whether the target is a list read page by page, and how its pages are linked. */
  paging: 'link' | 'continue' | 'offset' | 'page' | 'cursor' | 'none';
  /** Signals that read the target: each must fail when it does. */
  reads: string[];
  /**
   * Where the paging faults go when the target is not always read to its end (a list read newest
   * first stops at the window's start, before a next link would be followed), and what reads it.
   */
  paged?: { target: RegExp; endpoint: string; reads: string[] };
  /**
   * How the target's pages go on, for the paging faults, when it is not a Link header or a
   * continue token: the query parameters that pick a page (dropped, for a server that always sends
   * the first page), and how a page is made to say that `next` (a URL, or for a cursor, a
   * token) comes after it.
   */
  pages?: { params: string[]; linkNext(page: Page, next: string): void };
  /**
   * A next link to another host: `contained` when the collector never follows the link (it pages
   * by offset or takes only the link's query), so nothing may fail and the other host must not be
   * contacted; `notApplicable` when its pages carry no link at all.
   */
  nextLink?: { contained: string } | { notApplicable: string };
  instance(url: string, cacheDir: string): string;
}

const NOW = new Date('2026-11-20T12:00:00Z');
/** Small timeouts and retry waits, so failures are quick; deadlines bound hangs only. */
const HTTP = 'http: { timeout: 2s, retries: 1, max_retry_after: 2s, max_body_bytes: 4194304 }';
const bearer = 'token: ${FAULT_TOKEN}';
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
    case 'pagerduty':
      return {
        collector, handler: pagerdutyHandler(generatePagerdutyAccount(NOW, 1756, 60), CANARY.token), target: /^\/incidents$/, endpoint: '/incidents', paging: 'offset',
        reads: ['pagerduty.incidents.count', 'pagerduty.incidents.resolve_median_seconds'],
        // classic pagination: `offset` picks the page, `more` says another follows
        pages: { params: ['offset'], linkNext: (p) => void (p.body.more = true) },
        nextLink: { notApplicable: 'PagerDuty pages by offset with `more`; its pages carry no links' },
        instance: (url) => `  pagerduty:\n    - name: faulty\n      api_url: ${url}\n      ${bearer}\n      page_size: 10\n      ${HTTP}\n`,
      };
    case 'opsgenie':
      return {
        collector, handler: opsgenieApiHandler(generateOpsgenie(0.2, NOW)), target: /^\/v2\/alerts$/, endpoint: '/v2/alerts', paging: 'offset',
        reads: ['opsgenie.incidents.count', 'opsgenie.incidents.ack_median_seconds'],
        pages: { params: ['offset'], linkNext: (p, next) => void (p.body.paging = { ...p.body.paging, next }) },
        nextLink: { contained: 'Opsgenie pages by offset; `paging.next` only says that a page follows, its URL is never requested' },
        instance: (url) => `  opsgenie:\n    - name: faulty\n      url: ${url}\n      api_key: \${FAULT_TOKEN}\n      ${HTTP}\n`,
      };
    case 'grafana':
      return {
        collector, handler: grafanaHandler(generateGrafanaOrg(NOW), CANARY.token), target: /^\/api\/search$/, endpoint: '/api/search', paging: 'page',
        reads: ['grafana.dashboards.count', 'grafana.panels.count'],
        // page-numbered: a full page means another may follow; the first page is full at page_size 2
        pages: { params: ['page'], linkNext: () => undefined },
        nextLink: { notApplicable: 'Grafana pages by page number; its pages carry no links' },
        instance: (url) => `  grafana:\n    - name: faulty\n      url: ${url}\n      ${bearer}\n      page_size: 2\n      ${HTTP}\n`,
      };
    case 'slo': {
      const estate = generateEstate({ factor: 1 }, NOW);
      return {
        collector, handler: withServiceLevels(prometheusHandler(estate), generateServiceLevels(), NOW, estate.prometheus.metricNames),
        target: /^\/api\/v1\/rules$/, endpoint: '/api/v1/rules', paging: 'none',
        reads: ['slo.burn_rate_alerts.covered_ratio', 'slo.journeys.alerted_ratio'],
        instance: (url) => `  slo:\n    - name: faulty\n      url: ${url}\n      bearer_token: \${FAULT_TOKEN}\n      core_journeys: [login, search, checkout, payment]\n      ${HTTP}\n`,
      };
    }
    case 'netbox':
      return {
        collector, handler: netboxHandler(generateNetbox(generateCluster(0.2, NOW), NOW), CANARY.token), target: /^\/api\/dcim\/devices\/$/, endpoint: '/api/dcim/devices/', paging: 'offset',
        reads: ['netbox.devices.count', 'netbox.items.count'],
        pages: { params: ['offset'], linkNext: (p, next) => void (p.body.next = next) },
        nextLink: { contained: 'NetBox pages by offset up to the first page\'s count; `next` is never requested' },
        instance: (url) => `  netbox:\n    - name: faulty\n      url: ${url}\n      ${bearer}\n      page_size: 3\n      ${HTTP}\n`,
      };
    case 'servicenow':
      return {
        // relations without X-Total-Count: read by following rel="next", page by page
        collector, handler: servicenowHandler(CANARY.user, CANARY.password, ['cmdb_rel_ci']), target: /^\/api\/now\/table\/cmdb_rel_ci$/, endpoint: '/api/now/table/cmdb_rel_ci', paging: 'offset',
        reads: ['servicenow.relations.count', 'servicenow.items.related_ratio'],
        pages: { params: ['sysparm_offset'], linkNext: (p, next) => void (p.headers.link = `<${next}>;rel="next"`) },
        nextLink: { contained: 'ServiceNow pages by sysparm_offset; a rel="next" link only says that a page follows, its URL is never requested' },
        instance: (url) => `  servicenow:\n    - name: faulty\n      url: ${url}\n      username: ${CANARY.user}\n      password: "\${FAULT_PASSWORD}"\n      page_size: 2\n      ${HTTP}\n`,
      };
    case 'backstage':
      return {
        // both listings: a catalogue without /entities/by-query (404) is read through /entities
        collector, handler: backstageHandler(generateCatalogue(generateCluster(0.2, NOW)), CANARY.token), target: /^\/api\/catalog\/entities(\/by-query)?$/, endpoint: '/api/catalog/entities', paging: 'cursor',
        reads: ['backstage.items.count', 'backstage.groups.count'],
        pages: { params: ['cursor'], linkNext: (p) => void (p.body.pageInfo = { ...p.body.pageInfo, nextCursor: 'the-same-cursor' }) },
        nextLink: { notApplicable: 'Backstage pages with cursor tokens, never with URLs' },
        instance: (url) => `  backstage:\n    - name: faulty\n      url: ${url}\n      ${bearer}\n      page_size: 5\n      ${HTTP}\n`,
      };
    case 'opencost':
      return {
        collector, handler: opencostHandler(generateOpencost(generateCluster(0.2, NOW), NOW)), target: /^\/allocation\/compute$/, endpoint: '/allocation/compute', paging: 'none',
        reads: ['opencost.cost.total', 'opencost.cost.idle_ratio'],
        instance: (url) => `  opencost:\n    - name: faulty\n      url: ${url}\n      ${bearer}\n      ${HTTP}\n`,
      };
  }
}

export const NOW_ISO = NOW.toISOString();
