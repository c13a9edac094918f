import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { nowIso, shuffled } from '../context.js';
import type { DemoContext } from '../context.js';
import { products } from '../data.js';

/** True when the client accepts gzip (an explicit `q=0` refuses it, per RFC 9110 §12.5.3). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

export function productRoutes(app: FastifyInstance, ctx: DemoContext): void {
  app.get<{ Querystring: { category?: string; sort?: string } }>('/api/products', async (request, reply) => {
    const { category, sort } = request.query;
    const selected = products.filter((p) => !category || p.category === category);
    const ordered = sort === 'random' ? shuffled(selected) : selected;
    // Planted: the candidate serialises prices as strings ("12.50") instead of numbers.
    const items = ctx.candidate ? ordered.map((p) => ({ ...p, price: p.price.toFixed(2) })) : ordered;
    const body = JSON.stringify({
      category: category || null,
      count: items.length,
      items,
      generatedAt: nowIso(),
      instance: ctx.instance,
      requestId: request.id,
    });

    // Compressed by hand rather than with @fastify/compress so the recorder sees a real gzip body on
    // the wire and the comparer must decode it, without adding a dependency for one route.
    reply.header('content-type', 'application/json; charset=utf-8').header('vary', 'accept-encoding');
    if (!acceptsGzip(request.headers['accept-encoding'])) return reply.send(body);
    return reply.header('content-encoding', 'gzip').send(gzipSync(body));
  });
}
