import type { Event } from '@rxagents/core';
import type { LifecycleSignal } from './lifecycleTracer.js';

/** Where an agent run stands in the timeline. */
export type RowStatus = 'running' | 'completed' | 'error' | 'cancelled';

/** One line of what happened on a branch besides its text. */
export type RowNote =
  | { readonly kind: 'state'; readonly key: string; readonly value: string }
  | { readonly kind: 'call'; readonly text: string }
  | { readonly kind: 'error'; readonly text: string };

/** One agent (one branch) of the timeline. */
export interface TimelineRow {
  readonly branch: string;
  /** Last segment of the branch. */
  readonly name: string;
  status: RowStatus;
  /** Wall-clock milliseconds (the CLI's clock) of the first start and the last end. */
  startedAt: number;
  endedAt: number | undefined;
  /** Wall-clock milliseconds of the latest start (a loop's current iteration). */
  runStartedAt: number;
  /** How many times the agent was started on this branch (loops run it again). */
  runs: number;
  /** The latest text: the chunks streamed so far, or the last complete text. */
  text: string;
  streaming: boolean;
  readonly notes: RowNote[];
  /** Committed (non-partial) events on this branch. */
  events: number;
}

/** Totals of a run, for the summary. */
export interface RunTotals {
  /** Committed (non-partial) events. */
  readonly events: number;
  /** Streamed chunks (partial events). */
  readonly partialEvents: number;
  /**
   * Model calls: counted from `call_llm` spans when the core's tracing reached the CLI, otherwise
   * the committed events that carry `usage` (a lower bound: a model that reports no usage is not
   * seen). `undefined` when neither was seen.
   */
  readonly modelCalls: number | undefined;
  /** Sum of `usage` over committed events; `undefined` when no event reported usage. */
  readonly tokens: { readonly input: number; readonly output: number; readonly total: number } | undefined;
  readonly toolCalls: number;
}

const MAX_NOTES = 200;

/**
 * The state of a run's live view: one row per branch, fed by events and lifecycle signals. It
 * holds no timers and prints nothing; `renderTimeline` turns it into a frame.
 *
 * @example
 * ```ts
 * import { lifecycleTracer, renderTimeline, Timeline } from '@rxagents/cli';
 * import { agent, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const flow = agent('flow', (ctx) => of(ctx.newEvent({ content: text('Once upon a time…') })));
 * const timeline = new Timeline(() => performance.now());
 * const { tracer } = lifecycleTracer((signal) => timeline.signal(signal));
 * new Runner({ appName: 'app', agent: flow, sessionService: new InMemorySessionService(), tracer })
 *   .run({ userId: 'u', sessionId: 's', newMessage: 'hi' })
 *   .subscribe((event) => timeline.event(event));
 * // every 80 ms: console.log(renderTimeline(timeline, { columns: 100, spinner: '*' }));
 * ```
 * @see renderTimeline, lifecycleTracer
 */
export class Timeline {
  private readonly byBranch = new Map<string, TimelineRow>();
  private spanModelCalls = 0;
  private usageEvents = 0;
  private sawSpans = false;
  private committed = 0;
  private partial = 0;
  private tools = 0;
  private tokenIn = 0;
  private tokenOut = 0;
  private tokenTotal = 0;
  private sawTokens = false;

  /** @param now the CLI's clock, in milliseconds */
  constructor(private readonly now: () => number) {}

  /** Rows in order of first appearance. */
  get rows(): readonly TimelineRow[] {
    return [...this.byBranch.values()];
  }

  /** Whether the core's spans reached the timeline (so starts and ends are exact). */
  get tracing(): boolean {
    return this.sawSpans;
  }

  /** Applies an agent start or end, or counts a model or tool call. */
  signal(signal: LifecycleSignal): void {
    this.sawSpans = true;
    switch (signal.type) {
      case 'agentStart': {
        const row = this.row(signal.branch);
        if (row.runs > 0 || row.events > 0) {
          row.status = 'running';
          row.endedAt = undefined;
        }
        if (row.runs > 0) row.runStartedAt = this.now();
        row.runs++;
        return;
      }
      case 'agentEnd': {
        const row = this.row(signal.branch);
        row.status =
          signal.outcome === 'error' ? 'error' : signal.outcome === 'cancelled' ? 'cancelled' : 'completed';
        row.endedAt = this.now();
        row.streaming = false;
        return;
      }
      case 'modelCall':
        this.spanModelCalls++;
        return;
      case 'toolCall':
        this.tools++;
        return;
    }
  }

  /** Applies an event of the run (partial ones included). */
  event(event: Event): void {
    const row = this.row(event.branch === '' ? event.author : event.branch);
    const parts = event.content?.parts ?? [];
    let text = '';
    for (const part of parts) if ('text' in part && part.thought !== true) text += part.text;
    if (event.partial === true) {
      this.partial++;
      if (text !== '') {
        row.text = row.streaming ? row.text + text : text;
        row.streaming = true;
      }
      return;
    }
    this.committed++;
    row.events++;
    if (text !== '') row.text = text;
    row.streaming = false;
    for (const part of parts) {
      if ('functionCall' in part) {
        this.note(row, {
          kind: 'call',
          text: `→ ${part.functionCall.name}(${compact(part.functionCall.args)})`,
        });
      } else if ('functionResponse' in part) {
        this.note(row, {
          kind: 'call',
          text: `← ${part.functionResponse.name}: ${compact(part.functionResponse.response)}`,
        });
      }
    }
    for (const key of Object.keys(event.actions.stateDelta)) {
      this.note(row, { kind: 'state', key, value: compact(event.actions.stateDelta[key]) });
    }
    if (event.errorMessage !== undefined || event.errorCode !== undefined) {
      this.note(row, {
        kind: 'error',
        text: [event.errorCode, event.errorMessage].filter((s) => s !== undefined).join(': '),
      });
    }
    const usage = event.usage;
    if (usage !== undefined) {
      this.usageEvents++;
      const input = usage.inputTokens ?? 0;
      const output = usage.outputTokens ?? 0;
      this.tokenIn += input;
      this.tokenOut += output;
      this.tokenTotal += usage.totalTokens ?? input + output;
      this.sawTokens = true;
    }
  }

  /** Closes every row still running (the run ended, failed or was cancelled). */
  finish(status: Exclude<RowStatus, 'running'>): void {
    const at = this.now();
    for (const row of this.byBranch.values()) {
      if (row.status !== 'running') continue;
      row.status = status;
      row.endedAt = at;
      row.streaming = false;
    }
  }

  /** Milliseconds the row has been (or was) running, from its first start (all a loop's runs). */
  elapsed(row: TimelineRow): number {
    return (row.endedAt ?? this.now()) - row.startedAt;
  }

  /** Milliseconds of the row's latest run alone: what an append-only log prints at each end. */
  lastRunElapsed(row: TimelineRow): number {
    return (row.endedAt ?? this.now()) - row.runStartedAt;
  }

  /** What the summary reports. */
  totals(): RunTotals {
    return {
      events: this.committed,
      partialEvents: this.partial,
      modelCalls: this.sawSpans ? this.spanModelCalls : this.usageEvents > 0 ? this.usageEvents : undefined,
      tokens: this.sawTokens
        ? { input: this.tokenIn, output: this.tokenOut, total: this.tokenTotal }
        : undefined,
      toolCalls: this.tools,
    };
  }

  private row(branch: string): TimelineRow {
    let row = this.byBranch.get(branch);
    if (row === undefined) {
      const dot = branch.lastIndexOf('.');
      row = {
        branch,
        name: dot === -1 ? branch : branch.slice(dot + 1),
        status: 'running',
        startedAt: this.now(),
        endedAt: undefined,
        runStartedAt: this.now(),
        runs: 0,
        text: '',
        streaming: false,
        notes: [],
        events: 0,
      };
      this.byBranch.set(branch, row);
    }
    return row;
  }

  private note(row: TimelineRow, note: RowNote): void {
    row.notes.push(note);
    if (row.notes.length > MAX_NOTES) row.notes.shift();
  }
}

function compact(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 120 ? `${json.slice(0, 119)}…` : json;
}
