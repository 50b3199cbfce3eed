import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.js';
import { alertmanagerCounters } from './measure.js';

describe('metrics exposition parser', () => {
  it('reads labels with escapes, special values, timestamps and exemplars', () => {
    const expo = parseExposition([
      '# HELP x_total A counter.',
      '# TYPE x_total counter',
      'x_total{a="q\\"uote",b="back\\\\slash",c="new\\nline",} 3 1700000000000',
      'x_total 1.5e+01',
      'h_bucket{le="+Inf"} +Inf',
      'y_total{integration="webhook"} 2 # {trace_id="abc"} 1',
      '',
    ].join('\r\n'));
    expect(expo.get('x_total')).toEqual([
      { labels: { a: 'q"uote', b: 'back\\slash', c: 'new\nline' }, value: 3 },
      { labels: {}, value: 15 },
    ]);
    expect(expo.get('h_bucket')?.[0].value).toBe(Infinity);
    expect(expo.get('y_total')?.[0]).toEqual({ labels: { integration: 'webhook' }, value: 2 });
  });

  it('names the line it cannot read', () => {
    expect(() => parseExposition('ok 1\nbad{a="1" 2\n')).toThrow(/^line 2: expected , or } after a label: bad\{a="1" 2$/);
    expect(() => parseExposition('x notanumber\n')).toThrow("line 1: invalid value 'notanumber'");
  });

  it('sums counters across extra labels and counts received alerts without a status label whole', () => {
    const c = alertmanagerCounters(parseExposition([
      'alertmanager_notifications_total{integration="webhook",receiver_name="a"} 2',
      'alertmanager_notifications_total{integration="webhook",receiver_name="b"} 3',
      'alertmanager_notifications_failed_total{integration="webhook",reason="other"} 1',
      'alertmanager_alerts_received_total 7',
    ].join('\n')));
    expect(c.notifications).toEqual(new Map([['webhook', 5]]));
    expect(c.failed).toBe(1);
    expect(c.receivedFiring).toBe(7);
    expect(c.processStart).toBeUndefined();
  });
});
