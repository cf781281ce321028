export { AiSdkModelError } from './AiSdkModelError.js';
export { type AiSdkModelOptions, aiSdkModel } from './aiSdkModel.js';
export { type ModelEnv, modelFromEnv } from './modelFromEnv.js';
export { type OpenAICompatibleModelOptions, openAICompatibleModel } from './openAICompatibleModel.js';
