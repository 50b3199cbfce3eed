import type { Registry } from '../src/collector/types.js';
import { alertmanagerCollector } from './alertmanager/index.js';
import { gitCollector } from './git/index.js';
import { githubCollector } from './github/index.js';
import { gitlabCollector } from './gitlab/index.js';
import { incidentFileCollector } from './incident_file/index.js';
import { kubernetesCollector } from './kubernetes/index.js';
import { netboxCollector } from './netbox/index.js';
import { opsgenieCollector } from './opsgenie/index.js';
import { opencostCollector } from './opencost/index.js';
import { backstageCollector } from './backstage/index.js';
import { pagerdutyCollector } from './pagerduty/index.js';
import { prometheusCollector } from './prometheus/index.js';
import { grafanaCollector } from './grafana/index.js';
import { sloCollector } from './slo/index.js';
import { servicenowCollector } from './servicenow/index.js';

/**
 * The collector registry: every collector techops ships, listed explicitly (nothing scans
 * folders at run time). One folder per collector under collectors/, each with its README;
 * test/registry.test.ts keeps this list and the folders in step.
 */
export const collectors: Registry = [prometheusCollector, alertmanagerCollector, kubernetesCollector, githubCollector, gitlabCollector, gitCollector, pagerdutyCollector, opsgenieCollector, incidentFileCollector, grafanaCollector, sloCollector, netboxCollector, servicenowCollector, opencostCollector, backstageCollector];
