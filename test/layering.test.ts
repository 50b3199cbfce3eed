import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';

/**
 * The core (src/) never imports a collector or the sample estate: collectors plug in through
 * the registry that bin/techops.ts hands to the CLI. Every import of every src/**\/*.ts file —
 * static, type-only, re-exports and dynamic import() — is read with the TypeScript parser.
 */
const root = resolve(import.meta.dirname, '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Module specifiers a file imports, re-exports or import()s. */
export function importsOf(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) found.push(node.arguments[0].text);
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The top folder of the repository a relative specifier lands in (undefined for packages). */
function landsIn(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(root, resolve(dirname(file), specifier)).split(/[\\/]/)[0];
}

describe('layering', () => {
  it('finds static, type-only, re-exported and dynamic imports', () => {
    const text = "import a from '../x.js';\nimport type { B } from '../../collectors/y.js';\nexport * from './z.js';\nconst c = await import('../../demo/index.js');\ntype D = import('../w.js').D;\n";
    expect(importsOf('src/a/b.ts', text)).toEqual(['../x.js', '../../collectors/y.js', './z.js', '../../demo/index.js', '../w.js']);
  });

  it('src/ imports neither collectors/ nor demo/', () => {
    const offending = tsFiles(join(root, 'src')).flatMap((file) =>
      importsOf(file, readFileSync(file, 'utf8'))
        .filter((spec) => ['collectors', 'demo', 'bin', 'bench'].includes(landsIn(file, spec) ?? ''))
        .map((spec) => `${relative(root, file)} imports ${spec}`));
    expect(offending).toEqual([]);
  });

  it('collectors/ do not import the sample estate outside their tests', () => {
    const offending = tsFiles(join(root, 'collectors')).filter((f) => !f.endsWith('.test.ts')).flatMap((file) =>
      importsOf(file, readFileSync(file, 'utf8')).filter((spec) => landsIn(file, spec) === 'demo').map((spec) => `${relative(root, file)} imports ${spec}`));
    expect(offending).toEqual([]);
  });
});
