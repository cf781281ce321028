import type { GenerateOptions, LlmRequest, LlmResponse, Model } from '@rxagents/llm';
import { concat, interval, map, Observable, of, take } from 'rxjs';

/** What a {@link slowModel} saw: how often it was called and whether the caller aborted it. */
export interface ModelLog {
  calls: number;
  aborts: number;
  /** Streams that ended — completed, or torn down by a cancel: after that, none can commit more. */
  ends: number;
}

/**
 * A model that streams `chunks` words, one every `everyMs` on the invocation's scheduler, then the
 * whole answer; it counts its calls and the aborts of its `AbortSignal` (what a real provider
 * request would see when the run is cancelled).
 */
export function slowModel(log: ModelLog, chunks = 5, everyMs = 40): Model {
  return {
    name: 'slow',
    generate(_request: LlmRequest, options: GenerateOptions): Observable<LlmResponse> {
      return new Observable<LlmResponse>((subscriber) => {
        log.calls++;
        options.signal.addEventListener('abort', () => {
          log.aborts++;
        });
        subscriber.add(() => {
          log.ends++;
        });
        const words = Array.from({ length: chunks }, (_, i) => `w${i} `);
        return concat(
          interval(everyMs, options.scheduler).pipe(
            take(chunks),
            map(
              (i): LlmResponse => ({
                partial: true,
                content: { role: 'model', parts: [{ text: words[i]! }] },
              }),
            ),
          ),
          of<LlmResponse>({
            content: { role: 'model', parts: [{ text: words.join('') }] },
            turnComplete: true,
          }),
        ).subscribe(subscriber);
      });
    },
  };
}
