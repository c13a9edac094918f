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
export function capValue(value: unknown, serialisedAtMost = Infinity): unknown {
  // A container known to serialise within the cap is kept whole without being serialised to find out.
  if (serialisedAtMost <= MAX_CONTAINER_CHARS && typeof value === 'object') return value;
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

/** Most characters a number can take in JSON (`-1.2345678901234567e-308`). */
const MAX_NUMBER_CHARS = 24;

/**
 * An upper bound on how long `JSON.stringify` writes any value parsed from this JSON text, or Infinity
 * past the container cap (only bounds under it are of use). Parsing then serialising never lengthens a
 * token: strings come back with the same or shorter escapes (text decoded from bytes has no lone
 * surrogates to escape), whitespace and duplicate keys vanish, and a number without an exponent prints
 * in at most its own digits. Only a number written with an exponent can grow (`1e20` prints 21
 * digits), by less than {@link MAX_NUMBER_CHARS}; every `e` or `E` after a digit in the text (where
 * an exponent stands, and maybe elsewhere in a string) is counted as one.
 * Measured as the share of a noisy ~1 KB comparison it saves: serialising both whole arrays of an
 * `order changed` difference cost as much as parsing both bodies.
 */
export function serialisedBound(text: string): number {
  if (text.length > MAX_CONTAINER_CHARS) return Infinity;
  let bound = text.length;
  for (const e of ['e', 'E']) {
    for (let i = text.indexOf(e); i !== -1; i = text.indexOf(e, i + 1)) {
      const before = text.charCodeAt(i - 1);
      if (before >= 0x30 && before <= 0x39) bound += MAX_NUMBER_CHARS;
    }
  }
  return bound;
}
