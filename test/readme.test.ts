import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readmeFiles, relativeLinks, type TsBlock, tsBlocks } from './readme/markdownBlocks.js';
import { typeCheckSnippets, writeSnippets } from './support/typeCheckSnippets.js';

// Every ```ts block of the READMEs is a complete module: this type-checks them all in one program
// (the repository's compiler options, workspace packages resolved to their sources) and runs each
// block not fenced ```ts no-run in a Node process of its own through tsx. Blocks are written to
// .tmp/readme-blocks (git-ignored) so that they resolve packages as a file of the repository does.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, '.tmp', 'readme-blocks');
const RUN_TIMEOUT_MS = 20_000;

const blocks = readmeFiles(root).flatMap((file) => tsBlocks(root, file));
const where = (block: TsBlock, offset = 0) => `${block.file}:${block.line + offset}`;
const pathOf = (block: TsBlock) => join(dir, `${block.file.replace(/[/.]/g, '_')}_L${block.line}.ts`);

const snippets = blocks.map((block) => ({
  path: pathOf(block),
  code: block.code,
  where: (line: number) => where(block, line),
}));

beforeAll(() => writeSnippets(dir, snippets));

/** Output with the block file's `path:line` positions rewritten to the Markdown file's lines. */
function inMarkdown(block: TsBlock, output: string): string {
  const path = pathOf(block);
  const [head = '', ...rest] = output.replaceAll(`file://${path}`, path).split(path);
  const atLine = (piece: string) => {
    const line = /^:(\d+)/.exec(piece)?.[1];
    return line === undefined
      ? `${path}${piece}`
      : `${where(block, Number(line) - 1)}${piece.slice(line.length + 1)}`;
  };
  return head + rest.map(atLine).join('');
}

function runBlock(block: TsBlock): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@rxagents/source', '--import', 'tsx', pathOf(block)],
      {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n(killed after ${RUN_TIMEOUT_MS} ms)`;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe('README code blocks', () => {
  it('finds the ```ts blocks of README.md and of the package and example READMEs', () => {
    expect(blocks.filter((b) => b.file === 'README.md').length).toBeGreaterThan(10);
    expect(new Set(blocks.map((b) => b.file)).size).toBeGreaterThan(5);
  });

  it('type-checks every block as a module of its own, in one program', { timeout: 120_000 }, () => {
    const problems = typeCheckSnippets(root, snippets);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  // Two blocks at a time: the machine's cores are shared.
  it('runs every block not fenced ```ts no-run, each exiting 0', { timeout: 300_000 }, async () => {
    // A block repeated in a package README (the same code) runs once.
    const runnable = [...new Map(blocks.filter((b) => b.run).map((b) => [b.code, b])).values()];
    const failures: string[] = [];
    for (let i = 0; i < runnable.length; i += 2) {
      const pair = runnable.slice(i, i + 2);
      const results = await Promise.all(pair.map(runBlock));
      results.forEach(({ code, output }, j) => {
        if (code !== 0)
          failures.push(`${where(pair[j]!)}: exited ${code}\n${inMarkdown(pair[j]!, output.trim())}`);
      });
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });
});

describe('README test files', () => {
  // A block that is a vitest file (describe/it need vitest's runner) names the file that runs it;
  // that file must hold the block's code, so the two cannot drift apart.
  const HEADER = /^\/\/ A vitest test file: (\S+) runs this one\.\n/;
  it('every block kept as a test file is that file, verbatim after its first line', () => {
    const kept = blocks.filter((b) => HEADER.test(b.code));
    expect(kept.length).toBeGreaterThan(0);
    const drifted = kept
      .filter((b) => {
        const [header, file] = HEADER.exec(b.code)!;
        const body = readFileSync(join(root, file!), 'utf8').split('\n').slice(1).join('\n').trimEnd();
        return b.code.slice(header.length).trimEnd() !== body;
      })
      .map((b) => `${where(b)}: differs from ${HEADER.exec(b.code)![1]}`);
    expect(drifted, drifted.join('\n')).toEqual([]);
  });
});

describe('README copies of files', () => {
  // A ```typescript block is code the root tsconfig cannot compile (NestJS's legacy decorators):
  // it names the file it copies, which its own tsconfig compiles, and must equal that file.
  const COPY = /^\/\/ The file (\S+), verbatim: .+\n/;
  const copies = readmeFiles(root).flatMap((file) => tsBlocks(root, file, 'typescript'));
  it('every ```typescript block names the file it copies and equals it', () => {
    expect(copies.length).toBeGreaterThan(0);
    const problems = copies.flatMap((b) => {
      const header = COPY.exec(b.code);
      if (header === null)
        return [`${where(b)}: a \`\`\`typescript block must start with "// The file <path>, verbatim: …"`];
      const body = readFileSync(join(root, header[1]!), 'utf8').trimEnd();
      return b.code.slice(header[0].length).trimEnd() === body
        ? []
        : [`${where(b)}: differs from ${header[1]}`];
    });
    expect(problems, problems.join('\n')).toEqual([]);
  });
});

describe('README links', () => {
  it('every relative link of every README resolves to a file or directory', () => {
    const broken = readmeFiles(root)
      .flatMap((file) => relativeLinks(root, file))
      .filter((link) => !existsSync(resolve(root, dirname(link.file), decodeURI(link.target.split('#')[0]!))))
      .map((link) => `${link.file}:${link.line}: ${link.target}`);
    expect(broken, broken.join('\n')).toEqual([]);
  });
});
