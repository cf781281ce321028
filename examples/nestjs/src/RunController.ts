import {
  Controller,
  Get,
  Inject,
  type MessageEvent,
  NotFoundException,
  Param,
  Query,
  Sse,
} from '@nestjs/common';
import type { Event, Runner } from '@rxagents/core';
import { map, type Observable } from 'rxjs';
import { RUNNER } from './runnerToken.js';

/** What `GET /users/:userId/sessions/:sessionId` answers: the session's committed events. */
export interface SessionView {
  id: string;
  events: readonly Event[];
}

/**
 * Serves a `Runner` from NestJS. The `@Sse()` route returns the run Observable itself, mapped to
 * Nest's `MessageEvent` with the event id as the SSE id: Nest subscribes to it, and when the client
 * disconnects Nest unsubscribes, which cancels the run on the server (the model call's
 * `AbortSignal` aborts, nothing more is committed). No subscription of ours to manage.
 *
 * @example
 * ```ts
 * import { Module } from '@nestjs/common';
 * import { RunController } from './RunController.js';
 * import { RUNNER } from './runnerToken.js';
 * @Module({ controllers: [RunController], providers: [{ provide: RUNNER, useValue: runner }] })
 * class AppModule {}
 * ```
 */
@Controller('users/:userId/sessions')
export class RunController {
  constructor(@Inject(RUNNER) private readonly runner: Runner) {}

  /** `GET …/:sessionId/run?message=…` → `text/event-stream`, one message per event. */
  @Sse(':sessionId/run')
  run(
    @Param('userId') userId: string,
    @Param('sessionId') sessionId: string,
    @Query('message') message = '',
  ): Observable<MessageEvent> {
    return this.runner
      .run({ userId, sessionId, newMessage: message })
      .pipe(map((event): MessageEvent => ({ id: event.id, data: event })));
  }

  /** The session's committed events, or 404. */
  @Get(':sessionId')
  session(@Param('userId') userId: string, @Param('sessionId') sessionId: string): Observable<SessionView> {
    return this.runner.sessionService.getSession({ appName: this.runner.appName, userId, sessionId }).pipe(
      map((session) => {
        if (session === undefined) throw new NotFoundException(`no session '${sessionId}'`);
        return { id: session.id, events: session.events };
      }),
    );
  }
}
