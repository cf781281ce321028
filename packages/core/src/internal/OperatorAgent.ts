import type { Observable } from 'rxjs';
import { BaseAgent } from '../BaseAgent.js';
import type { Event } from '../Event.js';
import { InvalidAgentConfigError } from '../errors.js';
import type { InvocationContext } from '../InvocationContext.js';
import { markTransparent } from './transparent.js';

/**
 * Checks an operator's argument when the operator is applied (a JavaScript caller may pass
 * anything): throws an `InvalidAgentConfigError` naming the source agent and the option.
 * @param kind what the value must be: an agent, a function, an array or an options object
 */
export function requireOption(
  source: BaseAgent,
  field: string,
  value: unknown,
  kind: 'agent' | 'function' | 'array' | 'object',
): void {
  const ok =
    kind === 'agent'
      ? value instanceof BaseAgent
      : kind === 'function'
        ? typeof value === 'function'
        : kind === 'array'
          ? Array.isArray(value)
          : typeof value === 'object' && value !== null && !Array.isArray(value);
  if (ok) return;
  const article = kind === 'agent' || kind === 'function' ? 'a' : 'an';
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new InvalidAgentConfigError(
    source.name,
    field,
    `must be ${article} ${kind === 'agent' ? 'BaseAgent' : kind}, got ${got}`,
  );
}

/**
 * The agent an agent operator returns: named like its source and transparent in branches, so
 * `a.pipe(op)` emits the events `a` would, on the same branches. Its operands are referenced,
 * not adopted, so one agent may appear in several operators (StoryFlow regenerates with the
 * agent it started with).
 */
export class OperatorAgent extends BaseAgent {
  constructor(
    readonly source: BaseAgent,
    readonly operands: readonly BaseAgent[],
    private readonly fn: (ctx: InvocationContext) => Observable<Event>,
    /** For `andThen` chains: every step in order, so that a further `andThen` extends it flat. */
    readonly steps?: readonly BaseAgent[],
  ) {
    super({ name: source.name, description: source.description });
    markTransparent(this);
  }

  override findSubAgent(name: string): BaseAgent | undefined {
    const fromSource = this.source.findAgent(name);
    if (fromSource !== undefined) return fromSource;
    for (const operand of this.operands) {
      const found = operand.findAgent(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    return this.fn(ctx);
  }
}
