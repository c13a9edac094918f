import { describe, expect, it } from 'vitest';
import { parseShard, ShardAssigner, shardFilter } from '../../../src/replay/shard-filter.js';
import type { Exchange } from '../../../src/types.js';
import { body, makeExchange } from '../../helpers/store-contract.js';

/** A session as a store hands it out: ids and seqs from 1, in order. */
function session(items: Array<Parameters<typeof makeExchange>[0]>): Exchange[] {
  return items.map((over, i) => ({ ...makeExchange(over), id: i + 1, sessionId: 1, seq: i + 1 }));
}

async function* stream(xs: Exchange[]): AsyncGenerator<Exchange> {
  yield* xs;
}

async function parts(xs: Exchange[], count: number, key?: string): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 1; i <= count; i++) {
    const mine: number[] = [];
    for await (const e of shardFilter(stream(xs), parseShard(`${i}/${count}`, key))) mine.push(e.seq);
    out.push(mine);
  }
  return out;
}

const json = (v: unknown) => body(JSON.stringify(v));

describe('shard filter', () => {
  it('splits a session into disjoint parts that together are the session, the same on every run', async () => {
    const xs = session(Array.from({ length: 300 }, (_, i) => ({ url: `/items/${i}` })));
    const first = await parts(xs, 4);
    expect(first.flat().sort((a, b) => a - b)).toEqual(xs.map((e) => e.seq));
    expect(first.every((p) => p.length > 30)).toBe(true);
    expect(await parts(xs, 4)).toEqual(first);
  });

  it('keeps a chain (an id or a Location created by a write, a token handed out by a login) in the shard of the write, in order', async () => {
    const created = { 'content-type': 'application/json' };
    const xs = session([
      { method: 'POST', url: '/orders', response: { status: 201, headers: Object.entries(created), body: json({ id: 'ord-7f3a9c' }) } },
      ...Array.from({ length: 20 }, (_, i) => ({ url: `/noise/${i}` })),
      { url: '/orders/ord-7f3a9c' },
      { method: 'POST', url: '/things', response: { status: 201, headers: [['location', '/things/thing-42abcd']], body: body(null) } },
      { method: 'PUT', url: '/things/thing-42abcd', request: { method: 'PUT', url: '/things/thing-42abcd', headers: [], body: body(null) } },
      { method: 'POST', url: '/login', response: { status: 200, headers: Object.entries(created), body: json({ token: '[REDACTED:0a1b2c3d]' }) } },
      { url: '/me', request: { method: 'GET', url: '/me', headers: [['authorization', 'Bearer [REDACTED:0a1b2c3d]']], body: body(null) } },
    ]);
    const assigner = new ShardAssigner(parseShard('1/5'));
    const shard = xs.map((e) => assigner.shardOf(e));
    expect(shard[21]).toBe(shard[0]);
    expect(shard[23]).toBe(shard[22]);
    expect(shard[25]).toBe(shard[24]);
    // Reads without a reference are spread, not pulled into a chain.
    expect(new Set(shard.slice(1, 21)).size).toBeGreaterThan(1);
  });

  it('--shard-key keeps every exchange of one user (or tenant) together', async () => {
    const xs = session(
      Array.from({ length: 120 }, (_, i) => {
        const url = `/t/${i}?tenant=t${i % 6}`;
        return { url, request: { method: 'GET', url, headers: [['x-user-id', `u${i % 5}`]], body: body(null) } };
      }),
    );
    for (const [key, of] of [['header:X-User-Id', (s: number) => `u${(s - 1) % 5}`], ['query:tenant', (s: number) => `t${(s - 1) % 6}`]] as const) {
      const split = await parts(xs, 3, key);
      for (const p of split) {
        const values = new Set(p.map(of));
        for (const other of split.filter((q) => q !== p)) expect(other.some((s) => values.has(of(s)))).toBe(false);
      }
    }
  });

  it('refuses a part outside 1..n and a key of another kind', () => {
    for (const bad of ['0/3', '4/3', '3', 'a/b']) expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
    expect(() => parseShard('1/2', 'cookie:x')).toThrow(/--shard-key must be header:NAME or query:NAME/);
  });
});
