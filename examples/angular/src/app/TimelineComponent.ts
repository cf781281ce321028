import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { Lane, LogEntry } from './runView.js';

/** The run's timeline: one lane per branch, a card per agent turn, and the log of committed events. */
@Component({
  selector: 'sf-timeline',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2>Timeline <small>one lane per branch</small></h2>
    <div id="lanes">
      @for (lane of lanes(); track lane.branch) {
        <div class="lane" [attr.data-branch]="lane.branch" [style.--depth]="depth(lane.branch)">
          <div class="lane-label">
            <span class="lane-path">{{ path(lane.branch) }}</span>
            <strong class="lane-name">{{ name(lane.branch) }}</strong>
          </div>
          <div class="lane-track">
            @for (card of lane.cards; track card.id) {
              <article class="card" [attr.data-state]="card.state" [attr.data-seq]="card.seq || null">
                <header class="card-head">
                  <span class="author">{{ card.author }}</span><time class="at">+{{ card.at }} ms</time>
                </header>
                <p class="text">{{ card.text }}</p>
                <footer class="meta">
                  @switch (card.state) {
                    @case ('streaming') { streaming… {{ card.chunks }} chunks }
                    @case ('interrupted') { interrupted after {{ card.chunks }} chunks }
                    @default {
                      <span class="chunks">{{ card.chunks > 0 ? card.chunks + ' chunks' : 'not streamed' }}</span>
                      @for (d of card.delta; track $index) { <code class="delta">{{ d }}</code> }
                    }
                  }
                </footer>
              </article>
            }
          </div>
        </div>
      }
    </div>
    <h2>Committed events</h2>
    <ol id="log">
      @for (entry of log(); track entry.seq) {
        <li [attr.data-seq]="entry.seq" [attr.data-author]="entry.author" [attr.data-branch]="entry.branch"
            [attr.data-timestamp]="entry.timestamp">
          <span class="at">+{{ entry.at }} ms</span><span class="author">{{ entry.author }}</span>
          <span class="branch">{{ entry.branch }}</span><span class="delta">{{ entry.delta }}</span>
        </li>
      }
    </ol>
  `,
})
export class TimelineComponent {
  readonly lanes = input.required<readonly Lane[]>();
  readonly log = input.required<readonly LogEntry[]>();

  protected depth(branch: string): number {
    return branch.split('.').length - 1;
  }
  protected path(branch: string): string {
    return branch.split('.').slice(0, -1).join(' › ');
  }
  protected name(branch: string): string {
    return branch.split('.').at(-1) ?? branch;
  }
}
