import { describe, expect, it } from 'vitest';
import { LatencyTracker, percentile } from '../../../src/replay/latency.js';

const config = { ratio: 1.5, floorMs: 50, minSamples: 5 };

function judge(baseline: number[], candidate: number[], over: Partial<typeof config> = {}) {
  const t = new LatencyTracker({ ...config, ...over });
  const n = Math.max(baseline.length, candidate.length);
  for (let i = 0; i < n; i++) t.add('GET', '/r', { recorded: 1, baseline: baseline[i] ?? null, candidate: candidate[i] ?? null });
  return t.summarize()[0]!;
}
const times = (n: number, ms: number): number[] => Array.from({ length: n }, () => ms);

describe('percentile (nearest rank)', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10],
    [[7], 95, 7],
    [[1, 2], 50, 1],
  ])('%j p%i = %i', (sorted, p, expected) => expect(percentile(sorted, p)).toBe(expected));
  it('is NaN without samples', () => expect(percentile([], 50)).toBeNaN());
});

describe('LatencyTracker', () => {
  it.each([
    { name: 'slower past ratio and floor', base: 100, cand: 160, flagged: true }, // ×1.6, +60
    { name: 'ratio reached exactly is not past it', base: 100, cand: 150, flagged: false }, // ×1.5
    { name: 'past the ratio, under the floor', base: 20, cand: 60, flagged: false }, // ×3, +40
    { name: 'past the ratio, on the floor', base: 40, cand: 90, flagged: true }, // ×2.25, +50
    { name: 'faster', base: 200, cand: 100, flagged: false },
  ])('$name → flagged $flagged', ({ base, cand, flagged }) => {
    expect(judge(times(6, base), times(6, cand)).flagged).toBe(flagged);
  });

  it('judges p95, not the mean: one slow sample among 20 is not a slower route, four are', () => {
    expect(judge(times(20, 10), [...times(19, 10), 400]).flagged).toBe(false);
    expect(judge(times(20, 10), [...times(16, 10), 400, 400, 400, 400]).flagged).toBe(true);
  });

  it('needs minSamples on both sides', () => {
    expect(judge(times(4, 10), times(4, 500)).flagged).toBe(false);
    expect(judge(times(4, 10), times(4, 500)).reason).toMatch(/fewer than 5 samples/);
    expect(judge(times(5, 10), times(5, 500)).flagged).toBe(true);
    expect(judge(times(5, 10), times(5, 500), { minSamples: 6 }).flagged).toBe(false);
  });

  it('ratio and floor are configurable', () => {
    expect(judge(times(6, 100), times(6, 160), { ratio: 2 }).flagged).toBe(false);
    expect(judge(times(6, 100), times(6, 160), { floorMs: 100 }).flagged).toBe(false);
  });

  it('recorded latencies are shown, never judged: no baseline, no flag', () => {
    const t = new LatencyTracker(config);
    for (let i = 0; i < 10; i++) t.add('GET', '/r', { recorded: 1, candidate: 900 });
    const [r] = t.summarize();
    expect(r).toMatchObject({ flagged: false, recorded: { samples: 10, p50: 1, p95: 1 }, candidate: { samples: 10, p95: 900 }, baseline: null });
    expect(r!.reason).toMatch(/no baseline/);
  });

  it('keeps routes (and methods) apart', () => {
    const t = new LatencyTracker(config);
    for (let i = 0; i < 6; i++) {
      t.add('GET', '/a', { baseline: 10, candidate: 300 });
      t.add('POST', '/a', { baseline: 10, candidate: 10 });
      t.add('GET', '/b', { baseline: 10, candidate: 10 });
    }
    expect(t.summarize().filter((r) => r.flagged).map((r) => `${r.method} ${r.route}`)).toEqual(['GET /a']);
  });
});

describe('LatencyTracker and outliers', () => {
  it('does not flag a route for one slow sample, but does for two', async () => {
    const { LatencyTracker } = await import('../../../src/replay/latency.js');
    const config = { ratio: 1.5, floorMs: 50, minSamples: 5 };
    const one = new LatencyTracker(config);
    const two = new LatencyTracker(config);
    for (let i = 0; i < 8; i++) {
      one.add('GET', '/a', { baseline: 5, candidate: i === 3 ? 200 : 5 });
      two.add('GET', '/a', { baseline: 5, candidate: i === 3 || i === 6 ? 200 : 5 });
    }
    const [a] = one.summarize();
    expect(a).toMatchObject({ flagged: false });
    expect(a!.reason).toContain('a single slow sample');
    expect(two.summarize()[0]).toMatchObject({ flagged: true });
  });
});
