import { mapRead, type Measured } from '../../src/collector/kit.js';
import { measureAlerts } from './measure/alerts.js';
import { annotateCounts } from './measure/annotate.js';
import { measureAvailability } from './measure/availability.js';
import { measureBusiness } from './measure/business.js';
import { measureCapacity } from './measure/capacity.js';
import { measureCollection } from './measure/collection.js';
import { measureDelivering, measureNetworkTls, measureSharedServers } from './measure/observed-ha.js';
import { measureProvenance } from './measure/provenance.js';
import { measureRetention } from './measure/retention.js';
import { analyseRules, measureRules } from './measure/rules.js';
import { analyseConfig, measureRunningConfig } from './measure/running-config.js';
import { measureReachability, measureServer } from './measure/server.js';
import type { PrometheusReads } from './read.js';

/**
 * Every signal from the reads, by theme (measure/*): pure, so each theme is tested on plain
 * objects. A read that failed fails only the signals built from it; one that is absent (a status
 * endpoint this server does not offer) leaves them not available.
 */
export function measurePrometheus(reads: PrometheusReads, windowSeconds: number): Record<string, Measured> {
  const config = mapRead(reads.config, (d) => analyseConfig(d.yaml));
  const rules = mapRead(reads.rules, analyseRules);
  return annotateCounts({
    ...measureReachability(reads.build, reads.up),
    ...measureServer(reads.flags, reads.tsdb),
    'prometheus.tsdb.retention_seconds': measureRetention(reads.runtime, reads.flags),
    ...measureRunningConfig(config),
    ...measureCollection(reads),
    ...measureRules(rules),
    ...measureAlerts(reads, rules),
    ...measureAvailability(reads, windowSeconds),
    'prometheus.ha.shared_scrape_servers': measureSharedServers(reads.sharedPools),
    'prometheus.remote_write.delivering_destinations': measureDelivering(reads.remoteWriteDelivered, config),
    'prometheus.scrape.network_tls_ratio': measureNetworkTls(reads.targets, reads.config),
    ...measureProvenance(reads.rules),
    ...measureCapacity(reads.rules),
    ...measureBusiness(reads.business),
  }, reads.rules, reads.targets);
}
