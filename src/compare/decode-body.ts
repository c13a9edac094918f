import zlib from 'node:zlib';
import type { HeaderPairs, StoredBody } from '../types.js';
import { contentEncodings } from './header-values.js';

/** A body with its content-encoding undone, ready to classify and diff. */
export interface DecodedBody {
  /** Decoded bytes; the raw bytes when decoding was impossible (see `note`). */
  bytes: Buffer;
  /** Why these bytes are not the whole decoded body, or why they are still encoded. */
  note?: string;
  /**
   * True when `bytes` is only a prefix of the body (stored truncated, or decoded past the cap): the
   * other side may be compared only up to the same length.
   */
  partial: boolean;
}

type Inflate = (input: Buffer, options: zlib.ZlibOptions | zlib.BrotliOptions) => Buffer;

const EMPTY: Buffer = Buffer.alloc(0);

/**
 * Undoes `content-encoding` (gzip, x-gzip, deflate in zlib or raw form, br, and stacks of them such as
 * `gzip, br`, undone right to left). Every step is capped at `maxDecodedBytes` through zlib's
 * `maxOutputLength`, so a few kilobytes of compressed zeros cannot allocate gigabytes; past the cap the
 * decoded prefix is kept and noted. A corrupt body is noted and compared as its raw bytes.
 */
export function decodeBody(headers: HeaderPairs, body: StoredBody, maxDecodedBytes: number): DecodedBody {
  const raw = body.bytes ?? EMPTY;
  const truncatedNote = body.truncated ? `body stored truncated (${raw.length} of ${body.size} bytes); only the stored part was compared` : undefined;
  const encodings = contentEncodings(headers);
  if (encodings.length === 0 || raw.length === 0) return withNote({ bytes: raw, partial: body.truncated }, truncatedNote);

  let bytes = raw;
  // A truncated stream ends mid-block; decoding it strictly would throw "unexpected end of file".
  let partial = body.truncated;
  for (const encoding of [...encodings].reverse()) {
    const inflate = inflaterFor(encoding, bytes);
    if (!inflate) {
      return withNote({ bytes: raw, partial: body.truncated }, `unsupported content-encoding ${encoding}; compared the encoded bytes`, truncatedNote);
    }
    try {
      const step = inflateCapped(inflate, encoding, bytes, maxDecodedBytes, partial);
      bytes = step.bytes;
      if (step.capped) {
        partial = true;
        return withNote({ bytes, partial }, `decoded body exceeds ${maxDecodedBytes} bytes; compared the first ${bytes.length} bytes only`, truncatedNote);
      }
    } catch (e) {
      const reason = (e as Error).message;
      return withNote({ bytes: raw, partial: body.truncated }, `corrupt ${encoding} body (${reason}); compared the encoded bytes`, truncatedNote);
    }
  }
  return withNote({ bytes, partial }, truncatedNote);
}

function withNote(body: DecodedBody, ...notes: Array<string | undefined>): DecodedBody {
  const note = notes.filter((n): n is string => n !== undefined).join('; ');
  return note === '' ? body : { ...body, note };
}

function inflaterFor(encoding: string, input: Buffer): Inflate | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync;
    case 'br':
      return zlib.brotliDecompressSync;
    case 'deflate':
      // RFC 9110 says zlib-wrapped, but some servers send raw deflate; the zlib header tells them apart.
      return hasZlibHeader(input) ? zlib.inflateSync : zlib.inflateRawSync;
    default:
      return undefined;
  }
}

function hasZlibHeader(b: Buffer): boolean {
  const cmf = b[0];
  const flg = b[1];
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

function tolerantOptions(encoding: string, max: number): zlib.ZlibOptions | zlib.BrotliOptions {
  return encoding === 'br'
    ? { maxOutputLength: max, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }
    : { maxOutputLength: max, finishFlush: zlib.constants.Z_SYNC_FLUSH };
}

function isTooLarge(e: unknown): boolean {
  return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * Decodes one layer. zlib's sync API throws instead of returning a prefix when the cap is hit, so the
 * prefix is found by bisecting the *input* length with a tolerant flush: each attempt is itself capped,
 * so the cost stays O(log(input) × cap) and only bombs pay it.
 */
function inflateCapped(inflate: Inflate, encoding: string, input: Buffer, max: number, tolerant: boolean): { bytes: Buffer; capped: boolean } {
  try {
    return { bytes: inflate(input, tolerant ? tolerantOptions(encoding, max) : { maxOutputLength: max }), capped: false };
  } catch (e) {
    if (!isTooLarge(e)) throw e;
  }
  let lo = 0;
  let hi = input.length;
  let best = EMPTY;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    try {
      const out = inflate(input.subarray(0, mid), tolerantOptions(encoding, max));
      if (out.length >= best.length) best = out;
      lo = mid + 1;
    } catch (e) {
      if (isTooLarge(e)) hi = mid - 1;
      else lo = mid + 1;
    }
  }
  return { bytes: best, capped: true };
}
