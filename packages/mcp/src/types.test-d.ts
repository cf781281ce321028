import { InMemorySessionService, Runner } from '@rxagents/core';
import { LlmAgent, scriptedModel } from '@rxagents/llm';
import { describe, expectTypeOf, it } from 'vitest';
import { type McpServerOptions, type McpToolsetOptions, mcpServer, mcpToolset } from './index.js';

const agent = new LlmAgent({ name: 'a', model: scriptedModel([{ respond: 'ok' }]) });

describe('mcpToolset options', () => {
  it('takes a command (stdio) or a url (HTTP), never both', () => {
    expectTypeOf<{
      name: 'x';
      transport: { command: 'npx'; args: ['server'] };
    }>().toExtend<McpToolsetOptions>();
    expectTypeOf<{
      name: 'x';
      transport: { url: 'http://h/mcp'; headers: { a: 'b' } };
    }>().toExtend<McpToolsetOptions>();
    expectTypeOf<{
      name: 'x';
      transport: { command: 'npx'; url: 'http://h/mcp' };
    }>().not.toExtend<McpToolsetOptions>();
    expectTypeOf<{
      name: 'x';
      transport: { command: 'npx'; headers: { a: 'b' } };
    }>().not.toExtend<McpToolsetOptions>();
  });

  it('is a toolset an LlmAgent accepts next to its tools', () => {
    const toolset = mcpToolset({ name: 'x', transport: { command: 'npx' } });
    new LlmAgent({ name: 'b', model: scriptedModel([]), tools: [toolset] });
    expectTypeOf(toolset.close).returns.toEqualTypeOf<Promise<void>>();
  });
});

describe('mcpServer options', () => {
  it('takes agents (with their session service) or a Runner, not both', () => {
    mcpServer({ agents: [agent], sessionService: new InMemorySessionService() });
    mcpServer({ runner: new Runner({ appName: 'app', agent }) });
    expectTypeOf<{ agents: [LlmAgent]; runner: Runner }>().not.toExtend<McpServerOptions>();
    expectTypeOf<{
      runner: Runner;
      sessionService: InMemorySessionService;
    }>().not.toExtend<McpServerOptions>();
  });
});
