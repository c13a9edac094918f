import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SESSION, FAULT_PLAN, faultTraffic, recordAppAndDependency, replayUnderFaults } from '../../../examples/fault-scenario.js';
import { startDemoApi } from '../../../examples/demo-api/app.js';
import { startPricingApi } from '../../../examples/pricing-api.js';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import { replay } from '../../../src/run/replay.js';
import { openRecordingStore } from '../../../src/store/open-store.js';
import { startStub } from '../../../src/stub/stub-server.js';
import type { ReplayResult, RunSummary } from '../../../src/types/run.js';
import { readResults } from '../../helpers/replay.js';

const QUOTE = 'GET /api/quote/:id';
let dir: string;
let db: string;
let n = 0;
const out = (): string => path.join(dir, `out-${++n}`);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rg-oracle-'));
  db = path.join(dir, 'shop.db');
  await recordAppAndDependency(db);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = (r: { method: string; route: string }): string => `${r.method} ${r.route}`;
const failingRoutes = (s: RunSummary): string[] => s.routes.filter((r) => r.regression + r.error + r.unreproduced > 0).map(key);

describe('resilience judged by comparison (--oracle baseline, stubs with one fault plan)', () => {
  it('records an app and its dependency as two sessions of one database, nothing dropped', async () => {
    const store = await openRecordingStore(db, { readonly: true });
    try {
      const sessions = Object.fromEntries((await store.listSessions()).map((s) => [s.name, s]));
      expect(sessions[APP_SESSION]).toMatchObject({ exchanges: faultTraffic().length, dropped: 0 });
      expect(sessions.pricing).toMatchObject({ exchanges: 16, dropped: 0 });
    } finally {
      await store.close();
    }
  });

  it('an identical candidate under latency, 503 and resets is clean, and the stubs saw every fault of the plan', async () => {
    const outcome = await replayUnderFaults({ db, out: out(), candidate: 'full' });
    expect(outcome.summary.counts).toMatchObject({ regression: 0, error: 0, unreproduced: 0, skipped: 0, total: faultTraffic().length });
    expect(outcome.summary.latency.filter((l) => l.flagged)).toEqual([]);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.summary.oracle).toBe('baseline');
    const stubs = outcome.summary.stubs!;
    expect(stubs).toHaveLength(2);
    for (const s of stubs) {
      expect(s).toMatchObject({ misses: 0, hits: 16, requests: 16 });
      for (const f of s.faults) expect(f.injected, f.rule).toBeGreaterThan(0);
    }
    expect(stubs[0]!.faults).toEqual(stubs[1]!.faults);
    expect(stubs[0]!.faults.map((f) => f.rule)).toEqual(FAULT_PLAN.faults.map((f) => f.name));
  }, 120_000);

  it('a candidate without the fallback is flagged with the status and body difference, on the dependent route only', async () => {
    const o = out();
    const outcome = await replayUnderFaults({ db, out: o, candidate: 'no-fallback' });
    expect(outcome.exitCode).toBe(1);
    expect(failingRoutes(outcome.summary)).toEqual([QUOTE]);
    const injected = outcome.summary.stubs![0]!.faults.reduce((t, f) => t + f.injected, 0);
    // Every faulted pricing call is one regression: 500 where the baseline degraded to the catalogue price.
    expect(outcome.summary.counts.regression).toBe(injected);
    const signatures = outcome.summary.signatures.filter((s) => s.verdict === 'regression').map((s) => s.signature);
    expect(signatures).toContain('status::200 → 500');
    const results: ReplayResult[] = await readResults(outcome.resultsDb);
    const flagged = results.filter((r) => r.verdict === 'regression');
    for (const r of flagged) {
      expect(r.candidate!.status).toBe(500);
      expect(r.baseline!.status).toBe(200);
      expect(JSON.parse(r.baseline!.body.bytes!.toString())).toMatchObject({ source: 'catalogue', degraded: true });
    }
    // The faults in play are shown next to the exchange where the target passed the header on.
    const summaryJson = JSON.parse(readFileSync(path.join(o, 'summary.json'), 'utf8')) as { stubs: unknown[] };
    expect(summaryJson.stubs).toHaveLength(2);
    expect(readFileSync(path.join(o, 'summary.md'), 'utf8')).toContain('Dependencies (stubs)');
    expect(readFileSync(path.join(o, 'report.html'), 'utf8')).toContain('faults in play: candidate pricing 503; baseline pricing 503');
  }, 120_000);

  it('a candidate without the timeout is flagged (error or latency) on exactly the routes that use the dependency', async () => {
    const outcome = await replayUnderFaults({ db, out: out(), candidate: 'no-timeout', config: { latency: { minSamples: 3 } } });
    expect(outcome.exitCode).toBe(1);
    const slow = outcome.summary.latency.filter((l) => l.flagged).map(key);
    const failing = failingRoutes(outcome.summary);
    expect([...new Set([...slow, ...failing])]).toEqual([QUOTE]);
    // A quarter of the quotes wait 2.5 s instead of the baseline's 1 s timeout: the median does not move,
    // and the latency judge (Mann–Whitney U plus effect size) flags shifts, not a tail of 4 in 16; the
    // route fails on its exchanges. What must hold is that no other route is called slower.
    expect(slow.filter((k) => k !== QUOTE)).toEqual([]);
  }, 120_000);

  it('plain replays: stubs without faults remove the dependency noise at the source (pass), where the live dependency needs learning (noise)', async () => {
    const stubbed = await replayUnderFaults({ db, out: out(), candidate: 'full', plan: null, config: { replay: { oracle: 'recording' } } });
    expect(stubbed.summary.counts).toMatchObject({ pass: faultTraffic().length, regression: 0, noise: 0 });

    const pricing = await startPricingApi();
    const candidate = await startDemoApi({ variant: 'baseline', pricingUrl: pricing.url });
    const baseline = await startDemoApi({ variant: 'baseline', pricingUrl: pricing.url });
    try {
      const live = await replay({
        config: defaultConfig({ db, replay: { session: APP_SESSION, out: out(), target: candidate.url, baseline: baseline.url, concurrency: 1 } }),
        reporters: ['json'],
      });
      // Same verdict on every route (nothing regressed), but only by learning the live quotes' clock as noise.
      expect(live.summary.counts).toMatchObject({ regression: 0, error: 0, unreproduced: 0 });
      expect(live.summary.routes.find((r) => key(r) === QUOTE)!.noise).toBeGreaterThan(0);
      expect(live.summary.learnedNoise.map((l) => l.path)).toContain('/quotedAt');
    } finally {
      await Promise.all([candidate.close(), baseline.close(), pricing.close()]);
    }
  }, 120_000);

  it('a stub miss is never silent: the run fails naming the stub and the miss', async () => {
    // The wrong session served as the pricing service: every pricing call misses (a 502 naming the closest).
    const config = defaultConfig({ db, stub: { session: APP_SESSION, port: 0 } });
    const stubs = [await startStub({ config }), await startStub({ config })];
    const candidate = await startDemoApi({ variant: 'baseline', pricingUrl: stubs[0]!.url });
    const baseline = await startDemoApi({ variant: 'baseline', pricingUrl: stubs[1]!.url });
    try {
      const outcome = await replay({
        config: defaultConfig({ db, replay: { session: APP_SESSION, out: out(), target: candidate.url, baseline: baseline.url, oracle: 'baseline', concurrency: 1, stubs: stubs.map((s) => s.url) } }),
        reporters: ['json'],
      });
      expect(outcome.summary.counts.regression).toBe(0);
      expect(outcome.exitCode).toBe(1);
      expect(outcome.exitReason).toContain(`stub ${stubs[0]!.url} (session "${APP_SESSION}") answered 16 requests nothing recorded matches`);
      expect(outcome.summary.stubs![0]!.missDetails[0]).toMatchObject({ method: 'GET', url: '/price/1?currency=EUR', count: 2 });
    } finally {
      await Promise.all([candidate.close(), baseline.close(), ...stubs.map((s) => s.close())]);
    }
  }, 120_000);

  it('refuses --oracle baseline without a baseline, and an unreachable stub before any request', async () => {
    await expect(replay({ config: defaultConfig({ db, replay: { session: APP_SESSION, out: out(), target: 'http://127.0.0.1:1', oracle: 'baseline' } }), reporters: [] })).rejects.toMatchObject({ code: 'RG_ERR_USAGE' });
    await expect(
      replay({ config: defaultConfig({ db, replay: { session: APP_SESSION, out: out(), target: 'http://127.0.0.1:1', stubs: ['http://127.0.0.1:1'] } }), reporters: [] }),
    ).rejects.toMatchObject({ code: 'RG_ERR_STUB_STATS', message: expect.stringContaining('http://127.0.0.1:1') });
  });
});
