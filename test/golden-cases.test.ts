import { describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { loadModel } from '../src/model/load.js';
import { defaultRulesDir } from '../src/package-info.js';
import { signalCatalog } from '../src/signals/catalog.js';
import { judgeCases } from './helpers/golden.js';

/**
 * Golden cases (issue 10): every criterion's `cases:` in rules/ run through the real engine with
 * the real collectors' declared signals (and the derived ones), as `techops scan` would see them.
 * What a criterion's cases must show is in judgeCases (test/helpers/golden.ts), itself tested on
 * the fixture rules in test/golden-runner.test.ts.
 */

/**
 * Criteria with a check still allowed to lack cases. THIS LIST MUST END EMPTY: the rules helpers
 * remove an id when they write its cases, and the test fails for an id listed here whose cases
 * are complete, so the list only shrinks. One capability item per line, blank lines between, so
 * branches that edit different items merge without conflict.
 */
const ALLOWED_WITHOUT_CASES = new Set<string>([


]);

const NOW = new Date('2026-11-25T12:00:00Z');
const catalog = signalCatalog(collectors);
const model = loadModel(defaultRulesDir(), { declaredSignals: catalog.ids });
const criteria = [...model.criteria.values()].filter((c) => c.check || c.cases.length);

describe('golden cases', () => {
  it.each(criteria.map((c) => [c.id, c] as const))('%s', (id, c) => {
    const failures = judgeCases(model, c, catalog, NOW, ALLOWED_WITHOUT_CASES.has(id));
    expect(failures, `${id}:\n  ${failures.join('\n  ')}`).toEqual([]);
  });

  it('allows only criteria that have a check to lack cases', () => {
    const stale = [...ALLOWED_WITHOUT_CASES].filter((id) => !model.criteria.get(id)?.check);
    expect(stale, 'ALLOWED_WITHOUT_CASES lists criteria that do not exist or have no check').toEqual([]);
  });
});
