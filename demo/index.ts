import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEstate, type Scale } from './estate.js';
import { serveLoopback, withEtags, type LoopbackServer } from './http.js';
import { alertmanagerHandler } from './systems/alertmanager.js';
import { generateOrg, githubApiHandler } from './systems/github.js';
import { generateGroup, gitlabApiHandler, GITLAB_POSTS } from './systems/gitlab.js';
import { generateOpsgenie, opsgenieApiHandler } from './systems/opsgenie.js';
import { generatePagerdutyAccount, pagerdutyHandler } from './systems/pagerduty.js';
import { generateCluster, kubernetesHandler } from './systems/kubernetes.js';
import { generateNetbox, netboxHandler } from './systems/netbox.js';
import { prometheusHandler } from './systems/prometheus.js';
import { generateGrafanaOrg, grafanaHandler } from './systems/grafana.js';
import { generateServiceLevels, withServiceLevels } from './systems/service-levels.js';
import { backstageHandler, generateCatalogue } from './systems/backstage.js';
import { generateOpencost, opencostHandler } from './systems/opencost.js';

/**
 * The sample estate on loopback: one fake server per system, answering that system's real API
 * with the estate's data. Each collector's issue adds its system here.
 */
export interface RunningEstate {
  systems: Record<string, LoopbackServer>;
  github: { login: string };
  requests(): number;
  stop(): Promise<void>;
}

export async function startEstate(scale: Scale & { githubFactor?: number; incidents?: number } = { factor: 1 }, now = new Date()): Promise<RunningEstate> {
  const estate = generateEstate(scale, now);
  const org = generateOrg(scale.githubFactor ?? scale.factor, now);
  // One cluster for Kubernetes and for the NetBox that records it (with drift).
  // The catalogue and the cost model are drawn from the same cluster the Kubernetes fake serves.
  const cluster = generateCluster(scale.factor, now, scale.seed);
  const systems: Record<string, LoopbackServer> = {
    // with the SLO rules Sloth and Pyrra generate, journey probes and web vitals (issue 14)
    prometheus: await serveLoopback(withServiceLevels(prometheusHandler(estate), generateServiceLevels(), estate.now, estate.prometheus.metricNames)),
    alertmanager: await serveLoopback(alertmanagerHandler(estate)),
    kubernetes: await serveLoopback(kubernetesHandler(cluster)),
    // GitLab's API sends ETags and answers 304 (Prometheus, Alertmanager and Kubernetes do not).
    gitlab: await serveLoopback(withEtags(gitlabApiHandler(generateGroup(scale.factor, now, scale.seed))), { posts: GITLAB_POSTS }),
    github: await serveLoopback(githubApiHandler(org), { posts: (path) => path === '/graphql' || path === '/api/graphql' }),
    opsgenie: await serveLoopback(opsgenieApiHandler(generateOpsgenie(scale.factor, now, scale.seed))),
    pagerduty: await serveLoopback(pagerdutyHandler(generatePagerdutyAccount(now, scale.seed, scale.incidents), PAGERDUTY_DEMO_TOKEN)),
    grafana: await serveLoopback(grafanaHandler(generateGrafanaOrg(now, scale.seed), GRAFANA_DEMO_TOKEN)),
    netbox: await serveLoopback(netboxHandler(generateNetbox(cluster, now, { seed: scale.seed }), NETBOX_DEMO_TOKEN)),
    backstage: await serveLoopback(backstageHandler(generateCatalogue(cluster, scale.seed), BACKSTAGE_DEMO_TOKEN)),
    opencost: await serveLoopback(opencostHandler(generateOpencost(cluster, now, scale.seed))),
  };
  return {
    systems,
    github: { login: org.login },
    requests: () => Object.values(systems).reduce((n, s) => n + s.requests, 0),
    stop: async () => {
      await Promise.all(Object.values(systems).map((s) => s.close()));
    },
  };
}

// The fake PagerDuty's key, written to a file beside the demo config (never into it).
export const PAGERDUTY_DEMO_TOKEN = 'pd-demo-readonly-0000000000';
// The fake Grafana's service-account token, written to a file beside the demo config.
export const GRAFANA_DEMO_TOKEN = 'glsa_demo_readonly_00000000000000000000';
// The fake NetBox's token, also in a file beside the demo config.
export const NETBOX_DEMO_TOKEN = '0123456789abcdef0123456789abcdef0demo0nb';
// The fake Backstage's static token, written to a file beside the demo config (never into it).
export const BACKSTAGE_DEMO_TOKEN = 'bs-demo-static-0000000000';

/** A config for the running estate, and the claims and attestations that show what they do. */
export function writeDemoFiles(dir: string, running: RunningEstate, now = new Date()): { config: string; claims: string } {
  mkdirSync(dir, { recursive: true });
  // The sample estate's fake GitLab accepts any token; this one only shows ${file:...} at work.
  writeFileSync(join(dir, 'gitlab-token'), 'glpat-demo-0000000000000000\n', { mode: 0o600 });
  writeFileSync(join(dir, 'github-token'), 'github_pat_demo_000000000000000000\n', { mode: 0o600 });
  writeFileSync(join(dir, 'opsgenie-key'), '00000000-0000-4000-8000-00000000demo\n', { mode: 0o600 });
  writeFileSync(join(dir, 'pagerduty-token'), `${PAGERDUTY_DEMO_TOKEN}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'grafana-token'), `${GRAFANA_DEMO_TOKEN}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'netbox-token'), `${NETBOX_DEMO_TOKEN}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'backstage-token'), `${BACKSTAGE_DEMO_TOKEN}\n`, { mode: 0o600 });
  const day = (offset: number) => new Date(now.getTime() + offset * 86400_000).toISOString().slice(0, 10);
  const config = join(dir, 'techops.yaml');
  writeFileSync(
    config,
    `# Written by \`techops demo\`: the sample estate, served on loopback while the demo runs.
assessment:
  name: Sample estate (demo)
  scope: The shop's production monitoring, served by techops on 127.0.0.1
window: 30d
collectors:
  prometheus:
    - name: shop-prod
      url: ${running.systems.prometheus.url}
  alertmanager:
    - name: shop-prod
      url: ${running.systems.alertmanager.url}
  kubernetes:
    - name: shop-prod
      server: ${running.systems.kubernetes.url}
  github:
    - name: shop
      api_url: ${running.systems.github.url}
      org: ${running.github.login}
      token: \${file:github-token}
  gitlab:
    - name: shop
      url: ${running.systems.gitlab.url}
      group: shop
      # a secret read from a file beside this config, never written into it
      token: \${file:gitlab-token}
  opsgenie:
    - name: shop
      url: ${running.systems.opsgenie.url}
      api_key: \${file:opsgenie-key}
  pagerduty:
    - name: shop
      api_url: ${running.systems.pagerduty.url}
      token: \${file:pagerduty-token}
  grafana:
    - name: shop
      url: ${running.systems.grafana.url}
      token: \${file:grafana-token}
  slo:
    - name: shop-prod
      url: ${running.systems.prometheus.url}
      core_journeys: [login, search, add-to-cart, checkout, payment]
  netbox:
    - name: dc1
      url: ${running.systems.netbox.url}
      token: \${file:netbox-token}
  backstage:
    - name: catalogue
      url: ${running.systems.backstage.url}
      token: \${file:backstage-token}
  opencost:
    - name: shop-prod
      url: ${running.systems.opencost.url}
attestations: attestations.yaml
claims: claims.yaml
`,
  );
  const att = (criterion: string, statement: string, evidence: string, by: string, date: number, expires: number) =>
    `  - criterion: ${criterion}\n    statement: ${JSON.stringify(statement)}\n    evidence: ${evidence}\n    by: ${by}\n    date: ${day(date)}\n    expires: ${day(expires)}\n`;
  const wiki = 'https://wiki.shop.example.invalid';
  writeFileSync(
    join(dir, 'attestations.yaml'),
    '# Statements with evidence for what no system shows; see attestations.example.yaml.\nattestations:\n' +
      [
        att('5.1.1-2.1', 'System logs (journald), application logs and ingress access logs are shipped by Fluent Bit.', `${wiki}/monitoring/log-pipeline`, 'Li Wei, monitoring lead', -20, 160),
        att('5.1.1-2.2', 'Monitoring coverage: 41 of 43 applications in the service catalogue are scraped (95 %), reviewed monthly.', `${wiki}/monitoring/coverage-2026-11`, 'Li Wei, monitoring lead', -20, 160),
        att('5.1.1-2.3', 'Prometheus remote-writes to the long-term store (three replicas across zones); collection shards by cluster.', `${wiki}/monitoring/collection-architecture`, 'Li Wei, monitoring lead', -20, 160),
        att('5.1.1-3.1', 'One collection stack (node_exporter, windows_exporter, kube-state-metrics) covers every OS platform in the inventory.', `${wiki}/monitoring/collection-architecture`, 'Li Wei, monitoring lead', -20, 160),
        att('5.1.2-2.1', 'Metrics (numeric), logs (text) and traces (protobuf) travel through the pipeline.', `${wiki}/monitoring/pipelines`, 'Li Wei, monitoring lead', -20, 160),
        att('5.3.1-2.5', 'Critical alerts page the service on-call and escalate to the duty manager after 15 minutes.', `${wiki}/oncall/escalation-policy`, 'Zhang Min, head of SRE', -40, 140),
        att('5.3.1-2.2', 'Alert reach and accuracy are reviewed monthly from Alertmanager counters.', `${wiki}/oncall/alert-review-2025-10`, 'Zhang Min, head of SRE', -400, -35),
        att('5.2.2-3.2', 'Offline statistics: monthly capacity and SLO reports computed from 30-day recording rules.', `${wiki}/monitoring/monthly-reports`, 'Li Wei, monitoring lead', -10, 170),
        att('10.1.1-1.1', 'RTO 30 min and RPO 5 min for tier-1 services, agreed with the business.', `${wiki}/bcm/rto-rpo-standard`, 'Wang Fang, BCM officer', -60, 300),
        att('10.1.1-2.1', 'RTO/RPO are measured by blackbox probes and replication-lag metrics, reviewed quarterly.', `${wiki}/bcm/measurement`, 'Wang Fang, BCM officer', -60, 300),
        // Incident management: what no incident tool shows, so the levels of 6.1 and 10.3 rest on the data above them.
        att('6.1.1-1.1', 'Incidents are classified P1–P5 and received from monitoring, the service desk and customer feedback.', `${wiki}/incident/classification`, 'Zhang Min, head of SRE', -30, 150),
        att('6.1.3-1.1', 'Every incident is recorded in PagerDuty, with the incident log exported monthly.', `${wiki}/incident/records`, 'Zhang Min, head of SRE', -30, 150),
        att('6.1.3-1.2', 'Incidents are analysed and the analysis is circulated in the monthly incident report.', `${wiki}/incident/monthly-2026-10`, 'Zhang Min, head of SRE', -30, 150),
        att('10.3.3-1.1', 'The emergency organisation chart names the incident commander, the on-call teams and the duty managers.', `${wiki}/bcm/emergency-organisation`, 'Wang Fang, BCM officer', -60, 300),
        att('10.3.3-2.1', 'The emergency organisation is reviewed each quarter (last 2026-10); emergencies are reported to the duty manager and the CTO.', `${wiki}/bcm/emergency-organisation`, 'Wang Fang, BCM officer', -60, 300),
        att('10.3.3-2.2', 'Customer-service tickets and public-opinion monitoring open incidents through the service desk.', `${wiki}/bcm/feedback-channels`, 'Wang Fang, BCM officer', -60, 300),
        // Configuration: what NetBox cannot show. The drift it shows stands against the sync attested here.
        att('7.1.2-1.1', 'Configuration information is recorded in NetBox; the runbook wiki documents what NetBox does not model.', `${wiki}/cmdb/overview`, 'Zhao Qiang, platform lead', -25, 155),
        att('7.1.2-2.1', 'A sync job (k8s-netbox-sync) writes the cluster\'s nodes and workloads into NetBox every hour.', `${wiki}/cmdb/k8s-sync`, 'Zhao Qiang, platform lead', -25, 155),
        att('7.1.2-2.3', 'Changes to network and storage records go through a change ticket; the platform team reviews NetBox monthly.', `${wiki}/cmdb/change-process`, 'Zhao Qiang, platform lead', -25, 155),
        att('7.1.2-3.4', 'The platform team maintains the NetBox data model; teams query it through the API or saved filters.', `${wiki}/cmdb/ownership`, 'Zhao Qiang, platform lead', -25, 155),
        // Cost management: the procurement and budget processes no system shows, so 8.2 rests on the cost data above them.
        att('8.2.1-1.1', 'Purchases above 50,000 CNY compare at least two offers and their three-year cost.', `${wiki}/finance/procurement-policy`, 'Zhou Lin, finance partner', -45, 200),
        att('8.2.2-1.1', 'Budget requests go through the quarterly budget process in the finance system.', `${wiki}/finance/budget-process`, 'Zhou Lin, finance partner', -45, 200),
        att('8.2.1-2.1', 'Servers and volumes carry a lifecycle state (ordered, in use, idle, retired) in the asset register, with their monthly cost per state.', `${wiki}/finance/asset-lifecycle`, 'Zhou Lin, finance partner', -45, 200),
        att('8.2.1-2.2', 'The software lifecycle norm (proposal, launch, change, retirement) sets who approves the cost at each stage; the catalogue marks the stage.', `${wiki}/engineering/software-lifecycle`, 'Zhang Min, head of SRE', -45, 200),
        att('8.2.2-1.2', 'The asset register is the CMDB plus the service catalogue (servers, databases, applications); finance adds each asset\'s cost monthly.', `${wiki}/finance/asset-register`, 'Zhou Lin, finance partner', -45, 200),
        att('10.1.1-2.3', 'The measured PostgreSQL replicas run in the second machine room in the same city.', `${wiki}/dba/replication-topology`, 'Chen Jie, DBA lead', -30, 150),
        // Visualisation and user experience (issue 14): what dashboards and probes do not show.
        att('5.3.3-2.2', 'The Shop overview board leads with orders per minute and payment success as large stat panels coloured by threshold.', `${wiki}/monitoring/shop-overview`, 'Li Wei, monitoring lead', -15, 165),
        att('11.1.1-1.1', 'Every SRE walks through the order flow (browse, cart, checkout, payment) in onboarding.', `${wiki}/onboarding/business-flows`, 'Zhang Min, head of SRE', -45, 135),
        att('11.1.1-1.2', 'Orders, payment success and conversion are reviewed in the weekly operations meeting.', `${wiki}/ops/weekly-review`, 'Zhang Min, head of SRE', -45, 135),
        att('11.1.1-1.3', 'SREs place a test order in production every week and record what they saw.', `${wiki}/ops/dogfooding-log`, 'Zhang Min, head of SRE', -45, 135),
        att('11.2.1-1.1', 'Journey probes and web-vitals data are readable by the SRE and product teams only (Grafana folder permissions).', `${wiki}/ux/data-access`, 'Li Wei, monitoring lead', -15, 165),
        att('11.2.1-1.2', 'Fluent Bit ships the logs of every backend service, including inter-service call logs; smokeping measures machine-room latency and loss.', `${wiki}/monitoring/log-pipeline`, 'Li Wei, monitoring lead', -20, 160),
        att('11.2.2-1.1', 'Journey alerts page the on-call; UX incidents in October were resolved in a median of 34 minutes.', `${wiki}/ux/incident-review-2026-10`, 'Zhang Min, head of SRE', -25, 155),
        att('11.2.2-1.2', 'The emergency plan for checkout failures adds tracking points on demand and switches the payment provider.', `${wiki}/bcm/checkout-plan`, 'Wang Fang, BCM officer', -60, 300),
      ].join(''),
  );
  const claims = join(dir, 'claims.yaml');
  // One claim each way: confirmed, unverified (unknowns in the way), contradicted (measured not met).
  writeFileSync(claims, '# The levels the shop claims; see claims.example.yaml.\nclaims:\n  "5.1.1": 2\n  "5.3.1": 3\n  "10.1.1": 2\n  "5.1.2": 2\n');
  return { config, claims };
}
