/**
 * A React page using the AI SDK's `useChat` against an rxagents Runner served by
 * `@rxagents/server`: streamed text, tool calls with their output, the agent of each step, and
 * Stop (which aborts the request; the server cancels the run). Plain `createElement`, no JSX
 * build step.
 */
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport, type UIMessage } from 'ai';
import { type FormEvent, createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';

declare global {
  interface Window {
    /** The `x-run-id` of the last chat request, for the test to ask the server about that run. */
    lastRunId?: string | null;
  }
}

const transport = new DefaultChatTransport({
  api: '/api/agents/assistant/users/demo/chat',
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    window.lastRunId = response.headers.get('x-run-id');
    return response;
  },
});

function Part({ part }: { part: UIMessage['parts'][number] }) {
  if (part.type === 'text') return h('p', { className: 'text' }, part.text);
  if (part.type === 'dynamic-tool') {
    const output = part.state === 'output-available' ? ` → ${JSON.stringify(part.output)}` : '';
    return h(
      'p',
      { className: 'tool' },
      `${part.toolName}(${JSON.stringify(part.input)}) [${part.state}]${output}`,
    );
  }
  if (part.type === 'data-agent') {
    const { author, branch } = part.data as { author: string; branch: string };
    return h('p', { className: 'agent' }, `${author} · ${branch}`);
  }
  return null;
}

function App() {
  const { messages, sendMessage, status, stop } = useChat({ transport });
  const [input, setInput] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (input.trim() === '') return;
    void sendMessage({ text: input });
    setInput('');
  };
  return h(
    'div',
    null,
    h(
      'div',
      { id: 'messages' },
      messages.map((m) =>
        h(
          'div',
          { key: m.id, className: `message ${m.role}`, 'data-role': m.role },
          m.parts.map((part, i) => h(Part, { key: i, part })),
        ),
      ),
    ),
    h('p', { id: 'status', 'data-status': status }, status),
    h(
      'form',
      { onSubmit: submit },
      h('input', {
        id: 'input',
        value: input,
        onChange: (e: { target: { value: string } }) => setInput(e.target.value),
      }),
      h(
        'button',
        { id: 'send', type: 'submit', disabled: status === 'streaming' || status === 'submitted' },
        'Send',
      ),
      h(
        'button',
        { id: 'stop', type: 'button', onClick: () => void stop(), disabled: status !== 'streaming' },
        'Stop',
      ),
    ),
  );
}

createRoot(document.getElementById('root')!).render(h(App));
