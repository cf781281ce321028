import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/eventually.js';
import { launchChromium } from '../../browser/src/testSupport/launchChromium.js';
import { recordPageErrors } from '../../browser/src/testSupport/recordPageErrors.js';
import { type ChatServer, startChatServer } from './server.js';

const ARTIFACTS = join(new URL('../../..', import.meta.url).pathname, 'test-artifacts');

describe('examples/chat: useChat in headless Chromium against @rxagents/server', () => {
  let browser: Browser;
  let server: ChatServer;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startChatServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    pageErrors = recordPageErrors(page);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.goto(`${server.url}/`);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const send = async (text: string) => {
    await page.fill('#input', text);
    await page.click('#send');
  };

  it('shows the streamed text and the tool call with its output', async () => {
    await send('What is the weather in Oslo?');
    const tool = page.locator('.message.assistant .tool');
    await tool.waitFor();
    // Seen while streaming: part of the answer before all of it.
    await page.waitForFunction(() => {
      const t = document.querySelector('.message.assistant .text')?.textContent ?? '';
      return t.length > 0 && t !== 'It is sunny in Oslo today, 21 degrees.';
    });
    await page.waitForSelector('#status[data-status="ready"]');
    expect(await tool.textContent()).toBe(
      'get_weather({"city":"Oslo"}) [output-available] → {"city":"Oslo","sky":"sunny","celsius":21}',
    );
    expect(await page.locator('.message.assistant .text').last().textContent()).toBe(
      'It is sunny in Oslo today, 21 degrees.',
    );
    expect(await page.locator('.message.assistant .agent').first().textContent()).toBe(
      'assistant · assistant',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'chat-weather.png') });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('Stop cancels the run on the server: the run is cancelled and the story is never committed', async () => {
    await send('Tell me a story');
    await page.waitForFunction(
      () => (document.querySelectorAll('.message.assistant .text')[1]?.textContent ?? '').length > 0,
    );
    await page.click('#stop');
    await page.waitForSelector('#status[data-status="ready"]');
    const runId = await page.evaluate(() => window.lastRunId);
    expect(runId).toBeTruthy();
    // The page is ready as soon as it aborts its request; the server cancels once it sees the
    // connection close, a moment later (it raced this read before: 2 of 8 runs saw `running`).
    // Waited for until the run has ended, however it ended; then it must be the cancellation.
    const run = await eventually(async () => {
      const seen = await (await fetch(`${server.url}/api/runs/${runId}`)).json();
      return seen.status !== 'running' && seen;
    });
    expect(run).toMatchObject({ status: 'cancelled', eventCount: 0 });
    expect(server.api.liveRuns()).toBe(0);
    const session = await (
      await fetch(`${server.url}/api/agents/assistant/users/demo/sessions/${run.sessionId}`)
    ).json();
    // The weather turn (the user's message, the call, the tool's response, the answer), then the
    // story's user message, and nothing after it: the story was never committed.
    const authors = session.events.map((e: { author: string }) => e.author);
    expect(authors).toEqual(['user', 'assistant', 'assistant', 'assistant', 'user']);
    expect(session.events.at(-1).content.parts[0].text).toBe('Tell me a story');
    await page.screenshot({ path: join(ARTIFACTS, 'chat-stopped.png') });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
