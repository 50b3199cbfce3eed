import { describe, expect, it } from 'vitest';
import { say } from '../src/engine/messages.js';

describe('say', () => {
  it('fills every placeholder in both languages, a nested message in its own language', () => {
    const nested = say('criterion.met', { detail: 'x > 1' });
    expect(say('required.check_met', { unknown: nested, why: 'a = 2' })).toEqual({
      en: 'met: x > 1 (check met: a = 2)',
      zh: '满足：x > 1（检查已满足：a = 2）',
    });
  });

  it('fills a placeholder that occurs twice, and takes a value with $ as it is', () => {
    expect(say('warning.no_criterion', { at: 'a.yaml:3', criterion: 'MON-1-1', by: '$& $1' }).en)
      .toBe('a.yaml:3 (MON-1-1, by $& $1): no criterion MON-1-1 in the rules; it is not used');
  });

  it('refuses a message without one of its parameters, naming both', () => {
    expect(() => say('criterion.met', {})).toThrow('message criterion.met: no parameter detail');
  });
});
