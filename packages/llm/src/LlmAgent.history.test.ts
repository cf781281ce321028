// What an LlmAgent's model sees of the session (branches, other agents, includeContents) and how
// it hands over to another agent.
import {
  InMemorySessionService,
  type InvocationContext,
  ParallelAgent,
  Runner,
  SequentialAgent,
  textOf,
} from '@rxagents/core';
import { lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { contextFor, responses, run, transferCall } from '../test/support.js';
import { buildContents } from './internal/history.js';
import { LlmAgent } from './LlmAgent.js';
import type { Model } from './Model.js';
import { type ScriptedModel, scriptedModel } from './scriptedModel.js';

describe('LlmAgent', () => {
  describe('transfer', () => {
    it('offers the parent and peers to an agent that ran before an LlmAgent adopted it', async () => {
      // The offer of an agent without toolsets is kept between its model calls: adoption renews it.
      const model = scriptedModel([{ respond: 'hi' }, { respond: 'hi' }]);
      const child = new LlmAgent({ name: 'child', model });
      await run(child.runAsync(contextFor(child)));
      expect(model.requests[0]!.tools).toBeUndefined();
      const peer = new LlmAgent({ name: 'peer', model });
      new LlmAgent({ name: 'root', model, subAgents: [child, peer] });
      await run(child.runAsync(contextFor(child)));
      expect(model.requests[1]!.tools?.map((t) => t.name)).toEqual(['transfer_to_agent']);
      expect(model.requests[1]!.systemInstruction).toContain('Agent name: peer');
    });

    it('offers transfer_to_agent and runs the target under its own context', async () => {
      const model = scriptedModel([
        {
          agent: 'root',
          respond: transferCall('billing'),
        },
        { agent: 'billing', respond: (r) => `billing saw ${r.contents.length} contents` },
      ]);
      const billing = new LlmAgent({ name: 'billing', description: 'Handles invoices', model });
      const root = new LlmAgent({ name: 'root', model, subAgents: [billing] });
      const events = await run(root.runAsync(contextFor(root, { userText: 'my invoice' })));
      expect(events.map((e) => `${e.author}@${e.branch}`)).toEqual([
        'root@root',
        'root@root',
        'billing@root.billing',
      ]);
      expect(events[1]!.actions.transferToAgent).toBe('billing');
      expect(model.requests[0]!.tools?.map((t) => t.name)).toEqual(['transfer_to_agent']);
      expect(model.requests[0]!.systemInstruction).toContain('Agent name: billing');
      // billing sees the user's message and root's call and response (as context).
      expect(model.requests[1]!.contents).toHaveLength(3);
      expect(model.requests[1]!.contents[1]).toEqual({
        role: 'user',
        parts: [
          { text: 'For context:' },
          { text: '[root] called tool `transfer_to_agent` with parameters: {"agent_name":"billing"}' },
        ],
      });
      expect(textOf(events[2]!.content)).toBe('billing saw 3 contents');
    });

    it('answers an unknown transfer target with an error response', async () => {
      const model = scriptedModel([
        {
          agent: 'root',
          respond: [transferCall('ghost'), 'fine'],
        },
      ]);
      const root = new LlmAgent({
        name: 'root',
        model,
        subAgents: [new LlmAgent({ name: 'billing', model })],
      });
      const events = await run(root.runAsync(contextFor(root)));
      expect(responses(events[1]!)[0]!.response).toEqual({
        error: "Unknown agent 'ghost'; transfer to one of: billing",
      });
      expect(events[1]!.actions.transferToAgent).toBeUndefined();
      expect(textOf(events[2]!.content)).toBe('fine');
    });

    it('lists parent and peers under an LlmAgent parent unless disallowed', () => {
      const model = scriptedModel([]);
      const a = new LlmAgent({ name: 'a', model });
      const b = new LlmAgent({ name: 'b', model, disallowTransferToParent: true });
      const c = new LlmAgent({ name: 'c', model, disallowTransferToPeers: true });
      const root = new LlmAgent({ name: 'root', model, subAgents: [a, b, c] });
      expect(a.transferTargets.map((t) => t.name)).toEqual(['root', 'b', 'c']);
      expect(b.transferTargets.map((t) => t.name)).toEqual(['a', 'c']);
      expect(c.transferTargets.map((t) => t.name)).toEqual(['root']);
      expect(root.transferTargets.map((t) => t.name)).toEqual(['a', 'b', 'c']);
      const x = new LlmAgent({ name: 'x', model });
      new SequentialAgent({ name: 'seq', subAgents: [x, new LlmAgent({ name: 'y', model })] });
      expect(x.transferTargets).toEqual([]);
    });

    it('can transfer back into an agent already running (re-entrancy)', async () => {
      const model = scriptedModel([
        {
          agent: 'root',
          respond: [transferCall('helper'), 'root again'],
        },
        {
          agent: 'helper',
          respond: transferCall('root'),
        },
      ]);
      const helper = new LlmAgent({ name: 'helper', model });
      const root = new LlmAgent({ name: 'root', model, subAgents: [helper] });
      const events = await run(root.runAsync(contextFor(root)));
      expect(events.map((e) => e.branch)).toEqual([
        'root',
        'root',
        'root.helper',
        'root.helper',
        'root.helper.root',
      ]);
      expect(textOf(events.at(-1)!.content)).toBe('root again');
    });
  });

  describe('history', () => {
    // Two agents over one scripted model, each answering once: the siblings of a workflow.
    const siblings = () => {
      const model = scriptedModel([
        { agent: 'a', respond: 'a answers' },
        { agent: 'b', respond: 'b answers' },
      ]);
      return { model, a: new LlmAgent({ name: 'a', model }), b: new LlmAgent({ name: 'b', model }) };
    };
    // The text of each content of the i-th model request, its parts joined.
    const texts = (model: ScriptedModel, i: number) =>
      model.requests[i]!.contents.map((c) => c.parts.map((p) => ('text' in p ? p.text : '')).join(' '));

    it('hides the other branches of an enclosing parallel run, from this run and earlier ones', async () => {
      const { model, a, b } = siblings();
      const par = new ParallelAgent({ name: 'par', subAgents: [a, b] });
      const ctx = contextFor(par, { userText: 'hello' });
      const say = (branch: string, author: string, words: string) =>
        ctx.session.commit(
          ctx.newEvent({ author, branch, content: { role: 'model', parts: [{ text: words }] } }),
        );
      say('root', 'root', 'from root');
      say('par', 'par', 'from par');
      say('par.b', 'b', 'from b earlier');
      say('par.a', 'a', 'from a earlier');
      say('par.ab', 'ab', 'not a prefix path');
      await run(par.runAsync(ctx));
      expect(texts(model, 0)).toEqual([
        'hello',
        'For context: [root] said: from root',
        'For context: [par] said: from par',
        'from a earlier',
      ]);
      expect(texts(model, 1)).toEqual([
        'hello',
        'For context: [root] said: from root',
        'For context: [par] said: from par',
        'from b earlier',
      ]);
    });

    it('continues its conversation from its last run on a long session, as if rebuilt whole each call', async () => {
      // Past 64 events an agent that no parallel run encloses keeps its converted history between
      // runs on one session (history.ts, historyOf); the ones inside the parallel run convert
      // afresh, as what they see depends on their branch.
      const sessions = new InMemorySessionService();
      const key = { appName: 'app', userId: 'u', sessionId: 's' };
      const mismatches: string[] = [];
      let calls = 0;
      const model: Model = {
        name: 'checking',
        generate: (request) => {
          calls++;
          const log = sessions.getOrCreateSessionSync(key).events;
          const name = request.agentName;
          if (name === 'a' || name === 'd') {
            const whole = buildContents(log, () => true, name, 'default');
            if (JSON.stringify(whole) !== JSON.stringify(request.contents))
              mismatches.push(`${name}@${log.length}`);
          } else if (
            request.contents.some((c) => JSON.stringify(c).includes(name === 'b' ? 'c says' : 'b says'))
          ) {
            mismatches.push(`${name} saw its parallel sibling @${log.length}`);
          }
          return of({ content: { role: 'model', parts: [{ text: `${name} says ${calls}` }] } });
        },
      };
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new LlmAgent({ name, model }));
      const flow = new SequentialAgent({
        name: 'flow',
        subAgents: [a!, new ParallelAgent({ name: 'par', subAgents: [b!, c!] }), d!],
      });
      const runner = new Runner({ appName: 'app', agent: flow, sessionService: sessions });
      for (let i = 0; i < 30; i++) {
        await lastValueFrom(
          runner.run({ userId: 'u', sessionId: 's', newMessage: `turn ${i}` }).pipe(toArray()),
        );
      }
      expect(sessions.getOrCreateSessionSync(key).events).toHaveLength(150);
      expect(calls).toBe(120);
      expect(mismatches).toEqual([]);
    });

    it("shows sequential siblings each other's replies", async () => {
      const { model, a, b } = siblings();
      const seq = new SequentialAgent({ name: 'seq', subAgents: [a, b] });
      const ctx = contextFor(seq, { userText: 'hello' });
      await run(seq.runAsync(ctx));
      expect(texts(model, 1)).toEqual(['hello', 'For context: [a] said: a answers']);
    });

    it("with includeContents 'none' sends only the current turn", async () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const a = new LlmAgent({ name: 'a', model, includeContents: 'none' });
      const ctx = contextFor(a, { userText: 'old question' });
      ctx.session.commit(
        ctx.newEvent({
          author: 'a',
          branch: 'a',
          content: { role: 'model', parts: [{ text: 'old answer' }] },
        }),
      );
      ctx.session.commit(
        ctx.newEvent({ author: 'user', branch: '', content: { role: 'user', parts: [{ text: 'new' }] } }),
      );
      await run(a.runAsync(ctx));
      expect(model.requests[0]!.contents).toEqual([{ role: 'user', parts: [{ text: 'new' }] }]);
    });

    // ADK Java's ContentsTest processRequest_includeContentsNone_* (ADK Python's and adk-js's
    // _get_current_turn_contents / getCurrentTurnContents draw the turn the same way).
    describe("includeContents 'none' (ADK's current turn)", () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const say = (ctx: InvocationContext, author: string, words: string) =>
        ctx.session.commit(
          ctx.newEvent({
            author,
            branch: author === 'user' ? '' : author,
            content: { role: author === 'user' ? 'user' : 'model', parts: [{ text: words }] },
          }),
        );
      const contentsOf = async (events: (ctx: InvocationContext) => void) => {
        const a = new LlmAgent({ name: 'a', model, includeContents: 'none' });
        const ctx = contextFor(a);
        events(ctx);
        const before = model.requests.length;
        await run(a.runAsync(ctx));
        return model.requests[before]!.contents;
      };

      it('starts the turn at the last user message (lastEventIsUser)', async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'user', 'Turn 1');
          say(ctx, 'a', 'Reply 1');
          say(ctx, 'user', 'Turn 2');
        });
        expect(contents).toEqual([{ role: 'user', parts: [{ text: 'Turn 2' }] }]);
      });

      it("starts the turn at another agent's last event (lastEventIsOtherAgent)", async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'user', 'Turn 1');
          say(ctx, 'a', 'Reply 1');
          say(ctx, 'other_agent', 'Other Agent Turn');
        });
        expect(contents).toEqual([
          {
            role: 'user',
            parts: [{ text: 'For context:' }, { text: '[other_agent] said: Other Agent Turn' }],
          },
        ]);
      });

      it('sends no history when this agent wrote every event (noUserMessage)', async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'a', 'Reply 1');
          ctx.session.commit(
            ctx.newEvent({
              author: 'a',
              branch: 'a',
              content: { role: 'model', parts: [{ functionCall: { id: 'call1', name: 'tool1', args: {} } }] },
            }),
          );
          ctx.session.commit(
            ctx.newEvent({
              author: 'a',
              branch: 'a',
              content: {
                role: 'user',
                parts: [{ functionResponse: { id: 'call1', name: 'tool1', response: {} } }],
              },
            }),
          );
        });
        expect(contents).toEqual([]);
      });

      it("keeps this agent's own events after the turn's start", async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'user', 'Query 1');
          say(ctx, 'a', 'thinking');
        });
        expect(contents.map((c) => c.parts)).toEqual([[{ text: 'Query 1' }], [{ text: 'thinking' }]]);
      });

      it('starts the turn at a user event without content (a state-only message): nothing before it', async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'user', 'old question');
          say(ctx, 'a', 'old answer');
          ctx.session.commit(ctx.newEvent({ author: 'user', branch: '', actions: { stateDelta: { k: 1 } } }));
        });
        expect(contents).toEqual([]);
      });
    });
  });
});
