import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { rootContext, say } from '../../test/helpers.js';
import { text } from '../Content.js';
import type { Event } from '../Event.js';
import { byAuthor } from './byAuthor.js';
import { byBranch } from './byBranch.js';
import { finalResponses } from './finalResponses.js';
import { stateChanges } from './stateChanges.js';
import { textDeltas } from './textDeltas.js';

const ctx = rootContext(say('root'));
const ev = (init: Parameters<typeof ctx.newEvent>[0]): Event => ctx.newEvent(init);
const all = <T>(events: Event[], op: (s: ReturnType<typeof from<Event[]>>) => import('rxjs').Observable<T>) =>
  lastValueFrom(op(from(events)).pipe(toArray()));

describe('event-stream operators', () => {
  const call = ev({
    author: 'writer',
    branch: 'flow.writer',
    content: { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
  });
  const chunk1 = ev({ author: 'writer', branch: 'flow.writer', content: text('Once '), partial: true });
  const chunk2 = ev({ author: 'writer', branch: 'flow.writer', content: text('upon'), partial: true });
  const whole = ev({
    author: 'writer',
    branch: 'flow.writer',
    content: text('Once upon'),
    actions: { stateDelta: { story: 'Once upon' } },
  });
  const critic = ev({ author: 'critic', branch: 'flow.checks.critic', content: text('Fine.') });
  const checksum = ev({ author: 'x', branch: 'flow.checksum', content: text('no') });
  const events = [call, chunk1, chunk2, whole, critic, checksum];

  it('finalResponses keeps final answers only (no partials, no function calls)', async () => {
    expect(await all(events, (s) => s.pipe(finalResponses()))).toEqual([whole, critic, checksum]);
  });

  it('finalResponses drops content-less events such as a loop escalation or a bare state change', async () => {
    const escalation = ev({ author: 'judge', branch: 'flow.refine.judge', actions: { escalate: true } });
    const empty = ev({ author: 'judge', branch: 'flow.refine.judge', content: { role: 'model', parts: [] } });
    const status = ev({ author: 'x', branch: 'flow', actions: { stateDelta: { phase: 'done' } } });
    expect(await all([escalation, whole, empty, status], (s) => s.pipe(finalResponses()))).toEqual([whole]);
  });

  it('textDeltas yields streamed chunks once, and whole text of unstreamed events', async () => {
    expect((await all(events, (s) => s.pipe(textDeltas()))).map((d) => `${d.author}:${d.text}`)).toEqual([
      'writer:Once ',
      'writer:upon',
      'critic:Fine.',
      'x:no',
    ]);
  });

  it('stateChanges maps committed deltas with their author', async () => {
    expect(await all(events, (s) => s.pipe(stateChanges()))).toEqual([
      { author: 'writer', branch: 'flow.writer', delta: { story: 'Once upon' }, eventId: whole.id },
    ]);
  });

  it('byAuthor and byBranch filter, byBranch on whole path segments', async () => {
    expect(await all(events, (s) => s.pipe(byAuthor('critic')))).toEqual([critic]);
    expect(await all(events, (s) => s.pipe(byBranch('flow.checks')))).toEqual([critic]);
    expect((await all(events, (s) => s.pipe(byBranch('flow')))).length).toBe(6);
  });
});
