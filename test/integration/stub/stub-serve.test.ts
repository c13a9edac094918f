import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { recordDependency, startTestStub } from '../../helpers/stub.js';

/** A pricing dependency whose answer changes on every call (a stock count going down). */
async function recordPricing(): Promise<string> {
  let stock = 10;
  return recordDependency(
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      if (url.pathname.startsWith('/price/')) {
        res.end(JSON.stringify({ sku: url.pathname.slice(7), price: 12.5, stock: stock--, currency: url.searchParams.get('currency') }));
      } else if (url.pathname === '/charge') {
        const body = JSON.parse(req.body.toString()) as { amount: number };
        res.statusCode = 201;
        res.end(JSON.stringify({ charged: body.amount, id: `ch-${body.amount}` }));
      } else if (url.pathname === '/search') {
        res.end(JSON.stringify({ q: url.searchParams.getAll('tag') }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    },
    [
      { method: 'GET', path: '/price/42?currency=EUR' },
      { method: 'GET', path: '/price/42?currency=EUR' },
      { method: 'GET', path: '/price/42?currency=EUR' },
      { method: 'GET', path: '/price/7?currency=EUR' },
      { method: 'POST', path: '/charge', body: { amount: 30, card: { last4: '4242', nonce: 'n-1' }, currency: 'EUR' } },
      { method: 'GET', path: '/search?tag=a&tag=b&lang=en&_=1700000000' },
    ],
  );
}

async function call(url: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; json: Record<string, unknown>; headers: Record<string, unknown> }> {
  const r = await request(url, {
    method: (init.method ?? 'GET') as 'GET',
    headers: init.body !== undefined ? { 'content-type': 'application/json' } : {},
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown>, headers: r.headers };
}

describe('replayguard stub: serving a recorded dependency', () => {
  it('answers identical calls with the recorded sequence, then stays on the last answer', async () => {
    const stub = await startTestStub(await recordPricing());
    const stocks = [];
    for (let i = 0; i < 5; i++) stocks.push((await call(`${stub.url}/price/42?currency=EUR`)).json.stock);
    expect(stocks).toEqual([10, 9, 8, 8, 8]);
    // Another request of the same route has its own sequence.
    expect((await call(`${stub.url}/price/7?currency=EUR`)).json).toMatchObject({ sku: '7', stock: 7 });
    const stats = stub.stats();
    expect(stats).toMatchObject({ requests: 6, hits: 6, misses: 0, exchanges: 6 });
  });

  it('matches JSON bodies structurally and queries as a multiset', async () => {
    const stub = await startTestStub(await recordPricing());
    // Same body, keys in another order and other whitespace: the same request.
    const charged = await call(`${stub.url}/charge`, { method: 'POST', body: '{ "currency":"EUR", "card": {"nonce":"n-1","last4":"4242"}, "amount": 30 }' });
    expect(charged).toMatchObject({ status: 201, json: { charged: 30 } });
    const search = await call(`${stub.url}/search?lang=en&tag=a&_=1700000000&tag=b`);
    expect(search).toMatchObject({ status: 200, json: { q: ['a', 'b'] } });
    // A repeated parameter is counted: tag=a twice is not the recorded multiset.
    expect((await call(`${stub.url}/search?lang=en&tag=a&tag=a&_=1700000000`)).status).toBe(502);
  });

  it('answers a miss with 502 naming the closest recorded request and the field that differs', async () => {
    const stub = await startTestStub(await recordPricing());
    const miss = await call(`${stub.url}/charge`, { method: 'POST', body: { amount: 31, card: { last4: '4242', nonce: 'n-1' }, currency: 'EUR' } });
    expect(miss.status).toBe(502);
    expect(miss.json.error).toMatch(/no recorded exchange .* matches POST \/charge/);
    const closest = miss.json.closest as Array<{ url: string; differences: Array<{ field: string; recorded: unknown; received: unknown }> }>;
    expect(closest[0]!.url).toBe('/charge');
    expect(closest[0]!.differences).toEqual([{ field: 'body/amount', recorded: 30, received: 31 }]);

    const query = await call(`${stub.url}/price/42?currency=USD`);
    expect(query.status).toBe(502);
    const nearest = (query.json.closest as Array<{ url: string; differences: Array<{ field: string }> }>)[0]!;
    expect(nearest.url).toBe('/price/42?currency=EUR');
    expect(nearest.differences.map((d) => d.field)).toEqual(['query.currency']);

    const unknown = await call(`${stub.url}/refund`, { method: 'POST', body: {} });
    expect(unknown.status).toBe(502);
    expect(unknown.json.hint).toContain('GET /price/:id');

    const stats = stub.stats();
    expect(stats.misses).toBe(3);
    expect(stats.missDetails[0]).toMatchObject({ method: 'POST', url: '/charge', count: 1 });
    expect(stats.missDetails[0]!.closest[0]!.differences[0]!.field).toBe('body/amount');
    // The admin endpoints say the same over HTTP.
    const over = await call(`${stub.url}/__replayguard/stats`);
    expect(over.json).toMatchObject({ misses: 3, hits: 0 });
    expect((await call(`${stub.url}/__replayguard/health`)).json).toMatchObject({ status: 'ok', session: 'test' });
  });

  it('leaves stub.ignore parts out of matching: body pointers and query names', async () => {
    const db = await recordPricing();
    const stub = await startTestStub(db, { ignore: ['/card/nonce', '_'] });
    const charged = await call(`${stub.url}/charge`, { method: 'POST', body: { amount: 30, card: { last4: '4242', nonce: 'n-999' }, currency: 'EUR' } });
    expect(charged.status).toBe(201);
    expect((await call(`${stub.url}/search?tag=a&tag=b&lang=en&_=1800000000`)).status).toBe(200);
    expect((await call(`${stub.url}/search?tag=a&tag=b&lang=en`)).status).toBe(200);
    // Without the rules the same requests miss.
    const strict = await startTestStub(db);
    expect((await call(`${strict.url}/charge`, { method: 'POST', body: { amount: 30, card: { last4: '4242', nonce: 'n-999' }, currency: 'EUR' } })).status).toBe(502);
  });

  it('matches chosen headers only when asked to', async () => {
    const db = await recordDependency(
      (req, res) => void res.end(`tenant ${req.headers['x-tenant']}`),
      [
        { method: 'GET', path: '/who', headers: { 'x-tenant': 'a' } },
        { method: 'GET', path: '/who', headers: { 'x-tenant': 'b' } },
      ],
    );
    const byTenant = await startTestStub(db, { matchHeaders: ['X-Tenant'] });
    const text = async (url: string, tenant: string): Promise<string> => (await request(url, { headers: { 'x-tenant': tenant } })).body.text();
    expect(await text(`${byTenant.url}/who`, 'b')).toBe('tenant b');
    expect(await text(`${byTenant.url}/who`, 'a')).toBe('tenant a');
    // Headers unmatched, the two recordings are one request answered in recorded order.
    const plain = await startTestStub(db);
    expect(await text(`${plain.url}/who`, 'b')).toBe('tenant a');
    expect(await text(`${plain.url}/who`, 'b')).toBe('tenant b');
  });

  it('keeps recorded status, headers and encoded body bytes, without hop-by-hop headers', async () => {
    const { gzipSync } = await import('node:zlib');
    const packed = gzipSync(Buffer.from('{"ok":true}'));
    const db = await recordDependency(
      (_req, res) => {
        res.writeHead(418, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-custom': 'yes', connection: 'keep-alive', 'keep-alive': 'timeout=5' });
        res.end(packed);
      },
      [{ method: 'GET', path: '/teapot', headers: { 'accept-encoding': 'gzip' } }],
    );
    const stub = await startTestStub(db);
    const r = await request(`${stub.url}/teapot`);
    expect(r.statusCode).toBe(418);
    expect(r.headers).toMatchObject({ 'content-encoding': 'gzip', 'x-custom': 'yes' });
    expect(r.headers['keep-alive']).not.toBe('timeout=5');
    expect(Buffer.from(await r.body.arrayBuffer()).equals(packed)).toBe(true);
  });
});
