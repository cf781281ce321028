export { AiSdkModelError } from './AiSdkModelError.js';
export { type AiSdkModelOptions, aiSdkModel } from './aiSdkModel.js';
export { type ModelEnv, modelFromEnv } from './modelFromEnv.js';
export { type OpenAICompatibleModelOptions, openAICompatibleModel } from './openAICompatibleModel.js';
export {
  type RxAgentsUIDataTypes,
  type RxAgentsUIMessage,
  type RxAgentsUIMessageChunk,
  type ToUIMessageStreamOptions,
  toUIMessageStream,
} from './toUIMessageStream.js';
export {
  toUIMessageStreamResponse,
  type UIMessageStreamResponseOptions,
} from './toUIMessageStreamResponse.js';
