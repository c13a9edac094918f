import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { isMutating, schedule } from '../../../src/replay/scheduler.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function* source<T>(items: readonly T[], pulled?: { n: number }): AsyncIterable<T> {
  for (const i of items) {
    if (pulled) pulled.n++;
    yield i;
  }
}

interface Item {
  id: number;
  write?: boolean;
}

/** Runs items that each take `ms`, logging start/end events and the peak in flight. */
async function trace(items: Item[], opts: { concurrency: number; rate?: number; ms?: number }) {
  const events: string[] = [];
  let inflight = 0;
  let peak = 0;
  const starts: number[] = [];
  await schedule(source(items), { concurrency: opts.concurrency, rate: opts.rate, isBarrier: (i) => i.write === true }, async (i) => {
    inflight++;
    peak = Math.max(peak, inflight);
    starts.push(performance.now());
    events.push(`s${i.id}`);
    await sleep(opts.ms ?? 5);
    events.push(`e${i.id}`);
    inflight--;
  });
  return { events, peak, starts };
}

const reads = (n: number, from = 0): Item[] => Array.from({ length: n }, (_, i) => ({ id: from + i }));

describe('schedule', () => {
  it.each([1, 2, 5])('never exceeds concurrency %i and reaches it', async (c) => {
    const { peak, events } = await trace(reads(12), { concurrency: c });
    expect(peak).toBe(c);
    expect(events.filter((e) => e.startsWith('e'))).toHaveLength(12);
  });

  it('a barrier starts after everything before it ended, and runs alone', async () => {
    const items: Item[] = [...reads(4), { id: 100, write: true }, ...reads(4, 10), { id: 101, write: true }, { id: 102, write: true }, ...reads(3, 20)];
    const { events } = await trace(items, { concurrency: 4 });
    for (const b of [100, 101, 102]) {
      const s = events.indexOf(`s${b}`);
      expect(events[s + 1]).toBe(`e${b}`);
      const pos = items.findIndex((i) => i.id === b);
      for (const before of items.slice(0, pos)) expect(events.indexOf(`e${before.id}`)).toBeLessThan(s);
      for (const after of items.slice(pos + 1)) expect(events.indexOf(`s${after.id}`)).toBeGreaterThan(s + 1);
    }
  });

  it('reads between barriers overlap', async () => {
    const { peak } = await trace([{ id: 0, write: true }, ...reads(6, 1), { id: 9, write: true }], { concurrency: 8 });
    expect(peak).toBe(6);
  });

  it('rate spaces starts by 1/rate', async () => {
    const { starts } = await trace(reads(6), { concurrency: 6, rate: 50, ms: 0 });
    // Start i is due 20 ms × i after the schedule's origin. A loaded machine can only make a start late
    // (the next one may then catch up by at most one interval), never early, so these lower bounds hold
    // whatever the load; timers may fire up to ~1 ms early.
    starts.forEach((t, i) => expect(t - starts[0]!).toBeGreaterThanOrEqual(Math.max(0, i - 1) * 20 - 2));
  });

  it('a source that fails part-way: the 4 items started finish before the error goes up', async () => {
    async function* failing(): AsyncIterable<Item> {
      yield* reads(4);
      throw new Error('disk said no');
    }
    const ended: number[] = [];
    await expect(
      schedule(failing(), { concurrency: 8, isBarrier: () => false }, async (i) => {
        await sleep(20);
        ended.push(i.id);
      }),
    ).rejects.toThrow('disk said no');
    expect(ended.sort()).toEqual([0, 1, 2, 3]);
  });

  it('shouldStop stops starting new items; in-flight ones finish', async () => {
    let started = 0;
    const log: string[] = [];
    await schedule(source(reads(20)), { concurrency: 2, isBarrier: () => false, shouldStop: () => started >= 3 }, async (i) => {
      started++;
      log.push(`s${i.id}`);
      await sleep(5);
      log.push(`e${i.id}`);
    });
    expect(log.filter((e) => e.startsWith('s'))).toEqual(['s0', 's1', 's2']);
    expect(log.filter((e) => e.startsWith('e'))).toHaveLength(3);
  });

  it('pulls lazily: never more than concurrency + 1 items ahead of completion', async () => {
    const pulled = { n: 0 };
    let done = 0;
    let maxAhead = 0;
    await schedule(source(reads(50), pulled), { concurrency: 3, isBarrier: () => false }, async () => {
      maxAhead = Math.max(maxAhead, pulled.n - done);
      await sleep(1);
      done++;
    });
    expect(done).toBe(50);
    expect(maxAhead).toBeLessThanOrEqual(3);
  });
});

describe('isMutating', () => {
  it.each([
    ['POST', true], ['put', true], ['PATCH', true], ['DELETE', true],
    ['GET', false], ['HEAD', false], ['OPTIONS', false],
  ] as const)('%s → %s', (m, expected) => expect(isMutating(m)).toBe(expected));
});
