// A trivial upstream for the benchmarks (node:http on 127.0.0.1): bodies are built once.
//   GET  /small      ~1 KB JSON          GET /large   ~64 KB JSON (the same bytes every time)
//   GET  /large-unique  ~64 KB JSON with a per-response counter in it: every body differs, so a store
//                       that keeps identical bodies once gains nothing
//   POST /echo       echoes the request body
//   GET  /__count    {"byUrl":{url:n}} requests served so far (harness only, never through a proxy)
//   GET  /noisy/…    ~1 KB JSON that differs from every other response only by noise (noisyBody)
//   any other GET    the ~1 KB JSON body (the replay benchmark's "fast local server")
// usage: node bench/upstream.mjs PORT
import http from 'node:http';
import { jsonBody, noisyBody } from './upstream-body.mjs';

const port = Number(process.argv[2] || 18380);

const SMALL = jsonBody(1024);
const LARGE = jsonBody(64 * 1024);
const byUrl = Object.create(null);
const PAD_AT = LARGE.indexOf('"pad":"') + 7;
let unique = 0;
let noisy = 0;

function send(res, body) {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/__count') return send(res, Buffer.from(JSON.stringify({ byUrl })));
  byUrl[url] = (byUrl[url] ?? 0) + 1;
  const p = url.split('?', 1)[0];
  if (req.method === 'POST' && p === '/echo') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => send(res, Buffer.concat(chunks)));
    return;
  }
  req.resume();
  if (p === '/large') return send(res, LARGE);
  if (p.startsWith('/noisy/')) return send(res, noisyBody(1024, ++noisy));
  if (p === '/large-unique') {
    const b = Buffer.from(LARGE);
    b.write(String(++unique).padStart(16, '0'), PAD_AT, 'latin1');
    return send(res, b);
  }
  send(res, SMALL);
});
// Idle keep-alive sockets outlive any client pool's own timeout (undici 4 s), so no client reuses a
// socket the server is closing.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`upstream on http://127.0.0.1:${port} pid ${process.pid}\n`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
