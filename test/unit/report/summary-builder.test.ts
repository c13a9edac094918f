import { describe, expect, it } from 'vitest';
import { createSummaryBuilder } from '../../../src/report/summary-builder.js';
import { makeComparison, makeDifference, makeResult, makeRunInfo } from '../../helpers/factories.js';

const extras = { learnedNoise: [], latency: [], exitCode: 1, exitReason: '3 regressions', durationMs: 1234 };

describe('createSummaryBuilder', () => {
  it('counts verdicts overall and per route', () => {
    const b = createSummaryBuilder();
    b.add(makeResult({ verdict: 'pass' }));
    b.add(makeResult({ verdict: 'regression' }));
    b.add(makeResult({ verdict: 'regression', method: 'POST', route: '/users' }));
    b.add(makeResult({ verdict: 'noise' }));
    b.add(makeResult({ verdict: 'error' }));
    b.add(makeResult({ verdict: 'skipped' }));
    const s = b.build(makeRunInfo(), extras);
    expect(s.counts).toEqual({ pass: 1, noise: 1, regression: 2, unreproduced: 0, error: 1, skipped: 1, total: 6 });
    expect(s.run.counts).toEqual(s.counts);
    expect(s.run.exitCode).toBe(1);
    expect(s.exitReason).toBe('3 regressions');
    expect(s.durationMs).toBe(1234);
    expect(s.routes).toEqual([
      { method: 'POST', route: '/users', pass: 0, noise: 0, regression: 1, unreproduced: 0, error: 0, skipped: 0, total: 1 },
      { method: 'GET', route: '/users/:id', pass: 1, noise: 1, regression: 1, unreproduced: 0, error: 1, skipped: 1, total: 5 },
    ]);
  });

  it('counts each exchange once per signature, regressions before noise, by size', () => {
    const b = createSummaryBuilder();
    const twoItems = makeComparison({
      differences: [
        makeDifference({ path: '/items/0/id', op: 'remove', change: 'removed' }),
        makeDifference({ path: '/items/1/id', op: 'remove', change: 'removed' }),
      ],
    });
    b.add(makeResult({ verdict: 'regression', comparison: twoItems }));
    b.add(makeResult({ verdict: 'regression', comparison: twoItems }));
    b.add(makeResult({ verdict: 'regression' }));
    for (let i = 0; i < 3; i++) b.add(makeResult({ verdict: 'noise' }));
    const s = b.build(makeRunInfo(), extras);
    expect(s.signatures).toEqual([
      { method: 'GET', route: '/users/:id', signature: 'body:/items/*/id:removed', exchanges: 2, verdict: 'regression' },
      { method: 'GET', route: '/users/:id', signature: 'body:/email:removed', exchanges: 1, verdict: 'regression' },
      { method: 'GET', route: '/users/:id', signature: 'body:/updatedAt:value changed', exchanges: 3, verdict: 'noise', filteredBy: 'ignore /updatedAt' },
    ]);
  });

  it('keeps routes of different methods apart and passes learned noise and latency through', () => {
    const b = createSummaryBuilder();
    b.add(makeResult({ verdict: 'regression', method: 'GET' }));
    b.add(makeResult({ verdict: 'regression', method: 'DELETE' }));
    const latency = [{ method: 'GET', route: '/users/:id', recorded: null, baseline: null, candidate: { samples: 1, p50: 1, p95: 1 }, flagged: false, reason: 'no baseline' }];
    const s = b.build(makeRunInfo(), { ...extras, latency });
    expect(s.signatures.map((x) => x.method)).toEqual(['DELETE', 'GET']);
    expect(s.latency).toBe(latency);
    expect(s.learnedNoise).toEqual([]);
  });
});
