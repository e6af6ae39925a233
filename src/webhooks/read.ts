/**
 * Tolerant reading of untrusted JSON: every helper returns `undefined` for what is missing or mistyped, so
 * the parser never throws a `TypeError` on a surprising body.
 * @module
 * @internal
 */

/** A JSON object: not `null`, not an array. @internal */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not `null`, not an array). @internal */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The value at `path`, reading own properties only (so `constructor` or `toString` never come from the
 * prototype); `undefined` as soon as a step is missing or not an object.
 * @internal
 */
export function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/** The first candidate that is a non-empty string. @internal */
export function firstString(...candidates: unknown[]): string | undefined {
  return candidates.find((c): c is string => typeof c === 'string' && c !== '');
}

/** The first candidate that is a boolean. @internal */
export function firstBoolean(...candidates: unknown[]): boolean | undefined {
  return candidates.find((c): c is boolean => typeof c === 'boolean');
}
