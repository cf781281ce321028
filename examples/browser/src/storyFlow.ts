/**
 * The StoryFlow the page runs: the real one from `examples/storyflow` (LlmAgents on the scripted
 * model of its offline demo), paced in real time so the stream can be watched and stopped.
 */
import type { BaseAgent } from '@rxagents/core';
import { approvalFlow } from '../../storyflow/src/approval.js';
import { storyFlowModel, TOPICS } from '../../storyflow/src/scenarios.js';
import { storyFlowPipe } from '../../storyflow/src/storyFlows.js';

/** Topics the scripted model has stories for; the first (the fox) is regenerated once. */
export const STORY_TOPICS: readonly string[] = TOPICS;

/** Real-time pacing of the scripted model, on the invocation's scheduler. */
export interface StoryFlowPacing {
  /** Milliseconds before a reply's first chunk. Default 120. */
  readonly latency?: number;
  /** Chunks a streamed reply is cut into. Default 20. */
  readonly chunks?: number;
  /** Milliseconds between two chunks. Default 35. */
  readonly chunkInterval?: number;
}

/**
 * Builds a fresh StoryFlow (`story_flow`: generate → refine loop ×2 → grammar and tone checks →
 * regenerate when the tone is negative) on a fresh scripted model. The scripted replies are
 * consumed as the flow runs, so build one per run.
 *
 * @param pacing defaults: 120 ms latency, 20 chunks, 35 ms apart (about 6 s for the whole run)
 */
export function createStoryFlow(pacing: StoryFlowPacing = {}): BaseAgent {
  return storyFlowPipe(
    storyFlowModel({
      latency: pacing.latency ?? 120,
      chunks: pacing.chunks ?? 20,
      chunkInterval: pacing.chunkInterval ?? 35,
    }),
  );
}

/**
 * StoryFlow with a person in the loop (`examples/storyflow`'s `approvalFlow`): after the grammar
 * check the run pauses until the story is approved or rejected (the page's Approve / Reject).
 */
export function createApprovalFlow(pacing: StoryFlowPacing = {}): BaseAgent {
  return approvalFlow(
    storyFlowModel({
      latency: pacing.latency ?? 120,
      chunks: pacing.chunks ?? 20,
      chunkInterval: pacing.chunkInterval ?? 35,
    }),
    true,
  );
}
