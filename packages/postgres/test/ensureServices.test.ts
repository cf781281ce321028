// scripts/ensure-services.sh, driven through stub commands on PATH so the real services (which
// other tests use concurrently) are never stopped or started here.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = new URL('../../../scripts/ensure-services.sh', import.meta.url).pathname;
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// A PATH directory with stubs: readiness checks that fail until the matching start command ran
// (or always, with `neverReady`), and start commands that record their arguments.
function stubs(options: { neverReady?: boolean } = {}): { bin: string; log: string } {
  const bin = mkdtempSync(join(tmpdir(), 'ensure-services-'));
  dirs.push(bin);
  const log = join(bin, 'calls.log');
  const write = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  const ready = (marker: string) =>
    options.neverReady === true ? 'exit 1' : `[ -f "${join(bin, marker)}" ] || exit 1`;
  write('pg_isready', ready('pg.started'));
  write('pg_ctlcluster', `echo "pg_ctlcluster $*" >> "${log}"; touch "${join(bin, 'pg.started')}"`);
  write('redis-cli', `${ready('redis.started')}\necho PONG`);
  write('redis-server', `echo "redis-server $*" >> "${log}"; touch "${join(bin, 'redis.started')}"`);
  return { bin, log };
}

function run(bin: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('bash', [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, ...env },
    timeout: 20_000,
  });
}

describe('scripts/ensure-services.sh', () => {
  it('starts a service that does not answer, with the documented commands, and waits for it', () => {
    const { bin, log } = stubs();
    const result = run(bin, []);
    expect(result.status).toBe(0);
    const calls = readFileSync(log, 'utf8');
    expect(calls).toMatch(/^pg_ctlcluster --skip-systemctl-redirect \S+ main start$/m);
    expect(calls).toContain(
      'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save  --appendonly no',
    );
    expect(result.stdout).toContain('PostgreSQL is up');
    expect(result.stdout).toContain('Redis is up');
  });

  it('leaves a running service alone', () => {
    const { bin, log } = stubs();
    writeFileSync(join(bin, 'pg.started'), '');
    const result = run(bin, ['postgres']);
    expect(result.status).toBe(0);
    expect(existsSync(log)).toBe(false);
  });

  it('fails with a clear message when a service never comes up (bounded wait)', () => {
    const { bin } = stubs({ neverReady: true });
    const started = Date.now();
    const result = run(bin, ['redis'], { ENSURE_SERVICES_TIMEOUT: '1' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Redis (127.0.0.1:6379) did not accept connections within 1s');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects an unknown service name', () => {
    const { bin } = stubs();
    const result = run(bin, ['mysql']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown service 'mysql'");
  });
});
