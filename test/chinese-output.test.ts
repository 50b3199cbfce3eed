import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { startEstate, writeDemoFiles, type RunningEstate } from '../demo/index.js';
import { attestTemplate } from '../src/cli/attest-template.js';
import { renderExplain } from '../src/cli/explain.js';
import { main } from '../src/cli/main.js';
import { renderModel } from '../src/cli/model-commands.js';
import { fixedClock } from '../src/clock.js';
import { catalogue } from '../src/engine/messages.js';
import { signalReason } from '../src/engine/signal-reasons.js';
import { loadModel } from '../src/model/load.js';
import type { Model } from '../src/model/types.js';
import { defaultRulesDir } from '../src/package-info.js';
import { renderHtml } from '../src/report/html/page.js';
import { renderJunit } from '../src/report/junit.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { buildPlan } from '../src/report/plan.js';
import { renderPlanMarkdown, renderPlanTable } from '../src/report/plan-render.js';
import type { Report } from '../src/report/schema.js';
import { renderTable } from '../src/report/table.js';
import { signalCatalog } from '../src/signals/catalog.js';

/*
 * `--lang zh` output has no English sentence outside names and CEL (issue 16). The sample
 * estate is scanned once through the real collectors and engine; every format and command
 * that takes --lang renders it in Chinese, and each output is searched for English sentences.
 *
 * An English sentence: three or more words of Latin letters in a row, separated by spaces
 * only, once the things that are not prose are masked out:
 * - CEL: every check's source, as the rules write it;
 * - identifiers: dotted names (signal ids, params.x, file names), paths, URLs, criterion ids;
 * - the estate's own names: what the config and the attestations say (the assessment, the
 *   people and their roles, statements and evidence links), the objects systems name;
 * - text shown verbatim from a system or a collector, marked 原文「…」 (an HTTP error, a
 *   collector's caveat): rewording it would put words in the system's mouth;
 * - ALLOWED below: names of more than two words, each with its reason.
 *
 * Rule prose (attest, why, reading, parameter descriptions) and signal descriptions come from
 * the translation branches; until they merge, their English is masked through the two flags
 * below, and the test that each has its Chinese form is skipped. Everything else must pass now.
 */

/** Set to true once the tr05/tr06/tr09 branches (rule prose in Chinese) have merged. */
const RULE_PROSE_TRANSLATED = true;
/** Set to true once the trsig branch (signals/descriptions.zh.yaml) has merged. */
const SIGNAL_DESCRIPTIONS_TRANSLATED = true;

/** Names of three or more Latin words a Chinese reader sees as they are. Keep it short. */
const ALLOWED: string[] = [
  'Argo CD Application', 'Gateway API HTTPRoute', // Kubernetes kinds, as the API names them
  'GitHub REST API', 'Prometheus HTTP API', 'REST API v', // products' API names (PagerDuty's "REST API v2")
  'This reverts commit', // the literal line git writes into a revert, which the collectors search for
  'service dependency graph', // a Grafana panel plugin's name
  'kubectl rollout undo', // a command, quoted in the rules' prose
];

const NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);
let running: RunningEstate;
let dir: string;
let config: string;
let report: Report;
let model: Model;
const outputs = new Map<string, string>();
let scanStderr = '';

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { registry: collectors, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false, clock: fixedClock(NOW) });
  return { code, stdout, stderr };
}

/** The Chinese fields of the JSON report, one per line. */
function chineseFieldsOf(r: Report): string {
  return [
    ...r.criteria.flatMap((c) => [c.explanation_zh ?? '', ...(c.reasons_zh ?? []), c.attest_zh ?? '', c.why_zh ?? '', c.reading_zh ?? '']),
    ...r.capabilities.flatMap((c) => c.blockers.map((b) => b.reason_zh ?? '')),
    ...r.attestations.conflicts.map((c) => c.message_zh ?? ''),
    ...r.attestations.ignored.map((c) => c.reason_zh ?? ''),
    ...r.claims.flatMap((c) => c.criteria.map((x) => x.reason_zh ?? '')),
    ...r.dora.map((d) => d.definition_zh ?? ''),
    ...r.signals.map((s) => s.description_zh ?? ''),
  ].filter(Boolean).join('\n');
}

/**
 * Every format and command that takes --lang, rendered in Chinese. A format is one line here;
 * the integrator adds Markdown (`md: () => renderMarkdown(report, 'zh')`) once the plan
 * branch's auditor Markdown has merged, and HTML's visible text once that branch has.
 */
/**
 * What a reader sees of the HTML report switched to Chinese: the page minus its style and
 * script, minus every element of class `en` (the page's CSS hides them in the Chinese view), as
 * text. SVG tooltips (`<title>`) name both languages at once by design and are left out, and so
 * are response excerpts (`<pre>`): the system's own bytes.
 */
function visibleChineseText(page: string): string {
  // a response excerpt (<pre>) is the system's own bytes, shown as evidence
  let out = page.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>|<title>[\s\S]*?<\/title>|<pre>[\s\S]*?<\/pre>/g, '');
  const open = /<(\w+)\b[^>]*\bclass="(?:[^"]*\s)?en(?:\s[^"]*)?"[^>]*>/;
  for (let m = open.exec(out); m; m = open.exec(out)) {
    const tag = m[1];
    const re = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'g');
    re.lastIndex = m.index + m[0].length;
    let depth = 1;
    let end = out.length;
    for (let t = re.exec(out); t; t = re.exec(out)) {
      depth += t[1] ? -1 : 1;
      if (depth === 0) { end = t.index + t[0].length; break; }
    }
    out = out.slice(0, m.index) + out.slice(end);
  }
  return out.replace(/<[^>]+>/g, '\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

const FORMATS: Record<string, () => string | Promise<string>> = {
  html: () => visibleChineseText(renderHtml(report, 'zh')),
  markdown: () => renderMarkdown(report, 'zh'),
  plan: () => renderPlanTable(buildPlan(report, {}), 'zh') + renderPlanMarkdown(buildPlan(report, {}), 'zh'),
  table: () => renderTable(report, 'zh'),
  // as a CI system shows it: entities decoded
  junit: () => renderJunit(report, 'zh').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
  'json (Chinese fields)': () => chineseFieldsOf(report),
  explain: () => model.capabilities.map((c) => renderExplain(model, c.id, 'zh', report)).join('\n'),
  model: () => renderModel(model, 'zh'),
  signals: async () => (await cli(['signals', '--lang', 'zh'])).stdout,
  'attest template': () => attestTemplate(model, { report, today: NOW.toISOString().slice(0, 10), validityDays: 365, lang: 'zh' }),
  'scan (policy lines on stderr)': () => scanStderr,
  validate: async () => {
    const r = await cli(['validate', '-c', config, '--lang', 'zh']);
    return r.stdout + r.stderr; // the summary, and the warnings about attestations not used
  },
  history: async () => (await cli(['history', '-c', config, '--lang', 'zh'])).stdout,
  diff: async () => (await cli(['diff', '-c', config, '--lang', 'zh'])).stdout,
};

/** What is not prose: masked before looking for English sentences. */
function maskedTexts(): string[] {
  const texts: string[] = [...ALLOWED, report.run.assessment.name, report.run.assessment.scope ?? ''];
  for (const c of model.criteria.values()) {
    if (c.check) texts.push(c.check.source);
    if (!RULE_PROSE_TRANSLATED) texts.push(c.attest ?? '', c.why ?? '', c.reading ?? '');
  }
  for (const cap of model.capabilities) {
    if (!RULE_PROSE_TRANSLATED) texts.push(cap.reading ?? '', ...cap.parameters.map((p) => p.description));
  }
  for (const a of report.attestations.used) texts.push(a.by, a.statement, a.evidence);
  for (const s of report.signals) {
    texts.push(...(s.objects?.sample ?? []));
    if (typeof s.value === 'string') texts.push(s.value, JSON.stringify(s.value));
  }
  if (!SIGNAL_DESCRIPTIONS_TRANSLATED) {
    for (const c of collectors) texts.push(c.description, ...c.signals.map((s) => s.description));
    const { derived, cross } = signalCatalog(collectors);
    texts.push(...derived.map((d) => d.description), ...cross.map((c) => c.declaration.description));
  }
  // longest first, so a text that contains another is masked whole
  return [...new Set(texts.filter((t) => t.length > 0))].sort((a, b) => b.length - a.length);
}

let masks: string[] = [];

/** The English sentences left in a text once names, identifiers, CEL and verbatim quotes are masked. */
function englishSentences(text: string): string[] {
  let t = text;
  for (const m of masks) t = t.split(m).join(' ¶ ');
  t = t
    .replace(/原文「[^」]*」/g, ' ¶ ')
    .replace(/\bhttps?:\/\/\S+/g, ' ¶ ')
    .replace(/[\w-]*(?:[./][\w-]+)+/g, ' ¶ ') // dotted and slashed identifiers: signal ids, params.x, paths, file names
    .replace(/`[^`]*`/g, ' ¶ '); // a command or a key, quoted as code
  return [...t.matchAll(/[A-Za-z][A-Za-z'’]*(?:[ \t]+[A-Za-z][A-Za-z'’]*){2,}/g)].map((m) => m[0]);
}

beforeAll(async () => {
  running = await startEstate({ factor: 1 }, NOW);
  dir = mkdtempSync(join(tmpdir(), 'techops-zh-'));
  ({ config } = writeDemoFiles(dir, running, NOW));
  // two runs, so that `diff` has something to compare; the demo's claims include a contradicted one (exit 3)
  for (const out of ['a', 'b']) {
    const r = await cli(['scan', '-c', config, '-o', join(dir, out), '-f', 'json', '--lang', 'zh', '-q']);
    expect(r.code, r.stderr).not.toBe(1);
    scanStderr = r.stderr;
  }
  report = JSON.parse(readFileSync(join(dir, 'b', 'report.json'), 'utf8')) as Report;
  model = loadModel(defaultRulesDir(), { declaredSignals: signalCatalog(collectors).ids });
  masks = maskedTexts();
  for (const [name, render] of Object.entries(FORMATS)) outputs.set(name, await render());
}, 180_000);
afterAll(async () => {
  await running?.stop();
});

describe('--lang zh output has no English sentence outside names and CEL', () => {
  it('the detector finds the English renderings (so it can fail)', () => {
    expect(englishSentences(renderTable(report, 'en')).length).toBeGreaterThan(0);
    expect(englishSentences(renderJunit(report, 'en')).length).toBeGreaterThan(10);
    expect(englishSentences(report.criteria.map((c) => c.explanation).join('\n')).length).toBeGreaterThan(10);
  });

  for (const name of Object.keys(FORMATS)) {
    it(name, () => {
      const text = outputs.get(name)!;
      expect(text.length, `${name} printed nothing`).toBeGreaterThan(0);
      expect(/[\u4e00-\u9fff]/.test(text), `${name} has no Chinese at all`).toBe(true);
      expect([...new Set(englishSentences(text))]).toEqual([]);
    });
  }

  it('the JSON report has the Chinese twin of every English explanation, reason, conflict and claim text', () => {
    for (const c of report.criteria) {
      expect(c.explanation_zh, c.id).toBeDefined();
      expect(c.reasons_zh?.length, c.id).toBe(c.reasons.length);
    }
    for (const c of report.attestations.conflicts) expect(c.message_zh, c.criterion).toMatch(/^\S+：由 .* 证明，但测量结果为不满足/);
    expect(report.attestations.conflicts.length).toBeGreaterThan(0);
    for (const c of report.claims) for (const x of c.criteria) expect(x.reason_zh === undefined, x.id).toBe(x.reason === undefined);
    expect(report.dora.every((d) => d.definition_zh)).toBe(true);
  });

  it('every message of the engine has a Chinese form with the same parameters and no English sentence', () => {
    for (const [code, m] of Object.entries(catalogue())) {
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
      expect(params(m.zh), code).toEqual(params(m.en));
      expect(englishSentences(m.zh.replace(/\{\w+\}/g, '¶')), code).toEqual([]);
    }
  });

  it('signal reasons the core writes are translated; a system\'s own words are quoted as the original', () => {
    expect(signalReason('collector git is not configured', 'not_configured').zh).toBe('采集器 git 未配置');
    expect(signalReason('none of its sources is configured (servicenow)', 'not_configured').zh).toBe('其来源均未配置（servicenow）');
    expect(signalReason('a.b: collector x is not configured; c.d: not observed by p/q', 'not_available').zh).toBe('a.b：采集器 x 未配置；c.d：p/q 未观测到该信号');
    expect(signalReason('connect ECONNREFUSED 127.0.0.1:1', 'failed').zh).toBe('原文「connect ECONNREFUSED 127.0.0.1:1」');
    expect(signalReason(undefined, 'not_observed')).toEqual({ en: 'not observed', zh: '未观测到' });
  });

  // Until the translation branches merge, their English prose is masked above; these say what is left to translate.
  it.skipIf(!RULE_PROSE_TRANSLATED)('rule prose: every attest, why, reading and parameter description has its Chinese form', () => {
    const missing = [
      ...[...model.criteria.values()].flatMap((c) => [
        ...(c.attest && !c.attestZh ? [`${c.id} attest`] : []), ...(c.why && !c.whyZh ? [`${c.id} why`] : []), ...(c.reading && !c.readingZh ? [`${c.id} reading`] : []),
      ]),
      ...model.capabilities.flatMap((cap) => [
        ...(cap.reading && !cap.readingZh ? [`${cap.id} reading`] : []),
        ...cap.parameters.filter((p) => !p.descriptionZh).map((p) => `${cap.id} parameter ${p.name}`),
      ]),
    ];
    expect(missing).toEqual([]);
  });
  it.skipIf(!SIGNAL_DESCRIPTIONS_TRANSLATED)('signal descriptions: every declared signal has its Chinese description', () => {
    expect(report.signals.filter((s) => !s.description_zh).map((s) => s.id)).toEqual([]);
  });
});
