/** Valid JSON of exactly `bytes` bytes: a list of small items plus a padding field. */
export function jsonBody(bytes) {
  const items = [];
  let s = '';
  for (let i = 0; ; i++) {
    items.push({ id: i, name: `item-${i}`, active: i % 2 === 0, score: ((i * 7919) % 1000) / 10, tags: ['a', 'bb', 'ccc'] });
    s = JSON.stringify({ ok: true, count: items.length, items });
    if (s.length >= bytes) break;
  }
  items.pop();
  const base = JSON.stringify({ ok: true, count: items.length, items, pad: '' }).length;
  return Buffer.from(JSON.stringify({ ok: true, count: items.length, items, pad: 'x'.repeat(Math.max(0, bytes - base)) }));
}

/**
 * Noise rules (a `compare` config section) that accept every difference between two `noisyBody`
 * variants: what a real API changes on every call.
 */
export const NOISE_RULES = {
  ignore: ['/meta/requestId', '**/updatedAt'],
  rules: [
    { path: '/meta/generatedAt', match: 'timestamp' },
    { path: '**/etag', match: 'hex' },
  ],
};

const noisyItems = new Map();

/**
 * ~`bytes` of JSON in which variant `v` (an integer; 0 for the recording) differs from every other
 * variant only by noise: a request id, a generation time, and per item an update time and an etag,
 * two filtered differences per item (~26 in 1 KB). The number of items depends on `bytes` only.
 */
export function noisyBody(bytes, v) {
  const make = (count, variant) => {
    const stamp = 1_790_000_000_000 + variant * 1000;
    const items = Array.from({ length: count }, (_, i) => ({ id: i, name: `item-${i}`, active: i % 2 === 0, etag: (0x9f3a0000 + i * 7919 + variant * 104729).toString(16).padStart(12, '0'), updatedAt: stamp + i }));
    return JSON.stringify({ meta: { requestId: `req-${variant.toString(16).padStart(8, '0')}`, generatedAt: new Date(stamp).toISOString() }, count, items });
  };
  let count = noisyItems.get(bytes);
  if (count === undefined) {
    count = 1;
    while (make(count + 1, 0).length <= bytes) count++;
    noisyItems.set(bytes, count);
  }
  return Buffer.from(make(count, v));
}
