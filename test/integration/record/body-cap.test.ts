import { createHash } from 'node:crypto';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';

/** Deterministic, incompressible-looking bytes, so a shifted or repeated chunk cannot pass as equal. */
function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const THREE_MB = 3 * 1024 * 1024;

describe('body size cap', () => {
  it('streams a 3 MB response and a 3 MB upload whole, and stores only the first maxBodyBytes, flagged', async () => {
    const download = pattern(THREE_MB, 7);
    const upload = pattern(THREE_MB + 13, 99);
    const up = await startServer((req, res) => {
      if (req.url === '/download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        // Several writes, so the response crosses the proxy as many chunks.
        for (let at = 0; at < download.length; at += 256 * 1024) res.write(download.subarray(at, at + 256 * 1024));
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`${req.body.length} ${sha(req.body)}`);
      }
    });
    const cap = 64 * 1024;
    const rec = await startTestRecorder(up.url, { record: { maxBodyBytes: cap } });

    const d = await request(`${rec.url}/download`);
    const got = Buffer.from(await d.body.arrayBuffer());
    expect(d.statusCode).toBe(200);
    expect(got.length).toBe(THREE_MB);
    expect(sha(got)).toBe(sha(download));

    const u = await request(`${rec.url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: upload });
    expect(await u.body.text()).toBe(`${upload.length} ${sha(upload)}`);
    expect(up.seen[1]!.body.equals(upload)).toBe(true);

    await rec.close();
    const [down, upl] = await readExchanges(rec.dbFile);
    expect(down!.response!.body.truncated).toBe(true);
    expect(down!.response!.body.size).toBe(THREE_MB);
    expect(down!.response!.body.bytes!.equals(download.subarray(0, cap))).toBe(true);
    expect(upl!.request.body.truncated).toBe(true);
    expect(upl!.request.body.size).toBe(upload.length);
    expect(upl!.request.body.bytes!.equals(upload.subarray(0, cap))).toBe(true);
    // The small response of the upload is kept whole.
    expect(upl!.response!.body.truncated).toBe(false);
    expect(upl!.response!.body.bytes!.toString()).toBe(`${upload.length} ${sha(upload)}`);
  });

  it('uses the 1 MiB default cap', async () => {
    const download = pattern(THREE_MB, 3);
    const up = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(download);
    });
    const rec = await startTestRecorder(up.url);
    const d = await request(`${rec.url}/big`);
    expect(sha(Buffer.from(await d.body.arrayBuffer()))).toBe(sha(download));
    await rec.close();
    const [e] = await readExchanges(rec.dbFile);
    expect(e!.response!.body).toMatchObject({ size: THREE_MB, truncated: true });
    expect(e!.response!.body.bytes!.equals(download.subarray(0, 1024 * 1024))).toBe(true);
  });

  it('keeps a body of exactly the cap whole, and truncates one byte more', async () => {
    const cap = 1000;
    const up = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(pattern(Number(req.url!.slice(1)), 5));
    });
    const rec = await startTestRecorder(up.url, { record: { maxBodyBytes: cap } });
    for (const n of [cap, cap + 1]) {
      const r = await request(`${rec.url}/${n}`);
      expect((await r.body.arrayBuffer()).byteLength).toBe(n);
    }
    await rec.close();
    const [at, over] = await readExchanges(rec.dbFile);
    expect(at!.response!.body).toMatchObject({ size: cap, truncated: false });
    expect(at!.response!.body.bytes!.equals(pattern(cap, 5))).toBe(true);
    expect(over!.response!.body).toMatchObject({ size: cap + 1, truncated: true });
    expect(over!.response!.body.bytes!.equals(pattern(cap, 5))).toBe(true);
  });
});
