import { gunzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApi } from '../../examples/demo-api/app.js';
import type { DemoVariant, RunningDemoApi } from '../../examples/demo-api/app.js';

const SLOW_MS = 60;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as sent on the wire. */
  readonly raw: Buffer;
  /** The body after undoing content-encoding. */
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

const apis = {} as Record<DemoVariant, RunningDemoApi>;

/** Real HTTP with undici's `request`: no redirect following and no silent decompression, unlike fetch. */
async function call(variant: DemoVariant, path: string, init: { method?: 'GET' | 'POST' | 'DELETE'; headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
  const res = await request(`${apis[variant].url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const raw = Buffer.from(await res.body.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const text = (headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
  return { status: res.statusCode, headers, raw, text, json: <T>() => JSON.parse(text) as T };
}

const NOISE_KEYS = ['requestId', 'generatedAt', 'lastSeen', 'instance'];
/** A created order's id and timestamp are minted per request, and its location carries the id. */
const MINTED_KEYS = [...NOISE_KEYS, 'id', 'createdAt'];

/** Drops per-request values and sorts the randomly ordered lists: what must agree between staging and baseline. */
function withoutNoise(value: unknown, keys: readonly string[] = NOISE_KEYS): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutNoise(v, keys));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (keys.includes(k)) continue;
    out[k] = k === 'tags' && Array.isArray(v) ? [...(v as string[])].sort() : withoutNoise(v, keys);
  }
  return out;
}

function comparable(r: Reply): unknown {
  const h = r.headers;
  const isJson = h['content-type']?.startsWith('application/json') ?? false;
  const minted = r.status === 201;
  return {
    status: r.status,
    headers: { 'content-type': h['content-type'], 'content-encoding': h['content-encoding'], location: minted ? 'minted' : h.location, 'cache-control': h['cache-control'] },
    body: isJson ? withoutNoise(r.json(), minted ? MINTED_KEYS : NOISE_KEYS) : r.raw.toString('base64'),
  };
}

beforeAll(async () => {
  for (const variant of ['staging', 'baseline', 'candidate'] as const) apis[variant] = await startDemoApi({ variant, slowMs: SLOW_MS });
});

afterAll(async () => {
  await Promise.all(Object.values(apis).map((api) => api.close()));
});

describe('demo API routes (staging)', () => {
  it('paginates users 1..40', async () => {
    const first = await call('staging', '/api/users');
    expect(first.status).toBe(200);
    const page1 = first.json<{ items: { id: number }[]; total: number; next: string | null }>();
    expect(page1.total).toBe(40);
    expect(page1.items.map((u) => u.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(page1.next).toBe('/api/users?page=2');
    const last = (await call('staging', '/api/users?page=4')).json<{ items: { id: number }[]; next: string | null }>();
    expect(last.items.at(-1)?.id).toBe(40);
    expect(last.next).toBeNull();
    expect((await call('staging', '/api/users?page=0')).status).toBe(400);
  });

  it('serves a user with fixed data and fresh noise, and 404s unknown ids', async () => {
    const r = await call('staging', '/api/users/7');
    expect(r.status).toBe(200);
    const user = r.json<Record<string, unknown>>();
    expect(user).toMatchObject({ id: 7, name: expect.any(String), email: expect.stringMatching(/@example\.com$/), role: expect.any(String) });
    expect(user.createdAt).toMatch(ISO);
    expect(user.lastSeen).toMatch(ISO);
    expect(user.requestId).toMatch(UUID_V4);
    expect((user.tags as string[]).length).toBeGreaterThanOrEqual(2);
    for (const path of ['/api/users/9999', '/api/users/abc']) {
      const missing = await call('staging', path);
      expect(missing.status).toBe(404);
      expect(missing.json()).toEqual({ error: 'not found' });
    }
  });

  it('creates, reads back and deletes an order', async () => {
    const created = await call('staging', '/api/orders', { method: 'POST', body: { userId: 3, items: [{ sku: 'GD-002', qty: 3 }, { sku: 'AU-001', qty: 1 }] } });
    expect(created.status).toBe(201);
    const order = created.json<{ id: string; total: number; createdAt: string; status: string }>();
    expect(order.id).toMatch(UUID_V4);
    expect(order.total).toBe(167.49);
    expect(order.createdAt).toMatch(ISO);
    expect(created.headers.location).toBe(`/api/orders/${order.id}`);

    const read = await call('staging', `/api/orders/${order.id}`);
    expect(read.status).toBe(200);
    expect(withoutNoise(read.json())).toEqual(withoutNoise(order));

    expect((await call('staging', `/api/orders/${order.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call('staging', `/api/orders/${order.id}`)).status).toBe(404);
    expect((await call('baseline', `/api/orders/${order.id}`)).status).toBe(404); // state is per instance
  });

  it.each([
    ['an order', 'body must be a JSON object'],
    [{ userId: 999, items: [{ sku: 'GD-002', qty: 1 }] }, 'userId'],
    [{ userId: 1, items: [] }, 'items must be a non-empty array'],
    [{ userId: 1, items: [{ sku: 'NOPE', qty: 1 }] }, 'items[0].sku'],
    [{ userId: 1, items: [{ sku: 'GD-002', qty: 0 }] }, 'items[0].qty'],
  ])('rejects the bad order %j with 400', async (body, message) => {
    const r = await call('staging', '/api/orders', { method: 'POST', body });
    expect(r.status).toBe(400);
    expect(r.json<{ message: string }>().message).toContain(message);
  });

  it('gzips /api/products when the client accepts it, and only then', async () => {
    const zipped = await call('staging', '/api/products?category=audio', { headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect([...zipped.raw.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const body = zipped.json<{ count: number; items: { price: unknown; category: string }[] }>();
    expect(body.count).toBe(3);
    expect(body.items.every((p) => typeof p.price === 'number' && p.category === 'audio')).toBe(true);

    for (const accept of [undefined, 'identity', 'gzip;q=0']) {
      const plain = await call('staging', '/api/products', { headers: accept ? { 'accept-encoding': accept } : {} });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.json<{ count: number }>().count).toBe(12);
    }
  });

  it('serves search, text, binary, error, redirect and health routes', async () => {
    const hits = (await call('staging', '/api/search?q=ada')).json<{ count: number; results: { title: string }[] }>();
    expect(hits.count).toBeGreaterThan(0);
    expect(hits.results.every((h) => h.title.toLowerCase().includes('ada'))).toBe(true);
    expect((await call('staging', '/api/search')).status).toBe(400);

    const report = await call('staging', '/api/report.txt');
    expect(report.headers['content-type']).toMatch(/^text\/plain/);
    expect(report.text.trim().split('\n').length).toBeGreaterThanOrEqual(5);

    const png = await call('staging', '/api/avatar/5.png');
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.raw.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect((await call('staging', '/api/avatar/5.png')).raw.equals(png.raw)).toBe(true);
    expect((await call('staging', '/api/avatar/6.png')).raw.equals(png.raw)).toBe(false);
    expect((await call('staging', '/api/avatar/41.png')).status).toBe(404);

    const error = await call('staging', '/api/error');
    expect(error.status).toBe(500);
    expect(error.json()).toEqual((await call('staging', '/api/error')).json());

    const redirect = await call('staging', '/old-home');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/api/users');

    expect((await call('staging', '/health')).json()).toEqual({ status: 'ok' });
    expect((await call('staging', '/no/such/route')).status).toBe(404);
  });
});

describe('noise', () => {
  it('differs on every response and between instances', async () => {
    const [a, b] = [await call('staging', '/api/users?page=2'), await call('staging', '/api/users?page=2')];
    expect(a.headers['x-request-id']).toMatch(UUID_V4);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    expect(a.json().requestId).toBe(a.headers['x-request-id']);
    expect(a.json().requestId).not.toBe(b.json().requestId);
    expect(a.headers.etag).not.toBe(b.headers.etag);
    expect(a.headers.date).toBeDefined();
    expect(a.json().generatedAt).toMatch(ISO);
    expect(a.json().instance).toBe(b.json().instance);

    const other = await call('baseline', '/api/users?page=2');
    expect(other.json().instance).not.toBe(a.json().instance);
    const [reportA, reportB] = [await call('staging', '/api/report.txt'), await call('baseline', '/api/report.txt')];
    expect(reportA.text).toBe(reportB.text);
    expect(reportA.headers.etag).not.toBe(reportB.headers.etag);
  });

  it('returns tags and ?sort=random products in varying order', async () => {
    const orders = new Set<string>();
    const productOrders = new Set<string>();
    for (let i = 0; i < 30; i++) {
      orders.add(JSON.stringify((await call('staging', '/api/users/1')).json().tags));
      productOrders.add((await call('staging', '/api/products?sort=random')).json<{ items: { sku: string }[] }>().items.map((p) => p.sku).join());
    }
    expect(orders.size).toBeGreaterThan(1);
    expect(productOrders.size).toBeGreaterThan(1);
  });
});

describe('staging and baseline', () => {
  const requests: [string, Parameters<typeof call>[2]?][] = [
    ['/api/users'],
    ['/api/users?page=3'],
    ['/api/users?page=x'],
    ...[1, 9, 17, 40].map((id): [string] => [`/api/users/${id}`]),
    ['/api/users/9999'],
    ['/api/products', { headers: { 'accept-encoding': 'gzip' } }],
    ['/api/products?category=kitchen'],
    ['/api/search?q=an'],
    ['/api/search'],
    ['/api/report.txt'],
    ['/api/avatar/12.png'],
    ['/api/error'],
    ['/old-home'],
    ['/health'],
    ['/missing'],
    ['/api/orders', { method: 'POST', body: { userId: 2, items: [{ sku: 'BK-001', qty: 2 }] } }],
    ['/api/orders', { method: 'POST', body: { userId: 2 } }],
  ];

  it.each(requests)('agree on %s except for noise', async (path, init) => {
    const [s, b] = [await call('staging', path, init), await call('baseline', path, init)];
    expect(comparable(b)).toEqual(comparable(s));
  });

  it('agree on ?sort=random once order is ignored', async () => {
    const skus = async (v: DemoVariant) => (await call(v, '/api/products?sort=random')).json<{ items: { sku: string }[] }>().items.map((p) => p.sku).sort();
    expect(await skus('baseline')).toEqual(await skus('staging'));
  });
});

describe('candidate planted regressions', () => {
  it('drops email from a user', async () => {
    expect((await call('staging', '/api/users/5')).json()).toHaveProperty('email');
    expect((await call('candidate', '/api/users/5')).json()).not.toHaveProperty('email');
  });

  it('turns createdAt into epoch milliseconds', async () => {
    const staging = (await call('staging', '/api/users/5')).json<{ createdAt: string }>();
    const candidate = (await call('candidate', '/api/users/5')).json<{ createdAt: number }>();
    expect(candidate.createdAt).toBe(Date.parse(staging.createdAt));
  });

  it('answers 500 instead of 404 for an unknown user', async () => {
    expect((await call('candidate', '/api/users/9999')).status).toBe(500);
  });

  it('serialises product prices as strings', async () => {
    const staging = (await call('staging', '/api/products')).json<{ items: { price: number }[] }>();
    const candidate = (await call('candidate', '/api/products')).json<{ items: { price: unknown }[] }>();
    expect(candidate.items.map((p) => p.price)).toEqual(staging.items.map((p) => p.price.toFixed(2)));
    expect(candidate.items.find((p) => p.price === '12.50')).toBeDefined();
  });

  it('changes exactly one line of the text report', async () => {
    const staging = (await call('staging', '/api/report.txt')).text.split('\n');
    const candidate = (await call('candidate', '/api/report.txt')).text.split('\n');
    expect(candidate).toHaveLength(staging.length);
    expect(candidate.filter((line, i) => line !== staging[i])).toHaveLength(1);
  });

  it(`delays /api/search by slowMs (${SLOW_MS} ms)`, async () => {
    const started = performance.now();
    const r = await call('candidate', '/api/search?q=ada');
    expect(r.status).toBe(200);
    // Checks that the planted delay exists, not a performance bound. The 1 ms slack is libuv's timer granularity.
    expect(performance.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 1);
    expect(withoutNoise(r.json())).toEqual(withoutNoise((await call('staging', '/api/search?q=ada')).json()));
  });

  it('keeps every other route identical to staging', async () => {
    for (const path of ['/api/users?page=2', '/api/products?category=nope', '/api/error', '/old-home', '/health', '/api/avatar/3.png']) {
      const [s, c] = [await call('staging', path), await call('candidate', path)];
      expect(comparable(c)).toEqual(comparable(s));
    }
  });
});
