import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/**
 * Applies content-codings in the order given (`['gzip']`, or `['gzip', 'br']`: gzip first), as a
 * server would on the wire; `null` for a coding we cannot produce. Decoding lives in
 * src/compare/decode-body.ts (capped against decompression bombs).
 */
export function encodeContent(bytes: Buffer, chain: readonly string[]): Buffer | null {
  let out = bytes;
  for (const enc of chain) {
    if (enc === 'gzip' || enc === 'x-gzip') out = gzipSync(out);
    else if (enc === 'deflate') out = deflateSync(out);
    else if (enc === 'br') out = brotliCompressSync(out);
    else return null;
  }
  return out;
}
