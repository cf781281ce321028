import { InvalidAgentConfigError } from '@rxagents/core';
import { defer, lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contextFor } from '../test/support.js';
import { functionTool } from './functionTool.js';
import { LlmAgent } from './LlmAgent.js';
import { scriptedModel } from './scriptedModel.js';
import type { Tool } from './Tool.js';
import type { Toolset } from './Toolset.js';

const tool = (name: string): Tool =>
  functionTool({ name, description: name, parameters: z.object({}), execute: () => ({ from: name }) });

describe('Toolset', () => {
  it('is asked for its tools before every model call, so a changed list is seen on the next call', async () => {
    let listed = 0;
    const toolset: Toolset = {
      name: 'growing',
      tools$: () => defer(() => of(++listed === 1 ? [tool('first')] : [tool('first'), tool('second')])),
    };
    const model = scriptedModel([
      {
        respond: [
          { functionCalls: [{ name: 'first' }] },
          { functionCalls: [{ name: 'second' }] },
          { text: 'done' },
        ],
      },
    ]);
    const agent = new LlmAgent({ name: 'a', model, tools: [tool('plain'), toolset] });
    const events = await lastValueFrom(agent.runAsync(contextFor(agent)).pipe(toArray()));
    expect(model.requests.map((r) => r.tools?.map((t) => t.name))).toEqual([
      ['plain', 'first'],
      ['plain', 'first', 'second'],
      ['plain', 'first', 'second'],
    ]);
    expect(events[3]!.content?.parts[0]).toMatchObject({
      functionResponse: { name: 'second', response: { from: 'second' } },
    });
    expect(agent.tools.map((t) => t.name)).toEqual(['plain']);
    expect(agent.toolsets).toEqual([toolset]);
  });

  it('fails the step with InvalidAgentConfigError before the model call when a listed tool repeats a name', async () => {
    const model = scriptedModel([{ respond: 'never' }]);
    const toolset: Toolset = { name: 'dup', tools$: () => of([tool('plain')]) };
    const agent = new LlmAgent({ name: 'a', model, tools: [tool('plain'), toolset] });
    const error = await lastValueFrom(agent.runAsync(contextFor(agent)).pipe(toArray())).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidAgentConfigError);
    expect(error).toMatchObject({ agent: 'a', field: 'tools' });
    expect(model.requests).toHaveLength(0);
  });
});
