import { of } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  functionTool,
  LlmAgent,
  type LlmAgentOptions,
  scriptedModel,
  type Tool,
  type ToolContext,
} from './index.js';

describe('functionTool', () => {
  it('infers execute arguments from the zod schema', () => {
    const tool = functionTool({
      name: 'add',
      description: 'adds',
      parameters: z.object({ a: z.number(), b: z.number().optional(), tags: z.array(z.string()) }),
      execute: (args, toolContext) => {
        expectTypeOf(args).toEqualTypeOf<{ a: number; b?: number | undefined; tags: string[] }>();
        expectTypeOf(toolContext).toEqualTypeOf<ToolContext>();
        return of(args.a);
      },
    });
    expectTypeOf(tool).toEqualTypeOf<Tool>();
  });

  it('accepts values, Promises and Observables as results', () => {
    const parameters = z.object({});
    functionTool({ name: 'v', description: '', parameters, execute: () => 1 });
    functionTool({ name: 'p', description: '', parameters, execute: async () => ({ ok: true }) });
    functionTool({ name: 'o', description: '', parameters, execute: () => of('x') });
  });
});

describe('LlmAgent', () => {
  it('requires a model', () => {
    expectTypeOf<{ name: 'a' }>().not.toExtend<LlmAgentOptions>();
    expectTypeOf(new LlmAgent({ name: 'a', model: scriptedModel([]) }).outputKey).toEqualTypeOf<
      string | undefined
    >();
  });

  it('types callback arguments', () => {
    new LlmAgent({
      name: 'a',
      model: scriptedModel([]),
      afterToolCallback: (tool, args, _ctx, result) => {
        expectTypeOf(tool.name).toEqualTypeOf<string>();
        expectTypeOf(args).toExtend<Readonly<Record<string, unknown>>>();
        return { ...result, checked: true };
      },
      // @ts-expect-error a before-model callback returns a response, not a string
      beforeModelCallback: () => 'nope',
    });
  });
});
