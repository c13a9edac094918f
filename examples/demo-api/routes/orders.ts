import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { nowIso } from '../context.js';
import { productsBySku, users } from '../data.js';

interface OrderLine {
  sku: string;
  qty: number;
  unitPrice: number;
  lineTotal: number;
}

interface Order {
  id: string;
  userId: number;
  items: OrderLine[];
  total: number;
  currency: 'EUR';
  status: 'created';
  createdAt: string;
}

const MAX_LINES = 50;
const MAX_QTY = 99;

const cents = (n: number): number => Math.round(n * 100) / 100;

/** Validates an order request; returns the problem as a sentence a client developer can act on. */
function parseOrder(body: unknown): { lines: OrderLine[]; userId: number } | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object {userId, items:[{sku, qty}]}';
  const { userId, items } = body as { userId?: unknown; items?: unknown };
  if (typeof userId !== 'number' || !users.has(userId)) return 'userId must be the id of an existing user';
  if (!Array.isArray(items) || items.length === 0) return 'items must be a non-empty array';
  if (items.length > MAX_LINES) return `an order has at most ${MAX_LINES} items`;
  const lines: OrderLine[] = [];
  for (const [i, item] of items.entries()) {
    const { sku, qty } = (item ?? {}) as { sku?: unknown; qty?: unknown };
    const product = typeof sku === 'string' ? productsBySku.get(sku) : undefined;
    if (!product) return `items[${i}].sku must be a known product sku`;
    if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < 1 || qty > MAX_QTY) return `items[${i}].qty must be an integer from 1 to ${MAX_QTY}`;
    lines.push({ sku: product.sku, qty, unitPrice: product.price, lineTotal: cents(product.price * qty) });
  }
  return { lines, userId };
}

export function orderRoutes(app: FastifyInstance): void {
  // Per app instance, so that replaying against a fresh candidate starts from an empty store, like a new deploy.
  const orders = new Map<string, Order>();

  app.post('/api/orders', async (request, reply) => {
    const parsed = parseOrder(request.body);
    if (typeof parsed === 'string') return reply.code(400).send({ error: 'bad request', message: parsed });
    const order: Order = {
      id: randomUUID(),
      userId: parsed.userId,
      items: parsed.lines,
      total: cents(parsed.lines.reduce((sum, l) => sum + l.lineTotal, 0)),
      currency: 'EUR',
      status: 'created',
      createdAt: nowIso(),
    };
    orders.set(order.id, order);
    return reply.code(201).header('location', `/api/orders/${order.id}`).send({ ...order, requestId: request.id });
  });

  app.get<{ Params: { id: string } }>('/api/orders/:id', async (request, reply) => {
    const order = orders.get(request.params.id);
    if (!order) return reply.code(404).send({ error: 'not found' });
    return { ...order, requestId: request.id };
  });

  app.delete<{ Params: { id: string } }>('/api/orders/:id', async (request, reply) => {
    if (!orders.delete(request.params.id)) return reply.code(404).send({ error: 'not found' });
    return reply.code(204).send();
  });
}
