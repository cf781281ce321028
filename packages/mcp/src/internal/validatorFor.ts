import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonObject } from '@rxagents/core';

/** Checks arguments: `undefined` when they fit, else what is wrong. */
export type ArgsValidator = (args: unknown) => string | undefined;

// One Ajv (with formats) for every MCP tool, as the SDK's client uses for output schemas.
let ajv: AjvJsonSchemaValidator | undefined;

/**
 * A validator of a tool's input schema. The `$schema` keyword is dropped because servers declare
 * drafts (2020-12, 2019-09) Ajv's default instance does not load, while the keywords tools use
 * mean the same in all of them. A schema Ajv cannot compile is left to the server to enforce.
 */
export function validatorFor(schema: JsonObject): ArgsValidator {
  const { $schema: _draft, ...rest } = schema;
  ajv ??= new AjvJsonSchemaValidator();
  try {
    const validate = ajv.getValidator<unknown>(rest);
    return (args) => {
      const result = validate(args);
      return result.valid ? undefined : result.errorMessage;
    };
  } catch {
    return () => undefined;
  }
}
