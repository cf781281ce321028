import { agent, type Event, type FunctionAgent, textOf } from '@rxagents/core';
import type { Model } from '@rxagents/llm';
import { defer, map, type Observable } from 'rxjs';

/**
 * A minimal model-calling agent for this example (the full one is `LlmAgent` in @rxagents/llm):
 * asks `model` with a prompt built from the state, streams its chunks as partial events, and
 * stores the complete answer under `outputKey`. Time comes from `ctx.scheduler`, so the same
 * agent runs in real time in `main.ts` and in virtual time in the tests.
 */
export function askModel(
  name: string,
  model: Model,
  options: {
    readonly prompt: (state: Readonly<Record<string, unknown>>) => string;
    readonly outputKey: string;
  },
): FunctionAgent {
  return agent(
    name,
    (ctx): Observable<Event> =>
      defer(() => {
        const controller = new AbortController();
        const prompt = options.prompt(ctx.state.snapshot());
        return model
          .generate(
            { agentName: name, contents: [{ role: 'user', parts: [{ text: prompt }] }] },
            { stream: true, signal: controller.signal, scheduler: ctx.scheduler },
          )
          .pipe(
            map((response) =>
              response.partial === true
                ? ctx.newEvent({
                    ...(response.content === undefined ? {} : { content: response.content }),
                    partial: true,
                  })
                : ctx.newEvent({
                    ...(response.content === undefined ? {} : { content: response.content }),
                    actions: { stateDelta: { [options.outputKey]: textOf(response.content) } },
                  }),
            ),
          );
      }),
  );
}
