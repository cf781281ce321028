import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { STORY_TOPICS } from '../../../browser/src/storyFlow.js';
import { ApprovalComponent } from './ApprovalComponent.js';
import { StateComponent } from './StateComponent.js';
import { StoryComponent } from './StoryComponent.js';
import { StoryRunService } from './StoryRunService.js';
import { TimelineComponent } from './TimelineComponent.js';

/**
 * The page: the topic form (Run switches to a new run; "ask me" pauses it for approval), Stop,
 * the Approve / Reject step, the timeline, the story and the state.
 */
@Component({
  selector: 'sf-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [TimelineComponent, StateComponent, StoryComponent, ApprovalComponent],
  template: `
    <header class="top">
      <h1>StoryFlow <small>live event stream · rxagents in Angular (zoneless, signals)</small></h1>
      <form id="controls" (submit)="$event.preventDefault(); run(topic.value, ask.checked)">
        <label>Topic <input #topic id="topic" name="topic" list="topics" [value]="topics[0]" /></label>
        <datalist id="topics">
          @for (t of topics; track t) { <option [value]="t"></option> }
        </datalist>
        <label><input #ask id="ask-approval" type="checkbox" /> ask me before the tone check</label>
        <button id="run" type="submit">Run</button>
        <button id="stop" type="button" [disabled]="!stories.running()" (click)="stories.stop()">Stop</button>
      </form>
      <p class="stats">
        <span id="status" [attr.data-status]="view().status">{{ view().status }}{{ view().detail ? ': ' + view().detail : '' }}</span>
        <span>run <b id="run-id">{{ view().runId }}</b> · <b id="run-topic">{{ view().topic }}</b></span>
        <span>events <b id="event-count">{{ view().events }}</b></span>
      </p>
    </header>
    <main>
      <section class="timeline"><sf-timeline [lanes]="view().lanes" [log]="view().log" /></section>
      <aside>
        <sf-approval />
        <section><h2>Story</h2><sf-story [story]="view().story" [ready]="view().storyReady" /></section>
        <section><h2>State</h2><sf-state [state]="view().state" /></section>
      </aside>
    </main>
  `,
})
export class AppComponent {
  protected readonly stories = inject(StoryRunService);
  protected readonly view = this.stories.view;
  protected readonly topics = STORY_TOPICS;

  protected run(topic: string, approval: boolean): void {
    this.stories.start(topic.trim() === '' ? STORY_TOPICS[0]! : topic.trim(), { approval });
  }
}
