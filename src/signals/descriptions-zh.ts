import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { packageRoot } from '../package-info.js';
import { formatIssues } from '../zod-path.js';

/**
 * Chinese descriptions of the signals and collectors (signals/descriptions.zh.yaml). They are
 * data beside derived.yaml rather than a `descriptionZh` on every declaration, so a translator
 * edits one file and collectors keep declaring in English; test/signal-descriptions-zh.test.ts
 * keeps the file and the declarations in step.
 */
export interface ChineseDescriptions {
  collectors: ReadonlyMap<string, string>;
  signals: ReadonlyMap<string, string>;
}

// At least one CJK ideograph: an English sentence pasted in by mistake is not a translation.
const chinese = z.string().min(1).regex(/\p{Script=Han}/u, 'has no Chinese character');

const schema = z
  .object({
    collectors: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), chinese),
    signals: z.record(z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/), chinese),
  })
  .strict();

export function defaultChineseDescriptionsFile(): string {
  return join(packageRoot(), 'signals', 'descriptions.zh.yaml');
}

/** Reads and validates a descriptions file; a bad file is one UserError naming where. */
export function loadChineseDescriptions(file: string): ChineseDescriptions {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'), { uniqueKeys: true });
  } catch (err) {
    throw new UserError(`cannot read Chinese signal descriptions ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UserError(`invalid Chinese signal descriptions ${file}:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  return { collectors: new Map(Object.entries(parsed.data.collectors)), signals: new Map(Object.entries(parsed.data.signals)) };
}

let cached: ChineseDescriptions | undefined;

// Read once per process, on first use: the English paths never pay for it.
function packaged(): ChineseDescriptions {
  cached ??= loadChineseDescriptions(defaultChineseDescriptionsFile());
  return cached;
}

/** The Chinese description of a declared signal, or undefined when the file has none. */
export function chineseSignalDescription(id: string): string | undefined {
  return packaged().signals.get(id);
}

/** The Chinese version of a collector's one-line description, or undefined. */
export function chineseCollectorDescription(name: string): string | undefined {
  return packaged().collectors.get(name);
}
