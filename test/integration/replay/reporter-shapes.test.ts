import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import { driveReporters } from '../../../src/report/drive-reporters.js';
import type { Reporter } from '../../../src/report/reporter.js';
import { replay } from '../../../src/run/replay.js';
import { findRun } from '../../../src/store/find-run.js';
import { openResultsStore } from '../../../src/store/open-store.js';
import type { ReplayResult } from '../../../src/types/run.js';
import { captureStream, recordSession, type ScriptedRequest } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

/** A reporter that keeps every result it is handed (and the provisional ones apart). */
function keeper(): Reporter & { results: ReplayResult[]; provisional: ReplayResult[] } {
  const results: ReplayResult[] = [];
  const provisional: ReplayResult[] = [];
  return { name: 'keeper', results, provisional, onResult: (r) => void results.push(r), onProgress: (r) => void provisional.push(r) };
}

/**
 * The shape of a value: keys (sorted) and kinds all the way down, values left out. Two results of the
 * same exchange in different runs differ in timings and ids, never in shape.
 */
function shapeOf(v: unknown): unknown {
  if (v === null) return 'null';
  if (Buffer.isBuffer(v)) return 'bytes';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : ['array', shapeOf(v[0])];
  if (typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, shapeOf((v as Record<string, unknown>)[k])]));
  return typeof v;
}

async function regenerated(resultsDb: string, runId: number): Promise<ReplayResult[]> {
  const store = await openResultsStore(resultsDb, { readonly: true });
  try {
    const { run } = await findRun(store, String(runId));
    const k = keeper();
    await driveReporters([k], run, store.results(run.id), { extras: { learnedNoise: [], latency: [], exitCode: 0, exitReason: '', durationMs: 0 } });
    return k.results;
  } finally {
    await store.close();
  }
}

describe('reporters see one shape of result in every mode', () => {
  it('live, learning (provisional and final) and regenerated runs hand over the same results, in the same shape', async () => {
    const body = (url: string, changed: boolean) => JSON.stringify({ url, price: changed ? '3' : 3, tags: ['a', 'b'] });
    const recorded = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-trace': 'same' });
      res.end(body(req.url!, false));
    });
    const candidate = await startServer((req, res) => {
      res.writeHead(req.url === '/gone' ? 404 : 200, { 'content-type': 'application/json', 'x-trace': 'same' });
      res.end(body(req.url!, req.url === '/changed'));
    });
    const script: ScriptedRequest[] = [{ path: '/same' }, { path: '/changed' }, { path: '/gone' }, { path: '/posted', method: 'POST', body: { n: 1 } }, { path: '/again' }];
    const { dbFile } = await recordSession(recorded.url, script);

    const runOnce = async (repeat: number) => {
      const k = keeper();
      const outDir = path.join(tempDir('rg-shapes-'), 'out');
      const config = defaultConfig({ db: dbFile, replay: { target: candidate.url, out: outDir, concurrency: 1, repeat }, noise: { learn: true } });
      const outcome = await replay({ config, cwd: path.dirname(dbFile), env: {}, reporters: [k], stdout: captureStream(), isTTY: false, githubStepSummary: null });
      return { k, outcome };
    };

    const live = await runOnce(1);
    expect(live.k.provisional).toEqual([]);
    expect(live.k.results.map((r) => [r.url, r.verdict])).toEqual([
      ['/same', 'pass'],
      ['/changed', 'regression'],
      ['/gone', 'regression'],
      ['/posted', 'pass'],
      ['/again', 'pass'],
    ]);
    // Regenerated from results.db: the very same results, bytes included.
    expect(await regenerated(live.outcome.resultsDb, live.outcome.summary.run.id)).toEqual(live.k.results);

    // Learning from repeats: provisional results while the run is seen, final ones after.
    const learning = await runOnce(2);
    expect(learning.k.provisional.map((r) => r.url)).toEqual(script.map((s) => s.path));
    expect(learning.k.results.map((r) => [r.url, r.verdict])).toEqual(live.k.results.map((r) => [r.url, r.verdict]));
    expect(await regenerated(learning.outcome.resultsDb, learning.outcome.summary.run.id)).toEqual(learning.k.results);

    // Across modes (different runs: other timings and run ids), every result has the same shape,
    // a passing one too (no headers, no bodies: its recording has them).
    const shapes = (rs: readonly ReplayResult[]) => rs.map(shapeOf);
    expect(shapes(learning.k.results)).toEqual(shapes(live.k.results));
    expect(shapes(learning.k.provisional)).toEqual(shapes(live.k.results));
    const pass = live.k.results[0]!;
    expect(pass.request.headers).toEqual([]);
    expect(pass.candidate!.headers).toEqual([]);
    expect(pass.candidate!.body.bytes).toBeNull();
    const regression = live.k.results[1]!;
    expect(regression.candidate!.body.bytes!.toString()).toBe(body('/changed', true));
    expect(regression.candidate!.headers).toContainEqual(['x-trace', 'same']);
  });
});
