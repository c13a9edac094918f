import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { products } from './demo-api/data.js';

/**
 * The demo API's dependency: a pricing service. Its answers carry a `quotedAt` clock and a list price
 * that drifts per process, the kind of dependency noise that a stub removes at the source.
 */
export interface RunningPricingApi {
  url: string;
  close(): Promise<void>;
}

export async function startPricingApi(): Promise<RunningPricingApi> {
  const drift = 1 + (process.pid % 7) / 1000;
  const server = createServer((req, res) => {
    const m = /^\/price\/(\d+)(?:\?|$)/.exec(req.url ?? '');
    const product = m ? products[Number(m[1]) - 1] : undefined;
    res.setHeader('content-type', 'application/json');
    if (!product) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: 'unknown product' }));
      return;
    }
    res.end(JSON.stringify({ id: Number(m![1]), price: Math.round(product.price * drift * 100) / 100, currency: 'EUR', quotedAt: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
