import type { BaseAgentOptions } from '../src/BaseAgent.js';
import { text } from '../src/Content.js';

/**
 * Three before-callbacks of which the second returns content, and an after-callback that also
 * returns content; each records its name in `calls`. The behaviour tests (runAgent) and the
 * marble tests (expectAgent) both check that the second replaces the agent and nothing runs after.
 */
export function blockingCallbacks(
  calls: string[],
): Pick<BaseAgentOptions, 'beforeAgentCallback' | 'afterAgentCallback'> {
  return {
    beforeAgentCallback: [
      () => {
        calls.push('first');
      },
      () => {
        calls.push('second');
        return text('blocked');
      },
      () => {
        calls.push('third');
      },
    ],
    afterAgentCallback: () => {
      calls.push('after');
      return text('after');
    },
  };
}
