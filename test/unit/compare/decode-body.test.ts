import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src/compare/index.js';
import type { HeaderPairs, StoredBody } from '../../../src/types.js';

const TEXT = Buffer.from('{"hello":"world","n":[1,2,3]}'.repeat(20));
const MB = 1024 * 1024;

function stored(bytes: Buffer | null, truncated = false, size = bytes?.length ?? 0): StoredBody {
  return { bytes, size, truncated };
}
const enc = (value: string): HeaderPairs => [['Content-Encoding', value]];

describe('decodeBody', () => {
  it.each<[string, (b: Buffer) => Buffer]>([
    ['gzip', (b) => zlib.gzipSync(b)],
    ['x-gzip', (b) => zlib.gzipSync(b)],
    ['GZIP', (b) => zlib.gzipSync(b)],
    ['deflate', (b) => zlib.deflateSync(b)],
    ['deflate', (b) => zlib.deflateRawSync(b)],
    ['br', (b) => zlib.brotliCompressSync(b)],
    ['gzip, br', (b) => zlib.brotliCompressSync(zlib.gzipSync(b))],
    ['deflate,gzip', (b) => zlib.gzipSync(zlib.deflateSync(b))],
    ['identity', (b) => b],
  ])('undoes %s', (encoding, encode) => {
    const out = decodeBody(enc(encoding), stored(encode(TEXT)), MB);
    expect(out.bytes.equals(TEXT)).toBe(true);
    expect(out.note).toBeUndefined();
    expect(out.partial).toBe(false);
  });

  it('joins repeated content-encoding headers before undoing them', () => {
    const body = zlib.brotliCompressSync(zlib.gzipSync(TEXT));
    const out = decodeBody([['content-encoding', 'gzip'], ['Content-Encoding', 'br']], stored(body), MB);
    expect(out.bytes.equals(TEXT)).toBe(true);
  });

  it('returns an absent body as empty bytes', () => {
    expect(decodeBody(enc('gzip'), stored(null), MB)).toEqual({ bytes: Buffer.alloc(0), partial: false });
  });

  it('caps a compression bomb at maxDecodedBytes and keeps the decoded prefix', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * MB));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const out = decodeBody(enc('gzip'), stored(bomb), MB);
    expect(out.bytes.length).toBeLessThanOrEqual(MB);
    expect(out.bytes.length).toBeGreaterThan(MB / 2);
    expect(out.bytes.every((b) => b === 0)).toBe(true);
    expect(out.partial).toBe(true);
    expect(out.note).toMatch(/exceeds 1048576 bytes; compared the first \d+ bytes only/);
  });

  it('caps a brotli bomb inside a stack too', () => {
    const bomb = zlib.gzipSync(zlib.brotliCompressSync(Buffer.alloc(20 * MB)));
    const out = decodeBody(enc('br, gzip'), stored(bomb), MB);
    expect(out.bytes.length).toBeLessThanOrEqual(MB);
    expect(out.partial).toBe(true);
  });

  it('notes a corrupt body and hands back the raw bytes', () => {
    const corrupt = Buffer.concat([zlib.gzipSync(TEXT).subarray(0, 10), Buffer.from('not deflate data at all')]);
    const out = decodeBody(enc('gzip'), stored(corrupt), MB);
    expect(out.bytes.equals(corrupt)).toBe(true);
    expect(out.note).toMatch(/^corrupt gzip body \(.+\); compared the encoded bytes$/);
  });

  it('notes a body that is not gzip at all', () => {
    const out = decodeBody(enc('gzip'), stored(TEXT), MB);
    expect(out.bytes.equals(TEXT)).toBe(true);
    expect(out.note).toMatch(/corrupt gzip body/);
  });

  it('treats a cut stream that is not flagged truncated as corrupt', () => {
    const cut = zlib.gzipSync(TEXT).subarray(0, 30);
    expect(decodeBody(enc('gzip'), stored(cut), MB).note).toMatch(/corrupt gzip/);
  });

  it('decodes what is there of a truncated encoded body and says so', () => {
    const big = Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(''));
    const gz = zlib.gzipSync(big);
    const part = gz.subarray(0, Math.floor(gz.length / 2));
    const out = decodeBody(enc('gzip'), stored(part, true, gz.length), MB);
    expect(out.partial).toBe(true);
    expect(out.bytes.length).toBeGreaterThan(0);
    expect(big.subarray(0, out.bytes.length).equals(out.bytes)).toBe(true);
    expect(out.note).toBe(`body stored truncated (${part.length} of ${gz.length} bytes); only the stored part was compared`);
  });

  it('notes a truncated identity body', () => {
    const out = decodeBody([], stored(TEXT.subarray(0, 10), true, TEXT.length), MB);
    expect(out.bytes.length).toBe(10);
    expect(out.partial).toBe(true);
    expect(out.note).toMatch(/truncated \(10 of \d+ bytes\)/);
  });

  it('leaves an unsupported encoding alone, with a note', () => {
    const out = decodeBody(enc('compress'), stored(TEXT), MB);
    expect(out.bytes.equals(TEXT)).toBe(true);
    expect(out.note).toBe('unsupported content-encoding compress; compared the encoded bytes');
  });
});
