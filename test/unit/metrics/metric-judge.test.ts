import { describe, expect, it } from 'vitest';
import { judgeMetric } from '../../../src/metrics/metric-judge.js';
import { mannWhitneyGreater, median } from '../../../src/metrics/mann-whitney.js';
import { readExposition } from '../../../src/metrics/exposition.js';
import { judgeMetrics, judgeShardMetrics } from '../../../src/metrics/metric-gate.js';
import { seededRandom } from '../../helpers/random.js';
import { startServer } from '../../helpers/servers.js';
import { startMetricSampler } from '../../../src/metrics/metric-sampler.js';

const opts = { significance: 0.05, minEffect: 0.1, minSamples: 5, worse: 'increase' as const };

describe('Mann–Whitney U', () => {
  it('matches the textbook values', () => {
    // Fully separated samples of 5: U = 25, exact one-sided p = 1/252 ≈ 0.004; the normal approximation ≈ 0.006.
    const r = mannWhitneyGreater([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(25);
    expect(r.p).toBeGreaterThan(0.003);
    expect(r.p).toBeLessThan(0.01);
    expect(mannWhitneyGreater([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).p).toBeGreaterThan(0.99);
    // All tied: no evidence either way.
    expect(mannWhitneyGreater([3, 3, 3], [3, 3, 3]).p).toBe(1);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });
});

describe('judgeMetric', () => {
  const noisy = (rand: ReturnType<typeof seededRandom>, n: number, level: number) => Array.from({ length: n }, () => level * (1 + (rand.next() - 0.5) * 0.2));

  it('flags 30% more memory per request in each of 10 seeded runs, and an identical candidate in none', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const rand = seededRandom(seed);
      const base = noisy(rand, 12, 1000);
      expect(judgeMetric('alloc', noisy(rand, 12, 1300), base, opts).flagged, `seed ${seed}`).toBe(true);
      expect(judgeMetric('alloc', noisy(rand, 12, 1000), base, opts).flagged, `seed ${seed}`).toBe(false);
      // Twice the CPU per request.
      expect(judgeMetric('cpu', noisy(rand, 12, 0.002), noisy(rand, 12, 0.001), opts).flagged).toBe(true);
    }
  });

  it('a single slow sample never flags; nor a real but small change, nor too few samples', () => {
    const base = [10, 11, 10, 12, 11, 10, 11];
    expect(judgeMetric('m', [10, 11, 10, 12, 11, 10, 90], base, opts)).toMatchObject({ flagged: false });
    expect(judgeMetric('m', [11, 12, 11, 13, 12, 11, 12], base, opts)).toMatchObject({ flagged: false, note: expect.stringMatching(/minimum effect/) });
    expect(judgeMetric('m', [30, 30, 30], [10, 10, 10], opts)).toMatchObject({ flagged: false, note: expect.stringMatching(/too few samples/) });
    // Lower is worse (a throughput, a cache hit ratio).
    expect(judgeMetric('hits', [5, 5.1, 4.9, 5, 5.2, 4.8], [9, 9.1, 8.9, 9, 9.2, 8.8], { ...opts, worse: 'decrease' })).toMatchObject({ flagged: true });
  });
});

describe('readExposition', () => {
  it('sums every label set of a family, and knows counters from gauges', () => {
    const m = readExposition(
      ['# TYPE http_errors_total counter', 'http_errors_total{route="/a"} 2', 'http_errors_total{route="/b"} 3', '# TYPE process_resident_memory_bytes gauge', 'process_resident_memory_bytes 1.5e7', 'untyped_total 4', 'bad line'].join('\n'),
    );
    expect(m.get('http_errors_total')).toEqual({ type: 'counter', value: 5 });
    expect(m.get('process_resident_memory_bytes')).toEqual({ type: 'gauge', value: 1.5e7 });
    expect(m.get('untyped_total')?.type).toBe('counter');
  });
});

describe('judgeShardMetrics (replayguard merge)', () => {
  const settings = { names: ['alloc'], perMetric: {}, significance: 0.05, minEffect: 0.1, minSamples: 5 };
  const noisy = (rand: ReturnType<typeof seededRandom>, n: number, level: number) => Array.from({ length: n }, () => level * (1 + (rand.next() - 0.5) * 0.2));
  const shard = (candidate: number[], baseline: number[]) => judgeMetrics(settings, new Map([['alloc', candidate]]), new Map([['alloc', baseline]]));

  it('judges the union of the shards\' samples: shards too short to judge alone add up', () => {
    const rand = seededRandom(7);
    const shards = [1, 2, 3].map(() => shard(noisy(rand, 3, 1400), noisy(rand, 3, 1000)));
    expect(shards.map((s) => s[0]!.flagged)).toEqual([false, false, false]);
    expect(shards[0]![0]!.note).toMatch(/too few samples/);
    const merged = judgeShardMetrics(settings, shards)!;
    expect(merged[0]).toMatchObject({ name: 'alloc', flagged: true, samples: { candidate: 9, baseline: 9 } });
  });

  it('never ORs the shards\' verdicts: one shard flagged by chance is outvoted by the rest', () => {
    const rand = seededRandom(11);
    const odd = shard(noisy(rand, 6, 1250), noisy(rand, 6, 1000));
    expect(odd[0]!.flagged).toBe(true);
    const same = [1, 2, 3].map(() => shard(noisy(rand, 12, 1000), noisy(rand, 12, 1000)));
    const merged = judgeShardMetrics(settings, [odd, ...same])!;
    expect(merged[0]).toMatchObject({ flagged: false, samples: { candidate: 42, baseline: 42 } });
    expect(judgeShardMetrics(settings, [undefined, undefined])).toBeNull();
  });
});

describe('startMetricSampler', () => {
  it('measures a growth per request over at least minRequests requests, gauges as values or, when asked, per request', async () => {
    let cpu = 0;
    let heap = 1000;
    let scraped: () => void = () => {};
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`# TYPE cpu_total counter\ncpu_total ${cpu}\n# TYPE heap gauge\nheap ${heap}\n# TYPE rss gauge\nrss 7\n`, () => scraped());
    });
    try {
      const run = async (minRequests: number) => {
        let sent = 0;
        cpu = 0;
        heap = 1000;
        const first = new Promise<void>((r) => (scraped = r));
        // An interval of an hour: only the first scrape (at start) and the last (at stop) happen.
        const sampler = startMetricSampler({ url: server.url, names: ['cpu_total', 'heap', 'rss'], perRequest: new Set(['heap']), intervalMs: 3_600_000, minRequests, sent: () => sent });
        await first;
        sent = 5;
        cpu = 0.5;
        heap = 6000;
        return (await sampler.stop()).samples;
      };
      const five = await run(5);
      expect(five.get('cpu_total')).toEqual([0.1]);
      expect(five.get('heap')).toEqual([1000]);
      expect(five.get('rss')).toEqual([7, 7]);
      const ten = await run(10);
      expect(ten.get('cpu_total')).toEqual([]);
      expect(ten.get('heap')).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
