import type { AbortScope } from '@rxagents/core';
import type { SchedulerLike } from 'rxjs';
import type { GenerateOptions } from '../Model.js';

// PERFORMANCE TRICK, fenced here, with @rxagents/core's LazyAbortScope (which has the figure: the
// model call's signal made on first read saves 22% of W4 storyflow-llm): the options a model is
// given pass `signal` through to the scope without reading it, and `{ ...options }` in a wrapping
// model still carries it. A spread copies own enumerable properties only, so `signal` must look
// like one: a getter on the prototype would be dropped. The options are a Proxy over a class
// instance whose prototype has the getter; the Proxy lists `signal` among its own keys, so a
// spread reads it through the getter. Why a Proxy: an own accessor per call costs more than the
// signal saves. An object literal with a getter made a call 9 µs slower (bench/README.md
// 85cc1d5), and Object.defineProperty per instance (the previous version) costs ~1 µs a call, a
// Proxy ~0.05 µs (node 20, a throwaway microbenchmark). Part of the −22% (4.77M → 3.70M
// instructions per run) of this round's llm changes on W4 storyflow-llm; not measured alone.

/** The options of one model call, whose signal is the call's scope's, made when the model reads it. */
class CallOptionsTarget implements GenerateOptions {
  constructor(
    readonly stream: boolean,
    readonly scheduler: SchedulerLike,
    private readonly scope: AbortScope,
  ) {}

  get signal(): AbortSignal {
    return this.scope.signal;
  }
}

// What a spread, `Object.keys` or `JSON.stringify` of the options sees: the three options, as own
// enumerable data properties (`scope` is not one of them).
const KEYS: readonly string[] = ['stream', 'scheduler', 'signal'];

const HANDLER: ProxyHandler<CallOptionsTarget> = {
  ownKeys: () => [...KEYS],
  getOwnPropertyDescriptor: (target, key) =>
    typeof key === 'string' && KEYS.includes(key)
      ? {
          value: target[key as keyof GenerateOptions],
          writable: false,
          enumerable: true,
          configurable: true,
        }
      : undefined,
};

/** The options of one model call, whose signal is the call's scope's, made when the model reads it. */
export function callOptions(stream: boolean, scheduler: SchedulerLike, scope: AbortScope): GenerateOptions {
  return new Proxy(new CallOptionsTarget(stream, scheduler, scope), HANDLER);
}
