import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readMessages, writeMessage } from '../../../src/shadow/shadow-channel.js';
import type { FromShadow, ToShadow } from '../../../src/shadow/shadow-protocol.js';
import type { Capture } from '../../../src/types.js';
import { makeBody } from '../../helpers/factories.js';
import { seededRandom } from '../../helpers/random.js';

/** Every byte written, as one Buffer once `end` is called (writev and write alike). */
function sink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
    writev(entries, cb) {
      for (const e of entries) chunks.push(e.chunk as Buffer);
      cb();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

function capture(i: number, overrides: Partial<Capture> = {}): Capture {
  return {
    startedAt: 1_700_000_000_000 + i,
    upstream: 'http://up:8080',
    request: { method: 'POST', url: `/items/${i}?q=é`, headers: [['content-type', 'application/json'], ['x-i', String(i)]], body: makeBody({ i }) },
    response: { status: 201, headers: [['content-type', 'application/octet-stream']], body: makeBody(Buffer.from([0, 255, i % 256, 10, 13])) },
    timing: { ttfbMs: 1.5, totalMs: 2.25 },
    failure: null,
    ...overrides,
  };
}

describe('shadow channel framing', () => {
  it('carries batches (bodies byte for byte: none, empty, binary, truncated) and messages, however the pipe splits them', async () => {
    const rand = seededRandom(3);
    const big = Buffer.alloc(20_000, 7);
    const messages: Array<ToShadow | FromShadow> = [
      { type: 'init', init: { config: {} as never, redactionKey: new Uint8Array([1, 2, 3]), session: 's', recordingsDb: 'r.db', outDir: '/o', tls: { ca: Buffer.from('pem') } } },
      {
        type: 'batch',
        captures: [
          capture(1),
          capture(2, { request: { method: 'GET', url: '/', headers: [], body: makeBody(null) } }),
          capture(3, { response: { status: 200, headers: [], body: { bytes: Buffer.alloc(0), size: 0, truncated: false } } }),
          capture(4, { response: { status: 200, headers: [], body: { bytes: big, size: 1_000_000, truncated: true } } }),
          capture(5, { response: null, timing: { ttfbMs: null, totalMs: 3 }, failure: { kind: 'reset', code: 'ECONNRESET', message: 'socket hang up' } }),
        ],
      },
      { type: 'batch', captures: [] },
      { type: 'summarize', id: 7 },
      { type: 'progress', compared: 1, finished: 2, dropped: 3 },
      { type: 'close' },
    ];
    const out = sink();
    let written = 0;
    for (const m of messages) writeMessage(out.stream, m, () => written++);
    await new Promise((resolve) => out.stream.end(resolve));
    const bytes = out.bytes();
    expect(written).toBe(messages.length);

    // The same bytes, cut at random places (one byte at a time included), and all at once.
    for (const maxChunk of [1, 7, 4096, bytes.length]) {
      const pipe = new PassThrough();
      const got: Array<ToShadow | FromShadow> = [];
      readMessages(pipe, (m) => got.push(m));
      for (let at = 0; at < bytes.length; ) {
        const n = Math.min(bytes.length - at, 1 + rand.int(maxChunk));
        pipe.write(bytes.subarray(at, at + n));
        at += n;
      }
      pipe.end();
      await new Promise((resolve) => pipe.once('end', resolve));
      expect(got).toHaveLength(messages.length);
      expect(got.map((m) => m.type)).toEqual(messages.map((m) => m.type));
      expect(got[0]).toMatchObject({ init: { redactionKey: new Uint8Array([1, 2, 3]), tls: { ca: Buffer.from('pem') } } });
      expect(got[1]).toEqual(messages[1]);
      expect(got.slice(2)).toEqual(messages.slice(2));
    }
  });
});
