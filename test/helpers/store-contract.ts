import { describe, expect, it } from 'vitest';
import { defaultTemplater } from '../../src/routes/route-template.js';
import type { RecordingStore, ResultsStore } from '../../src/store/store.js';
import type { HeaderPairs, NewExchange, StoredBody } from '../../src/types.js';
import { runResultsStoreContract } from './results-store-contract.js';
import { collect, storeUnderTest } from './store-under-test.js';

/** A body as the recorder hands it over: complete, not truncated. */
export function body(bytes: Buffer | string | null): StoredBody {
  const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return { bytes: b, size: b?.length ?? 0, truncated: false };
}

/** A finished exchange as the recorder's writer hands it to the store (route assigned); override any part. */
export function makeExchange(over: Partial<NewExchange> & { url?: string; method?: string } = {}): NewExchange {
  const { url = '/api/users/1', method = 'GET', ...rest } = over;
  return {
    route: defaultTemplater.templateOf(url),
    startedAt: 1_700_000_000_000,
    upstream: 'http://upstream.test:8080',
    request: { method, url, headers: [['host', 'upstream.test']], body: body(null) },
    response: { status: 200, headers: [['content-type', 'application/json']], body: body('{"ok":true}') },
    timing: { ttfbMs: 1.5, totalMs: 2.5 },
    failure: null,
    ...rest,
  };
}

/**
 * The contract every RecordingStore backend must pass (Polly.js runs one persister suite against
 * every backend the same way). `makeStore(dir)` opens a fresh, empty store whose data lives in `dir`;
 * calling it again with the same `dir` must reopen the same data.
 *
 * Beyond the interface's doc comments the contract fixes two things a backend could get wrong:
 * `(session, seq)` is unique (a batch repeating a seq is refused as a whole), and `bytes` in the
 * stats counts stored body bytes (request + response), not wire sizes.
 */
/**
 * A backend's factories: each opens a fresh, empty store whose data lives under `dir` (a temp folder,
 * or a key the backend maps to a schema); called again with the same `dir`, it reopens the same data.
 */
export interface StoreFactories {
  recordings: (dir: string) => Promise<RecordingStore>;
  results: (dir: string) => Promise<ResultsStore>;
}

/** Both contracts, for one backend: the one line a backend's test file needs. */
export function runStoreContracts(name: string, factories: StoreFactories): void {
  runStoreContract(name, factories.recordings);
  runResultsStoreContract(name, factories.results);
}

export function runStoreContract(name: string, makeStore: (dir: string) => Promise<RecordingStore>): void {
  describe(`RecordingStore contract: ${name}`, () => {
    let store: RecordingStore;
    const { reopen, another } = storeUnderTest('rg-store-', makeStore, (s) => (store = s));

    describe('sessions', () => {
      it('opens a new session, and reuses it (reopened, not ended) under the same name', async () => {
        const a = await store.openSession({ name: 'alpha', upstream: 'http://a:1', startedAt: 1000 });
        expect(a).toMatchObject({ name: 'alpha', upstream: 'http://a:1', startedAt: 1000, endedAt: null });
        expect(typeof a.id).toBe('number');
        const b = await store.openSession({ name: 'beta', upstream: 'http://b:1', startedAt: 2000 });
        expect(b.id).not.toBe(a.id);
        await store.endSession(a.id, 1500);
        expect((await store.findSession('alpha'))?.endedAt).toBe(1500);
        const again = await store.openSession({ name: 'alpha', upstream: 'http://a:1', startedAt: 3000 });
        expect(again.id).toBe(a.id);
        expect(again.endedAt).toBeNull();
        expect((await store.findSession('alpha'))?.endedAt).toBeNull();
        expect((await store.listSessions()).map((s) => s.name)).toEqual(['alpha', 'beta']);
      });

      it('finds sessions by name, by numeric id and as latest; unknown refs give undefined', async () => {
        expect(await store.findSession('latest')).toBeUndefined();
        const first = await store.openSession({ name: 'first', upstream: 'http://u', startedAt: 1000 });
        const second = await store.openSession({ name: 'second', upstream: 'http://u', startedAt: 5000 });
        const older = await store.openSession({ name: 'older', upstream: 'http://u', startedAt: 10 });
        expect((await store.findSession('first'))?.id).toBe(first.id);
        expect((await store.findSession(String(second.id)))?.name).toBe('second');
        expect((await store.findSession('latest'))?.id).toBe(second.id);
        expect((await store.findSession(String(older.id)))?.name).toBe('older');
        expect(await store.findSession('missing')).toBeUndefined();
        expect(await store.findSession('987654')).toBeUndefined();
      });

      it('prefers a session named like a number over the session with that id', async () => {
        const one = await store.openSession({ name: 'one', upstream: 'http://u', startedAt: 1 });
        const named = await store.openSession({ name: String(one.id), upstream: 'http://u', startedAt: 2 });
        expect((await store.findSession(String(one.id)))?.id).toBe(named.id);
      });

      it('keeps sessions, exchanges and counters across close and reopen', async () => {
        const s = await store.openSession({ name: 'persist', upstream: 'http://u', startedAt: 1 });
        await store.append(s.id, [makeExchange(), makeExchange({ url: '/api/users/2' })]);
        await store.addDropped(s.id, 3);
        await store.endSession(s.id, 99);
        await reopen();
        const found = await store.findSession('persist');
        expect(found).toEqual({ id: s.id, name: 'persist', upstream: 'http://u', startedAt: 1, endedAt: 99 });
        expect(await store.countExchanges(s.id)).toBe(2);
        expect((await store.listSessions())[0]).toMatchObject({ dropped: 3, exchanges: 2 });
      });
    });

    describe('revisions and approvals', () => {
      it('numbers revisions after the newest, picks the newest complete one by bare name, and any by name@n', async () => {
        const s = await store.openSession({ name: 'nightly', upstream: 'http://u', startedAt: 1 });
        await store.append(s.id, [makeExchange({ url: '/a' }), makeExchange({ url: '/b' })]);
        await store.endSession(s.id, 2);
        const r2 = await store.createRevision(s.id, 100);
        expect(r2).toMatchObject({ name: 'nightly@2', revision: 2, baseName: 'nightly', upstream: 'http://u', startedAt: 100, endedAt: null });
        // Not complete yet: a bare name still means revision 1.
        expect((await store.findSession('nightly'))?.id).toBe(s.id);
        await store.append(r2.id, [makeExchange({ url: '/a', seq: 1 }), makeExchange({ url: '/b', seq: 2, response: { status: 201, headers: [], body: body('new') } })]);
        await store.endSession(r2.id, 101);
        expect((await store.findSession('nightly'))?.id).toBe(r2.id);
        expect((await store.findSession('nightly@2'))?.id).toBe(r2.id);
        expect(await store.findSession('nightly@1')).toEqual({ id: s.id, name: 'nightly', upstream: 'http://u', startedAt: 1, endedAt: 2 });
        expect(await store.findSession('nightly@9')).toBeUndefined();
        const copied = await collect(store.iterate(r2.id));
        expect(copied.map((e) => [e.seq, e.request.url, e.response?.status])).toEqual([[1, '/a', 200], [2, '/b', 201]]);
        // A revision of an old revision is numbered after the newest, and revises the same session.
        const r3 = await store.createRevision(s.id, 200);
        expect(r3).toMatchObject({ name: 'nightly@3', revision: 3, baseName: 'nightly' });
        await store.endSession(r3.id, 201);
        await reopen();
        expect((await store.findSession('nightly'))?.name).toBe('nightly@3');
        expect((await store.listSessions()).map((x) => [x.name, x.revision ?? 1])).toEqual([['nightly', 1], ['nightly@2', 2], ['nightly@3', 3]]);
      });

      it('keeps an approvals log per session', async () => {
        const a = { session: 'nightly', revision: 2, as: 'behaviour' as const, by: 'ada', at: 5, run: 3, results: '/out/results.db', changes: [{ id: 'c0123456789', title: '/id number → string' }], exchanges: 4 };
        const stored = await store.addApproval(a);
        expect(stored).toEqual({ id: expect.any(Number), ...a });
        await store.addApproval({ ...a, session: 'other', as: 'noise', exchanges: 0 });
        await reopen();
        expect(await store.listApprovals('nightly')).toEqual([stored]);
        expect((await store.listApprovals()).map((x) => [x.session, x.as])).toEqual([['nightly', 'behaviour'], ['other', 'noise']]);
      });
    });

    describe('append', () => {
      it('returns one distinct id per exchange and assigns seqs after the last one', async () => {
        const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
        const ids = await store.append(s.id, [makeExchange(), makeExchange(), makeExchange()]);
        expect(ids).toHaveLength(3);
        expect(new Set(ids).size).toBe(3);
        const more = await store.append(s.id, [makeExchange()]);
        expect(ids).not.toContain(more[0]);
        const all = await collect(store.iterate(s.id));
        expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        expect(all.map((e) => e.id)).toEqual([...ids, ...more]);
        expect(all.every((e) => e.sessionId === s.id)).toBe(true);
      });

      it('keeps given seqs (arrival order at the proxy) and continues after the highest', async () => {
        const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
        await store.append(s.id, [makeExchange({ seq: 10, url: '/ten' }), makeExchange({ seq: 3, url: '/three' })]);
        await store.append(s.id, [makeExchange({ url: '/next' })]);
        const all = await collect(store.iterate(s.id));
        expect(all.map((e) => [e.seq, e.request.url])).toEqual([
          [3, '/three'],
          [10, '/ten'],
          [11, '/next'],
        ]);
      });

      it('numbers each session on its own', async () => {
        const a = await store.openSession({ name: 'a', upstream: 'http://u', startedAt: 1 });
        const b = await store.openSession({ name: 'b', upstream: 'http://u', startedAt: 2 });
        await store.append(a.id, [makeExchange({ url: '/a1' }), makeExchange({ url: '/a2' })]);
        await store.append(b.id, [makeExchange({ url: '/b1' })]);
        expect((await collect(store.iterate(b.id))).map((e) => [e.seq, e.request.url])).toEqual([[1, '/b1']]);
        expect((await collect(store.iterate(a.id))).map((e) => e.request.url)).toEqual(['/a1', '/a2']);
        expect(await store.countExchanges(a.id)).toBe(2);
        expect(await store.countExchanges(b.id)).toBe(1);
      });

      it('writes a batch all or nothing: a batch repeating a seq leaves the session as it was', async () => {
        const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
        await store.append(s.id, [makeExchange({ seq: 1 })]);
        await expect(store.append(s.id, [makeExchange({ seq: 2, url: '/good' }), makeExchange({ seq: 1, url: '/dup' })])).rejects.toThrow();
        expect(await store.countExchanges(s.id)).toBe(1);
        expect((await collect(store.iterate(s.id))).map((e) => e.request.url)).toEqual(['/api/users/1']);
        // The store is still usable after the failed batch.
        await store.append(s.id, [makeExchange({ url: '/after' })]);
        expect((await collect(store.iterate(s.id))).map((e) => [e.seq, e.request.url])).toEqual([
          [1, '/api/users/1'],
          [2, '/after'],
        ]);
      });

      it('allocates seqs from what is stored: a second writer on the same session continues the numbering, order kept', async () => {
        const s = await store.openSession({ name: 'again', upstream: 'http://u', startedAt: 1 });
        await store.append(s.id, Array.from({ length: 5 }, (_, i) => makeExchange({ url: `/first/${i}` })));
        // A second recorder process, as after a restart with the same --session (or one beside it).
        const other = await another();
        const again = await other.openSession({ name: 'again', upstream: 'http://u', startedAt: 2 });
        expect(again.id).toBe(s.id);
        await other.append(s.id, Array.from({ length: 3 }, (_, i) => makeExchange({ url: `/second/${i}` })));
        await store.append(s.id, [makeExchange({ url: '/first/5' })]);
        const all = await collect(store.iterate(s.id));
        expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(all.map((e) => e.request.url)).toEqual(['/first/0', '/first/1', '/first/2', '/first/3', '/first/4', '/second/0', '/second/1', '/second/2', '/first/5']);
      });

      it('accepts an empty batch', async () => {
        const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
        expect(await store.append(s.id, [])).toEqual([]);
        expect(await store.countExchanges(s.id)).toBe(0);
      });
    });

    describe('round trip', () => {
      it('stores every field as given: bytes exact (binary, empty vs none), headers in order, failures, timing', async () => {
        const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
        const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
        const headers: HeaderPairs = [
          ['Content-Type', 'application/octet-stream'],
          ['X-Repeat', 'first'],
          ['x-repeat', 'second'],
          ['X-Unicode', 'naïve ✓'],
        ];
        const full = makeExchange({
          startedAt: 1_712_345_678_901,
          upstream: 'http://staging:8080',
          method: 'POST',
          url: '/upload?name=a%20b&x=1&x=2',
          request: { method: 'POST', url: '/upload?name=a%20b&x=1&x=2', headers, body: { bytes: binary, size: 9000, truncated: true } },
          response: { status: 201, headers: [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']], body: body(Buffer.alloc(0)) },
          timing: { ttfbMs: 12.25, totalMs: 40.5 },
        });
        const failed = makeExchange({
          url: '/down',
          response: null,
          timing: { ttfbMs: null, totalMs: 3 },
          failure: { kind: 'refused', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' },
        });
        const noBody = makeExchange({ url: '/nothing', response: { status: 204, headers: [], body: body(null) } });
        const nulByte = makeExchange({ url: '/nul', response: { status: 200, headers: [], body: body(Buffer.from([0, 0, 1, 0])) } });
        await store.append(s.id, [full, failed, noBody, nulByte]);
        await reopen();
        const [a, b, c, d] = await collect(store.iterate(s.id));

        expect(a!.startedAt).toBe(1_712_345_678_901);
        expect(a!.upstream).toBe('http://staging:8080');
        expect(a!.request.method).toBe('POST');
        expect(a!.request.url).toBe('/upload?name=a%20b&x=1&x=2');
        expect(a!.request.headers).toEqual(headers);
        expect(Buffer.isBuffer(a!.request.body.bytes)).toBe(true);
        expect(a!.request.body.bytes!.equals(binary)).toBe(true);
        expect(a!.request.body.size).toBe(9000);
        expect(a!.request.body.truncated).toBe(true);
        expect(a!.response!.status).toBe(201);
        expect(a!.response!.headers).toEqual([
          ['Set-Cookie', 'a=1'],
          ['Set-Cookie', 'b=2'],
        ]);
        // An empty body stays an empty body; it does not become "no body".
        expect(a!.response!.body.bytes).not.toBeNull();
        expect(a!.response!.body.bytes!.length).toBe(0);
        expect(a!.response!.body).toMatchObject({ size: 0, truncated: false });
        expect(a!.timing).toEqual({ ttfbMs: 12.25, totalMs: 40.5 });
        expect(a!.failure).toBeNull();

        expect(b!.response).toBeNull();
        expect(b!.timing).toEqual({ ttfbMs: null, totalMs: 3 });
        expect(b!.failure).toEqual({ kind: 'refused', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' });
        expect(b!.request.body).toEqual({ bytes: null, size: 0, truncated: false });

        expect(c!.response!.status).toBe(204);
        expect(c!.response!.body.bytes).toBeNull();
        expect(d!.response!.body.bytes!.equals(Buffer.from([0, 0, 1, 0]))).toBe(true);
      });

      it('keeps a body of a mebibyte byte for byte', async () => {
        const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
        const big = Buffer.alloc(1024 * 1024);
        for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
        await store.append(s.id, [makeExchange({ response: { status: 200, headers: [], body: body(big) } })]);
        const [e] = await collect(store.iterate(s.id));
        expect(e!.response!.body.bytes!.equals(big)).toBe(true);
      });

      it('keeps the route template it is given (the store never computes one)', async () => {
        const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
        await store.append(s.id, [
          makeExchange({ url: '/api/users/42?expand=1' }),
          makeExchange({ url: '/api/orders/550e8400-e29b-41d4-a716-446655440000' }),
          makeExchange({ url: '/custom/thing', route: '/custom/:kind' }),
          makeExchange({ url: '/users/7', route: '/users/:name' }),
        ]);
        expect((await collect(store.iterate(s.id))).map((e) => e.route)).toEqual(['/api/users/:id', '/api/orders/:id', '/custom/:kind', '/users/:name']);
      });
    });

    describe('iterate', () => {
      it('streams 1,000 exchanges in arrival order across pages and batches, from any afterSeq', async () => {
        const s = await store.openSession({ name: 'big', upstream: 'http://u', startedAt: 1 });
        const other = await store.openSession({ name: 'other', upstream: 'http://u', startedAt: 2 });
        for (let start = 0; start < 1000; start += 97) {
          const batch = Array.from({ length: Math.min(97, 1000 - start) }, (_, i) => makeExchange({ url: `/item/${start + i + 1}` }));
          await store.append(s.id, batch);
          await store.append(other.id, [makeExchange({ url: `/other/${start}` })]);
        }
        const all = await collect(store.iterate(s.id, { batchSize: 7 }));
        expect(all).toHaveLength(1000);
        expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
        expect(all.map((e) => e.request.url)).toEqual(Array.from({ length: 1000 }, (_, i) => `/item/${i + 1}`));
        expect(new Set(all.map((e) => e.id)).size).toBe(1000);

        const tail = await collect(store.iterate(s.id, { afterSeq: 990, batchSize: 7 }));
        expect(tail.map((e) => e.seq)).toEqual([991, 992, 993, 994, 995, 996, 997, 998, 999, 1000]);
        // A tail of exactly one full page: the next (empty) page must end the stream.
        expect((await collect(store.iterate(s.id, { afterSeq: 993, batchSize: 7 }))).map((e) => e.seq)).toEqual([994, 995, 996, 997, 998, 999, 1000]);
        expect(await collect(store.iterate(s.id, { afterSeq: 1000 }))).toEqual([]);
        expect(await collect(store.iterate(s.id, { batchSize: 1000 }))).toHaveLength(1000);
        expect(await collect(store.iterate(s.id, { batchSize: 1 }))).toHaveLength(1000);
        expect(await store.countExchanges(s.id)).toBe(1000);
      });

      it('yields nothing for an empty or unknown session', async () => {
        const s = await store.openSession({ name: 'empty', upstream: 'http://u', startedAt: 1 });
        expect(await collect(store.iterate(s.id))).toEqual([]);
        expect(await collect(store.iterate(987_654))).toEqual([]);
        expect(await store.countExchanges(987_654)).toBe(0);
      });

      it('can stop early without harming the store', async () => {
        const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
        await store.append(s.id, Array.from({ length: 20 }, () => makeExchange()));
        let seen = 0;
        for await (const _e of store.iterate(s.id, { batchSize: 3 })) {
          if (++seen === 5) break;
        }
        expect(seen).toBe(5);
        await store.append(s.id, [makeExchange()]);
        expect(await store.countExchanges(s.id)).toBe(21);
      });
    });

    describe('stats', () => {
      it('lists sessions with exchange, failure, byte and dropped counts', async () => {
        const a = await store.openSession({ name: 'a', upstream: 'http://a', startedAt: 10 });
        const empty = await store.openSession({ name: 'empty', upstream: 'http://e', startedAt: 20 });
        await store.append(a.id, [
          makeExchange({ request: { method: 'POST', url: '/x', headers: [], body: body(Buffer.alloc(100)) }, response: { status: 200, headers: [], body: body(Buffer.alloc(50)) } }),
          makeExchange({ response: { status: 500, headers: [], body: body('12345') } }),
          makeExchange({ response: null, failure: { kind: 'timeout', code: 'UND_ERR_HEADERS_TIMEOUT', message: 't' } }),
          makeExchange({ response: null, failure: { kind: 'reset', code: 'ECONNRESET', message: 'r' } }),
        ]);
        await store.addDropped(a.id, 2);
        await store.addDropped(a.id, 5);
        const list = await store.listSessions();
        expect(list).toEqual([
          { id: a.id, name: 'a', upstream: 'http://a', startedAt: 10, endedAt: null, exchanges: 4, failures: 2, dropped: 7, bytes: 155 },
          { id: empty.id, name: 'empty', upstream: 'http://e', startedAt: 20, endedAt: null, exchanges: 0, failures: 0, dropped: 0, bytes: 0 },
        ]);
      });

      it('groups route stats by method and template, per session or for all', async () => {
        const a = await store.openSession({ name: 'a', upstream: 'http://u', startedAt: 1 });
        const b = await store.openSession({ name: 'b', upstream: 'http://u', startedAt: 2 });
        await store.append(a.id, [
          ...Array.from({ length: 8 }, (_, i) => makeExchange({ url: `/api/users/${i + 1}` })),
          makeExchange({ method: 'DELETE', url: '/api/users/3', response: null, failure: { kind: 'reset', code: 'ECONNRESET', message: 'r' } }),
          makeExchange({ url: '/health', response: { status: 200, headers: [], body: body('ok') } }),
        ]);
        await store.append(b.id, [makeExchange({ url: '/api/users/99' })]);
        const onlyA = await store.routeStats(a.id);
        const byKey = new Map(onlyA.map((r) => [`${r.method} ${r.route}`, r]));
        expect(onlyA).toHaveLength(3);
        expect(byKey.get('GET /api/users/:id')).toEqual({ sessionId: a.id, method: 'GET', route: '/api/users/:id', exchanges: 8, failures: 0, bytes: 8 * 11 });
        expect(byKey.get('DELETE /api/users/:id')).toMatchObject({ exchanges: 1, failures: 1, bytes: 0 });
        expect(byKey.get('GET /health')).toMatchObject({ exchanges: 1, bytes: 2 });
        const all = await store.routeStats();
        expect(all.filter((r) => r.sessionId === b.id)).toEqual([{ sessionId: b.id, method: 'GET', route: '/api/users/:id', exchanges: 1, failures: 0, bytes: 11 }]);
        expect(all.reduce((n, r) => n + r.exchanges, 0)).toBe(11);
        expect(await store.routeStats(987_654)).toEqual([]);
      });
    });

    it('names where its data lives', () => {
      expect(typeof store.location).toBe('string');
      expect(store.location.length).toBeGreaterThan(0);
    });

    it('closes more than once without error', async () => {
      await store.close();
      await store.close();
    });
  });
}
