import { asyncScheduler, lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { closeStartedServers, completingServer, type TestServer } from '../test/openAICompatibleServer.js';
import { modelFromEnv } from './modelFromEnv.js';

let server: TestServer | undefined;
afterEach(closeStartedServers);

describe('modelFromEnv', () => {
  it('returns undefined when RXAGENTS_BASE_URL or RXAGENTS_MODEL is unset or blank', () => {
    expect(modelFromEnv({})).toBeUndefined();
    expect(modelFromEnv({ RXAGENTS_BASE_URL: 'http://127.0.0.1:1/v1' })).toBeUndefined();
    expect(modelFromEnv({ RXAGENTS_MODEL: 'm' })).toBeUndefined();
    expect(modelFromEnv({ RXAGENTS_BASE_URL: ' ', RXAGENTS_MODEL: 'm' })).toBeUndefined();
  });

  it('builds a model that calls the configured endpoint with the configured key', async () => {
    server = await completingServer('ok');
    const model = modelFromEnv({
      RXAGENTS_BASE_URL: server.baseURL,
      RXAGENTS_MODEL: 'llama3.2',
      RXAGENTS_API_KEY: 'k1',
    });

    expect(model?.name).toBe('openai-compatible:llama3.2');
    const response = await lastValueFrom(
      model!.generate(
        { agentName: 'a', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
        { stream: false, signal: new AbortController().signal, scheduler: asyncScheduler },
      ),
    );
    expect(response.content).toEqual({ role: 'model', parts: [{ text: 'ok' }] });
    expect(server.requests[0]?.body.model).toBe('llama3.2');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer k1');
  });

  it('sends no Authorization header when RXAGENTS_API_KEY is unset', async () => {
    server = await completingServer('ok');
    const model = modelFromEnv({ RXAGENTS_BASE_URL: server.baseURL, RXAGENTS_MODEL: 'm' });
    await lastValueFrom(
      model!.generate(
        { agentName: 'a', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
        { stream: false, signal: new AbortController().signal, scheduler: asyncScheduler },
      ),
    );
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });
});
