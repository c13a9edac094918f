import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { BodyTap } from '../../../src/http/body-tap.js';

function bytes(n: number, seed = 1): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256));
}

describe('BodyTap', () => {
  it('keeps everything under the cap, exactly', () => {
    const tap = new BodyTap(100);
    tap.observe(bytes(30, 1));
    tap.observe('text');
    tap.observe(bytes(20, 2));
    const r = tap.result();
    expect(r.bytes!.equals(Buffer.concat([bytes(30, 1), Buffer.from('text'), bytes(20, 2)]))).toBe(true);
    expect(r).toMatchObject({ size: 54, truncated: false });
    expect(tap.bytesSeen).toBe(54);
  });

  it('keeps the first cap bytes, counts the rest and flags truncation', () => {
    const tap = new BodyTap(50);
    const chunks = [bytes(30, 1), bytes(30, 2), bytes(1000, 3)];
    for (const c of chunks) tap.observe(c);
    const r = tap.result();
    expect(r.bytes!.length).toBe(50);
    expect(r.bytes!.equals(Buffer.concat(chunks).subarray(0, 50))).toBe(true);
    expect(r).toMatchObject({ size: 1060, truncated: true });
  });

  it('a body of exactly the cap is not truncated; one byte more is', () => {
    const at = new BodyTap(64);
    at.observe(bytes(64));
    expect(at.result()).toMatchObject({ size: 64, truncated: false });
    const over = new BodyTap(64);
    over.observe(bytes(64));
    over.observe(Buffer.from([7]));
    expect(over.result()).toMatchObject({ size: 65, truncated: true });
    expect(over.result().bytes!.length).toBe(64);
  });

  it('reports no body as null, and a zero cap keeps nothing but still counts', () => {
    expect(new BodyTap(10).result()).toEqual({ bytes: null, size: 0, truncated: false });
    const empty = new BodyTap(10);
    empty.observe(Buffer.alloc(0));
    expect(empty.result()).toEqual({ bytes: null, size: 0, truncated: false });
    const zero = new BodyTap(0);
    zero.observe(bytes(10));
    expect(zero.result()).toMatchObject({ size: 10, truncated: true });
    expect(zero.result().bytes!.length).toBe(0);
  });

  it('observes a piped stream without changing what flows', async () => {
    const source = Array.from({ length: 40 }, (_, i) => bytes(1000, i));
    const input = Readable.from(source, { objectMode: false });
    const tap = new BodyTap(2500).attach(input);
    const received: Buffer[] = [];
    await pipeline(
      input,
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          received.push(chunk);
          cb();
        },
      }),
    );
    expect(Buffer.concat(received).equals(Buffer.concat(source))).toBe(true);
    expect(tap.result()).toMatchObject({ size: 40_000, truncated: true });
    expect(tap.result().bytes!.equals(Buffer.concat(source).subarray(0, 2500))).toBe(true);
  });

  it('sees every chunk when the consumer reads with an async iterator, and does not start the flow itself', async () => {
    const stream = new PassThrough();
    const tap = new BodyTap(1 << 20).attach(stream);
    stream.write(bytes(10, 1));
    stream.write(bytes(10, 2));
    stream.end(bytes(10, 3));
    // Nothing consumed yet: the tap must not have switched the stream to flowing mode.
    await new Promise((r) => setImmediate(r));
    expect(tap.bytesSeen).toBe(0);
    const got: Buffer[] = [];
    for await (const c of stream) got.push(c as Buffer);
    expect(Buffer.concat(got).equals(Buffer.concat([bytes(10, 1), bytes(10, 2), bytes(10, 3)]))).toBe(true);
    expect(tap.result().bytes!.equals(Buffer.concat(got))).toBe(true);
  });
});

describe('BodyTap with a declared content-length', () => {
  const chunks = ['hello ', 'wide ', 'world'].map((s) => Buffer.from(s));
  const whole = Buffer.concat(chunks);
  const feed = (tap: BodyTap): BodyTap => {
    for (const c of chunks) tap.observe(c);
    return tap;
  };

  it.each([
    ['exact', whole.length, 1024, whole, false],
    ['declared larger than sent', whole.length + 10, 1024, whole, false],
    ['declared smaller than sent (falls back to chunks)', 3, 1024, whole, false],
    ['capped below the declared length', whole.length, 8, whole.subarray(0, 8), true],
  ] as const)('%s', (_name, declared, cap, expected, truncated) => {
    const r = feed(new BodyTap(cap, declared)).result();
    expect(r.bytes?.equals(expected)).toBe(true);
    expect(r.size).toBe(whole.length);
    expect(r.truncated).toBe(truncated);
  });

  it('does not keep references to the chunks it copied', () => {
    const chunk = Buffer.from('abc');
    const tap = new BodyTap(1024, 3);
    tap.observe(chunk);
    chunk.fill(0);
    expect(tap.result().bytes?.toString()).toBe('abc');
  });
});
