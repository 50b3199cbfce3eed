import { Command, Option } from 'commander';
import { UsageError, UserError } from '../errors.js';
import type { Lang } from '../report/i18n.js';
import { buildPlan, MAX_LEVEL, PlanError } from '../report/plan.js';
import { renderPlanMarkdown, renderPlanTable } from '../report/plan-render.js';
import type { Report } from '../report/schema.js';

export interface PlanCommandDeps {
  out: (s: string) => void;
  /** The report at a path, or undefined when there is no such file (main's reader: it validates the schema). */
  readReport: (file: string) => Report | undefined;
}

/** `--item 5.3.1 --item 6.1.2` and `--item 5.3.1,6.1.2` alike. */
const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function registerPlanCommand(program: Command, deps: PlanCommandDeps): void {
  program
    .command('plan')
    .description('a worklist to the next level: for each item below the target, the blockers ranked by the levels fixing each gains, what each needs and the objects to fix')
    .option('--target <level>', `plan every item up to this level (1–${MAX_LEVEL}); default: each item's next level`)
    .option('--item <id>', 'only this capability item (repeat or comma-separate for several)', collect)
    .option('--report <file>', 'the scan report to plan from', 'techops-out/report.json')
    .addOption(new Option('-f, --format <format>', 'output format (md: markdown, as in scan)').choices(['table', 'markdown', 'md', 'json']).default('table'))
    .addOption(new Option('--lang <lang>', 'output language').choices(['en', 'zh']).default('en'))
    .action((o: { target?: string; item?: string[]; report: string; format: 'table' | 'markdown' | 'md' | 'json'; lang: Lang }) => {
      const target = o.target === undefined ? undefined : Number(o.target);
      if (target !== undefined && (!Number.isInteger(target) || target < 1 || target > MAX_LEVEL)) {
        throw new UsageError(`--target: expected a level from 1 to ${MAX_LEVEL}, got '${o.target}'`);
      }
      const report = deps.readReport(o.report);
      if (!report) throw new UserError(`cannot read report ${o.report}: no such file (run techops scan first, or name one with --report)`);
      let plan;
      try {
        plan = buildPlan(report, { target, items: o.item });
      } catch (e) {
        if (e instanceof PlanError) throw new UserError(`${o.report}: ${e.message}`);
        throw e;
      }
      deps.out(o.format === 'json' ? JSON.stringify(plan, null, 2) + '\n' : o.format === 'markdown' || o.format === 'md' ? renderPlanMarkdown(plan, o.lang) : renderPlanTable(plan, o.lang));
    });
}
