import {
  type BaseAgent,
  type Event,
  InMemorySessionService,
  Runner,
  sequentialIds,
  textOf,
} from '@rxagents/core';
import type { Model } from '@rxagents/llm';
import { filter, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { storyFlowModel, TOPICS } from './scenarios.js';
import { storyFlowClass, storyFlowGraph, storyFlowPipe } from './storyFlows.js';

interface Recorded {
  readonly frame: number;
  readonly event: Event;
}

// Runs a flow through a Runner in virtual time, one invocation per topic (each in its own session)
// on one scripted model; returns every event with the frame it arrived at, and each final state.
function runInVirtualTime(
  build: (model: Model) => BaseAgent,
  topics: readonly string[] = [TOPICS[0]],
): { recorded: Recorded[][]; states: Readonly<Record<string, unknown>>[] } {
  const recorded: Recorded[][] = topics.map(() => []);
  const sessions = new InMemorySessionService();
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.run(({ flush }) => {
    const model = storyFlowModel({ latency: 10, chunks: 3, chunkInterval: 2 });
    const runner = new Runner({
      appName: 'storyflow',
      agent: build(model),
      sessionService: sessions,
      scheduler,
      idGenerator: sequentialIds('e'),
    });
    topics.forEach((topic, i) => {
      runner
        .run({ userId: 'u', sessionId: `s${i}`, newMessage: `a story about ${topic}`, stateDelta: { topic } })
        .subscribe((event) => recorded[i]!.push({ frame: scheduler.now(), event }));
      flush();
    });
  });
  const states = topics.map((_topic, i) => {
    let state: Readonly<Record<string, unknown>> = {};
    sessions.getSession({ appName: 'storyflow', userId: 'u', sessionId: `s${i}` }).subscribe((session) => {
      state = session?.state.snapshot() ?? {};
    });
    return state;
  });
  return { recorded, states };
}

const view = ({ frame, event }: Recorded) => ({
  frame,
  id: event.id,
  author: event.author,
  branch: event.branch,
  partial: event.partial === true,
  content: event.content,
  stateDelta: event.actions.stateDelta,
});

const turns = (recorded: Recorded[]) =>
  recorded
    .filter((r) => r.event.partial !== true)
    .map((r) => `${r.event.author}:${textOf(r.event.content).slice(0, 12)}`);

describe('StoryFlow', () => {
  it('produces identical author/branch/content/stateDelta sequences as a BaseAgent subclass and as a pipe', () => {
    const classForm = runInVirtualTime(storyFlowClass, TOPICS);
    const pipeForm = runInVirtualTime(storyFlowPipe, TOPICS);
    for (const i of [0, 1]) {
      expect(classForm.recorded[i]!.length).toBeGreaterThan(20);
      expect(pipeForm.recorded[i]!.map(view)).toEqual(classForm.recorded[i]!.map(view));
    }
    expect(pipeForm.states).toEqual(classForm.states);
  });

  it('produces the same sequences as a graph, the regeneration marked as the second run of its node', () => {
    const classForm = runInVirtualTime(storyFlowClass, TOPICS);
    const graphForm = runInVirtualTime(storyFlowGraph, TOPICS);
    for (const i of [0, 1]) {
      expect(graphForm.recorded[i]!.map(view)).toEqual(classForm.recorded[i]!.map(view));
    }
    expect(graphForm.states).toEqual(classForm.states);
    // The one difference: a node's second run says so (the other forms cannot tell it apart).
    const regenerated = (recorded: Recorded[]) =>
      recorded
        .filter((r) => r.event.iteration !== undefined)
        .map((r) => `${r.event.author}#${r.event.iteration}`);
    const negative = graphForm.recorded.findIndex((r) => regenerated(r).length > 0);
    expect(negative).not.toBe(-1);
    expect(new Set(regenerated(graphForm.recorded[negative]!))).toEqual(new Set(['story_generator#2']));
    expect(regenerated(classForm.recorded[negative]!)).toEqual([]);
  });

  it('refines twice, checks, and regenerates the story when the tone check says negative', () => {
    const {
      recorded: [recorded],
      states: [state],
    } = runInVirtualTime(storyFlowPipe);
    expect(turns(recorded!)).toEqual([
      'story_generator:The fox foun',
      'critic:The fox has ',
      'reviser:The fox foun',
      'critic:The ending i',
      'reviser:The fox carr',
      'grammar_check:Grammar is g',
      'tone_check:negative',
      'story_generator:The fox foun',
    ]);
    const branches = [...new Set(recorded!.map((r) => `${r.event.author}@${r.event.branch}`))];
    expect(branches).toEqual([
      'story_generator@story_flow.story_generator',
      'critic@story_flow.refine.critic',
      'reviser@story_flow.refine.reviser',
      'grammar_check@story_flow.checks.grammar_check',
      'tone_check@story_flow.checks.tone_check',
    ]);
    expect(state!.tone_check_result).toBe('negative');
    expect(state!.current_story).toMatch(/walked home together/);
    expect(state!.grammar_suggestions).toBe('Grammar is good!');
  });

  it('does not regenerate when the tone is positive (the second run of the scenario)', () => {
    const {
      recorded: [, recorded],
      states: [, state],
    } = runInVirtualTime(storyFlowClass, TOPICS);
    const complete = turns(recorded!);
    expect(complete.filter((t) => t.startsWith('story_generator'))).toHaveLength(1);
    expect(complete.at(-1)).toBe('tone_check:positive');
    expect(state!.current_story).toMatch(/fishing boat/);
  });

  it('streams each story in chunks on the virtual clock, the regenerated one after the checks', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      const model = storyFlowModel({ latency: 10, chunks: 3, chunkInterval: 2 });
      const runner = new Runner({
        appName: 'storyflow',
        agent: storyFlowClass(model),
        idGenerator: sequentialIds('e'),
      });
      const generator = runner
        .run({ userId: 'u', sessionId: 's', newMessage: 'go', stateDelta: { topic: TOPICS[0] } })
        .pipe(
          filter((e) => e.author === 'story_generator'),
          map((e) => (e.partial === true ? 'p' : 'S')),
        );
      // Every streamed model turn takes 16 ms (10 ms latency, chunks 2 ms apart, then the complete
      // event); critic, reviser (twice each) and grammar_check stream, tone_check does not (10 ms).
      expectObservable(generator).toBe('10ms p 1ms p 1ms p 1ms S 99ms p 1ms p 1ms p 1ms (S|)');
    });
  });
});
