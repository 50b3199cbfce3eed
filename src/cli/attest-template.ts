import type { Model } from '../model/types.js';
import type { Report } from '../report/schema.js';

/**
 * An attestation skeleton: one commented-out entry for every criterion an attestation would
 * help decide — with a report, those still unknown for want of one; without, every criterion
 * with an attest part — each with the criterion's text in Chinese and English and the evidence
 * it needs. Entries stay commented out: an empty or made-up attestation must never count, so a
 * person uncomments and fills in only what they can attest.
 */
export function attestTemplate(model: Model, opts: { report?: Report; item?: string; today: string; validityDays: number }): string {
  const wanted = new Set(opts.report
    ? opts.report.criteria.filter((c) => c.status === 'unknown' && (c.missing ?? ['attestation']).includes('attestation')).map((c) => c.id)
    : [...model.criteria.values()].filter((c) => c.attest).map((c) => c.id));
  const criteria = [...model.criteria.values()]
    .filter((c) => c.attest && wanted.has(c.id) && (!opts.item || c.capability === opts.item || c.id === opts.item))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  const expires = new Date(Date.parse(opts.today) + opts.validityDays * 86_400_000).toISOString().slice(0, 10);
  const out = [
    '# Attestations to write: techops attest template',
    `# ${criteria.length} criteria ${opts.report ? 'still unknown for want of an attestation in the report' : 'with an attest part'}${opts.item ? ` (${opts.item})` : ''}.`,
    '# 待补充的人工证明：每一项为报告中仅缺少人工证明而未能判定的要求。',
    '#',
    '# Uncomment an entry only for what you can attest, fill in every field, and replace the `[]`',
    '# below with the entries. `techops validate` checks the file. An attestation decides a',
    "# criterion until it expires (at most the config's attestation_validity after its date); it",
    '# never overrides a measured `not_met` of a required check.',
    '# 只为能够证明的要求取消注释并填写全部字段；证明在有效期内生效，不会推翻测量得到的“不满足”。',
    'attestations: []',
  ];
  let capability = '';
  for (const c of criteria) {
    if (c.capability !== capability) {
      capability = c.capability;
      const cap = model.capabilities.find((x) => x.id === capability);
      out.push('', `# ── ${capability} ${cap?.title.zh ?? ''} / ${cap?.title.en ?? ''}`);
    }
    out.push(
      '#',
      `# ${c.id} (level ${c.level})`,
      `#   要求: ${c.text.zh}`,
      `#   Criterion: ${c.text.en}`,
      `#   Evidence needed: ${c.attest}`,
      ...(c.check ? [`#   Measured part: ${c.check.source} (${c.measured ?? "required"})`] : []),
      `#  - criterion: ${c.id}`,
      '#    statement: ""     # what holds, in your words / 实际情况',
      '#    evidence: ""      # link to the record: document, ticket, dashboard / 证据链接',
      '#    by: ""            # who attests, with their role / 证明人及其职务',
      `#    date: ${opts.today}`,
      `#    expires: ${expires}`,
    );
  }
  return out.join('\n') + '\n';
}
