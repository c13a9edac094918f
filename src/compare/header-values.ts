import type { HeaderPairs } from '../types.js';

/**
 * A header's value with names matched case-insensitively and repeated headers joined with `, `
 * (RFC 9110 §5.3), or `undefined` when absent.
 */
export function headerValue(headers: HeaderPairs, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const values = headers.filter(([n]) => n.toLowerCase() === wanted).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(', ');
}

/** The media type of `content-type`, lower-cased, and its charset when given. */
export function mediaTypeOf(headers: HeaderPairs): { type: string; charset?: string } {
  const value = headerValue(headers, 'content-type');
  if (value === undefined) return { type: '' };
  const [type = '', ...params] = value.split(';');
  const charset = params
    .map((p) => p.trim())
    .find((p) => p.toLowerCase().startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '')
    .trim()
    .toLowerCase();
  return charset ? { type: type.trim().toLowerCase(), charset } : { type: type.trim().toLowerCase() };
}

/** The content-codings applied, in the order they were applied (`gzip, br`: gzip first); identity dropped. */
export function contentEncodings(headers: HeaderPairs): string[] {
  return (headerValue(headers, 'content-encoding') ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
}
