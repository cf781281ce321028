import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Event, InMemorySessionService, Runner } from '@rxagents/core';
import type { Browser, Page } from 'playwright-core';
import { TestScheduler } from 'rxjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PageServer, servePage } from '../../browser/src/server.js';
import { createStoryFlow, STORY_TOPICS } from '../../browser/src/storyFlow.js';
import { launchChromium } from '../../browser/src/testSupport/launchChromium.js';
import { recordPageErrors } from '../../browser/src/testSupport/recordPageErrors.js';
import { buildApp } from './testSupport/buildApp.js';

const [FOX, SECOND] = [STORY_TOPICS[0]!, STORY_TOPICS[1]!];
const ROOT = new URL('../../..', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'test-artifacts');
const OUT = join(ROOT, '.tmp', 'angular-dist');

/** The same flow run in Node under a TestScheduler: the events the page must show, in order. */
function expectedRun(topic: string): { events: readonly Event[]; story: string } {
  const events: Event[] = [];
  let story = '';
  new TestScheduler((a, b) => expect(a).toEqual(b)).run(() => {
    const sessions = new InMemorySessionService();
    const runner = new Runner({ appName: 'expected', agent: createStoryFlow(), sessionService: sessions });
    sessions
      .createSession({ appName: 'expected', userId: 'u', sessionId: 's', state: { topic } })
      .subscribe((s) => {
        runner.run({ userId: 'u', sessionId: 's', newMessage: 'go' }).subscribe({
          next: (e) => events.push(e),
          complete: () => (story = String(s.state.get('current_story'))),
        });
      });
  });
  return { events, story };
}

const counts = (page: Page) =>
  page.evaluate(() => {
    const d = window.storyflowAngular!;
    return {
      rendered: d.renderedEvents(),
      ticks: d.schedulerTicks(),
      committed: d.committedEvents(),
      active: d.activeRuns(),
      shown: document.getElementById('event-count')!.textContent,
    };
  });

const logOf = (page: Page) =>
  page.$$eval('#log li', (items) =>
    items.map((li) => ({ author: li.getAttribute('data-author'), branch: li.getAttribute('data-branch') })),
  );

describe('examples/angular, built by the Angular CLI, in headless Chromium', () => {
  let browser: Browser;
  let server: PageServer;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    // Runs `ng build`, and launchChromium installs Debian's chromium when missing: allow minutes.
    await rm(OUT, { recursive: true, force: true });
    server = await servePage(await buildApp(OUT));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    pageErrors = recordPageErrors(page, { console: true });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('bootstraps the zoneless app with the idle view', async () => {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.getAttribute('#status', 'data-status')).toBe('idle');
    expect(await page.isDisabled('#stop')).toBe(true);
    // Zoneless: no zone.js in the page.
    expect(await page.evaluate(() => 'Zone' in window)).toBe(false);
  });

  it('streams text as it arrives, renders events in order and shows the final story', async () => {
    const expected = expectedRun(FOX);
    await page.click('#run');

    const streaming = page.locator('.card[data-state="streaming"]').first();
    await streaming.waitFor();
    const early = (await streaming.locator('.text').textContent()) ?? '';
    await page.waitForTimeout(150);
    const later = (await page.locator('.card').first().locator('.text').textContent()) ?? '';
    expect(later.length).toBeGreaterThan(early.length);
    expect(later.startsWith(early)).toBe(true);

    await page.waitForSelector('#status[data-status="completed"]', { timeout: 30_000 });
    expect((await counts(page)).rendered).toBe(expected.events.length);
    expect(await logOf(page)).toEqual(
      expected.events.filter((e) => e.partial !== true).map(({ author, branch }) => ({ author, branch })),
    );
    const lanes = await page.$$eval('.lane', (els) => els.map((el) => el.getAttribute('data-branch')));
    expect(lanes).toEqual([...new Set(expected.events.map((e) => e.branch))]);
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
    expect((await counts(page)).active).toBe(0);

    await page.screenshot({ path: join(ARTIFACTS, 'angular-timeline.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('Stop unsubscribes mid-stream: no event rendered, no timer tick, no commit after it', async () => {
    const total = expectedRun(FOX).events.length;
    await page.click('#run');
    await page.waitForFunction(() => window.storyflowAngular!.renderedEvents() >= 5);
    await page.click('#stop');
    // Zoneless change detection renders after the click's task: wait for it, under load too.
    await page.waitForSelector('#status[data-status="stopped"]');

    const atStop = await counts(page);
    expect(atStop.rendered).toBeLessThan(total);
    expect(atStop.shown).toBe(String(atStop.rendered));
    expect(atStop.active).toBe(0);
    await page.waitForTimeout(500);
    expect(await counts(page)).toEqual(atStop);

    expect(await page.getAttribute('#final-story', 'data-ready')).toBe('false');
    expect(await page.locator('.card[data-state="interrupted"]').count()).toBe(1);
    expect(await page.isDisabled('#stop')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'angular-stopped.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('a new topic mid-run switches runs: the first is cancelled, only the second is shown', async () => {
    const second = expectedRun(SECOND);
    await page.fill('#topic', FOX);
    await page.click('#run');
    await page.waitForFunction(() => window.storyflowAngular!.renderedEvents() >= 5);
    const firstRun = Number(await page.textContent('#run-id'));
    await page.fill('#topic', SECOND);
    await page.click('#run');
    await page.waitForFunction(
      (id) => document.getElementById('run-id')!.textContent === String(id),
      firstRun + 1,
    );
    expect(await page.textContent('#run-topic')).toBe(SECOND);
    // One run subscribed, not two: switchMap unsubscribed the first.
    expect((await counts(page)).active).toBe(1);

    await page.waitForSelector('#status[data-status="completed"]', { timeout: 30_000 });
    // Exactly the second run's events: none of the first run's arrived after the switch.
    expect((await counts(page)).rendered).toBe(second.events.length);
    expect(await logOf(page)).toEqual(
      second.events.filter((e) => e.partial !== true).map(({ author, branch }) => ({ author, branch })),
    );
    expect(await page.textContent('#final-story')).toBe(second.story);
    expect((await counts(page)).active).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'angular-switched.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('"ask me" pauses the run for approval; Approve resumes it through the tone check to the end', async () => {
    await page.fill('#topic', FOX);
    await page.check('#ask-approval');
    await page.click('#run');
    await page.waitForSelector('#status[data-status="waiting"]', { timeout: 30_000 });
    expect(await page.textContent('#request-prompt')).toBe('Approve this story before the tone check?');
    const story = (await page.textContent('#request-story')) ?? '';
    expect(story.length).toBeGreaterThan(0);
    expect(await page.getAttribute('#request', 'data-request-id')).toMatch(/approve_story#1$/);
    const atPause = await counts(page);
    expect(atPause.active).toBe(0);
    const authorsAtPause = (await logOf(page)).map((e) => e.author);
    expect(authorsAtPause).toContain('grammar_check');
    expect(authorsAtPause).not.toContain('tone_check');
    await page.screenshot({ path: join(ARTIFACTS, 'angular-approval.png'), fullPage: true });

    await page.click('#approve');
    await page.waitForSelector('#status[data-status="completed"]', { timeout: 30_000 });
    expect(await page.locator('#request').count()).toBe(0);
    const log = await logOf(page);
    // The log goes on from the paused one (nothing before the pause shown or run again).
    expect(log.slice(0, authorsAtPause.length).map((e) => e.author)).toEqual(authorsAtPause);
    expect(
      log
        .slice(authorsAtPause.length)
        .map((e) => e.author)
        .slice(0, 3),
    ).toEqual(['user', 'approval', 'tone_check']);
    expect(await page.getAttribute('#final-story', 'data-ready')).toBe('true');
    const stateKeys = await page.$$eval('#state-tree > .tree > li', (items) =>
      items.map((li) => li.dataset.key),
    );
    expect(stateKeys).toContain('approved');
    expect((await counts(page)).active).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'angular-approved.png'), fullPage: true });
    await page.uncheck('#ask-approval');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
