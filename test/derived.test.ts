import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeDerived, loadDerived, type DerivedSignal } from '../src/signals/derived.js';
import type { SignalDeclaration, SignalState } from '../src/signals/types.js';

const decl = (id: string, type: SignalDeclaration['type'] = 'number', aggregation: SignalDeclaration['aggregation'] = 'sum'): SignalDeclaration => ({ id, type, aggregation, description: id });
const PER_WEEK: DerivedSignal = { ...decl('delivery.deployments.per_week'), from: ['github.deployments.per_week', 'gitlab.deployments.per_week'] };
const SUCCESS: DerivedSignal = { ...decl('delivery.deployments.success_ratio', 'ratio', 'min'), from: ['github.deployments.success_ratio', 'gitlab.deployments.success_ratio'] };

function state(id: string, status: SignalState['status'], value?: number, reason?: string): SignalState {
  return { id, collector: id.split('.')[0], declaration: decl(id), status, value, reason, evidence: value === undefined ? [] : [`ev-${id}`], instances: [] };
}

function signals(...states: SignalState[]): Map<string, SignalState> {
  return new Map(states.map((s) => [s.id, s]));
}

describe('derived signals', () => {
  it('take the configured source and ignore the one not configured', () => {
    const out = computeDerived([PER_WEEK], signals(state('github.deployments.per_week', 'observed', 12), state('gitlab.deployments.per_week', 'not_configured', undefined, 'collector gitlab is not configured')));
    expect(out.get('delivery.deployments.per_week')).toMatchObject({ status: 'observed', value: 12, evidence: ['ev-github.deployments.per_week'] });
  });

  it('combine two configured sources by their aggregation', () => {
    const out = computeDerived([PER_WEEK, SUCCESS], signals(
      state('github.deployments.per_week', 'observed', 12), state('gitlab.deployments.per_week', 'observed', 3),
      state('github.deployments.success_ratio', 'observed', 0.99), state('gitlab.deployments.success_ratio', 'observed', 0.8),
    ));
    expect(out.get('delivery.deployments.per_week')?.value).toBe(15);
    expect(out.get('delivery.deployments.success_ratio')?.value).toBe(0.8);
  });

  it('stay unknown when a configured source failed, whatever the other says', () => {
    const out = computeDerived([SUCCESS], signals(state('github.deployments.success_ratio', 'observed', 0.99), state('gitlab.deployments.success_ratio', 'failed', undefined, 'gitlab/main failed: credentials rejected (HTTP 401)')));
    expect(out.get('delivery.deployments.success_ratio')).toMatchObject({ status: 'failed', reason: expect.stringContaining('credentials rejected') });
  });

  it('are not configured when no source is, and not available when the sources have nothing', () => {
    const none = computeDerived([PER_WEEK], signals(state('github.deployments.per_week', 'not_configured', undefined, 'collector github is not configured')));
    expect(none.get('delivery.deployments.per_week')).toMatchObject({ status: 'not_configured', reason: 'none of its sources is configured (github, gitlab)' });
    const empty = computeDerived([PER_WEEK], signals(state('github.deployments.per_week', 'not_available', undefined, 'no repository has deployments'), state('gitlab.deployments.per_week', 'not_configured', undefined, 'collector gitlab is not configured')));
    expect(empty.get('delivery.deployments.per_week')).toMatchObject({ status: 'not_available', reason: expect.stringContaining('no repository has deployments') });
  });

  it('refuse a source of another type, or a source its collector does not declare', () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-derived-'));
    const file = join(dir, 'derived.yaml');
    writeFileSync(file, 'signals:\n  - { id: delivery.x.ratio, type: ratio, aggregation: min, description: x, from: [github.deployments.per_week, github.nope] }\n');
    const collectors = new Map([['github.deployments.per_week', decl('github.deployments.per_week')]]);
    expect(() => loadDerived(file, collectors)).toThrow(/github\.deployments\.per_week is a number, delivery\.x\.ratio a ratio[\s\S]*github\.nope is not declared by collector github/);
  });

  it('carry the objects and notes of the sources they rest on', () => {
    const gh = { ...state('github.deployments.per_week', 'observed', 12), objects: { total: 2, sample: ['shop/web', 'shop/cart'] }, notes: ['counted from the deployments API'] };
    const out = computeDerived([PER_WEEK], signals(gh, state('gitlab.deployments.per_week', 'not_configured', undefined, 'collector gitlab is not configured')));
    expect(out.get('delivery.deployments.per_week')).toMatchObject({ value: 12, objects: { total: 2, sample: ['shop/web', 'shop/cart'] }, notes: ['counted from the deployments API'] });
  });
});
