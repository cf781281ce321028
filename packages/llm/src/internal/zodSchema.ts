import { InvalidAgentConfigError, type JsonObject } from '@rxagents/core';
import * as z from 'zod/v4/core';

/**
 * A zod 4 schema, as `functionTool` parameters and `outputSchema` take it: built with `zod` 4
 * (classic or `zod/mini`), or with `zod/v4` of zod 3.25+. We import `zod/v4/core`, which both
 * majors ship, so the app's own zod (a peer dependency) is the one copy in use.
 */
export type ZodSchema = z.$ZodType;

/** What a schema parses to. */
export type ZodOutput<Schema extends ZodSchema> = z.output<Schema>;

/** The outcome of {@link parseWith}: the parsed data, or a readable list of the issues. */
export type Parsed<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly message: string };

// zod 4 schemas carry their definition under `_zod`; zod 3 ones under `_def` only.
function isZod4(value: unknown): value is ZodSchema {
  const inner = (value as { _zod?: { def?: unknown } } | null)?._zod;
  return typeof inner === 'object' && inner !== null && typeof inner.def === 'object';
}

function isZod3(value: unknown): boolean {
  const v = value as { _def?: unknown; '~standard'?: { vendor?: unknown } } | null;
  return typeof v?._def === 'object' && v['~standard']?.vendor === 'zod';
}

/**
 * Checks that `schema` is a zod 4 schema and returns its JSON Schema (what the model is sent).
 * zod 3 schemas are refused with a typed error rather than converted: turning them into JSON
 * Schema needs a second converter (`zod-to-json-schema`), while zod 3.25+ already ships zod 4 as
 * `zod/v4`, so one import line moves an app over with no second copy of zod.
 */
export function zodJsonSchema(schema: unknown, owner: string, field: string): JsonObject {
  if (!isZod4(schema)) {
    const why = isZod3(schema)
      ? "a zod 3 schema; @rxagents/llm takes zod 4 schemas: use zod 4, or on zod 3.25+ `import { z } from 'zod/v4'`"
      : 'not a zod 4 schema';
    throw new InvalidAgentConfigError(owner, field, why);
  }
  return z.toJSONSchema(schema) as JsonObject;
}

/** Parses `value` with a schema that {@link zodJsonSchema} accepted. */
export function parseWith<Schema extends ZodSchema>(
  schema: Schema,
  value: unknown,
): Parsed<ZodOutput<Schema>> {
  const parsed = z.safeParse(schema, value);
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, message: z.prettifyError(parsed.error) };
}
