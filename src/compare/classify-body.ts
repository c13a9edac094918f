import { isUtf8 } from 'node:buffer';
import type { HeaderPairs } from '../types.js';
import { isJsonMediaType, mediaTypeOf } from './header-values.js';

/** How a decoded body is compared. */
export type BodyKind = 'json' | 'text' | 'binary';

/** A decoded body classified for diffing, with what the diff stage needs already parsed. */
export type ClassifiedBody =
  | { kind: 'json'; value: unknown; text: string; note?: string }
  | { kind: 'text'; text: string; note?: string }
  | { kind: 'binary'; note?: string };

const TEXT_TYPES = new Set([
  'application/javascript',
  'application/ecmascript',
  'application/x-javascript',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/yaml',
  'application/x-yaml',
  'application/graphql',
  'application/x-ndjson',
  'application/csv',
  'image/svg+xml',
]);

function isTextType(type: string): boolean {
  return type.startsWith('text/') || type.endsWith('+xml') || type.endsWith('/xml') || TEXT_TYPES.has(type);
}

/**
 * Classifies decoded bytes: JSON when the content type says so (`application/json`, `…+json`) or the
 * body sniffs as JSON (first non-space byte `{` or `[` and it parses); text by content type or when it
 * is valid UTF-8 without NUL; binary otherwise. Invalid JSON under a JSON type is compared as text, with
 * a note, so a broken body still shows *where* it changed. An empty body is empty text.
 */
export function classifyBody(headers: HeaderPairs, bytes: Buffer): ClassifiedBody {
  const { type, charset } = mediaTypeOf(headers);
  const text = decodeText(bytes, charset);
  if (isJsonMediaType(type)) {
    if (text === undefined) return { kind: 'binary', note: `body under ${type} is not valid text; compared as bytes` };
    const parsed = parseJson(text);
    if (parsed.ok) return { kind: 'json', value: parsed.value, text };
    if (bytes.length === 0) return { kind: 'text', text };
    return { kind: 'text', text, note: `invalid JSON under ${type} compared as text` };
  }
  if (text !== undefined && /^\s*[{[]/.test(text)) {
    const parsed = parseJson(text);
    if (parsed.ok) return { kind: 'json', value: parsed.value, text };
  }
  if (text !== undefined && (isTextType(type) || !text.includes('\u0000'))) return { kind: 'text', text };
  return { kind: 'binary' };
}

/**
 * Bytes as text, or `undefined` when they are not text in the declared charset (UTF-8 by default).
 * A leading BOM is dropped: it is an encoding artefact, and JSON.parse rejects it.
 */
function decodeText(bytes: Buffer, charset: string | undefined): string | undefined {
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
    try {
      return new TextDecoder(charset, { fatal: true }).decode(bytes);
    } catch {
      // Unknown label or bytes invalid in it: fall through to the UTF-8 check, which may still succeed.
    }
  }
  if (!isUtf8(bytes)) return undefined;
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
