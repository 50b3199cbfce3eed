import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { formatPath } from '../zod-path.js';
import { CheckSyntaxError, compileCheck } from './cel.js';
import { LEVELS, MEASURED_ROLES, type Capability, type Criterion, type GoldenCase, type Level, type LevelSpec, type Model, type Parameter } from './types.js';

const text = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
/** A rule author's prose (attest, why): bilingual like `text`; a bare string is English only. */
const prose = z.union([z.string().min(1), text]);
const named = z.object({ id: z.string().regex(/^[a-z0-9-]+$/), zh: z.string().min(1), en: z.string().min(1) }).strict();

const paramValue = z.union([z.number(), z.string(), z.boolean()]);

const caseSchema = z
  .object({
    expect: z.enum(['met', 'not_met', 'unknown']),
    measurement: z.enum(['met', 'not_met', 'unknown']).optional(),
    signals: z.record(z.string(), z.union([z.number(), z.boolean(), z.string(), z.object({ error: z.string().min(1) }).strict()])).default({}),
    attested: z.union([z.boolean(), z.literal('expired')]).default(false),
    params: z.record(z.string(), paramValue).optional(),
    note: z.string().min(1).optional(),
  })
  .strict();

const criterionSchema = z
  .object({
    id: z.string(),
    text,
    check: z.string().min(1).optional(),
    attest: prose.optional(),
    measured: z.enum(MEASURED_ROLES).optional(),
    why: prose.optional(),
    reading: prose.optional(),
    cases: z.array(caseSchema).optional(),
  })
  .strict()
  .refine((c) => c.check || c.attest, { message: 'a criterion needs a check, an attest, or both' });

const levelSchema = z.union(
  [z.array(criterionSchema).min(1), z.object({ adds_nothing: z.enum(['无', '同上']) }).strict()],
  {
    error: (issue) =>
      issue.input === undefined
        ? 'missing: every level 1 to 5 lists its criteria or says { adds_nothing: 无 | 同上 }'
        : 'expected a list of criteria or { adds_nothing: 无 | 同上 }',
  },
);

const parameterSchema = z
  .object({
    default: z.union([z.number(), z.string(), z.boolean()]),
    source: z.enum(['standard', 'heuristic']),
    description: prose,
    unit: z.string().optional(),
  })
  .strict();

const ruleFileSchema = z
  .object({
    capability: z.string().regex(/^\d+\.\d+\.\d+$/),
    domain: named,
    process: named,
    title: text,
    reading: prose.optional(),
    parameters: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), parameterSchema).optional(),
    levels: z.object({ 1: levelSchema, 2: levelSchema, 3: levelSchema, 4: levelSchema, 5: levelSchema }).strict(),
  })
  .strict();

function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listYaml(path));
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

export interface LoadRulesOptions {
  /** Signal ids declared by the registered collectors; a check may read only these. */
  declaredSignals: ReadonlySet<string>;
}

/**
 * Reads every rule file under `dir` into the model. Any problem (bad YAML, a wrong id, a check
 * that does not compile or reads an undeclared signal) fails loading with the file and
 * criterion named: a half-loaded standard would give wrong levels.
 */
export function loadModel(dir: string, opts: LoadRulesOptions): Model {
  let files: string[];
  try {
    files = listYaml(dir);
  } catch (err) {
    throw new UserError(`cannot read rules directory ${dir}: ${(err as Error).message}`);
  }
  if (files.length === 0) throw new UserError(`no rule files (*.yaml) in ${dir}`);
  const hash = createHash('sha256');
  const capabilities: Capability[] = [];
  const criteria = new Map<string, Criterion>();
  const problems: string[] = [];

  for (const file of files) {
    const rel = relative(dir, file);
    const source = readFileSync(file, 'utf8');
    hash.update(rel).update('\0').update(source).update('\0');
    let raw: unknown;
    try {
      // Through JSON and back: the YAML parser builds its text by concatenation, and V8 keeps such
      // a string as a tree of pieces (228k of them, ~7 MiB, for the rules' texts) until something
      // reads it whole; JSON.parse gives each its own flat copy, about a third of that.
      raw = JSON.parse(JSON.stringify(parseYaml(source) ?? null));
    } catch (err) {
      problems.push(`${file}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    const parsed = ruleFileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of levelIssues(parsed.error.issues, raw)) problems.push(`${file}: ${criterionPrefix(raw, issue.path)}${formatPath(issue.path)}: ${issue.message}`);
      continue;
    }
    const doc = parsed.data;
    const cap = doc.capability;
    const paramNames = new Set(Object.keys(doc.parameters ?? {}));
    const parameters: Parameter[] = Object.entries(doc.parameters ?? {}).map(([name, p]) => ({
      name, ...p, description: english(p.description)!, descriptionZh: chinese(p.description),
    }));
    const levels: LevelSpec[] = [];
    for (const level of LEVELS) {
      const spec = doc.levels[level];
      if (!Array.isArray(spec)) {
        levels.push({ level, criteria: [], addsNothing: spec.adds_nothing });
        continue;
      }
      const list: Criterion[] = [];
      spec.forEach((c, i) => {
        const expected = `${cap}-${level}.${i + 1}`;
        const where = `${file}: ${c.id}`;
        if (c.id !== expected) problems.push(`${where}: id should be ${expected} (criteria are numbered <item>-<level>.<n> in order)`);
        if (criteria.has(c.id)) problems.push(`${where}: duplicate criterion id`);
        let check;
        if (c.check) {
          try {
            check = compileCheck(c.check);
          } catch (err) {
            if (err instanceof CheckSyntaxError) problems.push(`${where}: check does not compile: ${err.message}`);
            else throw err;
          }
          for (const ref of check?.references ?? []) {
            if (ref.startsWith('params.')) {
              if (!paramNames.has(ref.slice(7))) problems.push(`${where}: check reads undeclared parameter '${ref}'`);
            } else if (!opts.declaredSignals.has(ref)) {
              problems.push(`${where}: check reads undeclared signal '${ref}'`);
            }
          }
        }
        if (c.measured && !(c.check && c.attest)) {
          problems.push(`${where}: measured: ${c.measured} is only allowed where a criterion has both a check and an attest`);
        }
        const defaults = new Map(parameters.map((p) => [p.name, p.default] as const));
        const cases: GoldenCase[] = (c.cases ?? []).map((k, j) => {
          const at = `${where}: cases[${j}]`;
          for (const id of Object.keys(k.signals)) {
            if (!opts.declaredSignals.has(id)) problems.push(`${at}: signal '${id}' is not declared by any registered collector or derived signal`);
          }
          for (const [name, value] of Object.entries(k.params ?? {})) {
            if (!defaults.has(name)) problems.push(`${at}: params.${name} is not a parameter of ${cap} (it has: ${[...defaults.keys()].join(', ') || 'none'})`);
            else if (typeof value !== typeof defaults.get(name)) problems.push(`${at}: params.${name} should be a ${typeof defaults.get(name)} like its default ${JSON.stringify(defaults.get(name))}`);
          }
          if (k.attested !== false && !c.attest) problems.push(`${at}: attested: ${k.attested} on a criterion without an attest part`);
          if (k.measurement && !c.check) problems.push(`${at}: measurement: ${k.measurement} on a criterion without a check`);
          return { expect: k.expect, measurement: k.measurement, signals: k.signals, attested: k.attested, params: k.params, note: k.note };
        });
        const criterion: Criterion = {
          id: c.id, capability: cap, level: level as Level, n: i + 1, text: c.text,
          check, attest: english(c.attest), attestZh: chinese(c.attest),
          measured: c.check && c.attest ? (c.measured ?? 'required') : undefined,
          why: english(c.why), whyZh: chinese(c.why), reading: english(c.reading), readingZh: chinese(c.reading), cases, file,
        };
        list.push(criterion);
        criteria.set(c.id, criterion);
      });
      levels.push({ level, criteria: list });
    }
    if (capabilities.some((x) => x.id === cap)) problems.push(`${file}: capability ${cap} is defined twice`);
    capabilities.push({
      id: cap, domain: doc.domain, process: doc.process, title: doc.title, reading: english(doc.reading), readingZh: chinese(doc.reading),
      parameters, levels, file,
    });
  }
  if (problems.length) throw new UserError(`rules in ${dir} are invalid:\n  ${problems.join('\n  ')}`);
  capabilities.sort((a, b) => compareItemIds(a.id, b.id));
  return { capabilities, criteria, digest: 'sha256:' + hash.digest('hex'), dir };
}

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * A level is a list of criteria or `{adds_nothing}`; when it is a list that does not parse, the
 * list's own issues (a bad key, a wrong case) say more than "expected one or the other".
 */
function levelIssues(issues: readonly Issue[], raw: unknown): Issue[] {
  return issues.flatMap((issue) => {
    const atLevel = issue.path.length === 2 && issue.path[0] === 'levels';
    const value = atLevel ? (raw as { levels?: Record<string, unknown> })?.levels?.[String(issue.path[1])] : undefined;
    if (issue.code !== 'invalid_union' || !Array.isArray(value) || !issue.errors?.[0]?.length) return [issue];
    return issue.errors[0].map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
  });
}

/** `5.3.1-2.4: ` for a schema issue inside a criterion whose id is readable, so the error names it. */
function criterionPrefix(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'levels' || typeof path[2] !== 'number' || path.length < 4) return '';
  const levels = (raw as { levels?: Record<string, unknown> })?.levels;
  const list = levels?.[String(path[1])];
  const id = Array.isArray(list) ? (list[path[2]] as { id?: unknown } | undefined)?.id : undefined;
  return typeof id === 'string' ? `${id}: ` : '';
}

/** 5.3.1 < 5.10.1 < 10.1.1: numeric order of dotted ids. */
export function compareItemIds(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

export function findCapability(model: Model, id: string): Capability | undefined {
  return model.capabilities.find((c) => c.id === id);
}

function english(p: string | { en: string } | undefined): string | undefined {
  return typeof p === 'object' ? p.en : p;
}

function chinese(p: string | { zh: string } | undefined): string | undefined {
  return typeof p === 'object' ? p.zh : undefined;
}
