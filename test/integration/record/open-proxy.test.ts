import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer, type TestServer } from '../../helpers/servers.js';

/** Write raw bytes to the proxy and collect everything it answers until it closes or goes quiet. */
function rawExchange(port: number, text: string, quietMs = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    };
    socket.on('connect', () => {
      socket.write(text);
      arm();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      arm();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? finish() : reject(e)));
  });
}

/** A server the proxy must never reach, counting every connection attempt it gets. */
async function elsewhere(): Promise<TestServer & { connections: () => number }> {
  const s = await startServer((_req, res) => {
      res.end('you reached elsewhere');
    });
  let n = 0;
  s.server.on('connection', () => n++);
  s.server.on('connect', (_req, socket) => {
    n++;
    socket.end('HTTP/1.1 200 Connection Established\r\n\r\n');
  });
  return Object.assign(s, { connections: () => n });
}

describe('the proxy only ever forwards to its upstream', () => {
  it('refuses an absolute-form request target with 400 and never contacts that host', async () => {
    const up = await startServer((_req, res) => {
      res.end('upstream');
    });
    const other = await elsewhere();
    const rec = await startTestRecorder(up.url);
    const answer = await rawExchange(rec.port, `GET http://127.0.0.1:${other.port}/steal HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/only origin-form requests/);
    expect(answer).not.toContain('you reached elsewhere');
    expect(other.connections()).toBe(0);
    expect(up.seen).toHaveLength(0);
    await rec.close();
    expect(await readExchanges(rec.dbFile)).toEqual([]);
  });

  it('refuses CONNECT tunnels and never contacts the target', async () => {
    const up = await startServer((_req, res) => {
      res.end('upstream');
    });
    const other = await elsewhere();
    const rec = await startTestRecorder(up.url);
    const answer = await rawExchange(rec.port, `CONNECT 127.0.0.1:${other.port} HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\n\r\n`);
    expect(answer).not.toMatch(/^HTTP\/1\.1 2\d\d/);
    expect(answer).not.toContain('Connection Established');
    expect(other.connections()).toBe(0);
    expect(up.seen).toHaveLength(0);
    // The proxy is still up for legitimate traffic.
    // `Connection: close` ends the exchange when answered; the long quiet bound only matters on a loaded box.
    const ok = await rawExchange(rec.port, `GET /fine HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 10_000);
    expect(ok).toMatch(/^HTTP\/1\.1 200 /);
    expect(ok).toContain('upstream');
  });

  it('sends a request with an odd Host header to the configured upstream, not to that host', async () => {
    const up = await startServer((req, res) => {
      res.end(`upstream saw ${req.url}`);
    });
    const other = await elsewhere();
    const rec = await startTestRecorder(up.url);
    const answer = await rawExchange(rec.port, `GET /path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:${other.port}\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('upstream saw /path?q=1');
    expect(other.connections()).toBe(0);
    expect(up.seen[0]!.headers.host).toBe(`127.0.0.1:${up.port}`);
  });
});
