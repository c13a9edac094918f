import { UUID_PATTERN } from '../compare/formats.js';

/**
 * What ids, tokens and dates look like, in a path segment or an object key. Kept apart from the route
 * templater (and its cache) so the comparison code, and the report's browser client with it, can use
 * them alone.
 */
export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const NUMBER = /^-?\d+$/;
export const HEX_ID = /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}$/i; // digits and letters: not an English word
export const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;
// Opaque tokens: long, mixed letters and digits, no separators that words use.
export const OPAQUE = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{20,}$/;

/**
 * An object key that is data rather than schema: a UUID, ULID, hex id, opaque token or date (plain
 * numbers are judged by the caller: `/items/3` is an index). `foldPointer` folds such keys to `*`.
 */
export function isDataKey(key: string): boolean {
  return UUID_PATTERN.test(key) || ULID.test(key) || HEX_ID.test(key) || OPAQUE.test(key) || DATE.test(key);
}
