import { firstValueFrom, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { say } from '../test/helpers.js';
import { SessionConflictError, SessionExistsError } from './errors.js';
import { InMemorySessionService } from './InMemorySessionService.js';
import { sequentialIds } from './ids.js';
import { Runner } from './Runner.js';

describe('InMemorySessionService', () => {
  it('creates, gets, lists and deletes sessions', async () => {
    const service = new InMemorySessionService({ idGenerator: sequentialIds('s') });
    const made = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', state: { topic: 'fox' } }),
    );
    expect(made.id).toBe('s1');
    expect(made.state.snapshot()).toEqual({ topic: 'fox' });
    await firstValueFrom(service.createSession({ appName: 'app', userId: 'u1', sessionId: 'named' }));
    await firstValueFrom(service.createSession({ appName: 'app', userId: 'u2', sessionId: 'other' }));
    const listed = await firstValueFrom(service.listSessions({ appName: 'app', userId: 'u1' }));
    expect(listed.map((s) => s.sessionId).sort()).toEqual(['named', 's1']);
    await firstValueFrom(service.deleteSession({ appName: 'app', userId: 'u1', sessionId: 's1' }));
    expect(
      await firstValueFrom(service.getSession({ appName: 'app', userId: 'u1', sessionId: 's1' })),
    ).toBeUndefined();
  });

  it('treats a session it deleted as deleted on the next append, though it was appended to last', async () => {
    // The service remembers the session it appended to last (one lookup fewer per event): a
    // delete must end that, or an append to the old object would pass for one to the new session.
    const service = new InMemorySessionService();
    const key = { appName: 'app', userId: 'u', sessionId: 'x' };
    const old = await firstValueFrom(service.createSession(key));
    const e = (id: string) => ({
      id,
      invocationId: 'i',
      author: 'a',
      branch: 'a',
      timestamp: 0,
      actions: { stateDelta: { n: 1 } },
    });
    service.appendEventSync(old, e('e1'));
    await firstValueFrom(service.deleteSession(key));
    const fresh = await firstValueFrom(service.createSession(key));
    expect(() => service.appendEventSync(old, e('e2'))).toThrow(SessionConflictError);
    expect(fresh.events).toHaveLength(0);
    service.appendEventSync(fresh, e('e3'));
    expect((await firstValueFrom(service.getSession(key)))?.events.map((x) => x.id)).toEqual(['e3']);
  });

  it('refuses a second session with the same id', async () => {
    const service = new InMemorySessionService();
    await firstValueFrom(service.createSession({ appName: 'app', userId: 'u', sessionId: 'x' }));
    await expect(
      firstValueFrom(service.createSession({ appName: 'app', userId: 'u', sessionId: 'x' })),
    ).rejects.toBeInstanceOf(SessionExistsError);
  });

  it('shares app: keys across the app and user: keys across the user; temp: keys last one invocation', async () => {
    const service = new InMemorySessionService();
    const writer = say('writer', {
      stateDelta: { 'app:motd': 'hello', 'user:name': 'Ada', 'temp:scratch': 1, own: true },
    });
    const runner = new Runner({ appName: 'app', agent: writer, sessionService: service });
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 'a', newMessage: 'go' }));
    const same = await firstValueFrom(service.getSession({ appName: 'app', userId: 'u1', sessionId: 'a' }));
    expect(same?.state.snapshot()).toEqual({ 'app:motd': 'hello', 'user:name': 'Ada', own: true });
    const sibling = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 'b' }),
    );
    expect(sibling.state.snapshot()).toEqual({ 'app:motd': 'hello', 'user:name': 'Ada' });
    const stranger = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u2', sessionId: 'c' }),
    );
    expect(stranger.state.snapshot()).toEqual({ 'app:motd': 'hello' });
    const otherApp = await firstValueFrom(
      service.createSession({ appName: 'other', userId: 'u1', sessionId: 'd' }),
    );
    expect(otherApp.state.snapshot()).toEqual({});
  });

  it('gets or creates a session synchronously, as getSession and createSession would', async () => {
    const service = new InMemorySessionService();
    const key = { appName: 'app', userId: 'u1', sessionId: 's' };
    const made = service.getOrCreateSessionSync(key);
    expect(made.id).toBe('s');
    expect(await firstValueFrom(service.getSession(key))).toBe(made);
    // A run leaves a temp: key and a shared user: key; getting the session again drops the first,
    // and a new session of the same user sees the second.
    const writer = say('writer', { stateDelta: { 'temp:scratch': 1, 'user:name': 'Ada', own: true } });
    await lastValueFrom(
      new Runner({ appName: 'app', agent: writer, sessionService: service }).run({ ...key }),
    );
    const again = service.getOrCreateSessionSync(key);
    expect(again).toBe(made);
    expect(again.state.snapshot()).toEqual({ 'user:name': 'Ada', own: true });
    expect(service.getOrCreateSessionSync({ ...key, sessionId: 't' }).state.snapshot()).toEqual({
      'user:name': 'Ada',
    });
  });

  it('never stores temp: keys given at creation', async () => {
    const service = new InMemorySessionService();
    const made = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u', state: { 'temp:x': 1, y: 2 } }),
    );
    expect(made.state.snapshot()).toEqual({ y: 2 });
  });
});
