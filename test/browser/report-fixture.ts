import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { defaultConfig } from '../../src/config/resolve-config.js';
import { driveReporters } from '../../src/report/drive-reporters.js';
import type { GroupAccumulatorOptions } from '../../src/report/html/groups.js';
import { createHtmlReporter } from '../../src/report/html-reporter.js';
import { createReporters } from '../../src/report/reporter.js';
import type { ReplayResult, RunSummary } from '../../src/types.js';
import { makeBody, makeComparison, makeDifference, makeObserved, makeRecorded, makeResult, makeRunInfo } from '../helpers/factories.js';

export const XSS_IMG = '<img src=x onerror=window.__pwned=1>';
export const XSS_SCRIPT = '</script><script>window.__pwned=1</script>';

/** A varied run: two regression signatures, noise, an error, a skip, text, gzip, binary and hostile data. */
export function fixtureResults(): ReplayResult[] {
  const out: ReplayResult[] = [];
  let id = 1000;
  for (let i = 0; i < 40; i++) {
    const user = { id: i, name: `User ${i}`, email: `u${i}@example.com`, total: 10 + i, tags: ['a', 'b'] };
    const cand = { id: i, name: `User ${i}`, total: String(10 + i), tags: ['a', 'b'] };
    const regression = i < 32;
    out.push(
      makeResult({
        exchangeId: ++id,
        url: `/users/${i}?expand=profile`,
        verdict: regression ? 'regression' : 'pass',
        recorded: makeRecorded(user),
        candidate: makeObserved(regression ? cand : user),
        comparison: regression
          ? makeComparison({
              differences: [
                makeDifference({ path: '/email', op: 'remove', before: user.email, change: 'removed' }),
                makeDifference({ path: '/total', op: 'replace', before: user.total, after: String(user.total), change: 'number → string' }),
              ],
            })
          : makeComparison(),
      }),
    );
  }
  // Same-type value change with hostile values, gzip-encoded candidate body.
  for (let i = 0; i < 7; i++) {
    const rec = { order: i, status: 'paid', note: XSS_SCRIPT, items: [{ sku: 'A', price: 5 }] };
    const cand = { order: i, status: 'settled', note: XSS_SCRIPT, items: [{ sku: 'A', price: 5 }] };
    out.push(
      makeResult({
        exchangeId: ++id,
        method: 'POST',
        url: `/orders/${i}/pay?ref=${encodeURIComponent(XSS_IMG)}`,
        route: '/orders/:id/pay',
        verdict: 'regression',
        request: {
          method: 'POST',
          url: `/orders/${i}/pay`,
          headers: [['content-type', 'application/json'], ['x-evil', XSS_IMG]],
          body: makeBody({ card: XSS_IMG }),
        },
        recorded: makeRecorded(rec, { headers: [['content-type', 'application/json'], ['x-trace', XSS_SCRIPT]] }),
        candidate: makeObserved(null, {
          headers: [['content-type', 'application/json'], ['content-encoding', 'gzip']],
          body: (() => {
            const bytes = zlib.gzipSync(JSON.stringify(cand));
            return { bytes, size: bytes.length, truncated: false };
          })(),
        }),
        baseline: makeObserved(rec),
        comparison: makeComparison({
          differences: [makeDifference({ path: '/status', op: 'replace', before: 'paid', after: 'settled', change: 'value changed' })],
          filtered: [makeDifference({ path: '/items/0/price', op: 'replace', before: 5, after: 5.0001, change: 'value changed', filteredBy: 'tolerance 0.01 at /items/*/price' })],
        }),
      }),
    );
  }
  // Text body and status change.
  out.push(
    makeResult({
      exchangeId: ++id,
      url: '/health',
      route: '/health',
      verdict: 'regression',
      recorded: makeRecorded('ok\nversion 1\nuptime 5\n', { headers: [['content-type', 'text/plain']] }),
      candidate: makeObserved('degraded\nversion 1\nuptime 5\n', { status: 503, headers: [['content-type', 'text/plain']] }),
      comparison: makeComparison({
        differences: [
          makeDifference({ target: 'status', path: '', op: 'replace', before: 200, after: 503, change: '200 → 503' }),
          makeDifference({ path: 'line 1', op: 'replace', before: 'ok', after: 'degraded', change: 'line changed', signature: 'body:line *:line changed' }),
        ],
      }),
    }),
  );
  // Binary body, noise only.
  for (let i = 0; i < 5; i++) {
    out.push(
      makeResult({
        exchangeId: ++id,
        url: `/avatars/${i}.png`,
        route: '/avatars/:file',
        verdict: 'noise',
        recorded: makeRecorded(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 4]), { headers: [['content-type', 'image/png']] }),
        candidate: makeObserved(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 5]), { headers: [['content-type', 'image/png']] }),
        comparison: makeComparison({
          filtered: [makeDifference({ path: '', op: 'replace', change: 'bytes changed', filteredBy: 'learned: bytes vary between repeats' })],
        }),
      }),
    );
  }
  out.push(makeResult({ exchangeId: ++id, url: '/slow', route: '/slow', verdict: 'error' }));
  out.push(makeResult({ exchangeId: ++id, url: `/skip/${XSS_IMG}`, route: '/skip/:x', verdict: 'skipped' }));
  return out;
}

/** Writes the reports `names` of `results`; `html` passes options to the page's group accumulator. */
export async function writeReport(
  results: Iterable<ReplayResult>,
  names = ['html'],
  more: Partial<Pick<RunSummary, 'unreproduced' | 'metrics'>> = {},
  html: GroupAccumulatorOptions = {},
): Promise<{ dir: string; summary: RunSummary }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rg-report-'));
  const ctx = { outDir: dir, config: defaultConfig(), stdout: process.stdout, isTTY: false, githubStepSummary: null };
  const reporters = createReporters(names, ctx).map((r) => (r.name === 'html' ? createHtmlReporter(ctx, html) : r));
  const summary = await driveReporters(reporters, makeRunInfo({ baseline: 'http://baseline:3001', session: `night ${XSS_IMG}` }), results, {
    extras: (s) => ({
      learnedNoise: [{ method: 'GET', route: '/users/:id', target: 'body', path: '/updatedAt', kind: 'value varies (timestamp)', source: 'baseline', exchanges: 12, examples: ['2025-01-01T00:00:00Z', XSS_IMG] }],
      latency: [
        { method: 'GET', route: '/users/:id', recorded: { samples: 40, p50: 12, p95: 30 }, baseline: { samples: 40, p50: 11, p95: 31 }, candidate: { samples: 40, p50: 40, p95: 120 }, flagged: true, reason: 'p95 120 ms vs 31 ms (×3.9, +89 ms)' },
        { method: 'POST', route: '/orders/:id/pay', recorded: null, baseline: null, candidate: { samples: 7, p50: 8, p95: 9 }, flagged: false, reason: 'no baseline' },
      ],
      exitCode: s.counts.regression ? 1 : 0,
      exitReason: s.counts.regression ? `${s.counts.regression} regressions (failOn: regression)` : 'no regressions',
      durationMs: 61_500,
      ...more,
    }),
  });
  return { dir, summary };
}
