import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Event, InMemorySessionService, Runner } from '@rxagents/core';
import type { Browser, Page } from 'playwright-core';
import { TestScheduler } from 'rxjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage } from './build.js';
import { type PageServer, servePage } from './server.js';
import { createStoryFlow, STORY_TOPICS } from './storyFlow.js';
import { launchChromium } from './testSupport/launchChromium.js';
import { recordPageErrors } from './testSupport/recordPageErrors.js';

const TOPIC = STORY_TOPICS[0]!;
const ARTIFACTS = join(new URL('../../..', import.meta.url).pathname, 'test-artifacts');

/** The same flow run in Node under a TestScheduler: the events the page must show, in order. */
function expectedRun(): { events: readonly Event[]; story: string } {
  const events: Event[] = [];
  let story = '';
  new TestScheduler((a, b) => expect(a).toEqual(b)).run(() => {
    const sessions = new InMemorySessionService();
    const runner = new Runner({ appName: 'expected', agent: createStoryFlow(), sessionService: sessions });
    sessions
      .createSession({ appName: 'expected', userId: 'u', sessionId: 's', state: { topic: TOPIC } })
      .subscribe((s) => {
        runner.run({ userId: 'u', sessionId: 's', newMessage: 'go' }).subscribe({
          next: (e) => events.push(e),
          complete: () => (story = String(s.state.get('current_story'))),
        });
      });
  });
  return { events, story };
}

const demo = (page: Page) => ({
  rendered: () => page.evaluate(() => window.storyflowDemo!.renderedEvents()),
  counts: () =>
    page.evaluate(() => {
      const d = window.storyflowDemo!;
      return {
        rendered: d.renderedEvents(),
        ticks: d.schedulerTicks(),
        committed: d.committedEvents(),
        shown: document.getElementById('event-count')!.textContent,
      };
    }),
});

describe('examples/browser in headless Chromium', () => {
  let browser: Browser;
  let server: PageServer;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    // launchChromium installs Debian's chromium with apt-get when missing: allow minutes for that.
    server = await servePage(await buildPage());
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    pageErrors = recordPageErrors(page, { console: true });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads the page with the idle timeline', async () => {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.textContent('#status')).toBe('idle');
    expect(await page.isDisabled('#stop')).toBe(true);
  });

  it('streams text as it arrives, renders events in order and shows the final story', async () => {
    const expected = expectedRun();
    await page.click('#run');

    // Streamed text grows in the card while the agent is still speaking.
    const streaming = page.locator('.card[data-state="streaming"]').first();
    await streaming.waitFor();
    const early = (await streaming.locator('.text').textContent()) ?? '';
    await page.waitForTimeout(150);
    const later = (await page.locator('.card').first().locator('.text').textContent()) ?? '';
    expect(later.length).toBeGreaterThan(early.length);
    expect(later.startsWith(early)).toBe(true);

    await page.waitForSelector('#status[data-status="completed"]', { timeout: 30_000 });

    // Every event arrived (partial ones included), committed events in the order of the run.
    expect(await demo(page).rendered()).toBe(expected.events.length);
    const committed = expected.events.filter((e) => e.partial !== true);
    const log = await page.$$eval('#log li', (items) =>
      items.map((li) => ({
        author: li.getAttribute('data-author'),
        branch: li.getAttribute('data-branch'),
        seq: Number(li.getAttribute('data-seq')),
        timestamp: Number(li.getAttribute('data-timestamp')),
      })),
    );
    expect(log.map(({ author, branch }) => ({ author, branch }))).toEqual(
      committed.map(({ author, branch }) => ({ author, branch })),
    );
    for (let i = 1; i < log.length; i++) {
      expect(log[i]!.seq).toBeGreaterThan(log[i - 1]!.seq);
      expect(log[i]!.timestamp).toBeGreaterThanOrEqual(log[i - 1]!.timestamp);
    }

    // One lane per branch, in order of first appearance.
    const lanes = await page.$$eval('.lane', (els) => els.map((el) => el.getAttribute('data-branch')));
    expect(lanes).toEqual([...new Set(expected.events.map((e) => e.branch))]);
    // Within a lane, cards follow the run's order and each one is finished.
    const laneSeqs = await page.$$eval('.lane', (els) =>
      els.map((el) => Array.from(el.querySelectorAll('.card'), (c) => Number(c.getAttribute('data-seq')))),
    );
    for (const seqs of laneSeqs) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await page.locator('.card[data-state="streaming"]').count()).toBe(0);

    expect(await page.getAttribute('#final-story', 'data-ready')).toBe('true');
    expect(await page.textContent('#final-story')).toBe(expected.story);
    const stateKeys = await page.$$eval('#state-tree > .tree > li', (items) =>
      items.map((li) => li.dataset.key),
    );
    expect(stateKeys).toEqual([
      'criticism',
      'current_story',
      'grammar_suggestions',
      'tone_check_result',
      'topic',
    ]);

    await page.screenshot({ path: join(ARTIFACTS, 'browser-timeline.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('Stop cancels the run mid-stream: no event is rendered, produced or committed after it', async () => {
    const total = expectedRun().events.length;
    await page.click('#run');
    // Early in the first agent's streamed reply, so Stop lands mid-stream with a wide margin.
    await page.waitForFunction(() => window.storyflowDemo!.renderedEvents() >= 5);
    await page.click('#stop');
    expect(await page.getAttribute('#status', 'data-status')).toBe('stopped');

    const atStop = await demo(page).counts();
    expect(atStop.rendered).toBeLessThan(total);
    expect(atStop.shown).toBe(String(atStop.rendered));
    await page.waitForTimeout(500);
    expect(await demo(page).counts()).toEqual(atStop);

    expect(await page.getAttribute('#final-story', 'data-ready')).toBe('false');
    expect(await page.locator('.card[data-state="interrupted"]').count()).toBe(1);
    expect(await page.isDisabled('#stop')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'browser-stopped.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('asks before the tone check: the run waits with Approve / Reject, and Approve resumes it to the end', async () => {
    await page.check('#ask-approval');
    await page.click('#run');
    await page.waitForSelector('#status[data-status="waiting"]', { timeout: 30_000 });
    expect(await page.isVisible('#request')).toBe(true);
    expect(await page.textContent('#request-prompt')).toBe('Approve this story before the tone check?');
    const story = (await page.textContent('#request-story')) ?? '';
    expect(story.length).toBeGreaterThan(20);
    const authorsAt = () =>
      page.$$eval('#log li', (items) => items.map((li) => li.getAttribute('data-author')));
    const beforeAnswer = await authorsAt();
    expect(beforeAnswer).toContain('grammar_check');
    expect(beforeAnswer.at(-1)).toBe('approval');
    expect(beforeAnswer).not.toContain('tone_check');
    await page.screenshot({ path: join(ARTIFACTS, 'browser-waiting.png'), fullPage: true });

    await page.click('#approve');
    await page.waitForSelector('#status[data-status="completed"]', { timeout: 30_000 });
    expect(await page.isVisible('#request')).toBe(false);
    const after = await authorsAt();
    // Nothing before the pause is rendered (or run) again: the resume adds the answer, the approval and the tone check.
    expect(after.slice(0, beforeAnswer.length)).toEqual(beforeAnswer);
    expect(after.slice(beforeAnswer.length, beforeAnswer.length + 2)).toEqual(['user', 'approval']);
    expect(after).toContain('tone_check');
    expect(after.filter((a) => a === 'grammar_check')).toHaveLength(1);
    const approvedKey = await page.$$eval('#state-tree > .tree > li', (items) =>
      items.map((li) => li.dataset.key),
    );
    expect(approvedKey).toContain('approved');
    expect(await page.getAttribute('#final-story', 'data-ready')).toBe('true');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
