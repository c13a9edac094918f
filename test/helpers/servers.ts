import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface TestServer {
  url: string;
  port: number;
  server: Server;
  /** Requests seen, with their raw bodies, in arrival order. */
  seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; rawHeaders: string[]; body: Buffer }>;
  close(): Promise<void>;
}

const open: TestServer[] = [];

/**
 * A plain node:http upstream on 127.0.0.1, port 0, that records what it received (so tests can
 * check byte-identical forwarding) and answers with `handler`.
 */
export async function startServer(handler: (req: IncomingMessage & { body: Buffer }, res: ServerResponse) => void | Promise<void>): Promise<TestServer> {
  const seen: TestServer['seen'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body });
      void Promise.resolve(handler(Object.assign(req, { body }), res)).catch((e: unknown) => {
        res.statusCode = 500;
        res.end(String(e));
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const s: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(s);
  return s;
}

/** A port on which nothing listens (bound once, then closed). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
