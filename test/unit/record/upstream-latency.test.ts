import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, MAX_ROUTE_LABELS, OTHER_ROUTE, statusClass, UpstreamLatencyBook } from '../../../src/record/upstream-latency.js';

describe('UpstreamLatencyBook', () => {
  it('puts each observation in the first bucket whose bound it does not exceed, and sums them', () => {
    const book = new UpstreamLatencyBook();
    for (const s of [0.001, 0.005, 0.0051, 29.9, 31]) book.observe('GET', '/a', 200, s);
    const [series] = book.snapshot();
    expect(series).toMatchObject({ method: 'GET', route: '/a', statusClass: '2xx', count: 5 });
    expect(series!.sum).toBeCloseTo(0.001 + 0.005 + 0.0051 + 29.9 + 31);
    const expected = new Array<number>(LATENCY_BUCKETS.length).fill(0);
    expected[0] = 2; // 0.001, 0.005 (≤ 0.005)
    expected[1] = 1; // 0.0051
    expected[LATENCY_BUCKETS.length - 1] = 1; // 29.9; 31 is only in +Inf (the count)
    expect(series!.buckets).toEqual(expected);
  });

  it('keeps one series per method, route and status class, and folds routes past the cap into one label', () => {
    const book = new UpstreamLatencyBook();
    for (let i = 0; i < MAX_ROUTE_LABELS + 10; i++) book.observe('GET', `/r${i}`, 200, 0.01);
    book.observe('GET', '/r0', null, 0.01);
    book.observe('POST', '/r0', 503, 0.01);
    const s = book.snapshot();
    expect(s.find((x) => x.route === OTHER_ROUTE)?.count).toBe(10);
    expect(s.filter((x) => x.route === '/r0').map((x) => `${x.method} ${x.statusClass}`).sort()).toEqual(['GET 2xx', 'GET error', 'POST 5xx']);
    expect(statusClass(null)).toBe('error');
    expect(statusClass(404)).toBe('4xx');
  });

  it('hands out snapshots that later observations do not change', () => {
    const book = new UpstreamLatencyBook();
    book.observe('GET', '/a', 200, 0.01);
    const before = book.snapshot();
    book.observe('GET', '/a', 200, 0.01);
    expect(before[0]!.count).toBe(1);
    expect(book.snapshot()[0]!.count).toBe(2);
  });
});
