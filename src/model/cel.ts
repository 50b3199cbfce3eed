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
  evaluate(context: Record<string, unknown>): unknown;
};

export class CheckSyntaxError extends Error {}

type AstNode = { op: string; args: unknown };

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
    const [name, receiver, args] = node.args as [string, unknown, unknown[]];
    collectReferences(receiver, out, bound);
    if (['all', 'exists', 'exists_one', 'map', 'filter'].includes(name) && Array.isArray(args) && isNode(args[0]) && args[0].op === 'id') {
      const inner = new Set(bound);
      inner.add(String(args[0].args));
      collectReferences(args.slice(1), out, inner);
    } else collectReferences(args, out, bound);
    return;
  }
  collectReferences(node.args, out, bound);
}

export function compileCheck(source: string): CompiledCheck {
  let fn: ReturnType<typeof parse>;
  try {
    fn = parse(source);
  } catch (err) {
    throw new CheckSyntaxError((err as Error).message.split('\n')[0]);
  }
  const refs = new Set<string>();
  collectReferences((fn as unknown as { ast: unknown }).ast, refs, new Set());
  return {
    source,
    references: [...refs].sort(),
    evaluate: (context) => fn(context),
  };
}

/** True when an evaluation error means "a value was not there" rather than a wrong expression. */
export function isMissingValueError(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'no_such_key' || code === 'unknown_variable';
}
