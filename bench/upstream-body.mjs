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
