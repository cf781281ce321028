// A small MCP server, written with the official SDK, that an agent of ours uses through
// `mcpToolset`: a thesaurus over stdio. Any MCP server would do; this one needs no network.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  brave: ['valiant', 'bold', 'fearless'],
  dark: ['dim', 'shadowy', 'murky'],
  forest: ['wood', 'woodland', 'grove'],
};

const server = new McpServer({ name: 'thesaurus', version: '1.0.0' });
server.registerTool(
  'synonyms',
  {
    description: 'Words that mean the same as the given word',
    inputSchema: { word: z.string().describe('One English word, lower case') },
    outputSchema: { word: z.string(), synonyms: z.array(z.string()) },
  },
  ({ word }) => {
    const synonyms = [...(SYNONYMS[word] ?? [])];
    return {
      content: [
        { type: 'text', text: synonyms.length === 0 ? `no synonyms for ${word}` : synonyms.join(', ') },
      ],
      structuredContent: { word, synonyms },
    };
  },
);
await server.connect(new StdioServerTransport());
