import { describe, expect, it } from 'vitest';
import type { EvidenceRecord } from '../src/evidence/types.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { attestation } from './helpers/engine.js';
import { fixtureReport } from './helpers/report.js';

const GOOD = {
  'fixture.alerts.count': 12, 'fixture.channels.count': 3, 'fixture.severity.ratio': 0.95,
  'fixture.grouping.enabled': true, 'fixture.deploys.count': 40, 'fixture.deploys.success_ratio': 0.97,
};
const SHA = (c: string) => c.repeat(64);
const record = (id: string, i: number): EvidenceRecord => ({
  id, collector: 'fixture', instance: 'main', method: 'GET', url: `http://127.0.0.1:9/signals/${i}.json?a=1|2`, status: 200, attempt: 1,
  started_at: `2026-11-25T11:00:0${i}.000Z`, duration_ms: 12, bytes: 100 + i, sha256: SHA(String(i)),
});
const EVIDENCE = Object.keys(GOOD).map((k, i) => record(`ev-${k}`, i));

/** The 1.1.1 rule file with a YAML comment and golden cases carrying an author's note. */
const withAuthorNotes = (text: string) => text.replace(
  '      check: fixture.channels.count >= 2\n',
  '      # AUTHOR-COMMENT: tuned after the 2026 review\n      check: fixture.channels.count >= 2\n'
  + '      cases:\n'
  + '        - { expect: met, signals: { fixture.channels.count: 2 } }\n'
  + '        - { expect: not_met, signals: { fixture.channels.count: 1 }, note: "AUTHOR-CASE-NOTE one channel" }\n'
  + '        - { expect: unknown, signals: {} }\n',
);

describe('the auditor\'s Markdown', () => {
  const report = fixtureReport({
    given: { ...GOOD, 'fixture.channels.count': 1 },
    attested: [attestation('1.1.1-2.2', { by: 'Li Lei', date: '2026-09-01', expires: '2027-09-01', evidence: 'https://wiki.example/escalation' })],
    evidence: EVIDENCE,
    rules: withAuthorNotes,
  });
  const md = renderMarkdown(report, 'en');

  it('has a legend that defines level, ceiling, blockers, the statuses, basis and the check\'s roles', () => {
    const legend = md.slice(md.indexOf('## How to read this report'), md.indexOf('## Summary'));
    for (const term of ['**Level**', '**Ceiling**', '**Blockers**', '**✅ met**', '**❌ not met**', '**❔ unknown**', '**Basis**', '**Check required**', '**Check supporting**', '**Evidence**', '**Digests**']) {
      expect(legend).toContain(term);
    }
  });

  it('gives the rules and config digests in full', () => {
    expect(md).toContain(`- **Rules digest:** \`${report.run.rules_digest}\``);
    expect(report.run.rules_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(md).toContain(`- **Config digest:** \`sha256:${'c'.repeat(64)}\``);
  });

  it('tells each verdict in words beside its CEL and values, with the evidence id, URL, time and digest', () => {
    const block = md.slice(md.indexOf('**❌ 1.1.1-1.2**'), md.indexOf('**✅ 1.1.1-2.1**'));
    expect(block).toContain('_level 1 · not met · Basis: measured_');
    expect(block).toContain('Not met: the check does not hold on the measured values.');
    expect(block).toContain('- **Check:** `fixture.channels.count >= 2`');
    expect(block).toContain('- **Values:** `fixture.channels.count` = `1`');
    expect(block).toContain(`  - [ev-fixture.channels.count](#ev-fixture.channels.count) GET \`http://127.0.0.1:9/signals/1.json?a=1|2\` · 2026-11-25T11:00:01.000Z · 200 · sha256 \`${SHA('1')}\``);
    // and every record, with its anchor, in the Evidence section
    expect(md).toContain(`| <a id="ev-fixture.alerts.count"></a>ev-fixture.alerts.count | fixture/main | GET \`http://127.0.0.1:9/signals/0.json?a=1\\|2\` | 200 | 2026-11-25T11:00:00.000Z | 12 ms | 100 | \`${SHA('0')}\` |`);
  });

  it('shows the attestation behind an attested verdict, and what one must show where it is missing', () => {
    const attested = md.slice(md.indexOf('**✅ 1.1.1-2.2**'), md.indexOf('1.1.1-3.1**'));
    expect(attested).toContain('Met on an attestation by Li Lei of 2026-09-01 (valid through 2027-09-01).');
    expect(attested).toContain('- **Attestation:** It is so — Li Lei, 2026-09-01, Valid through 2027-09-01, Evidence: https://wiki.example/escalation');
    const missing = md.slice(md.indexOf('**❔ 1.1.1-3.1**'), md.indexOf('1.1.1-5.1**'));
    expect(missing).toContain('_level 3 · unknown · check required_');
    expect(missing).toContain('Unknown: An attestation is needed. The check holds; only the attestation is missing.');
    expect(missing).toContain('- **Attestation needed:** Grouping reviewed by the on-call lead');
    expect(md).toContain('| [1.1.1-2.2](#c-1.1.1-2.2) | It is so | Li Lei | 2026-09-01 | 2027-09-01 | https://wiki.example/escalation |');
  });

  it('leaves out rule-author notes: YAML comments, golden-case notes and internal fields', () => {
    expect(report.criteria.find((c) => c.id === '1.1.1-1.2')!.check).toBe('fixture.channels.count >= 2');
    expect(md).not.toContain('AUTHOR-COMMENT');
    expect(md).not.toContain('AUTHOR-CASE-NOTE');
    expect(md).not.toMatch(/\bcases\b|\bmeasurement\b|"missing"|schema_version/);
  });

  it('is Chinese under --lang zh, using the report\'s Chinese prose where it has it and English where not', () => {
    const zhReport = structuredClone(report);
    const c = zhReport.criteria.find((x) => x.id === '1.1.1-3.1')! as (typeof zhReport.criteria)[number] & Record<string, string>;
    c.attest_zh = '值班负责人审阅告警收敛的记录';
    c.explanation_zh = '未知：缺少人工证明';
    const zh = renderMarkdown(zhReport, 'zh');
    expect(zh).toContain('## 阅读说明');
    expect(zh).toContain('**标准：**YD/T 1756 第 4 部分（技术运营），2019-06-20 报批稿');
    expect(zh).toContain('- **所需人工证明：**值班负责人审阅告警收敛的记录');
    expect(zh).toContain('- **引擎说明：**未知：缺少人工证明');
    expect(zh).toContain('未知：需要人工证明。检查成立，仅缺少人工证明。');
    expect(zh).toContain('**❌ 1.1.1-1.2** 多通道告警');
    // no English label left: every heading and label comes from i18n.ts
    const headings = zh.split('\n').filter((l) => l.startsWith('#'));
    for (const h of headings) expect(h, h).not.toMatch(/\b(Report|Digests|Legend|Summary|Domains|Capability|Criteria|Evidence|Collectors|Claims|Attestations)\b/);
    expect(zh).not.toMatch(/\*\*(Check|Values|Objects|Why|Evidence|Attestation needed|Engine's explanation):/);
    // where the report has no Chinese prose the English stays (no silent gap)
    expect(zh).toContain('- **所需人工证明：**Report of the ML-based alert tuning');
    expect(renderMarkdown(zhReport, 'en')).toContain('- **Attestation needed:** Grouping reviewed by the on-call lead');
  });

  it('folds each item in <details> so 408 criteria stay readable', () => {
    expect(md).toContain('<details id="c-1.1.1"><summary><b>1.1.1 Alerting</b> — Level 0 / Ceiling 0 · ✅ 3 ❌ 1 ❔ 2</summary>');
    expect(md.match(/<details id="c-/g)).toHaveLength(report.capabilities.length);
  });
});

describe('verdicts in words', () => {
  const words = (report: ReturnType<typeof fixtureReport>, id: string) => {
    const md = renderMarkdown(report, 'en');
    const at = md.indexOf(`**`, md.indexOf(`<a id="c-${id}"></a>`));
    return md.slice(at, md.indexOf('\n- **', at));
  };
  const supporting = (text: string) => text.replace('      attest: "Grouping reviewed by the on-call lead"\n', '      attest: "Grouping reviewed by the on-call lead"\n      measured: supporting\n');

  it('a supporting check that disagrees with the attestation: met on the attestation, the conflict said', () => {
    const report = fixtureReport({ given: { ...GOOD, 'fixture.grouping.enabled': false }, attested: ['1.1.1-3.1'], rules: supporting });
    const w = words(report, '1.1.1-3.1');
    expect(w).toContain('_level 3 · met · Basis: attested · check supporting_');
    expect(w).toContain('Met on an attestation by A. Auditor of 2026-10-01 (valid through 2027-10-01). The supporting check does not hold: a conflict for the auditor');
  });

  it('a required check measured not met stands against an attestation, and says so', () => {
    const report = fixtureReport({ given: { ...GOOD, 'fixture.grouping.enabled': false }, attested: ['1.1.1-3.1'] });
    expect(words(report, '1.1.1-3.1')).toContain('Not met: the check does not hold on the measured values. An attestation by A. Auditor says otherwise; the measurement stands against it (a conflict).');
  });

  it('an unknown for want of data names the signals not measured', () => {
    const report = fixtureReport({ given: { 'fixture.alerts.count': 1 } });
    expect(words(report, '1.1.1-1.2')).toContain('Unknown: 1 value(s) the check reads were not measured: fixture.channels.count.');
    expect(renderMarkdown(report, 'en')).toContain('- **Values:** `fixture.channels.count` = not configured (collector fixture is not configured)');
  });
});
