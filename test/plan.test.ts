import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { buildPlan, levelFrom, PlanError, type Plan } from '../src/report/plan.js';
import { planHtml } from '../src/report/plan-html.js';
import { renderPlanMarkdown, renderPlanTable } from '../src/report/plan-render.js';
import type { Report } from '../src/report/schema.js';
import type { SignalState } from '../src/signals/types.js';
import { fixtureReport } from './helpers/report.js';
import { fixtureCollector } from './helpers/fixture-collector.js';

/**
 * Golden inputs: reports built by the real engine from the fixture rules (1.1.1: levels 1–3 and 5,
 * level 4 empty; 1.1.2: levels 1–2), so the plan is checked against the engine's own levels.
 */
const GOOD = {
  'fixture.alerts.count': 12, 'fixture.channels.count': 3, 'fixture.severity.ratio': 0.95,
  'fixture.grouping.enabled': true, 'fixture.deploys.count': 40, 'fixture.deploys.success_ratio': 0.97,
};

function reportFrom(given: Record<string, number | boolean>, attested: string[], annotate?: (s: Map<string, SignalState>) => void): Report {
  return fixtureReport({ given, attested, annotate });
}

const item = (plan: Plan, id: string) => plan.items.find((i) => i.id === id)!;
const blocker = (plan: Plan, id: string) => plan.items.flatMap((i) => i.blockers).find((b) => b.criterion === id)!;

describe('techops plan: blockers ranked by the levels fixing each gains', () => {
  it('recomputes every level exactly as the engine does', () => {
    for (const [given, attested] of [
      [GOOD, ['1.1.1-2.2', '1.1.1-3.1']],
      [{ ...GOOD, 'fixture.channels.count': 1 }, ['1.1.1-2.2', '1.1.1-3.1']],
      [{ ...GOOD, 'fixture.severity.ratio': 0.5 }, []],
      [{ 'fixture.alerts.count': 3 }, ['1.1.1-5.1']],
    ] as const) {
      const report = reportFrom({ ...given }, [...attested]);
      for (const cap of report.capabilities) {
        expect(levelFrom(report.criteria.filter((c) => c.capability === cap.id)), cap.id).toBe(cap.level);
      }
      const plan = buildPlan(report, { target: 5 });
      for (const i of plan.items) expect(i.ceiling, i.id).toBe(report.capabilities.find((c) => c.id === i.id)!.ceiling);
    }
  });

  it('one attestation gains a level: 1.1.1 at level 4 (level 4 adds nothing) needs only 5.1', () => {
    const report = reportFrom(GOOD, ['1.1.1-2.2', '1.1.1-3.1']);
    expect(report.capabilities.find((c) => c.id === '1.1.1')!.level).toBe(4);
    const plan = buildPlan(report);
    expect(item(plan, '1.1.1')).toMatchObject({ level: 4, target: 5, beyondCeiling: false, steps: [{ level: 5, blockers: ['1.1.1-5.1'], reaches: 5 }] });
    expect(blocker(plan, '1.1.1-5.1')).toMatchObject({ status: 'unknown', needs: ['attestation'], unlocks: 1, with: [], attest: 'Report of the ML-based alert tuning' });
    // 1.1.2 is at 5 already (its levels 3–5 add nothing)
    expect(plan.atTarget).toEqual([{ id: '1.1.2', level: 5 }]);
  });

  it('fixing one measured criterion gains every level up to the next that adds something unmet', () => {
    const report = reportFrom({ ...GOOD, 'fixture.channels.count': 1 }, ['1.1.1-2.2', '1.1.1-3.1']);
    const plan = buildPlan(report, { items: ['1.1.1'] });
    expect(item(plan, '1.1.1')).toMatchObject({ level: 0, target: 1, ceiling: 0, beyondCeiling: true });
    // 1.2 is the only thing between level 0 and level 4
    expect(blocker(plan, '1.1.1-1.2')).toMatchObject({ status: 'not_met', needs: ['change'], unlocks: 4, with: [], check: 'fixture.channels.count >= 2' });
    expect(blocker(plan, '1.1.1-1.2').reason).toContain('fixture.channels.count = 1');
  });

  it('two blockers of one level: each alone gains nothing, together one level', () => {
    const report = reportFrom({ ...GOOD, 'fixture.severity.ratio': 0.5 }, []);
    const plan = buildPlan(report, { items: ['1.1.1'] });
    const i = item(plan, '1.1.1');
    expect(i).toMatchObject({ level: 1, target: 2, steps: [{ level: 2, blockers: ['1.1.1-2.1', '1.1.1-2.2'], reaches: 2 }] });
    expect(i.blockers.map((b) => [b.criterion, b.unlocks, b.with, b.needs])).toEqual([
      ['1.1.1-2.1', 0, ['1.1.1-2.2'], ['change']],
      ['1.1.1-2.2', 0, ['1.1.1-2.1'], ['attestation']],
    ]);
  });

  it('a target beyond the ceiling: every blocker up to it, in steps, the measured ones flagged', () => {
    const report = reportFrom({ ...GOOD, 'fixture.severity.ratio': 0.5 }, []);
    const plan = buildPlan(report, { target: 5, items: ['1.1.1'] });
    const i = item(plan, '1.1.1');
    expect(i).toMatchObject({ level: 1, ceiling: 1, target: 5, beyondCeiling: true });
    expect(i.steps).toEqual([
      { level: 2, blockers: ['1.1.1-2.1', '1.1.1-2.2'], reaches: 2 },
      { level: 3, blockers: ['1.1.1-3.1'], reaches: 4 },
      { level: 5, blockers: ['1.1.1-5.1'], reaches: 5 },
    ]);
    expect(blocker(plan, '1.1.1-3.1')).toMatchObject({ unlocks: 0, with: ['1.1.1-2.1', '1.1.1-2.2'], needs: ['attestation'] });
    expect(blocker(plan, '1.1.1-5.1').with).toEqual(['1.1.1-2.1', '1.1.1-2.2', '1.1.1-3.1']);
    // ranked: level 2 first (fewest blockers to wait for), then 3, then 5
    expect(i.blockers.map((b) => b.criterion)).toEqual(['1.1.1-2.1', '1.1.1-2.2', '1.1.1-3.1', '1.1.1-5.1']);
  });

  it('a blocker that gains levels alone ranks before one that gains nothing alone', () => {
    // 1.1 not met is all that stands below level 3 (2.2 attested): fixing it gains 2; 3.1 waits for it
    const report = reportFrom({ ...GOOD, 'fixture.alerts.count': 0 }, ['1.1.1-2.2']);
    const plan = buildPlan(report, { target: 3, items: ['1.1.1'] });
    expect(plan.items[0].blockers.map((b) => [b.criterion, b.unlocks])).toEqual([['1.1.1-1.1', 2], ['1.1.1-3.1', 0]]);
  });

  it('unmeasured signals and the objects the evidence names, first N with the count', () => {
    const report = reportFrom({ 'fixture.alerts.count': 1, 'fixture.severity.ratio': 0.4, 'fixture.grouping.enabled': true }, [], (s) => {
      const sev = s.get('fixture.severity.ratio')!;
      sev.objects = { total: 9, sample: ['NoSeverityA', 'NoSeverityB', 'NoSeverityC', 'NoSeverityD'] };
      sev.notes = ['objects: alerting rules without a severity label'];
      const alerts = s.get('fixture.alerts.count')!;
      alerts.objects = { total: 1, sample: ['HighErrorRate'] };
    });
    const plan = buildPlan(report, { target: 2, items: ['1.1.1'], objects: 2 });
    expect(blocker(plan, '1.1.1-1.2')).toMatchObject({ needs: ['data'], unmeasured: [{ signal: 'fixture.channels.count', status: 'not_configured' }] });
    expect(blocker(plan, '1.1.1-2.1').objects).toEqual([{ signal: 'fixture.severity.ratio', what: 'alerting rules without a severity label', total: 9, sample: ['NoSeverityA', 'NoSeverityB'] }]);
    const table = renderPlanTable(plan, 'en');
    expect(table).toContain('Objects: fixture.severity.ratio (alerting rules without a severity label) 9: NoSeverityA,');
    expect(table).toContain('not measured: fixture.channels.count (collector fixture is not configured)');
    const md = renderPlanMarkdown(plan, 'en');
    expect(md).toContain('| **1.1.1-2.1** Alerts are graded | 2 | not met | a change | nothing alone (with 1.1.1-1.2, 1.1.1-2.2) | Objects: fixture.severity.ratio (alerting rules without a severity label) 9: NoSeverityA, NoSeverityB, …<br>not met: ');
    expect(md).toContain('Objects: fixture.severity.ratio (alerting rules without a severity label) 9: NoSeverityA, NoSeverityB, …');
  });

  it('refuses a target outside 1–5 and an item not in the report, naming them', () => {
    const report = reportFrom(GOOD, []);
    expect(() => buildPlan(report, { target: 6 })).toThrow(PlanError);
    expect(() => buildPlan(report, { target: 6 })).toThrow(/target: expected a level from 1 to 5, got 6/);
    expect(() => buildPlan(report, { items: ['9.9.9'] })).toThrow(/no capability item 9.9.9/);
  });
});

describe('plan renderers', () => {
  const report = reportFrom({ ...GOOD, 'fixture.severity.ratio': 0.5 }, []);

  it('the table and Markdown show steps, needs and gains, in Chinese with --lang zh', () => {
    const plan = buildPlan(report, { target: 5 });
    const en = renderPlanTable(plan, 'en');
    expect(en).toContain('Plan to level 5: Fixture estate');
    expect(en).toContain('fix 1.1.1-2.1, 1.1.1-2.2 → level 2');
    expect(en).toContain('Target above the ceiling (1)');
    const zh = renderPlanMarkdown(plan, 'zh');
    expect(zh).toContain('# 升级计划（至第 5 级）：Fixture estate');
    expect(zh).toContain('- 解决 1.1.1-2.1、1.1.1-2.2 → 第 2 级');
    expect(zh).toContain('| **1.1.1-2.2** 告警升级 | 2 | 未知 | 人工证明 | 单独解决无提升 (需同时解决 1.1.1-2.1) |');
    expect(zh).not.toMatch(/\b(Level|Blocker|Needs|nothing alone)\b/);
  });

  it('the HTML fragment escapes every text', () => {
    const hostile = structuredClone(report);
    hostile.criteria.find((c) => c.id === '1.1.1-2.2')!.text.en = 'Alerts <script>alert(1)</script> & "escalate"';
    const html = planHtml(buildPlan(hostile), 'en');
    expect(html).toMatch(/^<section class="techops-plan" lang="en">/);
    expect(html).toContain('Alerts &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;escalate&quot;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<tr class="needs-attestation">');
    expect(planHtml(buildPlan(report), 'zh')).toContain('<section class="techops-plan" lang="zh-CN">');
  });

  it('says so when nothing is below the target', () => {
    const plan = buildPlan(reportFrom(GOOD, ['1.1.1-2.2', '1.1.1-3.1', '1.1.1-5.1']));
    expect(plan.items).toEqual([]);
    expect(renderPlanTable(plan, 'en')).toContain('Every item considered is already at or above its target.');
  });
});

describe('techops plan (CLI)', () => {
  async function cli(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { registry: [fixtureCollector], stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false });
    return { code, stdout, stderr };
  }
  const file = join(mkdtempSync(join(tmpdir(), 'techops-plan-')), 'report.json');
  writeFileSync(file, JSON.stringify(reportFrom({ ...GOOD, 'fixture.severity.ratio': 0.5 }, [])));

  it('plans from a report file in each format', async () => {
    const table = await cli(['plan', '--report', file]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('1.1.1 Alerting: Level 1 → 2 (Ceiling 1)');
    const json = await cli(['plan', '--report', file, '--target', '5', '--item', '1.1.1', '-f', 'json']);
    const plan = JSON.parse(json.stdout) as Plan;
    expect(plan.target).toBe(5);
    expect(plan.items.map((i) => i.id)).toEqual(['1.1.1']);
    const md = await cli(['plan', '--report', file, '-f', 'markdown', '--lang', 'zh']);
    expect(md.stdout).toMatch(/^# 升级计划（至下一级）/);
  });

  it('one clear message for a missing report, a bad target or an unknown item', async () => {
    expect(await cli(['plan', '--report', join(tmpdir(), 'no-such-techops-report.json')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot read report .*no such file/) });
    expect(await cli(['plan', '--report', file, '--target', '0'])).toMatchObject({ code: 2, stderr: "techops: --target: expected a level from 1 to 5, got '0'\n" });
    expect(await cli(['plan', '--report', file, '--item', '1.1.1,7.7.7'])).toMatchObject({ code: 1, stderr: expect.stringContaining('no capability item 7.7.7') });
  });
});
