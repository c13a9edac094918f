import { brotliCompressSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';

const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37) % 256));
const JSON_BODY = Buffer.from(JSON.stringify({ id: 1, name: 'Ada', tags: ['a', 'b'] }));

async function upstreamWithRoutes() {
  return startServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    switch (path) {
      case '/json':
        res.writeHead(200, { 'content-type': 'application/json', 'x-multi': ['one', 'two'] as unknown as string });
        res.end(JSON_BODY);
        return;
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('line one\nline two\n');
        return;
      case '/binary':
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(BINARY);
        return;
      case '/gzip':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON_BODY));
        return;
      case '/br':
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' });
        res.end(brotliCompressSync(JSON_BODY));
        return;
      case '/echo':
        res.writeHead(201, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' });
        res.end(req.body);
        return;
      case '/chunked': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        let i = 0;
        const tick = setInterval(() => {
          res.write(`chunk ${i}\n`);
          if (++i === 5) {
            clearInterval(tick);
            res.end();
          }
        }, 5);
        return;
      }
      case '/no-content':
        res.writeHead(204);
        res.end();
        return;
      case '/not-modified':
        res.writeHead(304, { etag: '"abc"' });
        res.end();
        return;
      case '/redirect':
        res.writeHead(302, { location: '/json' });
        res.end();
        return;
      default:
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"not found"}');
    }
  });
}

describe('recording proxy forwarding', () => {
  it('passes responses through byte-identical and stores them as sent', async () => {
    const up = await upstreamWithRoutes();
    const rec = await startTestRecorder(up.url);
    const paths = ['/json?x=1&x=2', '/text', '/binary', '/gzip', '/br', '/chunked', '/no-content', '/redirect', '/missing'];
    const direct = new Map<string, { status: number; body: Buffer; headers: Record<string, unknown> }>();
    for (const p of paths) {
      const d = await request(up.url + p, { headers: { 'accept-encoding': 'gzip, br' } });
      direct.set(p, { status: d.statusCode, body: Buffer.from(await d.body.arrayBuffer()), headers: d.headers });
    }
    for (const p of paths) {
      const r = await request(rec.url + p, { headers: { 'accept-encoding': 'gzip, br' } });
      const body = Buffer.from(await r.body.arrayBuffer());
      const d = direct.get(p)!;
      expect(r.statusCode, p).toBe(d.status);
      expect(body.equals(d.body), `${p} body`).toBe(true);
      expect(r.headers['content-type'], p).toBe(d.headers['content-type']);
      expect(r.headers['content-encoding'], p).toBe(d.headers['content-encoding']);
    }
    const redirect = await request(rec.url + '/redirect');
    expect(redirect.headers.location).toBe('/json');
    await redirect.body.dump();
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored.map((e) => e.request.url)).toEqual([...paths, '/redirect']);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    for (const e of stored.slice(0, paths.length)) {
      const d = direct.get(e.request.url)!;
      expect(e.response?.status).toBe(d.status);
      expect((e.response?.body.bytes ?? Buffer.alloc(0)).equals(d.body), `${e.request.url} stored body`).toBe(true);
      expect(e.response?.body.truncated).toBe(false);
      expect(e.failure, e.request.url).toBeNull();
      expect(e.timing.totalMs).toBeGreaterThanOrEqual(e.timing.ttfbMs ?? 0);
    }
    const json = stored[0]!;
    expect(json.route).toBe('/json');
    expect(json.response?.headers.filter(([k]) => k === 'x-multi').map(([, v]) => v)).toEqual(['one', 'two']);
    const gz = stored.find((e) => e.request.url === '/gzip')!;
    expect(gz.response?.headers).toContainEqual(['content-encoding', 'gzip']);
  });

  it('forwards request bodies byte-identical for every method and keeps repeated headers', async () => {
    const up = await upstreamWithRoutes();
    const rec = await startTestRecorder(up.url);
    const bodies: Array<[string, string | undefined, Buffer]> = [
      ['POST', 'application/json', JSON_BODY],
      ['PUT', 'application/octet-stream', BINARY],
      ['PATCH', 'text/plain', Buffer.from('hello\r\nworld')],
      ['DELETE', undefined, Buffer.from('raw body without a content type')],
      ['POST', 'application/x-www-form-urlencoded', Buffer.from('a=1&b=%20two')],
      ['POST', 'application/json', gzipSync(JSON_BODY)],
    ];
    for (const [method, type, body] of bodies) {
      const headers: Record<string, string | string[]> = { 'x-repeat': ['first', 'second'] };
      if (type) headers['content-type'] = type;
      const r = await request(`${rec.url}/echo`, { method: method as 'POST', headers, body });
      const got = Buffer.from(await r.body.arrayBuffer());
      expect(r.statusCode, method).toBe(201);
      expect(got.equals(body), `${method} ${type} echoed`).toBe(true);
    }
    expect(up.seen.map((s) => s.body.equals(bodies[up.seen.indexOf(s)]![2]))).toEqual(bodies.map(() => true));
    // Repeated request headers reach the upstream combined, as RFC 9110 allows (reply-from builds an object).
    expect(up.seen[0]!.headers['x-repeat']).toBe('first, second');
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored).toHaveLength(bodies.length);
    stored.forEach((e, i) => {
      expect(e.request.method).toBe(bodies[i]![0]);
      expect(e.request.body.bytes?.equals(bodies[i]![2])).toBe(true);
      expect(e.request.headers.filter(([k]) => k.toLowerCase() === 'x-repeat').map(([, v]) => v)).toEqual(['first', 'second']);
    });
  });

  it('handles HEAD, OPTIONS and 304 without bodies', async () => {
    const up = await upstreamWithRoutes();
    const rec = await startTestRecorder(up.url);
    const head = await request(`${rec.url}/json`, { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    await head.body.dump();
    const nm = await request(`${rec.url}/not-modified`);
    expect(nm.statusCode).toBe(304);
    expect(nm.headers.etag).toBe('"abc"');
    await nm.body.dump();
    const opt = await request(`${rec.url}/json`, { method: 'OPTIONS' });
    await opt.body.dump();
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored.map((e) => `${e.request.method} ${e.response?.status}`)).toEqual(['HEAD 200', 'GET 304', `OPTIONS ${opt.statusCode}`]);
    expect(stored[1]!.response?.body.bytes).toBeNull();
  });
});
