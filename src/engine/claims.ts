import { z } from 'zod';
import { readYamlFile } from '../config/load.js';
import { UserError } from '../errors.js';
import type { Model } from '../model/types.js';
import { formatIssues } from '../zod-path.js';

/** A self-assessment: capability item → the level the organisation says it has reached. */
export type Claims = Map<string, number>;

const fileSchema = z
  .object({
    claims: z.record(z.string().regex(/^\d+\.\d+\.\d+$/, 'a capability id like 5.3.1'), z.number().int().min(1).max(5)),
  })
  .strict();

export function loadClaims(file: string, model: Model): Claims {
  const raw = readYamlFile(file, 'claims file');
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(`invalid claims file ${file}:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  const unknown = Object.keys(parsed.data.claims).filter((id) => !model.capabilities.some((c) => c.id === id));
  if (unknown.length) throw new UserError(`invalid claims file ${file}:\n  ${unknown.map((id) => `claims.${id}: no capability item ${id} in the rules`).join('\n  ')}`);
  return new Map(Object.entries(parsed.data.claims));
}
