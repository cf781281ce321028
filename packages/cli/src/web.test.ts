import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../examples/browser/src/testSupport/launchChromium.js';
import { recordPageErrors } from '../../../examples/browser/src/testSupport/recordPageErrors.js';
import { fixture, node, pkg } from '../test/terminal.js';

const ARTIFACTS = join(pkg, '..', '..', 'test-artifacts');

interface Served {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly url: string;
}

// The real binary as a child process; resolves once it printed its URL.
async function startWeb(module: string, env: Record<string, string> = {}): Promise<Served> {
  const [command, ...rest] = node;
  const child = spawn(command!, [...rest, 'web', fixture(module)], {
    cwd: pkg,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /rxagents web: \S+ on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match !== null) resolve(match[1]!);
    });
  });
  return { child, exited, url };
}

function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

let browser: Browser;
const served: Served[] = [];
beforeAll(async () => {
  // Installs Debian's chromium with apt-get when missing: allow minutes for that.
  browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  for (const { child } of served) if (child.exitCode === null) child.kill('SIGKILL');
});

// The page of the real binary, driven in headless Chromium.
describe('rxagents web', { timeout: 60_000 }, () => {
  let web: Served;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    // Slow steps, so a run is still streaming when the test cancels it.
    web = await startWeb('flow.ts', { FIXTURE_STEP_MS: '300' });
    served.push(web);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    pageErrors = recordPageErrors(page);
    await page.goto(web.url);
  }, 60_000);

  it("lists the module's agent and its tree", async () => {
    await expect.poll(() => page.locator('#agent option').allTextContents()).toEqual(['story_flow']);
    expect(await page.locator('#tree li').allTextContents()).toContain('grammar');
  });

  it('streams a run into lanes per branch, with its state changes', async () => {
    await page.fill('#message', 'fox');
    await page.click('#send');
    const writer = page.locator('.lane[data-branch="story_flow.writer"]');
    // Partial text shows while the writer streams, before its final event replaces it.
    await writer.locator('.ev.streaming', { hasText: 'Once upon a time' }).waitFor();
    await writer
      .locator('.ev.state', { hasText: '"story":"Once upon a time a fox ran far away."' })
      .waitFor();
    await expect.poll(() => page.textContent('#status'), { timeout: 10_000 }).toBe('completed');
    const branches = await page.locator('.lane h3').allTextContents();
    expect(branches).toEqual(expect.arrayContaining(['story_flow.checks.grammar', 'story_flow.checks.tone']));
    expect(await page.textContent('#state')).toContain('"tone": "positive"');
    await page.screenshot({ path: join(ARTIFACTS, 'cli-web-run.png') });
  });

  it('moves the slider over the session events, showing the state after each', async () => {
    const slider = page.locator('#slider');
    const max = Number(await slider.getAttribute('max'));
    expect(max).toBeGreaterThan(2);
    const moveTo = (at: number) =>
      slider.evaluate((input: HTMLInputElement, value) => {
        input.value = String(value);
        input.dispatchEvent(new Event('input'));
      }, at);
    await moveTo(0);
    await expect.poll(() => page.textContent('#slider-at')).toBe('0');
    expect(JSON.parse((await page.textContent('#state'))!)).toEqual({});
    await moveTo(max);
    await expect.poll(() => page.textContent('#slider-at')).toBe(String(max));
    expect(JSON.parse((await page.textContent('#state'))!)).toMatchObject({
      tone: 'positive',
      grammar: 'fine',
    });
    await page.screenshot({ path: join(ARTIFACTS, 'cli-web-slider.png') });
  });

  it('cancels a streaming run on the server, committing nothing after it', async () => {
    await page.click('#new-session');
    await page.fill('#message', 'owl');
    await page.click('#send');
    await page.locator('.ev.streaming', { hasText: 'Once upon a time' }).waitFor();
    await page.click('#cancel');
    await expect.poll(() => page.textContent('#status'), { timeout: 10_000 }).toBe('cancelled');
    // The reopened session holds what was committed before the cancel: no story, no checks.
    expect(JSON.parse((await page.textContent('#state'))!)).toEqual({});
    await expect.poll(() => page.locator('#sessions .session').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, 'cli-web-cancelled.png') });
    expect(pageErrors).toEqual([]);
  });

  it('exits 0 on SIGINT', async () => {
    web.child.kill('SIGINT');
    expect(await web.exited).toBe(0);
  });
});

describe('rxagents web with a paused run', { timeout: 60_000 }, () => {
  it('answers the pending confirmation, and the resumed run completes', async () => {
    const web = await startWeb('confirm.ts');
    served.push(web);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(web.url);
    await expect.poll(() => page.locator('#agent option').allTextContents()).toEqual(['mailer']);
    await page.fill('#message', 'mail ann');
    await page.click('#send');
    const pending = page.locator('#pending .ev.request');
    await pending.filter({ hasText: 'mailer asks (confirmation)' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'cli-web-pending.png') });
    await pending.locator('textarea').fill('true');
    await pending.locator('button').click();
    await page.locator('.ev.text', { hasText: 'Sent to ann.' }).waitFor();
    await expect.poll(() => page.textContent('#status')).toBe('completed');
    expect(await page.locator('#pending .ev.request').count()).toBe(0);
    web.child.kill('SIGINT');
    expect(await web.exited).toBe(0);
  });
});
