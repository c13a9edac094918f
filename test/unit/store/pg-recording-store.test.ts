import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayguardError } from '../../../src/errors.js';
import { PG_LATEST_VERSION } from '../../../src/store/pg-migrations.js';
import { openRecordingStore } from '../../../src/store/open-store.js';
import { PgRecordingStore } from '../../../src/store/pg-recording-store.js';
import { body, makeExchange, runStoreContract } from '../../helpers/store-contract.js';
import { collect } from '../../helpers/store-under-test.js';
import { pgQuery, pgSchemas } from '../../helpers/pg.js';
import { describeWithPg } from '../../helpers/requirements.js';

const schemas = pgSchemas(import.meta.filename);
const byDir = new Map<string, string>();

async function openCode(url: string, options: { readonly?: boolean } = {}): Promise<string> {
  try {
    const s = await PgRecordingStore.open(url, options);
    await s.close();
    return 'opened';
  } catch (e) {
    expect(e).toBeInstanceOf(ReplayguardError);
    return (e as ReplayguardError).code;
  }
}

await describeWithPg('PgRecordingStore', () => {
  runStoreContract('PgRecordingStore', async (dir) => {
    let schema = byDir.get(dir);
    if (!schema) byDir.set(dir, (schema = schemas.next()));
    // Through the factory every consumer uses: a postgres:// --db value picks this backend.
    return openRecordingStore(schemas.url(schema));
  });

  describe('schema ownership and migrations', () => {
    it('refuses a schema holding another application\'s tables, and touches nothing', async () => {
      const schema = schemas.next();
      await pgQuery(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.accounts (id int); INSERT INTO ${schema}.accounts VALUES (7);`);
      expect(await openCode(schemas.url(schema))).toBe('RG_ERR_DB_NOT_REPLAYGUARD');
      const tables = await pgQuery<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [schema]);
      expect(tables.map((t) => t.tablename)).toEqual(['accounts']);
      expect(await pgQuery(`SELECT id FROM ${schema}.accounts`)).toEqual([{ id: 7 }]);
    });

    it('refuses a marker of another application and a schema written by a newer replayguard', async () => {
      const foreign = schemas.next();
      await pgQuery(`CREATE SCHEMA ${foreign}; CREATE TABLE ${foreign}.replayguard_meta (key text PRIMARY KEY, value text NOT NULL);
        INSERT INTO ${foreign}.replayguard_meta VALUES ('application', 'something-else'), ('version', '1');`);
      expect(await openCode(schemas.url(foreign))).toBe('RG_ERR_DB_NOT_REPLAYGUARD');

      const newer = schemas.next();
      await (await PgRecordingStore.open(schemas.url(newer))).close();
      await pgQuery(`UPDATE ${newer}.replayguard_meta SET value = $1 WHERE key = 'version'`, [String(PG_LATEST_VERSION + 1)]);
      expect(await openCode(schemas.url(newer))).toBe('RG_ERR_DB_TOO_NEW');
    });

    it('creates nothing when opened read-only, and refuses writes through a read-only store', async () => {
      const schema = schemas.next();
      expect(await openCode(schemas.url(schema), { readonly: true })).toBe('RG_ERR_DB_NOT_FOUND');
      expect(await pgQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).toEqual([]);
      await (await PgRecordingStore.open(schemas.url(schema))).close();
      const ro = await PgRecordingStore.open(schemas.url(schema), { readonly: true });
      try {
        await expect(ro.openSession({ name: 'x', upstream: 'http://u', startedAt: 1 })).rejects.toThrow(/read-only/);
      } finally {
        await ro.close();
      }
    });

    it('lets several recorders starting at once migrate a fresh schema: one does it, all open', async () => {
      const url = schemas.url(schemas.next());
      const stores = await Promise.all([1, 2, 3, 4].map(() => PgRecordingStore.open(url)));
      await Promise.all(stores.map((s) => s.close()));
      const meta = await pgQuery<{ key: string; value: string }>(`SELECT key, value FROM ${new URL(url).searchParams.get('schema')}.replayguard_meta ORDER BY key`);
      expect(meta).toEqual([
        { key: 'application', value: 'replayguard-recordings' },
        { key: 'version', value: String(PG_LATEST_VERSION) },
      ]);
    });

    it('names the URL (password masked) and the cause when the server is not there', async () => {
      try {
        await PgRecordingStore.open('postgres://rg:s3cret@127.0.0.1:1/test');
        expect.unreachable();
      } catch (e) {
        expect((e as ReplayguardError).code).toBe('RG_ERR_DB_UNREACHABLE');
        expect((e as Error).message).toContain('postgres://rg:***@127.0.0.1:1/test');
        expect((e as Error).message).toMatch(/ECONNREFUSED/);
        expect((e as Error).message).not.toContain('s3cret');
      }
    });
  });

  describe('several recorders, one session', () => {
    let store: PgRecordingStore;
    let schema: string;
    beforeAll(async () => {
      schema = schemas.next();
      store = await PgRecordingStore.open(schemas.url(schema));
    });
    afterAll(async () => store?.close());

    it('stores a retried batch once (recorder, seq), in timestamp-then-recorder order, counted per recorder', async () => {
      const s = await store.openSession({ name: 'shared', upstream: 'http://lb', startedAt: 1 });
      const a = await store.registerRecorder(s.id, { host: 'host-a', pid: 11, upstream: 'http://staging-1', startedAt: 5 });
      const b = await store.registerRecorder(s.id, { host: 'host-b', pid: 22, upstream: 'http://staging-2', startedAt: 6 });
      const fromA = [makeExchange({ seq: 1, startedAt: 100, url: '/a1' }), makeExchange({ seq: 2, startedAt: 300, url: '/a2' })];
      const fromB = [makeExchange({ seq: 1, startedAt: 200, url: '/b1' }), makeExchange({ seq: 2, startedAt: 300, url: '/b2', response: null, failure: { kind: 'reset', code: 'ECONNRESET', message: 'r' } })];
      const idsA = await store.append(s.id, fromA, { recorderId: a });
      await store.append(s.id, fromB, { recorderId: b });
      // The acknowledgement of A's batch was lost: the recorder sends it again, plus one more.
      const again = await store.append(s.id, [...fromA, makeExchange({ seq: 3, startedAt: 400, url: '/a3' })], { recorderId: a });
      expect(again.slice(0, 2)).toEqual(idsA);
      await store.addDropped(s.id, 4, { recorderId: b });

      expect((await collect(store.iterate(s.id))).map((e) => e.request.url)).toEqual(['/a1', '/b1', '/a2', '/b2', '/a3']);
      const stats = await store.recorderStats(s.id);
      expect(stats.map((r) => [r.host, r.pid, r.upstream, r.exchanges, r.failures, r.dropped])).toEqual([
        ['host-a', 11, 'http://staging-1', 3, 0, 0],
        ['host-b', 22, 'http://staging-2', 2, 1, 4],
      ]);
      const listed = (await store.listSessions()).find((x) => x.id === s.id)!;
      expect(listed).toMatchObject({ exchanges: 5, failures: 1, dropped: 4 });

      // The session ends when its last recorder does.
      await store.endRecorder(a, 1000);
      await store.endSession(s.id, 1000);
      expect((await store.findSession('shared'))!.endedAt).toBeNull();
      await store.endRecorder(b, 2000);
      await store.endSession(s.id, 2000);
      expect((await store.findSession('shared'))!.endedAt).toBe(2000);
    });

    it('refuses with catalogue errors a batch for a session that does not exist, or with a seq that is not an integer', async () => {
      const s = await store.openSession({ name: 'checked', upstream: 'http://u', startedAt: 1 });
      const missing = s.id + 1_000_000;
      await expect(store.append(missing, [makeExchange({ url: '/x' })])).rejects.toMatchObject({ code: 'RG_ERR_SESSION_NOT_FOUND', message: expect.stringContaining(`#${missing}`) });
      const r = await store.registerRecorder(s.id, { host: 'h', pid: 1, upstream: 'http://u', startedAt: 1 });
      await expect(store.append(missing, [makeExchange({ seq: 1, url: '/x' })], { recorderId: r })).rejects.toMatchObject({ code: 'RG_ERR_SESSION_NOT_FOUND' });
      await expect(store.append(s.id, [makeExchange({ seq: 1.5, url: '/x' })])).rejects.toMatchObject({ code: 'RG_ERR_USAGE', message: 'seq must be an integer (got 1.5)' });
      expect((await store.listSessions()).find((x) => x.id === s.id)).toMatchObject({ exchanges: 0 });
    });

    it('stores a large body once whichever recorders send it, concurrently', async () => {
      const s = await store.openSession({ name: 'dedupe', upstream: 'http://lb', startedAt: 2 });
      const big = Buffer.alloc(64 * 1024, 'x');
      const other = Buffer.alloc(8 * 1024, 'y');
      const recorders = await Promise.all([1, 2, 3].map((pid) => store.registerRecorder(s.id, { host: 'h', pid, upstream: 'http://u', startedAt: 2 })));
      const before = (await pgQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.bodies`))[0]!.n;
      await Promise.all(
        recorders.map((r) =>
          store.append(
            s.id,
            Array.from({ length: 20 }, (_, i) => makeExchange({ seq: i + 1, response: { status: 200, headers: [], body: body(i % 2 ? big : other) } })),
            { recorderId: r },
          ),
        ),
      );
      const after = (await pgQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.bodies`))[0]!.n;
      expect(after - before).toBe(2);
      const read = await collect(store.iterate(s.id));
      expect(read).toHaveLength(60);
      expect(read.every((e) => e.response!.body.bytes!.equals(e.response!.body.size === big.length ? big : other))).toBe(true);
    });
  });
});
