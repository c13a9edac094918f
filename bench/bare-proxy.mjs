// The floor our stack sets: fastify 5 + @fastify/http-proxy with stock settings, no recording.
// usage: node bench/bare-proxy.mjs PORT UPSTREAM_URL
import Fastify from 'fastify';
import httpProxy from '@fastify/http-proxy';

const [port, upstream] = [Number(process.argv[2]), process.argv[3]];
const app = Fastify({ logger: false });
await app.register(httpProxy, { upstream, prefix: '/' });
await app.listen({ port, host: '127.0.0.1' });
process.stdout.write(`bare @fastify/http-proxy on ${port} -> ${upstream} pid ${process.pid}\n`);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => void app.close().then(() => process.exit(0)));
