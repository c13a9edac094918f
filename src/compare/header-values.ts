import { safeParse } from 'fast-content-type-parse';
import type { HeaderPairs } from '../types/exchange.js';

/**
 * A header's value with names matched case-insensitively and repeated headers joined with `, `
 * (RFC 9110 §5.3), or `undefined` when absent.
 */
export function headerValue(headers: HeaderPairs, name: string): string | undefined {
  const wanted = name.toLowerCase();
  // A dozen lookups per comparison: a loop, not two arrays per lookup.
  let value: string | undefined;
  for (const [n, v] of headers) {
    if (n.toLowerCase() === wanted) value = value === undefined ? v : `${value}, ${v}`;
  }
  return value;
}

export interface MediaType {
  /** Lower-case `type/subtype`, `''` when there is none. */
  type: string;
  /** Lower-case charset parameter, when given. */
  charset?: string;
}

/**
 * A Content-Type value parsed by RFC 9110's grammar (fast-content-type-parse). Real traffic carries
 * malformed parameters (`application/json; charset`): the media type before the first `;` is still
 * honoured then, as browsers do, so a sloppy header does not turn a JSON body into bytes.
 */
export function parseMediaType(value: string | undefined): MediaType {
  if (value === undefined) return { type: '' };
  // Every response of a replay carries one of a handful of values; each is parsed once.
  const known = mediaTypes.get(value);
  if (known) return { ...known };
  const parsed = parseMediaTypeOnce(value);
  if (mediaTypes.size >= MEDIA_TYPES_MAX) mediaTypes.clear();
  mediaTypes.set(value, parsed);
  return { ...parsed };
}

const MEDIA_TYPES_MAX = 256;
const mediaTypes = new Map<string, MediaType>();

function parseMediaTypeOnce(value: string): MediaType {
  const parsed = safeParse(value);
  if (parsed.type !== '') {
    const charset = parsed.parameters.charset?.toLowerCase();
    return charset ? { type: parsed.type, charset } : { type: parsed.type };
  }
  const head = value.split(';', 1)[0]!.trim().toLowerCase();
  return { type: /^[\w.+-]+\/[\w.+-]+$/.test(head) ? head : '' };
}

/** The media type of `content-type`, lower-cased, and its charset when given. */
export function mediaTypeOf(headers: HeaderPairs): MediaType {
  return parseMediaType(headerValue(headers, 'content-type'));
}

/**
 * The one answer to "is this JSON?" by media type: `application/json`, `text/json`, and every
 * structured-syntax `+json` type (RFC 6839).
 */
export function isJsonMediaType(type: string): boolean {
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

/** True when a message's Content-Type says its body is JSON. */
export function hasJsonContentType(headers: HeaderPairs): boolean {
  return isJsonMediaType(mediaTypeOf(headers).type);
}

/** The content-codings applied, in the order they were applied (`gzip, br`: gzip first); identity dropped. */
export function contentEncodings(headers: HeaderPairs): string[] {
  const value = headerValue(headers, 'content-encoding');
  if (value === undefined) return [];
  return value
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
}
