import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { findRun } from '../../../src/store/find-run.js';
import { openResultsStore } from '../../../src/store/open-store.js';
import { gets, recordSession, replayRecorded, runCliCaptured, type ScriptedRequest } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A server that logs when each request starts and ends (in one ordered event list) and how many are
 * in flight, and holds each one `delayMs` so overlaps are observable.
 */
async function observingServer(delayMs: number) {
  const events: Array<{ kind: 'start' | 'end'; key: string }> = [];
  let inflight = 0;
  let maxInflight = 0;
  const state = { delayMs: 0 };
  const server = await startServer(async (req, res) => {
    const key = `${req.method} ${req.url}`;
    inflight++;
    maxInflight = Math.max(maxInflight, inflight);
    events.push({ kind: 'start', key });
    await sleep(state.delayMs);
    events.push({ kind: 'end', key });
    inflight--;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, url: req.url }));
  });
  return {
    server,
    events,
    maxInflight: () => maxInflight,
    /** Forget what recording did and start delaying. */
    arm() {
      events.length = 0;
      maxInflight = 0;
      state.delayMs = delayMs;
    },
  };
}

describe('replay scheduling over real HTTP', () => {
  it('mutating requests replay in recorded order, alone; reads overlap', async () => {
    const script: ScriptedRequest[] = [];
    const plan = ['GET', 'GET', 'GET', 'GET', 'POST', 'GET', 'GET', 'GET', 'PUT', 'GET', 'GET', 'GET', 'GET', 'DELETE', 'GET', 'GET', 'PATCH', 'GET', 'GET'];
    plan.forEach((method, i) => script.push({ method, path: `/r?n=${i}`, body: method === 'GET' || method === 'DELETE' ? undefined : { n: i } }));
    const s = await observingServer(30);
    const { dbFile } = await recordSession(s.server.url, script);
    s.arm();
    const run = await replayRecorded(dbFile, s.server.url, { overrides: { replay: { concurrency: 8 } } });
    expect(run.outcome.exitCode).toBe(0);

    const keys = script.map((r) => `${r.method ?? 'GET'} ${r.path}`);
    const startAt = (k: string) => s.events.findIndex((e) => e.kind === 'start' && e.key === k);
    const endAt = (k: string) => s.events.findIndex((e) => e.kind === 'end' && e.key === k);
    for (const k of keys) expect(startAt(k), k).toBeGreaterThanOrEqual(0);
    plan.forEach((method, i) => {
      if (method === 'GET') return;
      const m = keys[i]!;
      // Every earlier exchange ended before the mutation started; every later one started after it ended.
      for (const earlier of keys.slice(0, i)) expect(endAt(earlier), `${earlier} before ${m}`).toBeLessThan(startAt(m));
      for (const later of keys.slice(i + 1)) expect(startAt(later), `${later} after ${m}`).toBeGreaterThan(endAt(m));
      // Nothing else ran while it was in flight.
      expect(endAt(m)).toBe(startAt(m) + 1);
    });
    // Reads between barriers did overlap.
    expect(s.maxInflight()).toBeGreaterThan(1);
  });

  it('keeps at most --concurrency requests in flight', async () => {
    const s = await observingServer(25);
    const { dbFile } = await recordSession(s.server.url, gets(...Array.from({ length: 24 }, (_, i) => `/c/${i}`)));
    for (const n of [1, 3]) {
      s.arm();
      const run = await replayRecorded(dbFile, s.server.url, { overrides: { replay: { concurrency: n } } });
      expect(run.results).toHaveLength(24);
      expect(s.maxInflight()).toBe(n);
    }
  });

  it('--rate spaces request starts (10 requests at 20/s take at least ~400 ms)', async () => {
    const s = await observingServer(0);
    const { dbFile } = await recordSession(s.server.url, gets(...Array.from({ length: 10 }, (_, i) => `/rate/${i}`)));
    s.arm();
    const t0 = performance.now();
    const run = await replayRecorded(dbFile, s.server.url, { overrides: { replay: { concurrency: 8, rate: 20 } } });
    const elapsed = performance.now() - t0;
    expect(run.results).toHaveLength(10);
    // Nine gaps of 50 ms between ten starts; a little slack for timer granularity.
    expect(elapsed).toBeGreaterThanOrEqual(400);
  });
});

describe('transport failures', () => {
  it('a request past --timeout is an `error` result and the run completes', async () => {
    const mode = { slow: false };
    // /slow answers only once the run is over: past any timeout, however loaded the machine. The
    // timeout is long enough for the fast answers to arrive on a loaded machine (200 ms was not).
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const server = await startServer(async (req, res) => {
      if (mode.slow && req.url === '/slow') await released;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const { dbFile } = await recordSession(server.url, gets('/fast/1', '/slow', '/fast/2'));
    mode.slow = true;
    const run = await replayRecorded(dbFile, server.url, { overrides: { replay: { timeout: 5_000 } } }).finally(release);
    expect(run.results.map((r) => [r.url, r.verdict])).toEqual([
      ['/fast/1', 'pass'],
      ['/slow', 'error'],
      ['/fast/2', 'pass'],
    ]);
    expect(run.results[1]!.error).toMatchObject({ kind: 'timeout' });
    expect(run.outcome.exitCode).toBe(1);
    expect(run.outcome.summary.counts).toMatchObject({ error: 1, pass: 2, total: 3 });
  });

  it('a target that resets connections gives `error` results and the run completes', async () => {
    const mode = { reset: false };
    const server = await startServer((req, res) => {
      if (mode.reset && req.url!.startsWith('/reset')) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const script = gets('/reset/1', '/ok/1', '/reset/2', '/ok/2', '/reset/3', '/reset/4', '/reset/5', '/reset/6', '/ok/3');
    const { dbFile } = await recordSession(server.url, script);
    mode.reset = true;
    const run = await replayRecorded(dbFile, server.url, { overrides: { replay: { concurrency: 2 } } });
    expect(run.results).toHaveLength(script.length);
    for (const r of run.results) {
      if (r.url.startsWith('/reset')) {
        expect(r.verdict, r.url).toBe('error');
        expect(r.error!.kind, r.url).toBe('reset');
      } else expect(r.verdict, r.url).toBe('pass');
    }
    expect(run.outcome.exitCode).toBe(1);
    const junit = readFileSync(path.join(run.outDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<error message="reset:/);
  });
});

describe('outputs', () => {
  it('results.db holds one result per exchange; `replayguard report` regenerates report.html; summaries carry the counts', async () => {
    const server = await startServer((req, res) => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url }));
    });
    const { dbFile } = await recordSession(server.url, gets('/a', '/b', '/c', '/missing'));
    const stepSummary = path.join(tempDir(), 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const run = await replayRecorded(dbFile, server.url, { githubStepSummary: stepSummary });
    expect(run.outcome.exitCode).toBe(0);

    const store = await openResultsStore(run.outcome.resultsDb, { readonly: true });
    try {
      const { run: info } = await findRun(store, 'latest');
      expect(await store.countResults(info.id)).toBe(4);
      expect(new Set(run.results.map((r) => r.exchangeId)).size).toBe(4);
      expect(info.exitCode).toBe(0);
    } finally {
      await store.close();
    }

    const summary = JSON.parse(readFileSync(path.join(run.outDir, 'summary.json'), 'utf8')) as { counts: Record<string, number> };
    expect(summary.counts).toMatchObject({ total: 4, pass: 4, regression: 0, error: 0 });
    const md = readFileSync(path.join(run.outDir, 'summary.md'), 'utf8');
    expect(md.length).toBeGreaterThan(0);
    const step = readFileSync(stepSummary, 'utf8');
    expect(step.startsWith('# earlier step\n')).toBe(true);
    expect(step).toContain(md.trim().split('\n')[0]!);

    rmSync(run.outcome.reportPath);
    const cli = await runCliCaptured(['report', '--out', run.outDir], { cwd: path.dirname(dbFile) });
    expect(cli.code, cli.err).toBe(0);
    expect(existsSync(run.outcome.reportPath)).toBe(true);
    expect(readFileSync(run.outcome.reportPath, 'utf8')).toContain('/missing');
  });
});
