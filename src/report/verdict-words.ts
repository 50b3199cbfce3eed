import { fill, type AuditLabels, type Lang } from './i18n.js';
import type { Report } from './schema.js';

/**
 * A verdict told in words from the report's structured fields (status, basis, the check's role,
 * what is missing, the attestation), in the report's language — to stand beside the CEL, not in
 * place of it. Shared by the renderers that show verdicts to people.
 */
type Criterion = Report['criteria'][number];

/** The Chinese fields the report may carry beside the English ones (older reports lack them). */
export type ChineseProse = { explanation_zh?: string; why_zh?: string; attest_zh?: string; reading_zh?: string };

/** A field in the report's language: the Chinese form where there is one, the English otherwise. */
export function prose(c: Criterion, field: 'explanation' | 'why' | 'attest' | 'reading', lang: Lang): string | undefined {
  const zh = (c as Criterion & ChineseProse)[`${field}_zh`];
  return lang === 'zh' && zh ? zh : c[field];
}

export function verdictWords(c: Criterion, a: AuditLabels): string {
  const att = c.attestation;
  const attFill = att ? { by: att.by, date: att.date, expires: att.expires } : { by: '', date: '', expires: '' };
  const supporting = c.measured === 'supporting';
  if (c.status === 'met') {
    if (c.basis === 'measured') return a.wMetMeasured;
    if (c.basis === 'measured+attested') return `${fill(supporting ? a.wMetAttested : a.wMetBoth, attFill)}${supporting ? ` ${a.wSupportAgrees}` : ''}`;
    const support = !c.check ? '' : c.measurement === 'not_met' ? ` ${a.wSupportDisagrees}` : c.measurement === 'unknown' ? ` ${a.wSupportUnmeasured}` : '';
    return `${fill(a.wMetAttested, attFill)}${support}`;
  }
  if (c.status === 'not_met') return `${a.wNotMet}${att && !att.expired ? ` ${fill(a.wNotMetConflict, attFill)}` : ''}`;
  const parts: string[] = [];
  const unmeasured = c.signals.filter((s) => s.status !== 'observed').map((s) => s.id);
  const missing = c.missing ?? [];
  if (missing.includes('data') && !supporting) parts.push(unmeasured.length ? fill(a.wUnknownData, { n: unmeasured.length, signals: unmeasured.join(', ') }) : a.wUnknownOther);
  if (missing.includes('attestation')) {
    parts.push(att?.expired ? fill(a.wUnknownExpired, attFill) : a.wUnknownAttestation);
    if (supporting) parts.push(a.wOnlySupports);
    else if (c.measurement === 'met') parts.push(a.wCheckHolds);
  }
  if (parts.length === 0) parts.push(a.wUnknownOther);
  return a.wUnknown + parts.join(a.space);
}
