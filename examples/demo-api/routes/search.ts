import type { FastifyInstance } from 'fastify';
import { nowIso, sleep } from '../context.js';
import type { DemoContext } from '../context.js';
import { products, users } from '../data.js';

const MAX_RESULTS = 20;

interface SearchHit {
  type: 'product' | 'user';
  id: string;
  title: string;
}

function search(q: string): SearchHit[] {
  const needle = q.toLowerCase();
  const hits: SearchHit[] = [
    ...products.filter((p) => p.name.toLowerCase().includes(needle)).map((p): SearchHit => ({ type: 'product', id: p.sku, title: p.name })),
    ...[...users.values()].filter((u) => u.name.toLowerCase().includes(needle)).map((u): SearchHit => ({ type: 'user', id: String(u.id), title: u.name })),
  ];
  return hits.slice(0, MAX_RESULTS);
}

export function searchRoutes(app: FastifyInstance, ctx: DemoContext): void {
  app.get<{ Querystring: { q?: string } }>('/api/search', async (request, reply) => {
    const q = request.query.q?.trim();
    if (!q) return reply.code(400).send({ error: 'bad request', message: 'q is required, e.g. /api/search?q=ada' });
    // Planted: the candidate's "new ranking" makes every search slower — a latency-only regression.
    if (ctx.candidate) await sleep(ctx.slowMs);
    const results = search(q);
    return { q, count: results.length, results, generatedAt: nowIso(), requestId: request.id };
  });
}
