import { agent, type BaseAgent, fallback, parallel, sequence, text, timeout } from '@rxagents/core';
import type { Model } from '@rxagents/llm';
import { of } from 'rxjs';
import { askModel } from './askModel.js';

/** The models the desk talks to; injected so that tests can script them in virtual time. */
export interface NewsDeskModels {
  readonly writer: Model;
  readonly factChecker: Model;
}

/**
 * A small newsroom flow: a writer drafts a headline (streamed), then two checks run in parallel
 * (a length check, and a model fact-check bounded by a 1 s timeout that falls back to
 * "unverified"), then the desk publishes with both verdicts.
 */
export function newsDesk(models: NewsDeskModels): BaseAgent {
  const writer = askModel('writer', models.writer, {
    prompt: (state) => `Write a headline about ${String(state.topic)}`,
    outputKey: 'headline',
  });
  const length = agent('length', (ctx) => {
    const headline = String(ctx.state.get('headline') ?? '');
    return of(ctx.newEvent({ actions: { stateDelta: { length_ok: headline.length <= 40 } } }));
  });
  const facts = askModel('facts', models.factChecker, {
    prompt: (state) => `Is this true? ${String(state.headline)}`,
    outputKey: 'facts',
  }).pipe(
    timeout(1_000),
    fallback(
      agent('unverified', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { facts: 'unverified' } } }))),
    ),
  );
  const publish = agent('publish', (ctx) => {
    const { headline, facts: verdict, length_ok } = ctx.state.snapshot();
    return of(
      ctx.newEvent({
        content: text(`${String(headline)} [facts: ${String(verdict)}, length ok: ${String(length_ok)}]`),
      }),
    );
  });
  return sequence('desk', [writer, parallel('checks', [length, facts]), publish]);
}
