import type { HeaderPairs, StoredBody } from '../types.js';
import { classifyBody } from './classify-body.js';
import { decodeBody } from './decode-body.js';

/** Larger bodies are not parsed for their JSON value (decoded size too): matching and id mapping stay cheap. */
export const MAX_JSON_BODY = 1024 * 1024;

/**
 * A body's JSON value, by the one rule of classify-body (a JSON content type, or a body that sniffs
 * as a JSON object or array and parses), with its content-encoding undone first; null when it is not
 * JSON, empty, stored truncated (a cut document), or larger than MAX_JSON_BODY. Wrapped, so a body
 * that is JSON `null` is told apart from no JSON at all.
 */
export function parseJsonBody(headers: HeaderPairs, body: StoredBody): { value: unknown } | null {
  if (!body.bytes || body.bytes.length === 0 || body.bytes.length > MAX_JSON_BODY || body.truncated) return null;
  const decoded = decodeBody(headers, body, MAX_JSON_BODY);
  if (decoded.partial) return null;
  const c = classifyBody(headers, decoded.bytes);
  return c.kind === 'json' ? { value: c.value } : null;
}
