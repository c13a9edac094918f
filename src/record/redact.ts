import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { RedactConfig } from '../config/schema.js';
import { decodeBody } from '../compare/decode-body.js';
import { contentEncodings, hasJsonContentType } from '../compare/header-values.js';
import { compilePointerPattern, type PointerPattern } from '../compare/pointer-pattern.js';
import type { Capture, HeaderPairs, StoredBody } from '../types.js';

/** Redacted by default: credentials that must never reach a disk. */
export const DEFAULT_REDACTED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

export interface Redactor {
  redact<T extends Capture>(exchange: T): T;
}

function escapePointerSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Replace, in place, every value whose pointer matches a pattern. Returns whether anything changed. */
function redactJsonValue(value: unknown, pointer: string, patterns: readonly PointerPattern[], marker: string): { value: unknown; changed: boolean } {
  if (pointer !== '' && patterns.some((p) => p.matches(pointer))) return { value: marker, changed: true };
  let changed = false;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const r = redactJsonValue(v, `${pointer}/${i}`, patterns, marker);
      if (r.changed) {
        value[i] = r.value;
        changed = true;
      }
    });
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const r = redactJsonValue(obj[k], `${pointer}/${escapePointerSegment(k)}`, patterns, marker);
      if (r.changed) {
        obj[k] = r.value;
        changed = true;
      }
    }
  }
  return { value, changed };
}

function reencode(bytes: Buffer, chain: string[]): Buffer | null {
  let out = bytes;
  for (const enc of chain) {
    if (enc === 'gzip' || enc === 'x-gzip') out = gzipSync(out);
    else if (enc === 'deflate') out = deflateSync(out);
    else if (enc === 'br') out = brotliCompressSync(out);
    else return null;
  }
  return out;
}

/**
 * When a body cannot be parsed (truncated by the size cap, or not valid JSON) a secret may still sit
 * in it: blank the values of keys the patterns name literally, textually, rather than keep them.
 */
function redactJsonText(text: string, keys: readonly string[], marker: string): string {
  let out = text;
  for (const key of keys) {
    const k = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`("${k}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"?|[^,}\\]\\s]+)`, 'g'), `$1${JSON.stringify(marker)}`);
  }
  return out;
}

/** Redacts headers, query parameters and JSON body values before anything is written. */
export function createRedactor(config: RedactConfig, maxDecodedBytes = 32 * 1024 * 1024): Redactor {
  const headerNames = new Set([...(config.defaults ? DEFAULT_REDACTED_HEADERS : []), ...config.headers.map((h) => h.toLowerCase())]);
  const queryNames = new Set(config.query.map((q) => q.toLowerCase()));
  const patterns = config.json.map(compilePointerPattern);
  const literalKeys = [...new Set(config.json.map((p) => p.split('/').pop() ?? '').filter((k) => k && !k.includes('*')))];
  const marker = config.marker;

  function redactHeaders(headers: HeaderPairs): HeaderPairs {
    if (headerNames.size === 0) return headers;
    return headers.map(([k, v]) => (headerNames.has(k.toLowerCase()) ? [k, marker] : [k, v]));
  }

  function redactUrl(url: string): string {
    if (queryNames.size === 0) return url;
    const q = url.indexOf('?');
    if (q === -1) return url;
    const parts = url.slice(q + 1).split('&').map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // keep the raw name
      }
      return queryNames.has(name.toLowerCase()) ? `${rawName}=${encodeURIComponent(marker)}` : pair;
    });
    return `${url.slice(0, q)}?${parts.join('&')}`;
  }

  function redactBody(headers: HeaderPairs, body: StoredBody): StoredBody {
    if (patterns.length === 0 || !body.bytes || body.bytes.length === 0) return body;
    const first = body.bytes.subarray(0, 64).toString('latin1').trimStart()[0];
    const chain = contentEncodings(headers);
    if (!hasJsonContentType(headers) && !(chain.length === 0 && (first === '{' || first === '['))) return body;
    const decoded = decodeBody(headers, body, maxDecodedBytes);
    // An encoded body we could not decode cannot be checked for secrets: keep none of it.
    if (chain.length > 0 && decoded.bytes === body.bytes) return { bytes: null, size: body.size, truncated: true };
    const text = decoded.bytes.toString('utf8');
    let replaced: string;
    try {
      const parsed: unknown = JSON.parse(text);
      const r = redactJsonValue(parsed, '', patterns, marker);
      if (!r.changed) return body;
      replaced = JSON.stringify(r.value);
    } catch {
      replaced = redactJsonText(text, literalKeys, marker);
      if (replaced === text) return body;
    }
    const plain = Buffer.from(replaced, 'utf8');
    // Keep the stored body "as on the wire": same content-encoding as its headers say.
    const encoded = chain.length ? reencode(plain, chain) : plain;
    if (!encoded) return { bytes: null, size: body.size, truncated: true };
    return { bytes: encoded, size: body.truncated ? body.size : encoded.length, truncated: body.truncated };
  }

  return {
    redact<T extends Capture>(e: T): T {
      return {
        ...e,
        request: {
          ...e.request,
          url: redactUrl(e.request.url),
          headers: redactHeaders(e.request.headers),
          body: redactBody(e.request.headers, e.request.body),
        },
        response: e.response
          ? { ...e.response, headers: redactHeaders(e.response.headers), body: redactBody(e.response.headers, e.response.body) }
          : null,
      };
    },
  };
}
