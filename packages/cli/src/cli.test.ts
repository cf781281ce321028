import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, killAll, node, pkg, term } from '../test/terminal.js';

// The real binary, from source through tsx, in a real pseudo-terminal: see test/terminal.ts.
const work = mkdtempSync(join(tmpdir(), 'rxagents-cli-test-'));

afterAll(() => {
  killAll();
  rmSync(work, { recursive: true, force: true });
});

describe('rxagents run', { timeout: 20_000 }, () => {
  it('draws the branch tree with streamed text, state changes, elapsed times and a summary', async () => {
    const t = term(['run', fixture('flow.ts'), '--input', 'fox'], { FIXTURE_STEP_MS: '300' });
    // Mid-stream: the writer is running (spinner) and its first chunks are on screen.
    const mid = await t.waitFor('Once upon a time');
    expect(mid).toMatch(/^\S story_flow \d+ms/m);
    expect(mid).toMatch(/└─ [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] writer \d+ms/);
    expect(mid).not.toContain('ran far away.');
    const done = await t.waitFor(/session .*committed/);
    expect(await t.exitCode()).toBe(0);
    const lines = done.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    // The tree: story_flow > writer, checks > grammar, tone; every agent finished, with a time.
    expect(lines[at(/✔ story_flow/)]).toMatch(/^✔ story_flow \d+(ms|\.\ds)$/);
    expect(lines[at(/writer/)]).toMatch(/^├─ ✔ writer \d+(ms|\.\ds)$/);
    expect(lines[at(/checks \d/)]).toMatch(/^└─ ✔ checks /);
    expect(lines[at(/grammar \d/)]).toMatch(/^ {3}├─ ✔ grammar /);
    expect(lines[at(/tone \d/)]).toMatch(/^ {3}└─ ✔ tone /);
    expect(at(/story_flow/)).toBeLessThan(at(/writer/));
    expect(at(/writer/)).toBeLessThan(at(/checks \d/));
    expect(at(/checks \d/)).toBeLessThan(at(/grammar \d/));
    // Text and state changes under their agents.
    expect(done).toContain('Once upon a time a fox ran far away.');
    expect(done).toContain('state story = "Once upon a time a fox ran far away."');
    expect(done).toContain('state grammar = "fine"');
    expect(done).toContain('state tone = "positive"');
    expect(at(/state grammar/)).toBeGreaterThan(at(/grammar \d/));
    // The summary.
    expect(done).toContain('✔ completed summary');
    expect(done).toMatch(/events\s+3 committed, 3 streamed chunks/);
    expect(done).toMatch(/model calls\s+0/);
    expect(done).toMatch(/tokens\s+17 \(in 10, out 7\)/);
    expect(done).toMatch(/duration\s+\d/);
    expect(done).toMatch(/session\s+rxagents\/cli\/cli-\S+ · 4 events committed/);
  });

  it('counts model calls and tokens of a scripted LlmAgent and shows its tool calls', async () => {
    const t = term(['run', fixture('llm.ts'), '-i', 'weather in Paris?']);
    const done = await t.waitFor('summary');
    expect(await t.exitCode()).toBe(0);
    expect(done).toMatch(/✔ forecaster/);
    expect(done).toContain('→ get_weather({"city":"Paris"})');
    expect(done).toContain('← get_weather: {"sky":"sunny"}');
    expect(done).toContain('It is sunny in Paris.');
    expect(done).toMatch(/model calls\s+2/);
    expect(done).toMatch(/tool calls\s+1/);
    expect(done).toMatch(/tokens\s+42 \(in 30, out 12\)/);
  });

  it('--json prints one parseable event per line and nothing else', () => {
    const out = execFileSync(node[0]!, [...node.slice(1), 'run', fixture('flow.ts'), '-i', 'fox', '--json'], {
      cwd: pkg,
      encoding: 'utf8',
      env: { ...process.env, FIXTURE_STEP_MS: '5' },
    });
    const events = out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { author: string; branch: string; partial?: boolean });
    expect(events.map((e) => `${e.branch}${e.partial === true ? '~' : ''}`)).toEqual([
      'story_flow.writer~',
      'story_flow.writer~',
      'story_flow.writer~',
      'story_flow.writer',
      'story_flow.checks.grammar',
      'story_flow.checks.tone',
    ]);
  });

  it('--state seeds the session state and --save writes the session to a file', () => {
    const file = join(work, 'session.json');
    const out = execFileSync(
      node[0]!,
      [...node.slice(1), 'run', fixture('flow.ts'), '--state', '{"topic":"owl"}', '--save', file, '--json'],
      { cwd: pkg, encoding: 'utf8', env: { ...process.env, FIXTURE_STEP_MS: '5' } },
    );
    expect(out).toContain('a owl ');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      state: Record<string, unknown>;
      events: unknown[];
    };
    expect(saved.state).toMatchObject({ topic: 'owl', grammar: 'fine', tone: 'positive' });
    expect(saved.events).toHaveLength(4);
  });

  it('Ctrl-C mid-run unsubscribes, keeps the partial session and exits with 130', async () => {
    const file = join(work, 'cancelled.json');
    const t = term(['run', fixture('slow.mjs'), '--export', 'ticker', '--save', file]);
    await t.waitFor('tick 2');
    t.ctrlC();
    expect(await t.exitCode()).toBe(130);
    const screen = t.screen();
    expect(screen).toMatch(/■ ticker/);
    expect(screen).toContain('■ cancelled summary');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { state: { ticks: number }; events: unknown[] };
    // Whatever was committed before Ctrl-C is kept, and nothing after it.
    expect(saved.events.length).toBe(saved.state.ticks);
    expect(saved.state.ticks).toBeGreaterThanOrEqual(3);
    expect(saved.state.ticks).toBeLessThan(10);
    expect(screen).toMatch(new RegExp(`events\\s+${saved.state.ticks} committed`));
    expect(screen).toMatch(new RegExp(`${saved.state.ticks} events committed`));
    expect(screen).toContain(`saved to    ${file}`);
  });

  it('asks on the terminal when a tool needs confirmation: y runs it and the run goes on', async () => {
    const t = term(['run', fixture('confirm.ts'), '-i', 'mail ann']);
    const asked = await t.waitFor('approve? [y/n]');
    expect(asked).toContain('? mailer wants to call send_email({"to":"ann"})');
    t.type('y\r');
    const done = await t.waitFor('summary');
    expect(await t.exitCode()).toBe(0);
    expect(done).toContain('Sent to ann.');
    expect(done).toContain('✔ completed summary');
  });

  it('n with a reason rejects the call: the model is told and answers without it', async () => {
    const t = term(['run', fixture('confirm.ts'), '-i', 'mail ann']);
    await t.waitFor('approve? [y/n]');
    t.type('n\r');
    await t.waitFor('reason');
    t.type('not today\r');
    const done = await t.waitFor('summary');
    expect(await t.exitCode()).toBe(0);
    expect(done).toContain('I did not send it.');
    expect(done).not.toContain('Sent to ann.');
  });

  it('runs an exported Runner in its own session service, as an append-only log when piped', () => {
    const r = spawnSync(node[0]!, [...node.slice(1), 'run', fixture('runner.mjs'), '--session', 's9'], {
      cwd: pkg,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['▸ pair', '▸ pair.first', 'pair.first: first here']);
    expect(lines).toContain('pair.second: second here');
    expect(lines).toContainEqual(expect.stringMatching(/^✔ pair \d+ms$/));
    expect(r.stdout).toMatch(/session\s+fixture_app\/cli\/s9 · 2 events committed/);
  });

  it('--state that is not JSON fails naming --state, before running anything', () => {
    const r = spawnSync(node[0]!, [...node.slice(1), 'run', fixture('flow.ts'), '--state', '{bad'], {
      cwd: pkg,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: --state is not valid JSON: /m);
    expect(r.stdout).toBe('');
  });

  it("times each loop iteration on its own in the piped log, not from the loop's first start", () => {
    const r = spawnSync(node[0]!, [...node.slice(1), 'run', fixture('loop.mjs')], {
      cwd: pkg,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const ms = (d: string) => (d.endsWith('ms') ? Number(d.slice(0, -2)) : Number(d.slice(0, -1)) * 1000);
    const ends = [...r.stdout.matchAll(/^✔ twice\.wait (\S+)$/gm)].map((m) => ms(m[1]!));
    expect(ends).toHaveLength(2);
    // Cumulative timing would make the second (20 ms of work) longer than the first (800 ms).
    expect(ends[1]!).toBeLessThan(ends[0]!);
  });

  it('exits 1 with a readable error when the module exports no agent', async () => {
    const r = spawnSync(node[0]!, [...node.slice(1), 'run', fixture('slow.mjs')], {
      cwd: pkg,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "no agent or Runner exported as default, 'agent', 'runner' or 'rootAgent' (exports: ticker)",
    );
  });
});

describe('rxagents deploy, status, logs, stop, start, cleanup, list', { timeout: 90_000 }, () => {
  // RXAGENTS_REDIS_URL empty: the local (in-process) commands even where a backend is configured.
  const env = { RXAGENTS_STATE_DIR: join(work, 'state'), FIXTURE_STEP_MS: '600', RXAGENTS_REDIS_URL: '' };
  const cli = (...args: string[]) =>
    spawnSync(node[0]!, [...node.slice(1), ...args], {
      cwd: pkg,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  it('hosts a deployment in the foreground and serves the lifecycle commands over its socket', async () => {
    // Slow phases (4 s, 8 s): each client command is a process of its own (~0.5 s through tsx on
    // an idle machine, several seconds on a loaded one), and `list` + `stop` must land mid-run.
    const t = term(['deploy', fixture('deployment.ts'), '--goal', 'a web app', '--id', 'web1'], {
      ...env,
      FIXTURE_STEP_MS: '4000',
    });
    await t.waitFor(/web1 · phase build · running/);

    const list = cli('list');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+STATUS\s+PHASE\s+PID\s+GOAL$/m);
    expect(list.stdout).toMatch(/^web1\s+running\s+(build|deploy)\s+\d+\s+a web app$/m);

    const stopped = cli('stop', 'web1');
    expect(stopped.stdout.trim()).toBe('web1 stopped');
    await t.waitFor(/■ web1 · phase (build|deploy) · stopped/);
    expect(JSON.parse(cli('status', 'web1', '--json').stdout)).toMatchObject({
      id: 'web1',
      goal: 'a web app',
      phase: expect.stringMatching(/^(build|deploy)$/),
      status: 'stopped',
    });
    expect(cli('stop', 'web1').stdout.trim()).toBe('web1 was not running');

    expect(cli('start', 'web1').stdout.trim()).toBe('web1 started');
    const done = await t.waitFor(/✔ web1 · phase deploy · completed/, 40_000);
    expect(done).toContain("Phase 'build' completed");
    expect(done).toContain("Phase 'deploy' completed");
    // The status line may wrap at the terminal's 100 columns.
    expect(done).toMatch(/serving status\/logs until 'rxagents cleanup web1' or Ctrl-\n?C/);

    const logs = cli('logs', 'web1', '-n', '2');
    expect(logs.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Phase 'deploy' completed$/),
      expect.stringMatching(/Goal reached/),
    ]);

    expect(cli('cleanup', 'web1').stdout.trim()).toBe('web1 cleaned');
    expect(await t.exitCode()).toBe(0);
    expect(t.screen()).toContain('web1 cleaned up');
    const gone = cli('status', 'web1');
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain("no deployment 'web1' here");
    expect(cli('list').stdout).toContain('no deployments running here');
  });

  it('logs --follow streams lines until the deployment ends; deploy --exit exits with its status', async () => {
    // 1.5 s phases: the follower is a process of its own (~0.5 s through tsx, seconds on a busy
    // machine) and must connect before the host, with --exit, ends with the deployment.
    const t = term(['deploy', fixture('deployment.ts'), '--goal', 'g', '--id', 'web2', '--exit'], {
      ...env,
      FIXTURE_STEP_MS: '1500',
    });
    await t.waitFor('web2 · phase build');
    const follow = cli('logs', 'web2', '--follow');
    expect(follow.status).toBe(0);
    expect(follow.stdout).toContain("Phase 'build' started");
    expect(follow.stdout).toContain("Phase 'deploy' started");
    expect(follow.stdout.trimEnd()).toMatch(/Goal reached: deployment completed$/);
    expect(await t.exitCode()).toBe(0);
    // The first two lines are written by deploy itself, before its terminal subscribes to the log.
    expect(t.screen()).toMatch(/Deployment 'web2' started: g\n.*Phase 'build' started\n/);
  });

  it('a deployment waiting for input shows its request in status and logs; respond answers it', async () => {
    const t = term(
      ['deploy', fixture('approval-deployment.ts'), '--goal', 'ship it', '--id', 'appr1', '--exit'],
      {
        ...env,
        FIXTURE_STEP_MS: '300',
      },
    );
    await t.waitFor('appr1 · phase review · waiting');
    const status = cli('status', 'appr1');
    expect(status.stdout).toContain('appr1  waiting  phase review');
    expect(status.stdout).toContain('? reviewer asks: Ship this build?');
    const requestId = /rxagents respond appr1 '([^']+)'/.exec(status.stdout)![1]!;
    const asJson = JSON.parse(cli('status', 'appr1', '--json').stdout) as { requests: { id: string }[] };
    expect(asJson.requests.map((r) => r.id)).toEqual([requestId]);
    expect(cli('logs', 'appr1').stdout).toContain(
      `Waiting for input in phase 'review': '${requestId}' (input)`,
    );

    const bad = cli('respond', 'appr1', requestId, '{"approved":"yes"}');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("does not match the request's schema");
    expect(cli('respond', 'appr1', 'nope', 'true').stderr).toContain('no such request');

    const good = cli('respond', 'appr1', requestId, '{"approved":true}');
    expect(good.stdout.trim()).toBe(`appr1 answered ${requestId}`);
    await t.waitFor('appr1 · phase ship · completed');
    expect(await t.exitCode()).toBe(0);
    expect(t.screen()).toContain('[review] approved');
  });

  it('Ctrl-C on deploy stops the deployment and exits with 130', async () => {
    const t = term(['deploy', fixture('deployment.ts'), '--goal', 'g', '--id', 'web3'], env);
    await t.waitFor('web3 · phase build · running');
    t.ctrlC();
    expect(await t.exitCode()).toBe(130);
    expect(t.screen()).toContain('web3 stopped (Ctrl-C)');
    expect(cli('status', 'web3').status).toBe(1);
  });
});
