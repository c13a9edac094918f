import { describe, expect, it } from 'vitest';
import type { NewRun, ResultsStore } from '../../src/store/store.js';
import { storedForm } from '../../src/store/stored-result.js';
import { makeBody, makeComparison, makeDifference, makeObserved, makeRecorded, makeResult, makeSummary } from './factories.js';
import { collect, storeUnderTest } from './store-under-test.js';

export function makeNewRun(over: Partial<NewRun> = {}): NewRun {
  return {
    startedAt: 1_700_000_000_000,
    target: 'http://candidate:3000',
    baseline: null,
    recordingsDb: '/data/rec.db',
    session: 'monday',
    configFingerprint: 'abc123def456',
    config: { replay: { concurrency: 8 }, noise: { rules: [{ kind: 'ignore', path: '/id' }] } },
    ...over,
  };
}

/**
 * The contract every ResultsStore backend must pass; `makeStore(dir)` as for the recording store
 * contract (fresh and empty, and the same data again for the same `dir`).
 */
export function runResultsStoreContract(name: string, makeStore: (dir: string) => Promise<ResultsStore>): void {
  describe(`ResultsStore contract: ${name}`, () => {
    let store: ResultsStore;
    const { reopen } = storeUnderTest('rg-results-', makeStore, (s) => (store = s));

    it('creates runs, finds them by id and as latest, lists them in order; unknown refs give undefined', async () => {
      expect(await store.findRun('latest')).toBeUndefined();
      const a = await store.createRun(makeNewRun({ session: 'a' }));
      expect(a).toMatchObject({ session: 'a', target: 'http://candidate:3000', endedAt: null, exitCode: null });
      expect(a.counts).toEqual({ pass: 0, noise: 0, regression: 0, unreproduced: 0, error: 0, skipped: 0, total: 0 });
      const b = await store.createRun(makeNewRun({ session: 'b', baseline: 'http://baseline:3000' }));
      expect(b.id).not.toBe(a.id);
      expect((await store.findRun('latest'))?.run.id).toBe(b.id);
      const found = await store.findRun(String(a.id));
      expect(found?.run).toEqual(a);
      expect(found?.summary).toBeNull();
      expect(found?.config).toEqual(makeNewRun().config);
      expect((await store.findRun(String(b.id)))?.run.baseline).toBe('http://baseline:3000');
      expect(await store.findRun('987654')).toBeUndefined();
      expect(await store.findRun('nightly')).toBeUndefined();
      expect((await store.listRuns()).map((r) => r.session)).toEqual(['a', 'b']);
    });

    it('streams results in recorded order whatever order they were appended in, per run, across pages', async () => {
      const run = await store.createRun(makeNewRun());
      const other = await store.createRun(makeNewRun());
      const seqs = Array.from({ length: 40 }, (_, i) => i + 1);
      // Concurrent replay finishes out of order: a fixed shuffle.
      const shuffled = seqs.map((s, i) => ({ s, k: (i * 17) % 40 })).sort((x, y) => x.k - y.k).map((x) => x.s);
      for (let i = 0; i < shuffled.length; i += 9) {
        await store.append(shuffled.slice(i, i + 9).map((seq) => makeResult({ runId: run.id, exchangeId: 1000 + seq, seq, url: `/r/${seq}` })));
      }
      await store.append([makeResult({ runId: other.id, exchangeId: 1, seq: 1, url: '/other' })]);
      const back = await collect(store.results(run.id, { batchSize: 7 }));
      expect(back.map((r) => r.seq)).toEqual(seqs);
      expect(back.map((r) => r.url)).toEqual(seqs.map((s) => `/r/${s}`));
      expect(back.every((r) => r.runId === run.id)).toBe(true);
      expect(await store.countResults(run.id)).toBe(40);
      expect((await collect(store.results(other.id))).map((r) => r.url)).toEqual(['/other']);
      expect(await collect(store.results(987_654))).toEqual([]);
      expect(await store.countResults(987_654)).toBe(0);
    });

    it('keeps a non-passing result whole: headers, binary and empty bodies, comparison, failure', async () => {
      const run = await store.createRun(makeNewRun());
      const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) % 256));
      const regression = makeResult({
        runId: run.id,
        exchangeId: 1,
        seq: 1,
        verdict: 'regression',
        comparison: makeComparison({ differences: [makeDifference()], filtered: [makeDifference({ path: '/at', op: 'replace', change: 'value changed', filteredBy: 'ignore /at' })], notes: ['compared as JSON'] }),
        request: { method: 'POST', url: '/upload', headers: [['Content-Type', 'application/octet-stream'], ['X-Repeat', 'a'], ['x-repeat', 'b']], body: makeBody(binary) },
        recorded: makeRecorded({ id: 1, email: 'a@example.com' }, { headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']] }),
        candidate: makeObserved({ id: 1 }, { status: 201, body: { bytes: Buffer.alloc(0), size: 0, truncated: false } }),
        baseline: makeObserved({ id: 1, email: 'a@example.com' }, { body: { bytes: Buffer.from('cut'), size: 9000, truncated: true } }),
      });
      const sameAsRecorded = makeResult({ runId: run.id, exchangeId: 2, seq: 2, verdict: 'noise', recorded: makeRecorded({ id: 2 }), candidate: makeObserved({ id: 2 }) });
      const failed = makeResult({ runId: run.id, exchangeId: 3, seq: 3, verdict: 'error' });
      const skipped = makeResult({ runId: run.id, exchangeId: 4, seq: 4, verdict: 'skipped' });
      await store.append([regression, sameAsRecorded, failed, skipped]);
      await reopen();
      const back = await collect(store.results(run.id));
      expect(back).toEqual([regression, sameAsRecorded, failed, skipped]);
      expect(Buffer.isBuffer(back[0]!.request.body.bytes)).toBe(true);
      expect(back[0]!.candidate!.body.bytes!.length).toBe(0);
      expect(back[2]!.candidate).toBeNull();
    });

    it('keeps a passing result in its stored form (no headers, no bodies; sizes, status and timings kept)', async () => {
      const run = await store.createRun(makeNewRun());
      const pass = makeResult({ runId: run.id, exchangeId: 9, seq: 9, verdict: 'pass', request: { method: 'GET', url: '/users/9', headers: [['accept', 'application/json']], body: makeBody('q') } });
      await store.append([pass]);
      const [back] = await collect(store.results(run.id));
      expect(back).toEqual(storedForm(pass));
      expect(back!.candidate).toMatchObject({ status: 200, headers: [], body: { bytes: null, size: pass.candidate!.body.size, truncated: false }, timing: pass.candidate!.timing });
      expect(back!.request.body).toEqual({ bytes: null, size: 1, truncated: false });
    });

    it('reclassifies results already stored (verdict and comparison), bodies untouched', async () => {
      const run = await store.createRun(makeNewRun());
      const r1 = makeResult({ runId: run.id, exchangeId: 1, seq: 1, verdict: 'regression' });
      const r2 = makeResult({ runId: run.id, exchangeId: 2, seq: 2, verdict: 'regression' });
      await store.append([r1, r2]);
      const comparison = makeComparison({ filtered: [{ ...r1.comparison!.differences[0]!, filteredBy: 'learned: value varies' }] });
      await store.reclassify([{ ...r1, verdict: 'noise', comparison }]);
      await store.reclassify([]);
      const [a, b] = await collect(store.results(run.id));
      expect(a).toEqual({ ...r1, verdict: 'noise', comparison });
      expect(b).toEqual(r2);
    });

    it('finishes a run: summary, counts, end time and exit code read back, across reopen', async () => {
      const run = await store.createRun(makeNewRun());
      await store.append([makeResult({ runId: run.id, exchangeId: 1, seq: 1, verdict: 'regression' })]);
      const counts = { pass: 0, noise: 0, regression: 1, unreproduced: 0, error: 0, skipped: 0, total: 1 };
      const finished = { ...run, endedAt: run.startedAt + 5000, counts, exitCode: 1 };
      const summary = makeSummary({ run: finished, counts, exitCode: 1, exitReason: '1 regression', durationMs: 5000 });
      await store.finishRun(summary);
      await reopen();
      const found = await store.findRun('latest');
      expect(found?.run).toEqual(finished);
      expect(found?.summary).toEqual(summary);
      expect((await store.listRuns())[0]).toEqual(finished);
      expect(await store.countResults(run.id)).toBe(1);
    });

    it('names where its data lives, and closes more than once without error', async () => {
      expect(store.location.length).toBeGreaterThan(0);
      await store.close();
      await store.close();
    });
  });
}
