import { describe, expect, it } from 'vitest';

describe('@rxagents/core entry point', () => {
  it('can be awaited by dynamic import: no export makes the namespace a thenable', async () => {
    const core = await import('./index.js');
    expect('then' in core).toBe(false);
    expect(typeof core.andThen).toBe('function');
  });

  it('imports nothing Node-only (the core runs unchanged in a browser)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          if (/from ['"]node:|require\(/.test(readFileSync(path, 'utf8'))) offenders.push(path);
        }
      }
    };
    walk(new URL('.', import.meta.url).pathname);
    expect(offenders).toEqual([]);
  });
});
