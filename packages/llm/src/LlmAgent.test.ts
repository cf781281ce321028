// LlmAgent's behaviour by concern: this file has the instruction, the output, construction, model
// callbacks and maxLlmCalls; LlmAgent.tools, .streaming and .history test files have the rest.
import {
  type Event,
  InvalidAgentConfigError,
  isFunctionResponsePart,
  SequentialAgent,
  textOf,
} from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expectError } from '../../../test/support/expectError.js';
import { contextFor, pingTool, run } from '../test/support.js';
import { LlmCallsLimitExceededError, MissingStateKeyError, OUTPUT_SCHEMA_MISMATCH } from './errors.js';
import { exitLoopTool } from './exitLoopTool.js';
import { LlmAgent } from './LlmAgent.js';
import { scriptedModel } from './scriptedModel.js';

function _responses(event: Event): Record<string, unknown>[] {
  return (event.content?.parts ?? []).filter(isFunctionResponsePart).map((p) => ({ ...p.functionResponse }));
}

describe('LlmAgent', () => {
  describe('instruction', () => {
    it('sends the instruction templated from state to the model', async () => {
      const model = scriptedModel([{ agent: 'writer', respond: 'ok' }]);
      const writer = new LlmAgent({ name: 'writer', model, instruction: 'Write about {topic}.{style?}' });
      await run(writer.runAsync(contextFor(writer, { state: { topic: 'a fox' }, userText: 'go' })));
      expect(model.requests[0]!.systemInstruction).toBe('Write about a fox.');
      expect(model.requests[0]!.contents).toEqual([{ role: 'user', parts: [{ text: 'go' }] }]);
    });

    it('fails with MissingStateKeyError before calling the model when a required key is missing', async () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const critic = new LlmAgent({ name: 'critic', model, instruction: 'Criticise {current_story}' });
      const error = await run(critic.runAsync(contextFor(critic))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingStateKeyError);
      expect(error).toMatchObject({ agent: 'critic', key: 'current_story', field: 'instruction' });
      expect(model.requests).toHaveLength(0);
    });

    it('fills { customerId } (spaces inside the braces) from state, as ADK does', async () => {
      const model = scriptedModel([{ agent: 'support', respond: 'ok' }]);
      const support = new LlmAgent({ name: 'support', model, instruction: 'Look up { customerId }.' });
      await run(support.runAsync(contextFor(support, { state: { customerId: 'c-42' }, userText: 'hi' })));
      expect(model.requests[0]!.systemInstruction).toBe('Look up c-42.');
    });

    it('refuses an {artifact.…} placeholder when built, with InvalidAgentConfigError', () => {
      const model = scriptedModel([]);
      const build = () => new LlmAgent({ name: 'reader', model, instruction: 'Use {artifact.notes.txt}.' });
      expect(build).toThrow(InvalidAgentConfigError);
      expect(build).toThrow(/'reader'.*instruction/);
    });

    it('calls an instruction function with the context', async () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const a = new LlmAgent({ name: 'a', model, instruction: (ctx) => `branch ${ctx.branch}` });
      await run(a.runAsync(contextFor(a)));
      expect(model.requests[0]!.systemInstruction).toBe('branch a');
    });
  });

  describe('outputKey and outputSchema', () => {
    it('writes the final text to outputKey through the event stateDelta', async () => {
      const model = scriptedModel([{ respond: 'A fox found a lantern.' }]);
      const gen = new LlmAgent({ name: 'story_generator', model, outputKey: 'current_story' });
      const ctx = contextFor(gen);
      const events = await run(gen.runAsync(ctx));
      expect(events).toHaveLength(1);
      expect(events[0]!.actions.stateDelta).toEqual({ current_story: 'A fox found a lantern.' });
      expect(ctx.state.get('current_story')).toBe('A fox found a lantern.');
    });

    it('parses JSON matching outputSchema (fenced or not) and stores the object', async () => {
      const model = scriptedModel([{ respond: ['```json\n{"score": 4, "ok": true}\n```'] }]);
      const schema = z.object({ score: z.number(), ok: z.boolean() });
      const judge = new LlmAgent({ name: 'judge', model, outputKey: 'verdict', outputSchema: schema });
      const ctx = contextFor(judge);
      const [event] = await run(judge.runAsync(ctx));
      expect(event!.errorCode).toBeUndefined();
      expect(ctx.state.get('verdict')).toEqual({ score: 4, ok: true });
      expect(model.requests[0]!.responseSchema).toMatchObject({ type: 'object', required: ['score', 'ok'] });
    });

    it('emits an OUTPUT_SCHEMA_MISMATCH error event and leaves state untouched on malformed output', async () => {
      const schema = z.object({ score: z.number() });
      for (const reply of ['not json', '{"score": "high"}']) {
        const model = scriptedModel([{ respond: reply }]);
        const judge = new LlmAgent({
          name: 'judge',
          model,
          outputKey: 'verdict',
          outputSchema: schema,
          afterModelCallback: (cb) => {
            cb.set('seen', true);
          },
        });
        const ctx = contextFor(judge, { state: { verdict: 'old' } });
        const events = await run(judge.runAsync(ctx));
        expect(events).toHaveLength(1);
        expect(events[0]!.errorCode).toBe(OUTPUT_SCHEMA_MISMATCH);
        expect(events[0]!.errorMessage).toContain("Agent 'judge': outputSchema");
        expect(events[0]!.actions.stateDelta).toEqual({});
        expect(ctx.state.snapshot()).toEqual({ verdict: 'old' });
      }
    });
  });

  describe('construction', () => {
    it('rejects a missing model and duplicate tool names with InvalidAgentConfigError', () => {
      const options = { name: 'a' } as unknown as ConstructorParameters<typeof LlmAgent>[0];
      expect(() => new LlmAgent(options)).toThrow(expect.objectContaining({ agent: 'a', field: 'model' }));
      expect(
        () => new LlmAgent({ name: 'b', model: scriptedModel([]), tools: [exitLoopTool, exitLoopTool] }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_AGENT_CONFIG', agent: 'b', field: 'tools' }));
    });
  });

  describe('model callbacks', () => {
    it('skips the model when a before-model callback answers, and lets after-model callbacks replace', async () => {
      const model = scriptedModel([{ respond: 'from model' }]);
      const cached = new LlmAgent({
        name: 'cached',
        model,
        outputKey: 'out',
        beforeModelCallback: (cb, request) => {
          cb.set('asked', request.agentName);
          return { content: { role: 'model', parts: [{ text: 'from cache' }] } };
        },
        afterModelCallback: (_cb, response) => ({
          ...response,
          content: { role: 'model', parts: [{ text: `${textOf(response.content)}!` }] },
        }),
      });
      const ctx = contextFor(cached);
      const events = await run(cached.runAsync(ctx));
      expect(model.requests).toHaveLength(0);
      expect(textOf(events[0]!.content)).toBe('from cache!');
      expect(ctx.state.snapshot()).toEqual({ asked: 'cached', out: 'from cache!' });
    });
    it('fails the run with the error of a throwing before-model callback, keeping committed state', async () => {
      const model = scriptedModel([{ agent: 'first', respond: 'one' }, { respond: 'two' }]);
      const first = new LlmAgent({ name: 'first', model, outputKey: 'first' });
      const second = new LlmAgent({
        name: 'second',
        model,
        outputKey: 'second',
        beforeModelCallback: () => {
          throw new Error('callback broke');
        },
      });
      const seq = new SequentialAgent({ name: 'seq', subAgents: [first, second] });
      const ctx = contextFor(seq);
      const error = await run(seq.runAsync(ctx)).catch((e: unknown) => e);
      expect(error).toEqual(new Error('callback broke'));
      expect(ctx.state.snapshot()).toEqual({ first: 'one' });
      expect(model.requests.map((r) => r.agentName)).toEqual(['first']);
    });
  });

  describe('maxLlmCalls', () => {
    it('fails with LlmCallsLimitExceededError on the call over the limit, keeping earlier events', async () => {
      const ping = pingTool();
      const model = scriptedModel([{ respond: { functionCalls: [{ name: 'ping' }] } }]);
      const a = new LlmAgent({ name: 'pinger', model, tools: [ping] });
      const ctx = contextFor(a, { runConfig: { maxLlmCalls: 2 } });
      const error = await run(a.runAsync(ctx)).catch((e: unknown) => e);
      expectError(error, LlmCallsLimitExceededError, {
        agent: 'pinger',
        field: 'maxLlmCalls',
        limit: 2,
        code: 'LLM_CALLS_LIMIT_EXCEEDED',
      });
      expect(model.requests).toHaveLength(2);
      expect(ctx.session.events).toHaveLength(4);
    });

    it('counts calls across the agents of one invocation', async () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const a = new LlmAgent({ name: 'a', model });
      const b = new LlmAgent({ name: 'b', model });
      const seq = new SequentialAgent({ name: 'seq', subAgents: [a, b] });
      const error = await run(seq.runAsync(contextFor(seq, { runConfig: { maxLlmCalls: 1 } }))).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ agent: 'b', limit: 1 });
    });
  });

  it('ends on an error response from the model', async () => {
    const model = scriptedModel([]);
    const a = new LlmAgent({ name: 'lost', model, outputKey: 'out' });
    const ctx = contextFor(a, { userText: 'hi' });
    const events = await run(a.runAsync(ctx));
    expect(events).toHaveLength(1);
    expect(events[0]!.errorCode).toBe('SCRIPT_NO_MATCH');
    expect(events[0]!.errorMessage).toContain("agent 'lost'");
    expect(ctx.state.get('out')).toBeUndefined();
  });
});
