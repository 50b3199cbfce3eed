import { describe, expect, it } from 'vitest';
import { analyseConfig, matcherLabelNames } from './config-analysis.js';

describe('config analysis', () => {
  it('reads matcher label names in every syntax', () => {
    expect(matcherLabelNames('severity="critical"')).toEqual(['severity']);
    expect(matcherLabelNames('{team=~"db|storage", env!=dev}')).toEqual(['team', 'env']);
    expect(matcherLabelNames('alertname =~ "a,b", "priority.level"="P1"')).toEqual(['alertname', 'priority.level']);
  });

  it('group_by "..." is not grouping', () => {
    const facts = analyseConfig('route:\n  receiver: a\n  group_by: ["..."]\nreceivers:\n- name: a\n');
    expect(facts.grouping.value).toBe(false);
  });

  it('escalation: continue with an opsgenie receiver, or a webhook to an on-call tool', () => {
    const opsgenie = analyseConfig(`
route:
  receiver: chat
  routes:
    - receiver: chat
      matchers: [team="db"]
      continue: true
    - receiver: pager
      matchers: [team="db"]
receivers:
  - name: chat
    slack_configs: [{channel: '#db'}]
  - name: pager
    opsgenie_configs: [{api_key: <secret>}]
`);
    expect(opsgenie.escalation).toEqual({ value: true, reasons: ['continue: true on route.routes[0] with paging receiver pager'] });
    expect(opsgenie.severityRouting.value).toBe(false);

    const webhook = analyseConfig(`
route:
  receiver: chat
  routes:
    - receiver: oncall
      continue: true
receivers:
  - name: chat
    webhook_configs: [{url: 'http://chat.example/hook'}]
  - name: oncall
    webhook_configs: [{url: 'https://oncall.example.org/integrations/v1/alertmanager/abc/'}]
`);
    expect(webhook.escalation.value).toBe(true);
    expect(webhook.integrations.kinds).toEqual(['webhook']);
  });

  it('no escalation: continue without a paging receiver, and a severity route to the parent\'s receiver', () => {
    const facts = analyseConfig(`
route:
  receiver: chat
  routes:
    - receiver: chat
      match: {severity: critical}
      continue: true
    - match_re: {priority: P1|P2}
      group_by: [alertname]
receivers:
  - name: chat
    webhook_configs: [{url: 'http://chat.example/hook'}]
  - name: unused
    pagerduty_configs: [{routing_key: <secret>}]
`);
    expect(facts.severityRouting).toEqual({ value: true, routes: ['route.routes[0] → chat', 'route.routes[1] → chat'] });
    expect(facts.escalation.value).toBe(false);
    expect(facts.routes).toHaveLength(3);
    expect(facts.integrations).toEqual({ kinds: ['webhook'], routedReceivers: ['chat'], unroutedReceivers: ['unused'] });
  });
});
