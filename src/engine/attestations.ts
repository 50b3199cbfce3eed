import { z } from 'zod';
import { UserError } from '../errors.js';
import type { Model } from '../model/types.js';
import { readYamlFile } from '../config/load.js';
import { formatIssues } from '../zod-path.js';
import { say, type Bilingual } from './messages.js';

/**
 * A person's signed statement that a criterion holds, with a link to the evidence. It decides
 * criteria that carry an `attest` until it expires; it never overrides a required measurement.
 */
export interface Attestation {
  criterion: string;
  statement: string;
  evidence: string;
  by: string;
  date: string;
  /** The day it holds through: its own `expires`, but never later than the maximum validity after `date`. */
  expires: string;
  /** Its own `expires` where the maximum validity cut it short. */
  expires_stated?: string;
}

const dateString = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: `expected a date like 2026-11-01, got '${String(v)}'` });
    return z.NEVER;
  }
  return d.toISOString().slice(0, 10);
});

const fileSchema = z
  .object({
    attestations: z.array(
      z
        .object({
          criterion: z.string().regex(/^\d+\.\d+\.\d+-[1-5]\.\d+$/, 'a criterion id like 6.1.1-1.2'),
          statement: z.string().min(1),
          evidence: z.string().min(1).describe('Link to or path of the evidence'),
          by: z.string().min(1),
          date: dateString,
          expires: dateString.optional(),
        })
        .strict(),
    ),
  })
  .strict();

/**
 * Reads an attestations file. An attestation holds until its `expires`, and never longer than
 * `maxValiditySeconds` after its `date` (the config's `attestation_validity`, 365 days by
 * default): a statement about how operations run goes stale whatever its author wrote.
 * An attestation for a criterion the rules do not have is kept (the evaluation lists it as
 * ignored, `validate` warns): rule files change, and an old statement must not stop a scan.
 */
export function loadAttestations(file: string, model: Model, maxValiditySeconds: number, now: Date): Attestation[] {
  const raw = readYamlFile(file, 'attestations file');
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`invalid attestations file ${file}:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  const problems: string[] = [];
  const out: Attestation[] = parsed.data.attestations.map((a, i) => {
    if (new Date(a.date).getTime() > now.getTime() + 86400000) problems.push(`attestations[${i}].date: ${a.date} is in the future`);
    if (a.expires !== undefined && a.expires < a.date) problems.push(`attestations[${i}].expires: ${a.expires} is before its date ${a.date}`);
    const longest = new Date(new Date(a.date).getTime() + maxValiditySeconds * 1000).toISOString().slice(0, 10);
    const { expires: stated, ...rest } = a;
    if (stated === undefined || stated <= longest) return { ...rest, expires: stated ?? longest };
    return { ...rest, expires: longest, expires_stated: stated };
  });
  if (problems.length) throw new UserError(`invalid attestations file ${file}:\n  ${problems.join('\n  ')}`);
  return out;
}

/**
 * What `validate` warns about: attestations that decide nothing, because they have expired,
 * name no criterion of the rules, or name a criterion without an attest part.
 */
export function attestationWarnings(attestations: Attestation[], model: Model, now: Date): string[] {
  return attestationWarningsIn(attestations, model, now).map((w) => w.en);
}

/** `attestationWarnings` in both languages. */
export function attestationWarningsIn(attestations: Attestation[], model: Model, now: Date): Bilingual[] {
  return attestations.flatMap((a, i) => {
    const at = { at: `attestations[${i}]`, criterion: a.criterion, by: a.by };
    const c = model.criteria.get(a.criterion);
    if (!c) return [say('warning.no_criterion', at)];
    if (!c.attest) return [say('warning.no_attest', at)];
    if (isExpired(a, now)) return [say('warning.expired', { ...at, expiry: expiry(a) })];
    return [];
  });
}

/** `expired on 2026-10-01`, saying when the maximum validity cut a later `expires` short. */
export function expiryText(a: Attestation): string {
  return expiry(a).en;
}

/** `expiryText` in both languages. */
export function expiry(a: Attestation): Bilingual {
  return a.expires_stated
    ? say('attestation.expired_capped', { expires: a.expires, date: a.date, stated: a.expires_stated })
    : say('attestation.expired_on', { expires: a.expires });
}

/** An attestation holds through the whole day its `expires` names. */
export function isExpired(a: Attestation, now: Date): boolean {
  return now.toISOString().slice(0, 10) > a.expires;
}
