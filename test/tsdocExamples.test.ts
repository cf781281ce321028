import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicSymbols } from './support/publicExamples.js';
import { typeCheckSnippets, writeSnippets } from './support/typeCheckSnippets.js';

// Every exported runtime symbol of every package entry documents itself with an `@example` whose
// ```ts code imports from the package's public entry and type-checks: the examples are written to
// .tmp/tsdoc-examples (git-ignored, inside the repository so workspace packages resolve) and
// compiled in one program, as the README blocks are.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.tmp', 'tsdoc-examples');

const symbols = publicSymbols(root);
const snippets = symbols.flatMap((symbol) =>
  symbol.examples.map((example, i) => ({
    symbol,
    path: join(dir, `${symbol.entry.replace(/[@/]/g, '_')}__${symbol.name}_${i}.ts`),
    code: example.code,
    where: (line: number) => `${symbol.entry} ${symbol.name} (${example.file}:${example.line + line + 1})`,
  })),
);

beforeAll(() => writeSnippets(dir, snippets));

describe('TSDoc examples', () => {
  it('finds the runtime exports of every package entry', () => {
    expect(new Set(symbols.map((s) => s.entry))).toContain('@rxagents/server/node');
    expect(symbols.map((s) => s.name)).toEqual(expect.arrayContaining(['BaseAgent', 'agent', 'Runner']));
    expect(symbols.map((s) => s.name)).not.toContain('Event');
  });

  it('every exported runtime symbol has an @example with ```ts code', () => {
    const missing = symbols
      .filter((s) => s.examples.length === 0)
      .map((s) => `${s.entry} ${s.name} (${s.declared})`);
    expect(missing, `${missing.length} without an @example:\n${missing.join('\n')}`).toEqual([]);
  });

  it('every example imports from the public entry of its package', () => {
    const strays = snippets
      .filter(({ symbol, code }) => !new RegExp(`from '${symbol.pkg}(/[\\w-]+)?'`).test(code))
      .map((s) => `${s.where(0)}: does not import from '${s.symbol.pkg}'`);
    expect(strays, strays.join('\n')).toEqual([]);
  });

  it('every example type-checks as a module of its own, in one program', { timeout: 120_000 }, () => {
    const problems = typeCheckSnippets(root, snippets);
    expect(problems, `${problems.length} problems:\n${problems.join('\n')}`).toEqual([]);
  });
});
