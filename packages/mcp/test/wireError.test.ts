// McpToolError crosses a process boundary (a BullMQ worker to a RemoteRunner) as its own class:
// it is in core's error registry once @rxagents/mcp is loaded.
import { errorFromCode, registeredErrorClasses } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { McpToolError } from '../src/index.js';

describe('McpToolError', () => {
  it('is registered under MCP_TOOL_FAILED and rebuilt as its class with its fields', () => {
    expect(registeredErrorClasses()).toContainEqual({ code: 'MCP_TOOL_FAILED', errorClass: McpToolError });
    const original = new McpToolError('files', 'read_file', 'timeout', 'no answer within 5000 ms');
    const rebuilt = errorFromCode(original.code, original.message, {
      name: original.name,
      fields: { toolset: original.toolset, tool: original.tool, reason: original.reason },
    });
    expect(rebuilt).toBeInstanceOf(McpToolError);
    expect(rebuilt).toMatchObject({
      code: 'MCP_TOOL_FAILED',
      message: original.message,
      toolset: 'files',
      tool: 'read_file',
      reason: 'timeout',
    });
  });
});
