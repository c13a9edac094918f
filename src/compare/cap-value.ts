import { jsonTypeOf } from './json-value.js';

/** Longest string kept whole in a difference. */
export const MAX_STRING_CHARS = 2048;
/** Largest serialized array or object kept whole in a difference. */
export const MAX_CONTAINER_CHARS = 4096;

/**
 * Keeps `before`/`after` small: results are stored per exchange and rendered in reports, and one
 * difference at the root of a 20 MB document must not copy it twice. Applied after the noise rules,
 * which need the real values (a capped object summary is a string, and would fool `match: type`).
 */
export function capValue(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.length <= MAX_STRING_CHARS) return value;
    return `${value.slice(0, MAX_STRING_CHARS)}… (${value.length - MAX_STRING_CHARS} more characters)`;
  }
  if (typeof value !== 'object' || value === null) return value;
  const text = JSON.stringify(value);
  if (text.length <= MAX_CONTAINER_CHARS) return value;
  const type = jsonTypeOf(value);
  const count = Array.isArray(value) ? `${value.length} items` : `${Object.keys(value).length} keys`;
  return `[${type} of ${count}, ${text.length} characters: ${text.slice(0, 200)}…]`;
}
