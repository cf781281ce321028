import { pc } from './colors.js';
import type { RunTotals, Timeline, TimelineRow } from './Timeline.js';

/** How a frame is drawn. */
export interface FrameOptions {
  /** Terminal width; lines are cut to it. */
  readonly columns: number;
  /** The spinner's current frame (drawn on running agents). */
  readonly spinner: string;
  /** Most text lines shown per agent (the latest). Default 3. */
  readonly textLines?: number;
  /** Most state/tool lines shown per agent (the latest). Default 4. */
  readonly notes?: number;
}

/**
 * Formats milliseconds as `850ms`, `4.2s` or `2m05s`.
 *
 * @example
 * ```ts
 * import { formatDuration } from '@rxagents/cli';
 * formatDuration(850); // '850ms'
 * formatDuration(4_200); // '4.2s'
 * formatDuration(125_000); // '2m05s'
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function cut(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

function icon(row: TimelineRow, spinner: string): string {
  switch (row.status) {
    case 'running':
      return pc.cyan(spinner);
    case 'completed':
      return pc.green('✔');
    case 'error':
      return pc.red('✖');
    case 'cancelled':
      return pc.yellow('■');
  }
}

/**
 * Draws the timeline as a tree of branches: each agent with its status (a spinner while it
 * runs), elapsed time, its latest text (streamed chunks as they arrive) and its latest state
 * changes and tool calls. Plain text plus picocolors; `log-update` puts it on screen.
 *
 * @example
 * ```ts
 * import { renderTimeline, Timeline } from '@rxagents/cli';
 *
 * const timeline = new Timeline(() => performance.now());
 * timeline.signal({ type: 'agentStart', name: 'writer', branch: 'writer' });
 * console.log(renderTimeline(timeline, { columns: 80, spinner: '*' })); // the writer, running
 * ```
 */
export function renderTimeline(timeline: Timeline, options: FrameOptions): string {
  const rows = timeline.rows;
  const present = new Set(rows.map((r) => r.branch));
  const children = new Map<string | undefined, TimelineRow[]>();
  for (const row of rows) {
    // The nearest ancestor branch that has a row (transparent agents add none).
    let parent: string | undefined;
    for (let b = row.branch; b.includes('.'); ) {
      b = b.slice(0, b.lastIndexOf('.'));
      if (present.has(b)) {
        parent = b;
        break;
      }
    }
    const list = children.get(parent) ?? [];
    list.push(row);
    children.set(parent, list);
  }
  const width = Math.max(20, options.columns);
  const maxText = options.textLines ?? 3;
  const maxNotes = options.notes ?? 4;
  const out: string[] = [];
  const walk = (row: TimelineRow, prefix: string, connector: string, childPrefix: string): void => {
    const runs = row.runs > 1 ? ` ×${row.runs}` : '';
    const head = `${prefix}${connector}`;
    const label = `${row.name}${runs}`;
    const time = formatDuration(timeline.elapsed(row));
    out.push(
      `${pc.dim(head)}${icon(row, options.spinner)} ${pc.bold(cut(label, width - head.length - time.length - 4))} ${pc.dim(time)}`,
    );
    const kids = children.get(row.branch) ?? [];
    const detail = `${prefix}${childPrefix}${kids.length > 0 ? '│ ' : '  '}  `;
    const room = width - detail.length;
    if (row.text !== '') {
      const lines = row.text.split('\n').filter((l) => l.trim() !== '');
      for (const line of lines.slice(-maxText)) {
        out.push(`${pc.dim(detail)}${row.streaming ? pc.white(cut(line, room)) : cut(line, room)}`);
      }
    }
    for (const note of row.notes.slice(-maxNotes)) {
      const line =
        note.kind === 'state'
          ? pc.green(cut(`state ${note.key} = ${note.value}`, room))
          : note.kind === 'call'
            ? pc.magenta(cut(note.text, room))
            : pc.red(cut(note.text, room));
      out.push(`${pc.dim(detail)}${line}`);
    }
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1;
      walk(kid, `${prefix}${childPrefix}`, last ? '└─ ' : '├─ ', last ? '   ' : '│  ');
    });
  };
  for (const root of children.get(undefined) ?? []) walk(root, '', '', '');
  return out.join('\n');
}

/** Where the run's session is, for the summary. */
export interface SessionInfo {
  readonly appName: string;
  readonly userId: string;
  readonly sessionId: string;
  /** Events the session service holds for this session after the run. */
  readonly committed: number | undefined;
  /** File the session was saved to (`--save`). */
  readonly savedTo?: string;
}

/**
 * The end-of-run summary: outcome, events, model calls, tokens, duration, session.
 *
 * @example
 * ```ts
 * import { renderSummary, Timeline } from '@rxagents/cli';
 *
 * const timeline = new Timeline(() => performance.now());
 * const session = { appName: 'app', userId: 'u1', sessionId: 's1', committed: 3 };
 * console.log(renderSummary('completed', timeline.totals(), 1_250, session));
 * ```
 */
export function renderSummary(
  outcome: 'completed' | 'error' | 'cancelled' | 'paused',
  totals: RunTotals,
  durationMs: number,
  session: SessionInfo,
): string {
  const title =
    outcome === 'completed'
      ? pc.green('✔ completed')
      : outcome === 'error'
        ? pc.red('✖ failed')
        : outcome === 'paused'
          ? pc.yellow('⏸ paused, waiting for input')
          : pc.yellow('■ cancelled');
  const rows: [string, string][] = [
    [
      'events',
      `${totals.events} committed${totals.partialEvents > 0 ? `, ${totals.partialEvents} streamed chunks` : ''}`,
    ],
    ['model calls', totals.modelCalls === undefined ? 'unknown' : String(totals.modelCalls)],
  ];
  if (totals.toolCalls > 0) rows.push(['tool calls', String(totals.toolCalls)]);
  rows.push([
    'tokens',
    totals.tokens === undefined
      ? 'unknown'
      : `${totals.tokens.total} (in ${totals.tokens.input}, out ${totals.tokens.output})`,
  ]);
  rows.push(['duration', formatDuration(durationMs)]);
  const committed = session.committed === undefined ? '' : ` · ${session.committed} events committed`;
  rows.push(['session', `${session.appName}/${session.userId}/${session.sessionId}${committed}`]);
  if (session.savedTo !== undefined) rows.push(['saved to', session.savedTo]);
  return [`${title} ${pc.dim('summary')}`, ...rows.map(([k, v]) => `  ${pc.dim(k.padEnd(12))}${v}`)].join(
    '\n',
  );
}
