import { type ScriptedModel, type ScriptedModelOptions, scriptedModel } from '@rxagents/llm';

/** The topics of the offline demo: the first story comes out gloomy, the second does not. */
export const TOPICS = [
  'a fox who finds a lantern in the snow',
  'a lighthouse keeper and a lost gull',
] as const;

const FIRST_DRAFTS = [
  'The fox found a lantern in the snow. Its light was cold and it showed only the bones of the forest. ' +
    'She carried it until her paws froze, and nobody came.',
  'Every night the keeper lit the lamp for ships that never came. One stormy night a gull, blown off ' +
    'course, tapped on the glass, and the keeper opened the window.',
];

const CRITICISMS = [
  'The fox has no goal; give her a reason to carry the lantern.',
  'The ending is abrupt; let the lantern change something.',
];

const REVISIONS = [
  'The fox found a lantern in the snow and carried it home to her den, hoping its light would guide her ' +
    'brother back. The wind grew fierce and the flame flickered, but she shielded it with her body.',
  'The fox carried the lantern through the storm toward her den, hoping to guide her brother home. ' +
    'At dawn the flame died, the den was empty, and the snow had covered every track.',
];

const REGENERATED =
  'The fox found a lantern in the snow. She held it high, and across the valley her lost brother saw ' +
  'the light and ran to her. They walked home together, the lantern glowing warm between them.';

/**
 * The scripted model of the offline StoryFlow demo and its tests. The tone check answers
 * `negative` the first time (so the flow regenerates the story) and `positive` the second.
 *
 * Reply lists live in the model: make a new one for each flow you run.
 */
export function storyFlowModel(options: ScriptedModelOptions = {}): ScriptedModel {
  let stories = 0;
  return scriptedModel(
    [
      {
        agent: 'story_generator',
        respond: (request) => {
          stories++;
          // The gull topic has no gloomy draft; the fox is regenerated after the negative tone check.
          if (request.systemInstruction?.includes('lighthouse') === true) return FIRST_DRAFTS[1]!;
          return stories === 1 ? FIRST_DRAFTS[0]! : REGENERATED;
        },
      },
      {
        agent: 'critic',
        instruction: 'keeper',
        respond: [
          "The gull is only a visitor; let it change the keeper's night.",
          'Good. Maybe let the gull repay the keeper.',
        ],
      },
      { agent: 'critic', respond: CRITICISMS },
      {
        agent: 'reviser',
        instruction: 'keeper',
        respond:
          'Every night the keeper lit the lamp for ships that never came, until a lost gull tapped on the ' +
          'glass. The keeper let it in, fed it, and at dawn it led a fishing boat safely home.',
      },
      { agent: 'reviser', respond: REVISIONS },
      { agent: 'grammar_check', respond: 'Grammar is good!' },
      { agent: 'tone_check', respond: ['negative', 'positive'] },
    ],
    options,
  );
}
