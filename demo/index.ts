import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEstate, type Scale } from './estate.js';
import { serveLoopback, type LoopbackServer } from './http.js';
import { alertmanagerHandler } from './systems/alertmanager.js';
import { prometheusHandler } from './systems/prometheus.js';

/**
 * The sample estate on loopback: one fake server per system, answering that system's real API
 * with the estate's data. Each collector's issue adds its system here.
 */
export interface RunningEstate {
  systems: Record<string, LoopbackServer>;
  requests(): number;
  stop(): Promise<void>;
}

export async function startEstate(scale: Scale = { factor: 1 }, now = new Date()): Promise<RunningEstate> {
  const estate = generateEstate(scale, now);
  const systems: Record<string, LoopbackServer> = {
    prometheus: await serveLoopback(prometheusHandler(estate)),
    alertmanager: await serveLoopback(alertmanagerHandler(estate)),
  };
  return {
    systems,
    requests: () => Object.values(systems).reduce((n, s) => n + s.requests, 0),
    stop: async () => {
      await Promise.all(Object.values(systems).map((s) => s.close()));
    },
  };
}

/** A config for the running estate, and the claims and attestations that show what they do. */
export function writeDemoFiles(dir: string, running: RunningEstate, now = new Date()): { config: string; claims: string } {
  mkdirSync(dir, { recursive: true });
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
attestations: attestations.yaml
claims: claims.yaml
`,
  );
  writeFileSync(
    join(dir, 'attestations.yaml'),
    `attestations:
  - criterion: 5.1.1-3.1
    statement: One collection stack (node_exporter, windows_exporter, kube-state-metrics) covers every OS platform in the inventory.
    evidence: https://wiki.shop.example.invalid/monitoring/collection-architecture
    by: Li Wei, monitoring lead
    date: ${day(-20)}
    expires: ${day(160)}
  - criterion: 5.3.1-2.5
    statement: Critical alerts page the service's on-call and escalate to the duty manager after 15 minutes.
    evidence: https://wiki.shop.example.invalid/oncall/escalation-policy
    by: Zhang Min, head of SRE
    date: ${day(-40)}
    expires: ${day(140)}
  - criterion: 5.3.1-2.2
    statement: Alert reach and accuracy are reviewed monthly from Alertmanager's counters.
    evidence: https://wiki.shop.example.invalid/oncall/alert-review-2026-10
    by: Zhang Min, head of SRE
    date: ${day(-400)}
    expires: ${day(-35)}
`,
  );
  const claims = join(dir, 'claims.yaml');
  writeFileSync(claims, 'claims:\n  "5.1.1": 2\n  "5.3.1": 3\n  "10.1.1": 3\n');
  return { config, claims };
}
