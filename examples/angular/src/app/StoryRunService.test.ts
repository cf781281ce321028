// JIT: vitest compiles the decorators itself, so the service's @Injectable needs the compiler.
import '@angular/compiler';
import { Injector } from '@angular/core';
import type { Event } from '@rxagents/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { STORY_TOPICS } from '../../../browser/src/storyFlow.js';
import type { RunView } from './runView.js';
import { STORY_PACING, STORY_SCHEDULER, StoryRunService } from './StoryRunService.js';

const [FOX, SECOND] = [STORY_TOPICS[0]!, STORY_TOPICS[1]!];

/**
 * Runs `script` in virtual time against a fresh service (the real flow on the scripted model, no
 * DOM): `at(ms, fn)` schedules a call, `snap(ms)` records the view signal at that time.
 */
function inVirtualTime(script: (service: StoryRunService, at: (ms: number, fn: () => void) => void) => void) {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  let service!: StoryRunService;
  scheduler.run(() => {
    const injector = Injector.create({
      providers: [
        { provide: STORY_SCHEDULER, useValue: scheduler },
        { provide: STORY_PACING, useValue: {} },
        { provide: StoryRunService, useClass: StoryRunService, deps: [] },
      ],
    });
    service = injector.get(StoryRunService);
    script(service, (ms, fn) => scheduler.schedule(fn, ms));
  });
  return service;
}

describe('StoryRunService', () => {
  it('runs the StoryFlow to completion, exposing its view as a signal', () => {
    const views: RunView[] = [];
    const service = inVirtualTime((s, at) => {
      at(0, () => s.start(FOX));
      at(60_000, () => views.push(s.view()));
    });
    const [done] = views;
    expect(done?.status).toBe('completed');
    expect(done?.storyReady).toBe(true);
    expect(done?.story).toBe(service.session?.state.get('current_story'));
    // Every committed event of the run, in order (the session also holds the user's message).
    const committed = service.session!.events.filter((e) => e.author !== 'user');
    expect(done?.log.map((e) => [e.author, e.branch])).toEqual(committed.map((e) => [e.author, e.branch]));
    expect(done?.lanes.map((l) => l.branch)[0]).toBe('story_flow.story_generator');
    expect(service.activeRuns).toBe(0);
  });

  it('switching topics cancels the first run: its session stops growing and only the second run is shown', () => {
    const seen: { runId: number; topic: string }[] = [];
    let firstCommitted = 0;
    let firstAtSwitch = 0;
    let active = 0;
    const service = inVirtualTime((s, at) => {
      s.updates$.subscribe((u) => u.kind === 'started' && seen.push({ runId: u.runId, topic: u.topic }));
      at(0, () => s.start(FOX));
      at(1_500, () => {
        firstAtSwitch = s.session!.events.length;
        const first = s.session!;
        s.start(SECOND);
        active = s.activeRuns;
        at(58_000, () => (firstCommitted = first.events.length));
      });
      at(60_000, () => expect(s.view().status).toBe('completed'));
    });
    expect(seen).toEqual([
      { runId: 1, topic: FOX },
      { runId: 2, topic: SECOND },
    ]);
    expect(firstAtSwitch).toBeGreaterThan(0);
    expect(firstCommitted).toBe(firstAtSwitch);
    expect(active).toBe(1);
    expect(service.view().runId).toBe(2);
    expect(service.view().topic).toBe(SECOND);
    expect(service.view().log.every((e) => e.timestamp >= 1_500)).toBe(true);
  });

  it('stop() unsubscribes the run: no tick, event or commit afterwards, the streaming card interrupted', () => {
    let atStop = { events: 0, ticks: 0, committed: 0 };
    const service = inVirtualTime((s, at) => {
      at(0, () => s.start(FOX));
      at(400, () => {
        s.stop();
        atStop = { events: s.view().events, ticks: s.ticks, committed: s.session!.events.length };
      });
    });
    expect(atStop.events).toBeGreaterThan(0);
    expect(service.view().status).toBe('stopped');
    expect({
      events: service.view().events,
      ticks: service.ticks,
      committed: service.session!.events.length,
    }).toEqual(atStop);
    expect(service.activeRuns).toBe(0);
    const cards = service.view().lanes.flatMap((l) => l.cards);
    expect(cards.filter((c) => c.state === 'interrupted')).toHaveLength(1);
    expect(service.view().storyReady).toBe(false);
  });

  describe('approval (human in the loop)', () => {
    /** Starts an approval run, records the view at the pause, answers it at 30 s with `answer`. */
    function pauseThen(answer: (s: StoryRunService) => void) {
      let paused: RunView | undefined;
      let atPause: readonly Event[] = [];
      let storyAtPause: unknown;
      const delivered: Event[] = [];
      const service = inVirtualTime((s, at) => {
        s.updates$.subscribe((u) => u.kind === 'event' && delivered.push(u.event));
        at(0, () => s.start(FOX, { approval: true }));
        at(30_000, () => {
          paused = s.view();
          atPause = [...s.session!.events];
          storyAtPause = s.session!.state.get('current_story');
          answer(s);
        });
      });
      return { service, paused: paused!, atPause, storyAtPause, delivered };
    }

    it('pauses after the grammar check with the story, and approve() resumes it through the tone check', () => {
      const { service, paused, atPause, storyAtPause, delivered } = pauseThen((s) => s.approve());
      expect(paused.status).toBe('waiting');
      expect(paused.pending?.author).toBe('approval');
      expect(paused.pending?.payload).toEqual({
        prompt: 'Approve this story before the tone check?',
        story: storyAtPause,
      });
      expect(paused.log.map((e) => e.author)).not.toContain('tone_check');
      expect(service.activeRuns).toBe(0);

      const done = service.view();
      expect(done.status).toBe('completed');
      expect(done.pending).toBeUndefined();
      expect(service.session!.state.get('approved')).toBe(true);
      expect(done.log.map((e) => e.author)).toContain('tone_check');
      expect(done.story).toBe(service.session!.state.get('current_story'));
      // Nothing before the pause ran again: the session's log starts with exactly the paused
      // events, and no event recorded before the pause was delivered a second time.
      expect(service.session!.events.slice(0, atPause.length)).toEqual(atPause);
      const ids = delivered.filter((e) => e.partial !== true).map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      const before = new Set(atPause.map((e) => e.id));
      const after = delivered.filter((e) => e.timestamp >= 30_000);
      expect(after.length).toBeGreaterThan(0);
      expect(after.some((e) => before.has(e.id))).toBe(false);
      // The resume starts with the answer (a user event), then the approval agent goes on.
      const [answer, approval] = after.filter((e) => e.partial !== true);
      expect(answer?.actions.inputAnswers).toEqual({ [paused.pending!.id]: { approved: true } });
      expect(approval?.author).toBe('approval');
      // The view goes on from the paused one: the earlier log stays, the resume's events follow.
      expect(done.log.slice(0, paused.log.length)).toEqual(paused.log);
    });

    it('reject(reason) takes the rejection path: the story is written again, no tone check', () => {
      const { service, paused } = pauseThen((s) => s.reject('too dark'));
      const done = service.view();
      expect(done.status).toBe('completed');
      expect(service.session!.state.get('approved')).toBe(false);
      expect(service.session!.state.get('editor_note')).toBe('too dark');
      const resumed = done.log.slice(paused.log.length).map((e) => e.author);
      expect(resumed).toEqual(['user', 'approval', 'story_generator']);
      expect(done.log.map((e) => e.author)).not.toContain('tone_check');
    });

    it('stop() cancels a resume: nothing is committed or ticks after it', () => {
      let atStop = { ticks: 0, committed: 0 };
      const service = inVirtualTime((s, at) => {
        at(0, () => s.start(FOX, { approval: true }));
        at(30_000, () => s.approve());
        at(30_100, () => {
          expect(s.activeRuns).toBe(1);
          s.stop();
          atStop = { ticks: s.ticks, committed: s.session!.events.length };
        });
      });
      expect(service.view().status).toBe('stopped');
      expect(service.activeRuns).toBe(0);
      expect({ ticks: service.ticks, committed: service.session!.events.length }).toEqual(atStop);
      expect(service.session!.state.get('tone_check_result')).toBeUndefined();
    });

    it('approve() without a paused run is a no-op: the running run is not cancelled', () => {
      const service = inVirtualTime((s, at) => {
        at(0, () => s.start(FOX, { approval: true }));
        at(200, () => s.approve());
      });
      expect(service.view().status).toBe('waiting');
    });
  });
});
