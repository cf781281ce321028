// The goal-seeking example: a workload that reaches "a deployed web app" in phases.
// Phase agents are function agents on scheduler timers; the evaluator is an LlmAgent on a
// scripted model that reports its verdict as `goal:verdict` ({ met, reason }).
import { agent, type BaseAgent, text } from '@rxagents/core';
import { LlmAgent, scriptedModel } from '@rxagents/llm';
import type { DeploymentConfig } from '@rxagents/workloads';
import { concat, map, timer } from 'rxjs';
import { z } from 'zod';

/** A phase that reports progress lines, one every `stepMs` of the run's scheduler. */
export function worker(name: string, lines: readonly string[], stepMs: number): BaseAgent {
  return agent(name, (ctx) =>
    concat(
      ...lines.map((line) =>
        timer(stepMs, ctx.scheduler).pipe(map(() => ctx.newEvent({ content: text(line) }))),
      ),
    ),
  );
}

/** The phases of the web-app goal (shared by every deployment: agents keep no per-run state). */
export const phases = [
  { name: 'plan', agent: worker('planner', ['Chose a static site with one API route'], 300) },
  { name: 'build', agent: worker('builder', ['Installed dependencies', 'Compiled 42 modules'], 200) },
  { name: 'deploy', agent: worker('deployer', ['Uploaded the bundle', 'Health check: 200 OK'], 250) },
];

const Verdict = z.object({ met: z.boolean(), reason: z.string() });

/**
 * An evaluator whose (scripted) model answers with the given verdicts in order, after
 * `latencyMs` of virtual or real time.
 */
export function evaluator(verdicts: readonly z.infer<typeof Verdict>[], latencyMs: number): BaseAgent {
  return new LlmAgent({
    name: 'judge',
    model: scriptedModel([{ agent: 'judge', respond: verdicts.map((v) => ({ json: v })) }], {
      latency: latencyMs,
    }),
    instruction:
      'Decide whether the goal in the user message is met by the work reported so far. Answer as JSON.',
    outputKey: 'goal:verdict',
    outputSchema: Verdict,
  });
}

/** Reaches the goal on the first pass (no evaluation). */
export function straightConfig(): DeploymentConfig {
  return { deploymentId: 'web-app', goal: 'a deployed web app', phases };
}

/** The evaluator finds the goal unmet the first time, so the phases run again. */
export function retryConfig(latencyMs: number): DeploymentConfig {
  return {
    deploymentId: 'web-app-checked',
    goal: 'a deployed web app that serves HTTPS',
    phases,
    evaluator: evaluator(
      [
        { met: false, reason: 'the site answers on HTTP only' },
        { met: true, reason: 'HTTPS works and the health check passes' },
      ],
      latencyMs,
    ),
    maxAttempts: 3,
  };
}
