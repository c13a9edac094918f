import { describe, expect, it } from 'vitest';
import { createConsoleReporter } from '../../../src/report/console-reporter.js';
import { driveReporters } from '../../../src/report/drive-reporters.js';
import { makeResult, makeRunInfo } from '../../helpers/factories.js';
import { testContext } from './context.js';

function clock(stepMs: number) {
  let t = 0;
  return () => (t += stepMs);
}

const extras = (s: { counts: { regression: number } }) => ({
  learnedNoise: [{ method: 'GET', route: '/users/:id', target: 'body' as const, path: '/etag', kind: 'value varies (hex)', source: 'repeat' as const, exchanges: 3, examples: [] }],
  latency: [{ method: 'GET', route: '/users/:id', recorded: null, baseline: null, candidate: null, flagged: true, reason: 'p95 90 ms vs 21 ms' }],
  exitCode: s.counts.regression ? 1 : 0,
  exitReason: `${s.counts.regression} regressions (failOn: regression)`,
  durationMs: 3000,
});

describe('console reporter', () => {
  it('off a TTY prints a plain progress line every ~5 s, then the summary', async () => {
    const ctx = await testContext();
    const results = Array.from({ length: 30 }, (_, i) => makeResult({ verdict: i % 3 === 0 ? 'regression' : 'pass' }));
    // Each clock read advances 1 s: 30 results span ~30 s, so about 6 progress lines.
    const reporter = createConsoleReporter(ctx, { now: clock(1000), reportPath: '/out/report.html' });
    await driveReporters([reporter], makeRunInfo(), results, { total: 30, extras });
    const out = ctx.output();
    expect(out).not.toContain('\r');
    expect(out).not.toContain('\x1b');
    const progress = out.split('\n').filter((l) => l.startsWith('replaying '));
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.length).toBeLessThanOrEqual(7);
    expect(progress[0]).toMatch(/^replaying \d+\/30 \(\d+(\.\d)?%\) {2}1\/s {2}\d+ regressions?$/);
    expect(out).toContain(`  ${'route'.padEnd('GET /users/:id'.length)}  exchanges  pass  noise  unreproduced  regression  error  skipped\n`);
    expect(out).toContain('GET /users/:id         30    20      0             0          10      0        0');
    expect(out).toContain('GET /users/:id  body:/email:removed  10 exchanges');
    expect(out).toContain('Learned noise');
    expect(out).toContain('Slower routes:\n  GET /users/:id  p95 90 ms vs 21 ms');
    expect(out).toContain('FAIL: 10 regressions, 1 slower route in 30 exchanges (exit 1)');
    expect(out).toContain('10 regressions (failOn: regression)');
    expect(out.trimEnd().endsWith('report: /out/report.html')).toBe(true);
  });

  it('on a TTY rewrites one line, at most ten times a second', async () => {
    const ctx = await testContext({ isTTY: true });
    const results = Array.from({ length: 100 }, () => makeResult({ verdict: 'pass' }));
    // 10 ms per clock read: 100 results ≈ 1 s, so ≤ ~10 redraws rather than 100.
    await driveReporters([createConsoleReporter(ctx, { now: clock(10) })], makeRunInfo(), results, { total: 100, extras });
    const redraws = ctx.output().split('\r').length - 1;
    expect(redraws).toBeGreaterThan(1);
    expect(redraws).toBeLessThanOrEqual(12);
    expect(ctx.output()).toContain('replaying 100/100 (100%)');
  });
});
