import { parse } from '@marcbachmann/cel-js';

/**
 * CEL (the expression language of Kubernetes admission policies) evaluates `check`s.
 * @marcbachmann/cel-js is a maintained, dependency-free implementation with real CEL semantics:
 * `&&`/`||` absorb errors on the side that does not matter, and a missing key is an error,
 * never a silent false, which is what lets a missing signal make a criterion `unknown`.
 */
export type CompiledCheck = {
  source: string;
  /** Dotted variable paths the expression reads, e.g. `prometheus.rules.alerting_count`. */
  references: string[];
  /**
   * Every `a || b || …` in the expression, with each side's text and references: a side whose
   * signals are not collected can never be true, so the check is met only through the others.
   */
  disjunctions: Disjunct[][];
  evaluate(context: Record<string, unknown>): unknown;
};

export interface Disjunct {
  source: string;
  references: string[];
}

export class CheckSyntaxError extends Error {}

type AstNode = { op: string; args: unknown; start?: number; end?: number };

function isNode(v: unknown): v is AstNode {
  return !!v && typeof v === 'object' && 'op' in (v as object) && 'args' in (v as object);
}

/** The dotted path of a member-access chain rooted at an identifier, or undefined. */
function dottedPath(node: AstNode): string | undefined {
  if (node.op === 'id' && typeof node.args === 'string') return node.args;
  if ((node.op === '.' || node.op === '.?') && Array.isArray(node.args) && typeof node.args[1] === 'string' && isNode(node.args[0])) {
    const base = dottedPath(node.args[0]);
    return base === undefined ? undefined : `${base}.${node.args[1]}`;
  }
  return undefined;
}

/** The variable a comprehension macro binds (`x` in `list.all(x, x > 1)`), if the node is one. */
function macroBinder(node: AstNode): string | undefined {
  if (node.op !== 'rcall' || !Array.isArray(node.args)) return undefined;
  const [name, , args] = node.args as [string, unknown, unknown[]];
  if (!['all', 'exists', 'exists_one', 'map', 'filter'].includes(name) || !Array.isArray(args) || !isNode(args[0]) || args[0].op !== 'id') return undefined;
  return String(args[0].args);
}

/** Identifiers bound by comprehension macros (`x` in `list.all(x, x > 1)`) are not references. */
function collectReferences(node: unknown, out: Set<string>, bound: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectReferences(n, out, bound);
    return;
  }
  if (!isNode(node)) return;
  const path = dottedPath(node);
  if (path !== undefined) {
    const root = path.split('.')[0];
    if (!bound.has(root)) out.add(path);
    return;
  }
  if (node.op === 'rcall' && Array.isArray(node.args)) {
    // receiver call: [name, receiver, args]; macros bind their first argument
    const [, receiver, args] = node.args as [string, unknown, unknown[]];
    collectReferences(receiver, out, bound);
    const binder = macroBinder(node);
    if (binder) collectReferences(args.slice(1), out, new Set([...bound, binder]));
    else collectReferences(args, out, bound);
    return;
  }
  collectReferences(node.args, out, bound);
}

/** The operands of a chain of `||` (left-associative in the AST), flattened. */
function orOperands(node: AstNode): AstNode[] {
  if (node.op !== '||' || !Array.isArray(node.args)) return [node];
  return (node.args as unknown[]).flatMap((a) => (isNode(a) ? orOperands(a) : []));
}

function collectDisjunctions(node: unknown, source: string, out: Disjunct[][], bound: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectDisjunctions(n, source, out, bound);
    return;
  }
  if (!isNode(node)) return;
  if (node.op === '||') {
    const sides = orOperands(node);
    out.push(sides.map((side) => {
      const refs = new Set<string>();
      collectReferences(side, refs, bound);
      const text = side.start !== undefined && side.end !== undefined ? source.slice(side.start, side.end) : '';
      return { source: text, references: [...refs].sort() };
    }));
    for (const side of sides) collectDisjunctions(side.args, source, out, bound);
    return;
  }
  const binder = macroBinder(node);
  if (binder) {
    const [, receiver, args] = node.args as [string, unknown, unknown[]];
    collectDisjunctions(receiver, source, out, bound);
    collectDisjunctions(args.slice(1), source, out, new Set([...bound, binder]));
    return;
  }
  collectDisjunctions(node.args, source, out, bound);
}

export function compileCheck(source: string): CompiledCheck {
  let fn: ReturnType<typeof parse>;
  try {
    fn = parse(source);
  } catch (err) {
    throw new CheckSyntaxError((err as Error).message.split('\n')[0]);
  }
  const refs = new Set<string>();
  const ast = (fn as unknown as { ast: unknown }).ast;
  collectReferences(ast, refs, new Set());
  const disjunctions: Disjunct[][] = [];
  collectDisjunctions(ast, source, disjunctions, new Set());
  return {
    source,
    references: [...refs].sort(),
    disjunctions,
    evaluate: (context) => fn(context),
  };
}

/** True when an evaluation error means "a value was not there" rather than a wrong expression. */
export function isMissingValueError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'no_such_key' || code === 'unknown_variable';
}
