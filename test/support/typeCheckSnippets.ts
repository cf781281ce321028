import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * A snippet of documentation written out as a module of the repository: README blocks and TSDoc
 * examples are type-checked the same way, so a snippet resolves packages as a file of the
 * repository does (workspace packages to their sources).
 */
export interface SnippetModule {
  /** Absolute path of the file the snippet is written to (inside the repository). */
  readonly path: string;
  readonly code: string;
  /** Where the snippet's 0-based `line` is in the documentation, e.g. `README.md:123`. */
  readonly where: (line: number) => string;
}

/** Empties `dir` and writes every snippet to its path. */
export function writeSnippets(dir: string, snippets: readonly SnippetModule[]): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const snippet of snippets) writeFileSync(snippet.path, `${snippet.code}\n`);
}

/** The repository's compiler options (tsconfig.json), for a program that only type-checks. */
export function repositoryCompilerOptions(root: string): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return { ...parsed.options, noEmit: true, declaration: false, sourceMap: false };
}

/** A diagnostic as `README.md:123: TS2304 Cannot find name 'x'`, at the snippet's line in its document. */
function describeDiagnostic(root: string, d: ts.Diagnostic, byPath: Map<string, SnippetModule>): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  const snippet = d.file === undefined ? undefined : byPath.get(resolve(d.file.fileName));
  if (d.file === undefined || snippet === undefined || d.start === undefined) {
    return `${d.file === undefined ? '' : `${relative(root, d.file.fileName)}: `}TS${d.code} ${message}`;
  }
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${snippet.where(line)}: TS${d.code} ${message}`;
}

/**
 * Type-checks the written snippets as modules of their own in one program with the repository's
 * compiler options; returns one line per problem (empty when all compile).
 */
export function typeCheckSnippets(root: string, snippets: readonly SnippetModule[]): string[] {
  const byPath = new Map(snippets.map((s) => [resolve(s.path), s]));
  const program = ts.createProgram([...byPath.keys()], repositoryCompilerOptions(root));
  return [...byPath.entries()].flatMap(([path, snippet]) => {
    const file = program.getSourceFile(path);
    if (file === undefined) return [`${snippet.where(0)}: not compiled`];
    const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    const notModule = ts.isExternalModule(file)
      ? []
      : [`${snippet.where(0)}: not a module (no import or export)`];
    return [...notModule, ...diagnostics.map((d) => describeDiagnostic(root, d, byPath))];
  });
}
