import type { FastifyInstance } from 'fastify';
import { nowIso, parsePositiveInt, shuffled } from '../context.js';
import type { DemoContext } from '../context.js';
import { USER_COUNT, users } from '../data.js';
import type { User } from '../data.js';

const PAGE_SIZE = 10;

export function userRoutes(app: FastifyInstance, ctx: DemoContext): void {
  app.get<{ Querystring: { page?: string } }>('/api/users', async (request, reply) => {
    const page = request.query.page === undefined ? 1 : parsePositiveInt(request.query.page);
    if (page === undefined) return reply.code(400).send({ error: 'bad request', message: 'page must be a positive integer' });
    const totalPages = Math.ceil(USER_COUNT / PAGE_SIZE);
    const items = [...users.values()]
      .slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
      .map(({ id, name, role }) => ({ id, name, role }));
    return {
      page,
      pageSize: PAGE_SIZE,
      total: USER_COUNT,
      totalPages,
      next: page < totalPages ? `/api/users?page=${page + 1}` : null,
      items,
      generatedAt: nowIso(),
      instance: ctx.instance,
      requestId: request.id,
    };
  });

  app.get<{ Params: { id: string } }>('/api/users/:id', async (request, reply) => {
    const id = parsePositiveInt(request.params.id);
    const user = id === undefined ? undefined : users.get(id);
    if (!user) {
      // Planted: the candidate lost its not-found guard and fails instead of answering 404.
      if (ctx.candidate) return reply.code(500).send({ error: 'internal error', message: 'user lookup failed' });
      return reply.code(404).send({ error: 'not found' });
    }
    return { ...present(user, ctx), lastSeen: nowIso(), tags: shuffled(user.tags), requestId: request.id };
  });
}

function present(user: User, ctx: DemoContext): Record<string, unknown> {
  const { id, name, email, role, createdAt } = user;
  // Planted: the candidate drops `email` and switches createdAt to epoch milliseconds.
  if (ctx.candidate) return { id, name, role, createdAt: Date.parse(createdAt) };
  return { id, name, email, role, createdAt };
}
