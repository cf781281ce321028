import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** The story: the latest `current_story` while the run goes, the final one once it completes. */
@Component({
  selector: 'sf-story',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<p id="final-story" [attr.data-ready]="ready()">{{ story() }}</p>`,
})
export class StoryComponent {
  readonly story = input.required<string>();
  readonly ready = input.required<boolean>();
}
