import { Runner, textDeltas } from '@rxagents/core';
import { marbleModel } from '@rxagents/testing';
import { newsDesk } from './newsDesk.js';

// The scripted models answer in real time here (1 marble frame = 1 ms of asyncScheduler);
// the tests run the very same flow in virtual time.
const desk = newsDesk({
  writer: marbleModel('300ms a 200ms b|', { a: 'Fox outruns ', b: 'the hounds' }),
  factChecker: marbleModel('400ms (v|)', { v: 'plausible' }),
});

new Runner({ appName: 'news', agent: desk })
  .run({ userId: 'u1', sessionId: 's1', stateDelta: { topic: 'a fox' } })
  .pipe(textDeltas())
  .subscribe({
    next: (delta) => console.log(`${delta.branch}: ${delta.text}`),
    complete: () => console.log('done'),
  });
