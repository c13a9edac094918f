import { createHash } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../helpers/recorder.js';
import { startServer } from '../helpers/servers.js';

const echo = (): ReturnType<typeof startServer> =>
  startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-seen-type': String(req.headers['content-type'] ?? '') });
    res.end(req.body);
  });

/** A raw HTTP/1.1 exchange over a socket, for requests no client library will send as written. */
function rawExchange(port: number, text: string | Buffer, waitMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(got);
    }, waitMs);
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (/\r\n\r\n/.test(got) && /content-length: (\d+)/i.test(got)) {
        const len = Number(/content-length: (\d+)/i.exec(got)![1]);
        const body = got.slice(got.indexOf('\r\n\r\n') + 4);
        if (Buffer.byteLength(body, 'latin1') >= len) {
          clearTimeout(timer);
          socket.destroy();
          resolve(got);
        }
      }
    });
    socket.on('error', reject);
    socket.write(text);
  });
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('hostile: request bodies pass through byte for byte, whatever their content type (issue 12 item 1)', () => {
  it('an ISO-8859-1 text/plain body reaches the upstream as its 7 bytes, with its charset', async () => {
    const up = await echo();
    const rec = await startTestRecorder(up.url);
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xfc, 0xdf]); // "café üß" in ISO-8859-1
    const res = await request(`${rec.url}/latin1`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=iso-8859-1' }, body: latin1 });
    const answered = Buffer.from(await res.body.arrayBuffer());
    expect(up.seen[0]!.body.length).toBe(7);
    expect(up.seen[0]!.body.equals(latin1)).toBe(true);
    expect(up.seen[0]!.headers['content-type']).toBe('text/plain; charset=iso-8859-1');
    expect(answered.equals(latin1)).toBe(true);
    await rec.drain();
    const [stored] = await readExchanges(rec.dbFile);
    expect(stored!.request.body.bytes!.equals(latin1)).toBe(true);
    expect(stored!.request.headers).toContainEqual(['content-type', 'text/plain; charset=iso-8859-1']);
  });

  it.each([
    ['application/json', Buffer.from('{"a": 1,  "b":[1,2]}\n')],
    ['application/json; charset=utf-16le', Buffer.from('{"a":1}', 'utf16le')],
    ['text/plain', Buffer.from('not\r\nnormalised\n')],
    ['application/x-www-form-urlencoded', Buffer.from('a=%E9&b=+')],
    ['not-a-media-type', Buffer.from('fastify would answer 415 to this')],
    ['text/plain; charset="unterminated', Buffer.from('odd parameters')],
  ])('%s is forwarded unchanged (bytes compared) and recorded', async (type, body) => {
    const up = await echo();
    const rec = await startTestRecorder(up.url);
    const res = await request(`${rec.url}/body`, { method: 'PUT', headers: { 'content-type': type }, body });
    expect(res.statusCode).toBe(200);
    await res.body.arrayBuffer();
    expect(up.seen).toHaveLength(1);
    expect(up.seen[0]!.body.equals(body)).toBe(true);
    expect(up.seen[0]!.headers['content-type']).toBe(type);
    await rec.drain();
    const [stored] = await readExchanges(rec.dbFile);
    expect(stored!.request.body.size).toBe(body.length);
    expect(stored!.request.body.bytes!.equals(body)).toBe(true);
  });
});

describe('hostile: Expect: 100-continue (issue 12 item 3)', () => {
  it('gets 100 Continue, then the upstream answer, and the 64 KiB body arrives whole', async () => {
    const up = await echo();
    const rec = await startTestRecorder(up.url);
    const body = Buffer.alloc(64 * 1024, 7);
    const { status, got, sawContinue } = await new Promise<{ status: number; got: Buffer; sawContinue: boolean }>((resolve, reject) => {
      let sawContinue = false;
      const req = httpRequest(`${rec.url}/upload`, { method: 'POST', headers: { expect: '100-continue', 'content-type': 'application/octet-stream', 'content-length': body.length } });
      req.on('continue', () => {
        sawContinue = true;
        req.end(body);
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, got: Buffer.concat(chunks), sawContinue }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(sawContinue).toBe(true);
    expect(status).toBe(200);
    expect(got.length).toBe(body.length);
    expect(up.seen[0]!.body.equals(body)).toBe(true);
    await rec.drain();
    const [stored] = await readExchanges(rec.dbFile);
    expect(stored!.response!.status).toBe(200);
    expect(stored!.request.body.size).toBe(65_536);
  });
});

describe('hostile: a malformed upstream response (issue 12 item 9)', () => {
  it('is answered 502 saying the response was malformed, with the parser cause, not "unavailable"', async () => {
    const bad = createServer();
    bad.on('connection', (socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\nhello'));
    });
    await new Promise<void>((resolve) => bad.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => bad.close(() => resolve())));
    const rec = await startTestRecorder(`http://127.0.0.1:${(bad.address() as AddressInfo).port}`);
    const res = await request(`${rec.url}/x`);
    const body = (await res.body.json()) as { error: string; code: string; cause: string; reason: string; hint: string };
    expect(res.statusCode).toBe(502);
    expect(body.error).toBe("the upstream's response was malformed");
    expect(body.cause).toBe('malformed');
    expect(body.reason.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/unavailable|is running/);
    await rec.drain();
    const [stored] = await readExchanges(rec.dbFile);
    expect(stored!.failure!.code).toBe(body.code);
  });
});

describe('hostile: the admin prefix under percent-encoding (issue 12 item 10)', () => {
  it('an encoded admin path is answered as admin and never recorded; an encoding the router keeps is forwarded and recorded', async () => {
    const up = await startServer((_req, res) => {
      res.end('upstream');
    });
    const rec = await startTestRecorder(up.url);
    for (const p of ['/%5f_replayguard/stats', '/%5F%5Freplayguard/stats', '/__replayguard%2Fstats%3F', '/__replayguard/stats']) {
      const res = await request(`${rec.url}${p}`);
      const text = await res.body.text();
      if (p.includes('%2F')) expect(text).toBe('upstream');
      else expect(JSON.parse(text)).toHaveProperty('memoryMB');
    }
    await rec.drain();
    const stored = await readExchanges(rec.dbFile);
    expect(stored.map((e) => e.request.url)).toEqual(['/__replayguard%2Fstats%3F']);
    expect(up.seen.map((s) => s.url)).toEqual(['/__replayguard%2Fstats%3F']);
  });
});

describe('hostile: request smuggling', () => {
  it('a request with both Content-Length and Transfer-Encoding is refused 400 and never reaches the upstream', async () => {
    const up = await echo();
    const rec = await startTestRecorder(up.url);
    const port = new URL(rec.url).port;
    const smuggled = 'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n';
    const answer = await rawExchange(Number(port), smuggled, 2_000);
    expect(answer.startsWith('HTTP/1.1 400')).toBe(true);
    const dup = 'POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabc';
    expect((await rawExchange(Number(port), dup, 2_000)).startsWith('HTTP/1.1 400')).toBe(true);
    expect(up.seen).toHaveLength(0);
    await rec.drain();
    expect(await readExchanges(rec.dbFile)).toHaveLength(0);
  });
});

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
