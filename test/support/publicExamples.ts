import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { repositoryCompilerOptions } from './typeCheckSnippets.js';

/** One exported runtime symbol (function, class, constant) of a package's public entry. */
export interface PublicSymbol {
  /** The package, e.g. `@rxagents/core`. */
  readonly pkg: string;
  /** The export specifier it is reached by, e.g. `@rxagents/server/node`. */
  readonly entry: string;
  readonly name: string;
  /** `packages/core/src/parallel.ts:12`, where it is declared. */
  readonly declared: string;
  /** The ```ts code of each of its `@example` tags, with the 0-based line of the code's first line. */
  readonly examples: readonly { readonly code: string; readonly file: string; readonly line: number }[];
}

/** Every entry of every package: specifier and source file, from each package.json `exports`. */
export function publicEntries(root: string): { pkg: string; entry: string; source: string }[] {
  return readdirSync(join(root, 'packages')).flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      exports: Record<string, string | { '@rxagents/source'?: string }>;
    };
    return Object.entries(manifest.exports).flatMap(([subpath, target]) => {
      const source = typeof target === 'string' ? undefined : target['@rxagents/source'];
      if (source === undefined) return [];
      const entry = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      return [{ pkg: manifest.name, entry, source: resolve(root, 'packages', dir, source) }];
    });
  });
}

function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some(
    (d) =>
      (ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly)) ||
      ts.isTypeOnlyExportDeclaration(d),
  );
}

const FENCE = /```ts(?:[ \t][^\n]*)?\n([\s\S]*?)\n\s*```/;

/** The ```ts block of each `@example` tag of a declaration, with the line of its first code line. */
function examplesOf(root: string, declaration: ts.Declaration): PublicSymbol['examples'] {
  const file = declaration.getSourceFile();
  return ts.getJSDocCommentsAndTags(declaration).flatMap((doc) => {
    if (!ts.isJSDoc(doc)) return [];
    return (doc.tags ?? [])
      .filter((tag) => tag.tagName.text === 'example')
      .flatMap((tag) => {
        // From the tag to the end of the comment, lines stripped of the leading ` * `: the parser
        // ends a tag at the next `@` at a line start, which a decorator in the code would be.
        const start = tag.getStart(file);
        const text = file.text.slice(start, doc.end).replace(/^[ \t]*\*[ \t]?/gm, '');
        const fence = FENCE.exec(text);
        if (fence === null) return [];
        const first = file.getLineAndCharacterOfPosition(start).line;
        const before = text.slice(0, fence.index + fence[0].indexOf('\n') + 1);
        return [
          {
            code: fence[1]!,
            file: relative(root, file.fileName),
            line: first + before.split('\n').length - 1,
          },
        ];
      });
  });
}

/**
 * Every exported runtime symbol of every public entry, with its examples: types and interfaces are
 * left out (they have no value a user could call), and a symbol exported by two entries is listed
 * under the first.
 */
export function publicSymbols(root: string): PublicSymbol[] {
  const entries = publicEntries(root);
  const program = ts.createProgram(
    entries.map((e) => e.source),
    repositoryCompilerOptions(root),
  );
  const checker = program.getTypeChecker();
  const seen = new Set<ts.Symbol>();
  return entries.flatMap(({ pkg, entry, source }) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(source)!)!;
    return checker.getExportsOfModule(module).flatMap((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & ts.SymbolFlags.Value) || isTypeOnlyExport(exported) || seen.has(symbol)) return [];
      seen.add(symbol);
      const declarations = symbol.declarations ?? [];
      const first = declarations[0]!;
      const at = first.getSourceFile().getLineAndCharacterOfPosition(first.getStart()).line + 1;
      return [
        {
          pkg,
          entry,
          name: exported.name,
          declared: `${relative(root, first.getSourceFile().fileName)}:${at}`,
          examples: declarations.flatMap((d) => examplesOf(root, d)),
        },
      ];
    });
  });
}
