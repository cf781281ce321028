// What the workers host: a storyteller (two LlmAgents on a scripted model, so no network) for
// RemoteRunner, and a 'site' goal-seeking deployment for DistributedWorkload.
//
// Resume re-runs an interrupted invocation from its start, so hosted agents must be
// deterministic: the scripted replies here are fixed strings (a reply *list* would advance a
// counter shared by every run on the worker, and a resumed run would get different answers).

import type { DeploymentEntry } from '@rxagents/bullmq';
import { agent, type BaseAgent, SequentialAgent, text } from '@rxagents/core';
import { LlmAgent, scriptedModel } from '@rxagents/llm';
import { concat, map, timer } from 'rxjs';

const model = scriptedModel(
  [
    {
      agent: 'writer',
      respond: (_request, { lastUserText }) =>
        `Once, ${lastUserText || 'a fox'} found a lantern that only lit for the honest. It glowed all winter.`,
    },
    { agent: 'critic', respond: 'Warm and short. Keep the lantern; cut "all winter".' },
  ],
  { latency: 150, chunks: 4, chunkInterval: 60 },
);

/** A new storyteller per run (the worker's registry takes factories too). */
export function storyteller(): BaseAgent {
  return new SequentialAgent({
    name: 'storyteller',
    subAgents: [
      new LlmAgent({
        name: 'writer',
        model,
        instruction: 'Write a two-sentence story.',
        outputKey: 'story',
        stream: true,
      }),
      new LlmAgent({ name: 'critic', model, instruction: 'Critique {story}.', outputKey: 'critique' }),
    ],
  });
}

function step(name: string, lines: readonly string[], millis: number): BaseAgent {
  return agent(name, (ctx) =>
    concat(...lines.map((line) => timer(millis).pipe(map(() => ctx.newEvent({ content: text(line) }))))),
  );
}

/** The 'site' deployment: plan, build, deploy. */
export const site: DeploymentEntry = ({ goal }) => ({
  goal: goal ?? 'a deployed web app',
  phases: [
    { name: 'plan', agent: step('planner', ['Chose a static site with one API route'], 300) },
    { name: 'build', agent: step('builder', ['Installed dependencies', 'Compiled 42 modules'], 250) },
    { name: 'deploy', agent: step('deployer', ['Uploaded the bundle', 'Health check: 200 OK'], 250) },
  ],
});
