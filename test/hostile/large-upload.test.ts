import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { peakRssBytes, spawnRecorder } from '../helpers/cli-process.js';
import { readExchanges } from '../helpers/recorder.js';
import { tempDir } from '../helpers/temp.js';

const MB = 1024 * 1024;
/**
 * 256 MB by default, enough to show buffering (a buffered 200 MB body took the recorder from 149 to
 * 722 MB); `REPLAYGUARD_TEST_UPLOAD_MB=600` runs the 600 MB (about a minute on a loaded box).
 * The body is generated and hashed as it streams, never held whole.
 */
const TOTAL = Number(process.env.REPLAYGUARD_TEST_UPLOAD_MB ?? 256) * MB;
const CHUNK = 256 * 1024;

/** ISO-8859-1 text (bytes 0x20..0xFF but DEL): 7 distinct chunks cycled, so the body is not periodic per chunk. */
const CHUNKS = Array.from({ length: 7 }, (_, n) => {
  const b = Buffer.allocUnsafe(CHUNK);
  for (let i = 0; i < CHUNK; i++) {
    const v = 0x20 + ((i * 7 + n * 13) % 0xdf);
    b[i] = v >= 0x7f ? v + 1 : v;
  }
  return b;
});

/** The body as a stream, hashed as it is produced. */
function latin1Body(total: number, onChunk: (b: Buffer) => void): Readable {
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(CHUNK, total - sent);
      const b = size === CHUNK ? CHUNKS[n++ % CHUNKS.length]! : CHUNKS[0]!.subarray(0, size);
      sent += size;
      onChunk(b);
      this.push(b);
    },
  });
}

let closeUpstream: (() => Promise<void>) | null = null;
afterEach(async () => {
  await closeUpstream?.();
  closeUpstream = null;
});

describe('hostile: a large text/plain upload (issue 12 item 1)', () => {
  it(`${TOTAL / MB} MB reach the upstream byte-identical (sha256), the recorder peak RSS stays within 50 MB of idle, the stored copy is truncated and flagged`, async () => {
    const received = { hash: createHash('sha256'), bytes: 0, type: '' };
    const upstream = createServer((req, res) => {
      if (req.url !== '/upload') return void req.resume().on('end', () => res.end('ok'));
      received.type = String(req.headers['content-type']);
      req.on('data', (c: Buffer) => {
        received.hash.update(c);
        received.bytes += c.length;
      });
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    closeUpstream = () => new Promise((resolve) => upstream.close(() => resolve()));
    const db = path.join(tempDir(), 'rec.db');
    const rec = await spawnRecorder(['--upstream', `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, '--port', '0', '--db', db, '--session', 'big']);
    const pid = rec.child.pid!;

    // Warm up (JIT, the writer thread, and the garbage level of a streaming upload: a 32 MB one leaves
    // the young generation and not-yet-collected socket buffers at their steady size, about 50 MB on
    // this box) so that the idle peak is the running recorder's and the growth below is what depends
    // on body size: none when streamed, the whole body when buffered.
    for (const size of [64 * 1024, 32 * MB]) {
      const warm = await request(`${rec.url}/warm`, { method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': String(size) }, body: latin1Body(size, () => {}) });
      await warm.body.text();
    }
    const idlePeak = peakRssBytes(pid);

    const sent = createHash('sha256');
    const res = await request(`${rec.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=iso-8859-1', 'content-length': String(TOTAL) },
      body: latin1Body(TOTAL, (b) => sent.update(b)),
      bodyTimeout: 0,
      headersTimeout: 0,
    });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('ok');
    const loadPeak = peakRssBytes(pid);

    expect(received.bytes).toBe(TOTAL);
    expect(received.hash.digest('hex')).toBe(sent.digest('hex'));
    expect(received.type).toBe('text/plain; charset=iso-8859-1');
    expect(loadPeak - idlePeak, `idle peak ${Math.round(idlePeak / MB)} MB, peak under load ${Math.round(loadPeak / MB)} MB`).toBeLessThan(50 * MB);

    rec.child.kill('SIGTERM');
    expect(await rec.exited).toEqual({ code: 0, signal: null });
    const stored = (await readExchanges(db, 'big')).filter((e) => e.request.url === '/upload');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.request.body).toMatchObject({ size: TOTAL, truncated: true });
    expect(stored[0]!.request.body.bytes!.length).toBe(MB);
  }, 180_000);
});
