/**
 * The Angular example's entry point: a zoneless standalone app (no zone.js) running StoryFlow in
 * the page. It also exposes read-only hooks for the browser test (`window.storyflowAngular`).
 */
import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent } from './app/AppComponent.js';
import { StoryRunService } from './app/StoryRunService.js';

/** Read-only hooks for the browser test and for poking around in devtools. */
export interface StoryflowAngular {
  /** Events the current run has delivered (partial ones included). */
  readonly renderedEvents: () => number;
  /** Timer ticks the current run has executed. */
  readonly schedulerTicks: () => number;
  /** Events committed to the current run's session. */
  readonly committedEvents: () => number;
  /** Runs subscribed right now. */
  readonly activeRuns: () => number;
}

declare global {
  interface Window {
    storyflowAngular?: StoryflowAngular;
  }
}

bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] }).then(
  (app) => {
    const stories = app.injector.get(StoryRunService);
    window.storyflowAngular = {
      renderedEvents: () => stories.view().events,
      schedulerTicks: () => stories.ticks,
      committedEvents: () => stories.session?.events.length ?? 0,
      activeRuns: () => stories.activeRuns,
    };
    document.body.dataset.ready = 'true';
  },
  (error: unknown) => console.error(error),
);
