import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { State } from '@rxagents/core';

/** The session state, one row per key (sorted), each value as short JSON. */
@Component({
  selector: 'sf-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div id="state-tree">
      <ul class="tree">
        @for (entry of entries(); track entry.key) {
          <li [attr.data-key]="entry.key"><span class="key">{{ entry.key }}</span> <code>{{ entry.value }}</code></li>
        }
      </ul>
    </div>
  `,
})
export class StateComponent {
  readonly state = input.required<State | undefined>();
  protected readonly entries = computed(() =>
    Object.keys(this.state() ?? {})
      .sort()
      .map((key) => ({ key, value: JSON.stringify(this.state()?.[key]) ?? 'undefined' })),
  );
}
