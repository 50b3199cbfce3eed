import type { Model } from '../model/types.js';
import { fill, labels, type Lang } from '../report/i18n.js';
import type { Report } from '../report/schema.js';

/**
 * An attestation skeleton: one commented-out entry for every criterion an attestation would
 * help decide — with a report, those still unknown for want of one; without, every criterion
 * with an attest part — each with the criterion's text in Chinese and English and the evidence
 * it needs. Entries stay commented out: an empty or made-up attestation must never count, so a
 * person uncomments and fills in only what they can attest.
 */
export function attestTemplate(model: Model, opts: { report?: Report; item?: string; today: string; validityDays: number; lang?: 'both' | Lang }): string {
  const wanted = new Set(opts.report
    ? opts.report.criteria.filter((c) => c.status === 'unknown' && (c.missing ?? ['attestation']).includes('attestation')).map((c) => c.id)
    : [...model.criteria.values()].filter((c) => c.attest).map((c) => c.id));
  const criteria = [...model.criteria.values()]
    .filter((c) => c.attest && wanted.has(c.id) && (!opts.item || c.capability === opts.item || c.id === opts.item))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const expires = new Date(Date.parse(opts.today) + opts.validityDays * 86_400_000).toISOString().slice(0, 10);
  const langs: Lang[] = opts.lang === 'en' ? ['en'] : opts.lang === 'zh' ? ['zh'] : ['en', 'zh'];
  const has = (l: Lang) => langs.includes(l);
  const [en, zh] = [labels('en'), labels('zh')];
  const item = (l: Lang) => (opts.item ? (l === 'zh' ? `（${opts.item}）` : ` (${opts.item})`) : '');
  const count = (l: Lang) => fill(opts.report ? labels(l).attestCountReport : labels(l).attestCountAll, { n: criteria.length, item: item(l) });
  // a field's comment: both languages side by side, or the one asked for
  const hint = (key: 'attestStatement' | 'attestEvidenceLink' | 'attestBy') => langs.map((l) => labels(l)[key]).join(' / ');
  const out = [
    ...(has('en') ? [en.attestTitle, count('en')] : []),
    ...(has('zh') ? [zh.attestTitle, count('zh')] : []),
    '#',
    ...(has('en') ? [en.attestHowTo] : []),
    ...(has('zh') ? [zh.attestHowTo] : []),
    'attestations: []',
  ];
  let capability = '';
  for (const c of criteria) {
    if (c.capability !== capability) {
      capability = c.capability;
      const cap = model.capabilities.find((x) => x.id === capability);
      out.push('', `# ── ${capability} ${langs.map((l) => cap?.title[l] ?? '').join(' / ')}`);
    }
    const attestZh = c.attestZh ?? c.attest;
    out.push(
      '#',
      `# ${c.id} (${langs.map((l) => fill(labels(l).attestLevel, { n: c.level })).join(' / ')})`,
      ...(has('zh') ? [`#   ${zh.attestCriterion}: ${c.text.zh}`] : []),
      ...(has('en') ? [`#   ${en.attestCriterion}: ${c.text.en}`] : []),
      ...(has('zh') ? [`#   ${zh.attestEvidence}: ${attestZh}`] : []),
      ...(has('en') ? [`#   ${en.attestEvidence}: ${c.attest}`] : []),
      ...(c.check ? [`#   ${langs.map((l) => labels(l).attestMeasured).join(' / ')}: ${c.check.source} (${langs.map((l) => labels(l)[c.measured ?? 'required']).join(' / ')})`] : []),
      `#  - criterion: ${c.id}`,
      `#    statement: ""     # ${hint('attestStatement')}`,
      `#    evidence: ""      # ${hint('attestEvidenceLink')}`,
      `#    by: ""            # ${hint('attestBy')}`,
      `#    date: ${opts.today}`,
      `#    expires: ${expires}`,
    );
  }
  return out.join('\n') + '\n';
}
