import type { FastifyInstance } from 'fastify';
import { parsePositiveInt } from '../context.js';
import type { DemoContext } from '../context.js';
import { users } from '../data.js';
import { solidPng } from '../png.js';

const REPORT = [
  'ACME demo shop - weekly sales report',
  'period: 2026-01-05 .. 2026-01-11',
  'orders: 1204',
  'revenue: 48211.40 EUR',
  'top category: audio',
  'refund rate: 1.8%',
  'new customers: 87',
];

// Planted: the candidate reports a different refund rate (one changed line in a text body).
const CANDIDATE_REPORT = REPORT.map((line) => (line.startsWith('refund rate:') ? 'refund rate: 2.3%' : line));

/** A colour per user id, spread around the hue wheel so neighbouring avatars look different. */
function avatarColour(id: number): [number, number, number] {
  const hue = (id * 47) % 360;
  const channel = (offset: number): number => Math.round(127 + 100 * Math.cos(((hue + offset) * Math.PI) / 180));
  return [channel(0), channel(120), channel(240)];
}

export function fileRoutes(app: FastifyInstance, ctx: DemoContext): void {
  app.get('/api/report.txt', async (_request, reply) => {
    const lines = ctx.candidate ? CANDIDATE_REPORT : REPORT;
    return reply.type('text/plain; charset=utf-8').send(`${lines.join('\n')}\n`);
  });

  app.get<{ Params: { id: string } }>('/api/avatar/:id.png', async (request, reply) => {
    const id = parsePositiveInt(request.params.id);
    if (id === undefined || !users.has(id)) return reply.code(404).send({ error: 'not found' });
    return reply
      .type('image/png')
      .header('cache-control', 'public, max-age=86400')
      // Boot time, as a static file server would report its files' mtime: differs per deploy.
      .header('last-modified', ctx.bootedAt.toUTCString())
      .send(solidPng(16, avatarColour(id)));
  });
}
