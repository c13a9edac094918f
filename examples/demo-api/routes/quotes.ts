import type { FastifyInstance } from 'fastify';
import type { DemoContext } from '../context.js';
import { parsePositiveInt } from '../context.js';
import { products } from '../data.js';

/** How long the API waits for the pricing service before it falls back to the catalogue price. */
export const PRICING_TIMEOUT_MS = 1000;
/** Passed on from the pricing service's answer, so a replay report shows the stub fault behind an exchange. */
const FAULT_HEADER = 'x-replayguard-fault';

interface LiveQuote {
  price: number;
  currency: string;
  quotedAt: string;
}

/**
 * `GET /api/quote/:id`: the demo API's one dependency. It asks the pricing service (`pricingUrl`) for a
 * live price with a timeout, and falls back to the catalogue price, marked degraded, when the service is
 * slow, down, or answers an error: a resilient call. Planted in the candidate (`resilience`):
 * `no-fallback` answers 500 instead of degrading; `no-timeout` waits for the service however long it takes.
 */
export function quoteRoutes(app: FastifyInstance, ctx: DemoContext): void {
  app.get<{ Params: { id: string } }>('/api/quote/:id', async (request, reply) => {
    const id = parsePositiveInt(request.params.id);
    const product = id === undefined ? undefined : products[id - 1];
    if (!product) return reply.code(404).send({ error: 'no such product', id: request.params.id });
    const base = { id, sku: product.sku, name: product.name };
    let failure: string;
    try {
      if (!ctx.pricingUrl) throw new Error('no pricing service configured');
      const res = await fetch(`${ctx.pricingUrl}/price/${id}?currency=EUR`, {
        signal: ctx.resilience === 'no-timeout' ? undefined : AbortSignal.timeout(PRICING_TIMEOUT_MS),
      });
      const fault = res.headers.get(FAULT_HEADER);
      if (fault) reply.header(FAULT_HEADER, fault);
      if (res.ok) {
        const live = (await res.json()) as LiveQuote;
        return { ...base, price: live.price, currency: live.currency, source: 'pricing', quotedAt: live.quotedAt };
      }
      failure = `pricing answered ${res.status}`;
      await res.arrayBuffer();
    } catch (e) {
      failure = e instanceof Error && e.name === 'TimeoutError' ? `pricing timed out after ${PRICING_TIMEOUT_MS} ms` : `pricing unreachable (${e instanceof Error ? e.message : String(e)})`;
    }
    if (ctx.resilience === 'no-fallback') return reply.code(500).send({ error: 'internal error', reason: failure });
    return { ...base, price: product.price, currency: product.currency, source: 'catalogue', degraded: true, reason: failure.split(' (')[0] };
  });
}
