// Test support for @rxagents/mcp: the fixture server as a child process, its record of what it
// saw, and polling for facts that arrive from other processes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { McpStdioTransport } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const fixture = (name: string): string => resolve(here, 'fixtures', name);

/** Node running TypeScript from source, as the tests' child processes do. */
export const tsNode = ['--conditions=@rxagents/source', '--import', 'tsx'];

/** A scratch directory removed by `remove()`. */
export function scratch(): { readonly dir: string; file(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rxagents-mcp-test-'));
  return {
    dir,
    file: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The fixture server over stdio, recording to `recordFile`. */
export function testServerTransport(recordFile: string, env: Record<string, string> = {}): McpStdioTransport {
  return {
    command: process.execPath,
    args: [...tsNode, fixture('testServer.ts')],
    env: { RECORD_FILE: recordFile, ...env },
  };
}

/** The facts the fixture server recorded so far. */
export function facts(recordFile: string): Record<string, string | number>[] {
  let text = '';
  try {
    text = readFileSync(recordFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, string | number>);
}

export { eventually } from '../../../test/support/eventually.js';

/** Whether a process is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
