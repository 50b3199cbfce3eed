import { z } from 'zod';
import { UserError } from '../errors.js';
import type { Model } from '../model/types.js';
import { readYamlFile } from '../config/load.js';
import { formatIssues } from '../zod-path.js';

/**
 * A person's signed statement that a criterion holds, with a link to the evidence. It decides
 * criteria that carry an `attest` until it expires; it never overrides a measurement.
 */
export interface Attestation {
  criterion: string;
  statement: string;
  evidence: string;
  by: string;
  date: string;
  expires: string;
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

export function loadAttestations(file: string, model: Model, validitySeconds: number, now: Date): Attestation[] {
  const raw = readYamlFile(file, 'attestations file');
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`invalid attestations file ${file}:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  const problems: string[] = [];
  const out: Attestation[] = parsed.data.attestations.map((a, i) => {
    if (!model.criteria.has(a.criterion)) problems.push(`attestations[${i}].criterion: no criterion ${a.criterion} in the rules`);
    if (new Date(a.date).getTime() > now.getTime() + 86400000) problems.push(`attestations[${i}].date: ${a.date} is in the future`);
    const expires = a.expires ?? new Date(new Date(a.date).getTime() + validitySeconds * 1000).toISOString().slice(0, 10);
    if (expires < a.date) problems.push(`attestations[${i}].expires: ${expires} is before its date ${a.date}`);
    return { ...a, expires };
  });
  if (problems.length) throw new UserError(`invalid attestations file ${file}:\n  ${problems.join('\n  ')}`);
  return out;
}

/** An attestation holds through the whole day its `expires` names. */
export function isExpired(a: Attestation, now: Date): boolean {
  return now.toISOString().slice(0, 10) > a.expires;
}
