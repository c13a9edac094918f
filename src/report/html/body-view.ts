import { createHash } from 'node:crypto';
import { decodeBody } from '../../compare/decode-body.js';
import { hasJsonContentType } from '../../compare/header-values.js';
import type { HeaderPairs, StoredBody } from '../../types.js';

/** A body ready for the page: decoded, capped, and never carrying raw bytes except binary previews. */
export type BodyView =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; size: number; notes: string[] }
  | { kind: 'text'; text: string; size: number; notes: string[] }
  | { kind: 'binary'; size: number; sha256: string; headBase64: string; notes: string[] };

export interface BodyViewOptions {
  /** Decoded bytes kept for the page. @default 32 KiB */
  capBytes?: number;
  /** Decompression stops past this, so a zip bomb cannot exhaust memory. @default 8 MiB */
  maxDecodedBytes?: number;
}

const BINARY_HEAD = 256;

/** UTF-8 text of `buf`, allowing a character cut at the end by a cap; `null` when it is not text. */
function asText(buf: Buffer): string | null {
  if (buf.includes(0)) return null;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let trim = 0; trim <= 3 && trim <= buf.length; trim++) {
    try {
      return decoder.decode(buf.subarray(0, buf.length - trim));
    } catch {
      // try again without a possibly cut trailing character
    }
  }
  return null;
}

function binary(raw: Buffer, size: number, notes: string[]): BodyView {
  return {
    kind: 'binary',
    size,
    sha256: createHash('sha256').update(raw).digest('hex'),
    headBase64: raw.subarray(0, BINARY_HEAD).toString('base64'),
    notes,
  };
}

/** Decode a stored body in Node (the page has no zlib) into what the page shows. */
export function bodyView(body: StoredBody | null | undefined, headers: HeaderPairs | undefined, options: BodyViewOptions = {}): BodyView {
  if (!body?.bytes || body.bytes.length === 0) return { kind: 'none' };
  const cap = options.capBytes ?? 32 * 1024;
  const notes: string[] = [];
  // The comparer's decoder: the same caps against bombs, the same leniency with truncated streams, and
  // a note for anything it could not undo (those bytes then show as binary).
  const result = decodeBody(headers ?? [], body, options.maxDecodedBytes ?? 8 * 1024 * 1024);
  if (result.note) notes.push(result.note);
  const decoded = result.bytes;
  const capped = decoded.length > cap;
  const kept = capped ? decoded.subarray(0, cap) : decoded;
  if (capped) notes.push(`capped for the report: first ${cap} of ${decoded.length} decoded bytes shown`);
  const text = asText(kept);
  if (text === null) return binary(decoded, decoded.length, notes);
  const jsonType = hasJsonContentType(headers ?? []);
  const looksJson = jsonType || /^\s*[[{]/.test(text);
  if (looksJson && !capped && !result.partial) {
    try {
      return { kind: 'json', value: JSON.parse(text), size: decoded.length, notes };
    } catch {
      if (jsonType) notes.push('not valid JSON: shown as text');
    }
  }
  return { kind: 'text', text, size: decoded.length, notes };
}

/** Rough bytes a view adds to the page, for the report's overall budget. */
export function bodyViewWeight(v: BodyView): number {
  if (v.kind === 'none') return 0;
  if (v.kind === 'binary') return 400;
  return (v.kind === 'text' ? v.text.length : v.size) * 1.3 + 100;
}
