import type { Observable } from 'rxjs';
import { BaseAgent } from '../BaseAgent.js';
import type { Event } from '../Event.js';
import type { InvocationContext } from '../InvocationContext.js';
import { markTransparent } from './transparent.js';

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
