/**
 * The bundled demo API: the "staging" that `npm run demo`, docker-compose and the replay tests record
 * and replay against. Its data is deterministic (fixed seed) and its noise is real: every response
 * carries values that differ per request or per instance, exactly what replayguard must learn to ignore.
 *
 * Noise (differs per response, or between two instances of the same code):
 * - `x-request-id` header and `requestId` in JSON bodies (UUID v4, per request)
 * - `generatedAt` / `lastSeen` (ISO-8601 "now"), `createdAt` of new orders, order ids and their `location`
 * - `instance` in list bodies (per process), `date`, `etag` and `last-modified` headers
 * - `tags` of `/api/users/:id` and `/api/products?sort=random` in a random order
 *
 * Variants:
 * - `staging`  — what gets recorded.
 * - `baseline` — the same code as staging; only its noise differs (the Diffy-style noise oracle).
 * - `candidate` — the "new build", with exactly these planted regressions:
 *   1. `GET /api/users/:id` loses the `email` field
 *   2. `GET /api/users/:id` `createdAt` becomes an epoch-milliseconds number
 *   3. `GET /api/users/9999` (any unknown id) answers 500 instead of 404
 *   4. `GET /api/products` prices become strings ("12.50")
 *   5. `GET /api/search` is `slowMs` (default 150) slower
 *   6. `GET /api/report.txt` has one line changed (the refund rate)
 *   7. `GET /api/quote/:id` answers 500 when its dependency (the pricing service) fails, where the
 *      others fall back to the catalogue price (`resilience: 'no-fallback'`; see routes/quotes.ts)
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { createContext } from './context.js';
import type { DemoContext, DemoVariant, Resilience } from './context.js';
import { fileRoutes } from './routes/files.js';
import { orderRoutes } from './routes/orders.js';
import { productRoutes } from './routes/products.js';
import { quoteRoutes } from './routes/quotes.js';
import { searchRoutes } from './routes/search.js';
import { systemRoutes } from './routes/system.js';
import { userRoutes } from './routes/users.js';

export type { DemoVariant, Resilience } from './context.js';
export { DEMO_VARIANTS } from './context.js';

export interface DemoApiOptions {
  /** @default 'staging' */
  variant?: DemoVariant;
  /** Extra latency on /api/search in the candidate. @default 150 */
  slowMs?: number;
  /** Fastify's request log. @default false */
  logger?: boolean;
  /** The pricing service `/api/quote/:id` depends on. @default none: quotes fall back to the catalogue */
  pricingUrl?: string;
  /** @default 'no-fallback' in the candidate, 'full' otherwise */
  resilience?: Resilience;
}

export const DEFAULT_SLOW_MS = 150;

export function buildDemoApi(opts: DemoApiOptions = {}): FastifyInstance {
  const ctx = createContext(opts.variant ?? 'staging', opts.slowMs ?? DEFAULT_SLOW_MS, { pricingUrl: opts.pricingUrl, resilience: opts.resilience });
  const app = Fastify({ logger: opts.logger ?? false, genReqId: () => randomUUID() });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onSend', async (_request, reply, payload) => addEtag(ctx, reply.statusCode, payload, (etag) => reply.header('etag', etag)));
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ error: 'not found' }));

  userRoutes(app, ctx);
  orderRoutes(app);
  productRoutes(app, ctx);
  quoteRoutes(app, ctx);
  searchRoutes(app, ctx);
  fileRoutes(app, ctx);
  systemRoutes(app);
  return app;
}

/**
 * The etag mixes in the instance, as servers that derive it from a build id or file mtime do: identical
 * content still gets a different etag on another deployment, which is why replayguard never compares it.
 */
function addEtag(ctx: DemoContext, status: number, payload: unknown, set: (etag: string) => void): unknown {
  if (status === 200 && (typeof payload === 'string' || Buffer.isBuffer(payload))) {
    set(`W/"${createHash('sha1').update(ctx.instance).update(payload).digest('hex').slice(0, 20)}"`);
  }
  return payload;
}

export interface RunningDemoApi {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/** Builds and listens. @default host 127.0.0.1, port 0 (a free port; read it from `url`) */
export async function startDemoApi(opts: DemoApiOptions & { host?: string; port?: number } = {}): Promise<RunningDemoApi> {
  const app = buildDemoApi(opts);
  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const { address, family, port } = app.server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    async close() {
      await app.close();
    },
  };
}
