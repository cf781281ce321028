/** A value that survives `JSON.stringify` / `JSON.parse` unchanged: what session state may hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;

/** A plain JSON object. */
export interface JsonObject {
  readonly [key: string]: JsonValue;
}
