import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ReplayguardError } from '../../../src/errors.js';
import { RECORDINGS_APPLICATION_ID, SqliteRecordingStore, recordingMigrations } from '../../../src/store/sqlite-recording-store.js';
import { SqliteResultsStore } from '../../../src/store/sqlite-results-store.js';
import { makeExchange, runStoreContracts } from '../../helpers/store-contract.js';
import { collect } from '../../helpers/store-under-test.js';
import { tempDir } from '../../helpers/temp.js';

runStoreContracts('SQLite', {
  recordings: async (dir) => new SqliteRecordingStore(path.join(dir, 'recordings.db')),
  results: async (dir) => new SqliteResultsStore(path.join(dir, 'results.db')),
});

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

/** Expect `fn` to throw a ReplayguardError with `code`; returns it for further checks. */
function expectCode(fn: () => unknown, code: string): ReplayguardError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReplayguardError);
    expect((e as ReplayguardError).code).toBe(code);
    return e as ReplayguardError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const V1_SQL = recordingMigrations.find((m) => m.version === 1)!.up as string;
const LATEST = recordingMigrations[recordingMigrations.length - 1]!.version;

/** A database exactly as replayguard's first schema wrote it, with a session and three exchanges. */
function buildV1Database(file: string): void {
  const db = new Database(file);
  db.exec(V1_SQL);
  db.pragma('user_version = 1');
  db.pragma(`application_id = ${RECORDINGS_APPLICATION_ID}`);
  db.prepare('INSERT INTO sessions (id, name, upstream, started_at, ended_at) VALUES (1, ?, ?, ?, ?)').run('old', 'http://staging:8080', 1000, 2000);
  const insert = db.prepare(`INSERT INTO exchanges (session_id, seq, started_at, upstream, method, url, req_headers, req_body, req_body_size,
    req_body_truncated, status, res_headers, res_body, res_body_size, res_body_truncated, total_ms, failure) VALUES
    (1, ?, 1000, 'http://staging:8080', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 0, ?, ?)`);
  insert.run(1, 'GET', '/api/users/17?x=1', JSON.stringify([['Accept', 'application/json']]), null, 0, 200, JSON.stringify([['content-type', 'application/json']]), Buffer.from('{"id":17}'), 9, 4.5, null);
  insert.run(2, 'POST', '/api/orders/550e8400-e29b-41d4-a716-446655440000/items', '[]', Buffer.from([0, 1, 2, 255]), 4, 201, '[]', Buffer.alloc(0), 0, 7, null);
  insert.run(3, 'GET', '/health', '[]', null, 0, null, null, null, null, 30000, JSON.stringify({ kind: 'timeout', code: 'UND_ERR_HEADERS_TIMEOUT', message: 'slow' }));
  db.close();
}

describe('SqliteRecordingStore on disk', () => {
  it('creates the database, -wal and -shm files with mode 0600', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'nested', 'deeper', 'rec.db');
    const store = new SqliteRecordingStore(file);
    const s = await store.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
    await store.append(s.id, [makeExchange()]);
    // While open, the WAL holds the write: all three files exist and none is readable by others.
    const present = readdirSync(path.dirname(file));
    expect(present).toEqual(expect.arrayContaining(['rec.db', 'rec.db-wal', 'rec.db-shm']));
    for (const f of present) expect(modeOf(path.join(path.dirname(file), f)).toString(8), f).toBe('600');
    await store.close();
    expect(modeOf(file).toString(8)).toBe('600');
  });

  it('writes in WAL mode, leaves the file in rollback mode when closed, and records its schema version and application id', async () => {
    const file = path.join(tempDir(), 'rec.db');
    const store = new SqliteRecordingStore(file);
    const probe = new Database(file, { readonly: true });
    expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    probe.close();
    await store.close();
    const db = new Database(file, { readonly: true });
    // Closed: readers need no -wal/-shm (read-only mounts, replay leaving the folder untouched).
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(db.pragma('application_id', { simple: true })).toBe(RECORDINGS_APPLICATION_ID);
    db.close();
  });

  it('migrates a v1 database: route templates filled, new columns defaulted, data intact', async () => {
    const file = path.join(tempDir(), 'v1.db');
    buildV1Database(file);
    const store = new SqliteRecordingStore(file);
    const session = await store.findSession('old');
    expect(session).toEqual({ id: 1, name: 'old', upstream: 'http://staging:8080', startedAt: 1000, endedAt: 2000 });
    const all = await collect(store.iterate(1));
    expect(all.map((e) => e.route)).toEqual(['/api/users/:id', '/api/orders/:id/items', '/health']);
    expect(all.map((e) => e.request.url)).toEqual(['/api/users/17?x=1', '/api/orders/550e8400-e29b-41d4-a716-446655440000/items', '/health']);
    expect(all[0]!.request.headers).toEqual([['Accept', 'application/json']]);
    expect(all[0]!.response!.body.bytes!.toString()).toBe('{"id":17}');
    expect(all[0]!.timing).toEqual({ ttfbMs: null, totalMs: 4.5 });
    expect(all[1]!.request.body.bytes!.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
    expect(all[1]!.response!.body.bytes!.length).toBe(0);
    expect(all[2]!.response).toBeNull();
    expect(all[2]!.failure).toEqual({ kind: 'timeout', code: 'UND_ERR_HEADERS_TIMEOUT', message: 'slow' });
    expect(await store.listSessions()).toEqual([
      { id: 1, name: 'old', upstream: 'http://staging:8080', startedAt: 1000, endedAt: 2000, exchanges: 3, failures: 1, dropped: 0, bytes: 13 },
    ]);
    // The migrated store takes new writes after the old ones.
    await store.append(1, [makeExchange({ url: '/api/users/18' })]);
    expect((await collect(store.iterate(1))).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    await store.addDropped(1, 2);
    await store.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    db.close();
    // Reopening a migrated file changes nothing.
    const again = new SqliteRecordingStore(file, { readonly: true });
    expect((await again.listSessions())[0]).toMatchObject({ exchanges: 4, dropped: 2 });
    await again.close();
  });

  it('refuses to migrate a v1 database opened read-only, names the command that does, and leaves it untouched', () => {
    const file = path.join(tempDir(), 'v1.db');
    buildV1Database(file);
    const before = sha(file);
    const err = expectCode(() => new SqliteRecordingStore(file, { readonly: true }), 'RG_ERR_DB_OPEN');
    expect(err.message).toMatch(/schema version 1 needs migrating/);
    expect(err.message).toContain(`replayguard migrate --db ${file}`);
    expect(sha(file)).toBe(before);
  });

  it('refuses a database written by a newer replayguard', () => {
    const file = path.join(tempDir(), 'new.db');
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.pragma(`application_id = ${RECORDINGS_APPLICATION_ID}`);
    db.exec('CREATE TABLE future (x)');
    db.close();
    const before = sha(file);
    const err = expectCode(() => new SqliteRecordingStore(file), 'RG_ERR_DB_TOO_NEW');
    expect(err.message).toContain('schema version 99');
    expect(err.message).toContain(`(${LATEST})`);
    expect(err.hint).toMatch(/upgrade replayguard/);
    expectCode(() => new SqliteRecordingStore(file, { readonly: true }), 'RG_ERR_DB_TOO_NEW');
    expect(new Database(file, { readonly: true }).pragma('user_version', { simple: true })).toBe(99);
    expect(sha(file)).toBe(before);
  });

  it('refuses a file that is not SQLite, without changing it', () => {
    const file = path.join(tempDir(), 'notes.db');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const before = sha(file);
    const err = expectCode(() => new SqliteRecordingStore(file), 'RG_ERR_DB_NOT_REPLAYGUARD');
    expect(err.message).toContain(file);
    expectCode(() => new SqliteRecordingStore(file, { readonly: true }), 'RG_ERR_DB_NOT_REPLAYGUARD');
    expect(sha(file)).toBe(before);
  });

  it('refuses a foreign SQLite database that has tables, and one marked by another application', () => {
    const dir = tempDir();
    const foreign = path.join(dir, 'app.db');
    const db = new Database(foreign);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');");
    db.close();
    const before = sha(foreign);
    const err = expectCode(() => new SqliteRecordingStore(foreign), 'RG_ERR_DB_NOT_REPLAYGUARD');
    expect(err.message).toMatch(/tables of another application/);
    expect(sha(foreign)).toBe(before);
    const check = new Database(foreign, { readonly: true });
    expect(check.prepare('SELECT name FROM customers').all()).toEqual([{ name: 'Ada' }]);
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    check.close();

    const marked = path.join(dir, 'marked.db');
    const other = new Database(marked);
    other.pragma('application_id = 1234');
    other.pragma('user_version = 1');
    other.close();
    expect(expectCode(() => new SqliteRecordingStore(marked), 'RG_ERR_DB_NOT_REPLAYGUARD').message).toContain('application_id 1234');
  });

  it('adopts an empty SQLite file (no tables yet) as a new database', async () => {
    const file = path.join(tempDir(), 'empty.db');
    new Database(file).close();
    const store = new SqliteRecordingStore(file);
    expect(await store.listSessions()).toEqual([]);
    await store.close();
  });

  it('opening a missing file read-only (or mustExist) fails with RG_ERR_DB_NOT_FOUND and creates nothing', () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'missing.db');
    const err = expectCode(() => new SqliteRecordingStore(file, { readonly: true }), 'RG_ERR_DB_NOT_FOUND');
    expect(err.message).toContain(file);
    expect(err.hint).toMatch(/replayguard record/);
    expectCode(() => new SqliteRecordingStore(file, { mustExist: true }), 'RG_ERR_DB_NOT_FOUND');
    expect(existsSync(path.join(dir, 'sub'))).toBe(false);
  });

  it('read-only use never modifies the file', async () => {
    const file = path.join(tempDir(), 'rec.db');
    const writer = new SqliteRecordingStore(file);
    const s = await writer.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
    await writer.append(s.id, Array.from({ length: 50 }, (_, i) => makeExchange({ url: `/api/users/${i}` })));
    await writer.close();
    const before = sha(file);
    const mtime = statSync(file).mtimeMs;

    const reader = new SqliteRecordingStore(file, { readonly: true });
    expect(await reader.listSessions()).toHaveLength(1);
    expect(await reader.routeStats()).toHaveLength(1);
    expect((await reader.findSession('latest'))?.name).toBe('s');
    expect(await collect(reader.iterate(s.id))).toHaveLength(50);
    await expect(reader.append(s.id, [makeExchange()])).rejects.toThrow(/readonly/i);
    await reader.close();

    expect(sha(file)).toBe(before);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('a read-only reader sees rows a writer committed while both are open', async () => {
    const file = path.join(tempDir(), 'rec.db');
    const writer = new SqliteRecordingStore(file);
    const s = await writer.openSession({ name: 's', upstream: 'http://u', startedAt: 1 });
    await writer.append(s.id, [makeExchange()]);
    const reader = new SqliteRecordingStore(file, { readonly: true });
    expect(await reader.countExchanges(s.id)).toBe(1);
    await writer.append(s.id, [makeExchange(), makeExchange()]);
    expect(await reader.countExchanges(s.id)).toBe(3);
    await reader.close();
    await writer.close();
  });

});

describe('content-addressed bodies', () => {
  it('stores identical large bodies once and reads every exchange back whole', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'dedupe.db');
    const store = new SqliteRecordingStore(file);
    const s = await store.openSession({ name: 'd', upstream: 'http://u', startedAt: 1 });
    const big = Buffer.alloc(64 * 1024, 7);
    const other = Buffer.alloc(64 * 1024, 9);
    const response = (b: Buffer) => ({ status: 200, headers: [['content-type', 'application/octet-stream']] as Array<[string, string]>, body: { bytes: b, size: b.length, truncated: false } });
    await store.append(s.id, Array.from({ length: 50 }, (_, i) => makeExchange({ url: `/x/${i}`, response: response(i % 10 === 0 ? other : big) })));
    await store.close();

    const db = new Database(file, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM bodies').get() as { n: number }).n).toBe(2);
    expect((db.prepare('SELECT count(*) AS n FROM exchanges WHERE res_body IS NULL AND res_body_hash IS NOT NULL').get() as { n: number }).n).toBe(50);
    db.close();
    // 50 × 64 KB inline would be 3.2 MB; two distinct bodies take ~128 KB.
    expect(statSync(file).size).toBeLessThan(600 * 1024);

    const reader = new SqliteRecordingStore(file, { readonly: true });
    const back = [];
    for await (const e of reader.iterate(s.id)) back.push(e);
    await reader.close();
    expect(back).toHaveLength(50);
    back.forEach((e, i) => expect(e.response?.body.bytes?.equals(i % 10 === 0 ? other : big)).toBe(true));
  });

  it('keeps small bodies inline', async () => {
    const file = path.join(tempDir(), 'small.db');
    const store = new SqliteRecordingStore(file);
    const s = await store.openSession({ name: 'd', upstream: 'http://u', startedAt: 1 });
    await store.append(s.id, [makeExchange(), makeExchange()]);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM bodies').get() as { n: number }).n).toBe(0);
    db.close();
  });
});
