import type { AbortScope } from '@rxagents/core';
import type { SchedulerLike } from 'rxjs';
import type { GenerateOptions } from '../Model.js';

// PERFORMANCE TRICK, fenced here, with @rxagents/core's LazyAbortScope (which has the figure: the
// model call's signal made on first read saves 22% of W4 storyflow-llm): the options a model is
// given pass `signal` through to the scope without reading it. `signal` is an own enumerable
// accessor, so `{ ...options }` in a wrapping model still carries it (a getter on the prototype
// would be dropped by the spread). A class with one shared accessor descriptor: an object literal
// with a getter is slow to build, per call (it made a call 9 µs slower, bench/README.md 85cc1d5).

/** The options of one model call, whose signal is the call's scope's, made when the model reads it. */
export class CallOptions implements GenerateOptions {
  declare readonly signal: AbortSignal;

  constructor(
    readonly stream: boolean,
    readonly scheduler: SchedulerLike,
    private readonly scope: AbortScope,
  ) {
    Object.defineProperty(this, 'signal', SIGNAL);
  }

  /** The scope's signal (made on this first read). */
  scopeSignal(): AbortSignal {
    return this.scope.signal;
  }
}

const SIGNAL: PropertyDescriptor = {
  enumerable: true,
  get(this: CallOptions): AbortSignal {
    return this.scopeSignal();
  },
};
