export type { GenerateOptions, LlmRequest, LlmResponse, Model, ToolDeclaration } from './Model.js';
