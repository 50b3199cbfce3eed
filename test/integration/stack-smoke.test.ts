import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationRequired, missingBinaries, startStack, waitUntil, type Stack } from '../helpers/stack.js';

const missing = missingBinaries();
if (missing.length && integrationRequired()) throw new Error(`integration tests required, but missing: ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('the real monitoring stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => stack?.stop());

  it('fires alerts that reach the webhook, grouped and with the warning inhibited', async () => {
    const got = await waitUntil('a notification for ServiceDown', async () => stack.webhook.notifications.find((n) => n.groupLabels.alertname === 'ServiceDown') ?? undefined, 40_000);
    expect(got.alerts[0].labels.severity).toBe('critical');
    const alerts = await (await fetch(`${stack.alertmanager}/api/v2/alerts`)).json() as { labels: Record<string, string>; status: { inhibitedBy: string[] } }[];
    const slow = alerts.find((a) => a.labels.alertname === 'ServiceSlow');
    expect(slow?.status.inhibitedBy.length).toBeGreaterThan(0);
  }, 60_000);
});
