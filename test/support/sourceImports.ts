import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** One module specifier a source file names, and how it is loaded. */
export interface SourceImport {
  readonly specifier: string;
  /**
   * `static`: loaded with the file (an `import … from` or `export … from` with a value in it);
   * `dynamic`: `import()`, loaded when that code runs; `type`: erased by the compiler.
   */
  readonly kind: 'static' | 'dynamic' | 'type';
}

/**
 * The imports of a TypeScript file, read from its syntax tree: what a regular expression cannot
 * tell apart — an `import` in a TSDoc example (a comment), `import type`, `typeof import('x')` —
 * is told apart here.
 */
export function sourceImports(file: string): readonly SourceImport[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: SourceImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, kind: isTypeOnlyImport(node) ? 'type' : 'static' });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, kind: isTypeOnlyExport(node) ? 'type' : 'static' });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, kind: 'dynamic' });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, kind: 'type' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

// `import type { A }`, or `import { type A, type B }` (nothing of it is a value).
function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (clause === undefined) return false; // `import 'x'`: loaded for its effects
  const bindings = clause.namedBindings;
  return (
    clause.isTypeOnly ||
    (clause.name === undefined &&
      bindings !== undefined &&
      ts.isNamedImports(bindings) &&
      allTypes(bindings.elements))
  );
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  const clause = node.exportClause;
  return node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && allTypes(clause.elements));
}

const allTypes = (elements: readonly { readonly isTypeOnly: boolean }[]): boolean =>
  elements.length > 0 && elements.every((e) => e.isTypeOnly);

/** The `.ts` files under `dir` that ship (tests and type tests left out). */
export function shippedSources(dir: string): readonly string[] {
  return readdirSync(dir).flatMap((name): string[] => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return [...shippedSources(path)];
    return name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(name) ? [path] : [];
  });
}

/** The package a bare specifier names (`@rxagents/server/node` → `@rxagents/server`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
