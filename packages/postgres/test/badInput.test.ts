// Bad input reaches no row: a delta the session cannot hold is rejected by the commit, before the
// PostgreSQL session service writes anything (issue 15 §1).
import {
  agent,
  type Event,
  InvalidAgentOutputError,
  InvalidRequestError,
  InvalidStateError,
  Runner,
} from '@rxagents/core';
import type pg from 'pg';
import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSessionService } from '../src/index.js';
import { adminPool, databaseUrl, dropSchema, uniqueSchema } from './db.js';

let admin: pg.Pool;
let service: PostgresSessionService;
const schema = uniqueSchema('bad');

beforeAll(async () => {
  admin = await adminPool();
  service = new PostgresSessionService({ connectionString: await databaseUrl(), schema });
});
afterAll(async () => {
  await service.close();
  await dropSchema(admin, schema);
  await admin.end();
});

async function rows(): Promise<{ events: number; app: number; user: number }> {
  const count = async (table: string) =>
    Number((await admin.query(`SELECT count(*) AS n FROM "${schema}".${table}`)).rows[0].n);
  return { events: await count('events'), app: await count('app_state'), user: await count('user_state') };
}

const fail = (events: ReturnType<Runner['run']>) =>
  lastValueFrom(events.pipe(toArray())).then(
    () => undefined,
    (error: unknown) => error,
  );

describe('PostgresSessionService: bad input', () => {
  it('rejects a bad delta before any row is written, on every route', async () => {
    const session = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }),
    );
    const before = await rows();
    // An event whose delta smuggles an inherited app: key of function type.
    const forged: Event = {
      id: 'e1',
      invocationId: 'i',
      author: 'hand',
      branch: 'hand',
      timestamp: 1,
      actions: { stateDelta: Object.create({ 'app:f': () => 1 }) },
    };
    await expect(lastValueFrom(service.appendEvent(session, forged))).rejects.toThrow(InvalidStateError);
    const runner = (name: string, stateDelta: unknown) =>
      new Runner({
        appName: 'app',
        sessionService: service,
        agent: agent(name, (ctx) => of(ctx.newEvent({ actions: { stateDelta: stateDelta as never } }))),
      });
    const request = { userId: 'u1', sessionId: 's' };
    expect(await fail(runner('w', Object.create({ 'user:x': 1 })).run(request))).toBeInstanceOf(
      InvalidStateError,
    );
    expect(await fail(runner('w', 'abc').run(request))).toBeInstanceOf(InvalidAgentOutputError);
    expect(await fail(runner('w', {}).run({ ...request, stateDelta: 'abc' as never }))).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(await rows()).toEqual(before);
    // The session still reads back, and the app still creates sessions.
    const again = await firstValueFrom(service.getSession({ appName: 'app', userId: 'u1', sessionId: 's' }));
    expect(again?.events).toEqual([]);
    const other = await firstValueFrom(service.createSession({ appName: 'app', userId: 'u2' }));
    expect(other.state.snapshot()).toEqual({});
  });
});
