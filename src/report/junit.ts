import { explanationIn, reasonsIn, type Lang } from './i18n.js';
import type { Report } from './schema.js';

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    // characters XML 1.0 does not allow, which CI parsers reject
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/**
 * JUnit XML, the format GitLab, Jenkins and most CI systems show natively: a test suite per
 * capability item, a test case per criterion; not_met is a failure, unknown is skipped (neither
 * passed nor failed: no data or no attestation), met passes. The suite's properties carry the
 * item's level and ceiling.
 */
export function renderJunit(report: Report, lang: Lang): string {
  const byItem = new Map<string, Report['criteria']>();
  for (const c of report.criteria) byItem.set(c.capability, [...(byItem.get(c.capability) ?? []), c]);
  const s = report.summary.criteria;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="techops ${xml(report.run.assessment.name)}" tests="${s.met + s.not_met + s.unknown}" failures="${s.not_met}" skipped="${s.unknown}" timestamp="${report.run.finished_at}">`,
  ];
  for (const cap of report.capabilities) {
    const criteria = byItem.get(cap.id) ?? [];
    out.push(`  <testsuite name="${cap.id} ${xml(cap.title[lang])}" tests="${criteria.length}" failures="${cap.counts.not_met}" skipped="${cap.counts.unknown}" timestamp="${report.run.finished_at}">`);
    out.push('    <properties>', `      <property name="level" value="${cap.level}"/>`, `      <property name="ceiling" value="${cap.ceiling}"/>`, '    </properties>');
    for (const c of criteria) {
      const open = `    <testcase classname="techops.${cap.id}" name="${c.id} ${xml(c.text[lang])}"`;
      const explanation = explanationIn(lang, c);
      const why = xml([explanation, ...reasonsIn(lang, c)].filter(Boolean).join('\n'));
      if (c.status === 'met') out.push(`${open}/>`);
      else if (c.status === 'not_met') out.push(`${open}>`, `      <failure message="${xml(explanation)}" type="not_met">${why}</failure>`, '    </testcase>');
      else out.push(`${open}>`, `      <skipped message="${xml(explanation)}"/>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
