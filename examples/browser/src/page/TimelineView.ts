import { type Event, type State, textOf } from '@rxagents/core';
import { renderStateTree } from './stateTree.js';

/** What the page receives from a run: events, state snapshots, and the end of the run. */
export type RunUpdate =
  | { readonly kind: 'event'; readonly event: Event }
  | { readonly kind: 'state'; readonly state: State }
  | { readonly kind: 'completed' };

/** Where a run stands, as shown in the header (and read by the browser test). */
export type RunStatus = 'idle' | 'running' | 'waiting' | 'completed' | 'stopped' | 'failed';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

function el(tag: string, className: string, content?: string): HTMLElement {
  const element = document.createElement(tag);
  element.className = className;
  if (content !== undefined) element.textContent = content;
  return element;
}

function short(value: unknown, max = 48): string {
  const json = JSON.stringify(value) ?? 'undefined';
  return json.length > max ? `${json.slice(0, max - 2)}…"` : json;
}

/**
 * Renders a run's live event stream as a timeline (one lane per branch, one card per agent turn,
 * streamed text growing as chunks arrive), a log of committed events, the current state as a
 * tree, and the story. Plain DOM: {@link TimelineView.apply} is the observer of the run.
 */
export class TimelineView {
  private readonly lanes = byId('lanes');
  private readonly log = byId<HTMLOListElement>('log');
  private readonly tree = byId('state-tree');
  private readonly story = byId('final-story');
  private readonly status = byId('status');
  private readonly count = byId('event-count');
  /** Cards still receiving streamed chunks, by branch. */
  private readonly open = new Map<string, HTMLElement>();
  private readonly laneTracks = new Map<string, HTMLElement>();
  private state: State | undefined;
  private events = 0;
  private startedAt = 0;

  /** Clears the page for a new run started at `startedAt` (scheduler time). */
  reset(startedAt: number): void {
    this.open.clear();
    this.laneTracks.clear();
    this.lanes.replaceChildren();
    this.log.replaceChildren();
    this.tree.replaceChildren();
    this.story.textContent = '';
    this.story.dataset.ready = 'false';
    this.state = undefined;
    this.events = 0;
    this.count.textContent = '0';
    this.startedAt = startedAt;
    this.setStatus('running');
  }

  setStatus(status: RunStatus, detail = ''): void {
    this.status.dataset.status = status;
    this.status.textContent = detail === '' ? status : `${status}: ${detail}`;
    // A card left open by a stopped or failed run stays as it was, marked as interrupted.
    if (status === 'stopped' || status === 'failed') {
      for (const card of this.open.values()) {
        card.dataset.state = 'interrupted';
        const meta = card.querySelector('.meta');
        if (meta !== null) meta.textContent = `${status} after ${card.dataset.chunks} chunks`;
      }
      this.open.clear();
    }
  }

  /** Renders one update of the run. */
  apply(update: RunUpdate): void {
    switch (update.kind) {
      case 'event':
        this.addEvent(update.event);
        break;
      case 'state':
        this.tree.replaceChildren(renderStateTree(update.state, this.state));
        this.state = update.state;
        break;
      case 'completed': {
        const story = this.state?.current_story;
        this.story.textContent = typeof story === 'string' ? story : '';
        this.story.dataset.ready = 'true';
        this.setStatus('completed');
        break;
      }
    }
  }

  private lane(branch: string): HTMLElement {
    const known = this.laneTracks.get(branch);
    if (known !== undefined) return known;
    const lane = el('div', 'lane');
    lane.dataset.branch = branch;
    const depth = branch.split('.').length - 1;
    lane.style.setProperty('--depth', String(depth));
    const label = el('div', 'lane-label');
    label.append(el('span', 'lane-path', branch.split('.').slice(0, -1).join(' › ')));
    label.append(el('strong', 'lane-name', branch.split('.').at(-1) ?? branch));
    const track = el('div', 'lane-track');
    lane.append(label, track);
    this.lanes.append(lane);
    this.laneTracks.set(branch, track);
    return track;
  }

  private newCard(event: Event): HTMLElement {
    const card = el('article', 'card');
    card.dataset.author = event.author;
    card.dataset.state = 'streaming';
    card.dataset.chunks = '0';
    const head = el('header', 'card-head');
    head.append(
      el('span', 'author', event.author),
      el('time', 'at', `+${event.timestamp - this.startedAt} ms`),
    );
    card.append(head, el('p', 'text', ''), el('footer', 'meta', ''));
    const track = this.lane(event.branch);
    track.append(card);
    track.scrollLeft = track.scrollWidth;
    return card;
  }

  private addEvent(event: Event): void {
    const seq = ++this.events;
    this.count.textContent = String(seq);
    const textEl = (card: HTMLElement): HTMLElement => card.querySelector<HTMLElement>('.text')!;
    const metaEl = (card: HTMLElement): HTMLElement => card.querySelector<HTMLElement>('.meta')!;
    if (event.partial === true) {
      const card = this.open.get(event.branch) ?? this.newCard(event);
      this.open.set(event.branch, card);
      textEl(card).append(textOf(event.content));
      const chunks = Number(card.dataset.chunks) + 1;
      card.dataset.chunks = String(chunks);
      metaEl(card).textContent = `streaming… ${chunks} chunks`;
      return;
    }
    const card = this.open.get(event.branch) ?? this.newCard(event);
    this.open.delete(event.branch);
    card.dataset.state = 'done';
    card.dataset.seq = String(seq);
    textEl(card).textContent = textOf(event.content);
    const delta = Object.entries(event.actions.stateDelta);
    const chunks = Number(card.dataset.chunks);
    const meta = metaEl(card);
    meta.replaceChildren(el('span', 'chunks', chunks > 0 ? `${chunks} chunks` : 'not streamed'));
    for (const [key, value] of delta) meta.append(el('code', 'delta', `${key} ← ${short(value, 32)}`));

    const item = document.createElement('li');
    item.dataset.seq = String(seq);
    item.dataset.author = event.author;
    item.dataset.branch = event.branch;
    item.dataset.timestamp = String(event.timestamp);
    item.append(
      el('span', 'at', `+${event.timestamp - this.startedAt} ms`),
      el('span', 'author', event.author),
      el('span', 'branch', event.branch),
      el('span', 'delta', delta.map(([key, value]) => `${key} ← ${short(value)}`).join(', ')),
    );
    this.log.append(item);
    const story = event.actions.stateDelta.current_story;
    if (typeof story === 'string') this.story.textContent = story;
  }
}
