import type { FastifyInstance } from 'fastify';

export function systemRoutes(app: FastifyInstance): void {
  // Deliberately broken in every variant, with a stable body: a recorded 500 that must replay as "pass".
  app.get('/api/error', async (_request, reply) =>
    reply.code(500).send({ error: 'internal error', code: 'DEMO_UPSTREAM_DOWN', message: 'the inventory service is unavailable' }),
  );

  // Relative Location, so replay must not resolve it against the recorded host.
  app.get('/old-home', async (_request, reply) => reply.redirect('/api/users', 301));

  app.get('/health', async () => ({ status: 'ok' }));
}
