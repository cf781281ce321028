import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A ```ts block of a Markdown file. */
export interface TsBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the block's first code line (the line after the fence). */
  readonly line: number;
  readonly code: string;
  /** False when fenced ```ts no-run (still type-checked). */
  readonly run: boolean;
}

/** A relative link of a Markdown file: `[text](target)`. */
export interface MarkdownLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** README.md, then every packages/*\/README.md and examples/*\/README.md, relative to `root`. */
export function readmeFiles(root: string): string[] {
  const nested = ['packages', 'examples'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .map((name) => `${dir}/${name}/README.md`)
      .filter((file) => existsSync(join(root, file))),
  );
  return ['README.md', ...nested.sort()];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/;

/**
 * Every fenced block whose language is `lang` (by default `ts`: ```ts, ```ts no-run). Blocks of
 * ```typescript are code the root tsconfig cannot compile (legacy decorators), each a verbatim copy
 * of a file that its own tsconfig compiles.
 */
export function tsBlocks(root: string, file: string, lang: 'ts' | 'typescript' = 'ts'): TsBlock[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: TsBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const [, , fence, blockLang, rest] = open;
    const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence!) && l.trim() === fence);
    const close = end === -1 ? lines.length : end;
    if (blockLang === lang) {
      const flags = rest!.split(/\s+/);
      blocks.push({
        file,
        line: i + 2,
        code: lines.slice(i + 1, close).join('\n'),
        run: !flags.includes('no-run'),
      });
    }
    i = close;
  }
  return blocks;
}

const LINK = /\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** Relative link targets outside code blocks and code spans (external and `#anchor` links skipped). */
export function relativeLinks(root: string, file: string): MarkdownLink[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const links: MarkdownLink[] = [];
  let fence: string | undefined;
  lines.forEach((text, i) => {
    const open = FENCE.exec(text);
    if (open !== null && (fence === undefined || text.trim() === fence)) {
      fence = fence === undefined ? open[2] : undefined;
      return;
    }
    if (fence !== undefined) return;
    for (const match of text.replace(/`[^`]*`/g, '').matchAll(LINK)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      links.push({ file, line: i + 1, target });
    }
  });
  return links;
}
