import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { StoryRunService } from './StoryRunService.js';

/**
 * The human-in-the-loop step: while the run waits (`StoryRunService.pending`), shows what it asks
 * and the story, with Approve / Reject buttons that resume the run. Reads signals only.
 */
@Component({
  selector: 'sf-approval',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (stories.pending(); as request) {
      <section id="request" [attr.data-request-id]="request.id">
        <h2>Waiting for you</h2>
        <p id="request-prompt">{{ ask().prompt }}</p>
        <blockquote id="request-story">{{ ask().story }}</blockquote>
        <button id="approve" type="button" (click)="stories.approve()">Approve</button>
        <button id="reject" type="button" (click)="stories.reject()">Reject</button>
      </section>
    }
  `,
})
export class ApprovalComponent {
  protected readonly stories = inject(StoryRunService);
  /** The request's payload (`approvalAgent` asks `{ prompt, story }`), or its JSON when it is not that. */
  protected readonly ask = computed(() => {
    const payload = this.stories.pending()?.payload;
    const { prompt, story } = (payload ?? {}) as { prompt?: unknown; story?: unknown };
    return {
      prompt: typeof prompt === 'string' ? prompt : JSON.stringify(payload),
      story: typeof story === 'string' ? story : '',
    };
  });
}
