import { type Event, InvalidAgentConfigError, isFunctionResponsePart } from '@rxagents/core';
import { lastValueFrom, type Observable, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as mini from 'zod/mini';
import * as z3 from 'zod3';
import * as z3v4 from 'zod3/v4';
import { contextFor } from '../test/support.js';
import { functionTool } from './functionTool.js';
import { LlmAgent } from './LlmAgent.js';
import { scriptedModel } from './scriptedModel.js';

// zod is a peer dependency: these schemas come from the app's zod. `zod3` is zod 3.25 installed
// under an alias, so one test file sees both majors as an app on either would.
// The two copies differ in their type-level version stamp (`_zod.version`), so the zod3 schemas are
// cast here; an app has one copy, whose types match ours.
const fromZod3 = (schema: unknown) => schema as z.ZodType;
const run = <T>(events: Observable<T>) => lastValueFrom(events.pipe(toArray()));

function responses(event: Event): unknown[] {
  return (event.content?.parts ?? []).filter(isFunctionResponsePart).map((p) => p.functionResponse.response);
}

describe('zod schemas', () => {
  it.each([
    ['zod 4', z.object({ city: z.string() })],
    ['zod/mini', mini.object({ city: mini.string() })],
    ["zod 3.25's zod/v4", fromZod3(z3v4.z.object({ city: z3v4.z.string() }))],
  ])('takes %s parameters: JSON Schema to the model, parsed arguments to execute', async (_, parameters) => {
    const seen: unknown[] = [];
    const weather = functionTool({
      name: 'get_weather',
      description: 'weather',
      parameters,
      execute: (args) => {
        seen.push(args);
        return { sky: 'clear' };
      },
    });
    expect(weather.declaration.parameters).toMatchObject({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    });
    const model = scriptedModel([
      {
        respond: [
          {
            functionCalls: [
              { name: 'get_weather', args: { city: 'Oslo' } },
              { name: 'get_weather', args: { city: 1 } },
            ],
          },
          'done',
        ],
      },
    ]);
    const agent = new LlmAgent({ name: 'forecaster', model, tools: [weather] });
    const events = await run(agent.runAsync(contextFor(agent, { userText: 'go' })));
    const [ok, bad] = responses(events[1]!);
    expect(seen).toEqual([{ city: 'Oslo' }]);
    expect(ok).toEqual({ sky: 'clear' });
    expect((bad as { error: string }).error).toMatch(/Invalid arguments for tool 'get_weather'.*\n.*city/s);
  });

  it("takes zod 3.25's zod/v4 as outputSchema: response schema sent, parsed object stored", async () => {
    const model = scriptedModel([{ respond: '{"met": true}' }]);
    const outputSchema = fromZod3(z3v4.z.object({ met: z3v4.z.boolean() }));
    const judge = new LlmAgent({ name: 'judge', model, outputKey: 'verdict', outputSchema });
    const ctx = contextFor(judge, { userText: 'go' });
    await run(judge.runAsync(ctx));
    expect(model.requests[0]!.responseSchema).toMatchObject({
      properties: { met: { type: 'boolean' } },
    });
    expect(ctx.state.get('verdict')).toEqual({ met: true });
  });

  it('refuses a zod 3 schema with InvalidAgentConfigError naming the tool or agent and the field', () => {
    const parameters = fromZod3(z3.z.object({ city: z3.z.string() }));
    const tool = () =>
      functionTool({ name: 'get_weather', description: 'w', parameters, execute: () => ({}) });
    expect(tool).toThrow(InvalidAgentConfigError);
    expect(tool).toThrow(/'get_weather': parameters: a zod 3 schema.*zod\/v4/);
    const model = scriptedModel([]);
    const agent = () => new LlmAgent({ name: 'judge', model, outputSchema: parameters });
    expect(agent).toThrow(InvalidAgentConfigError);
    expect(agent).toThrow(/'judge': outputSchema: a zod 3 schema/);
    expect(() => new LlmAgent({ name: 'j', model, outputSchema: {} as z.ZodType })).toThrow(
      /not a zod 4 schema/,
    );
  });
});
