import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import { ReplayguardError, reasonOf } from '../errors.js';
import type { Approval, Exchange, ExchangeFailure, HeaderPairs, NewApproval, NewExchange, RouteStats, SessionInfo, SessionStats } from '../types.js';
import { createRouteTemplater } from '../routes/route-template.js';
import { migrate, type Migration } from './migrations.js';
import { corruptionError, isCorruption, quickCheckOnce } from './sqlite-corruption.js';
import { openSqlite, type SqliteDatabase } from './sqlite-open.js';
import { findSessionRow, revisionName, revisionOf, toApproval, type ApprovalRow } from './session-revisions.js';
import type { RecordingStore, StoreOpenOptions } from './store.js';

/** 'RGrc' — marks a file as a replayguard recordings database. */
export const RECORDINGS_APPLICATION_ID = 0x52477263;

export const recordingMigrations: Migration[] = [
  {
    version: 1,
    description: 'sessions and exchanges',
    up: `
      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        upstream TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER
      );
      CREATE TABLE exchanges (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        seq INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        upstream TEXT NOT NULL,
        method TEXT NOT NULL,
        url TEXT NOT NULL,
        req_headers TEXT NOT NULL,
        req_body BLOB,
        req_body_size INTEGER NOT NULL,
        req_body_truncated INTEGER NOT NULL,
        status INTEGER,
        res_headers TEXT,
        res_body BLOB,
        res_body_size INTEGER,
        res_body_truncated INTEGER,
        total_ms REAL NOT NULL,
        failure TEXT,
        UNIQUE (session_id, seq)
      );`,
  },
  {
    version: 2,
    description: 'route templates, time to first byte, dropped-capture counter',
    up: (db) => {
      db.exec(`
        ALTER TABLE exchanges ADD COLUMN route TEXT NOT NULL DEFAULT '';
        ALTER TABLE exchanges ADD COLUMN ttfb_ms REAL;
        ALTER TABLE sessions ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;`);
      const templater = createRouteTemplater();
      const update = db.prepare('UPDATE exchanges SET route = ? WHERE id = ?');
      // .all(), not .iterate(): better-sqlite3 refuses writes on a connection while a cursor is open.
      for (const row of db.prepare('SELECT id, url FROM exchanges').all() as Array<{ id: number; url: string }>) {
        update.run(templater.templateOf(row.url), row.id);
      }
      db.exec('CREATE INDEX exchanges_by_route ON exchanges (session_id, method, route);');
    },
  },
  {
    version: 3,
    description: 'content-addressed bodies: identical bodies stored once',
    up: `
      CREATE TABLE bodies (hash BLOB PRIMARY KEY, bytes BLOB NOT NULL) WITHOUT ROWID;
      ALTER TABLE exchanges ADD COLUMN req_body_hash BLOB;
      ALTER TABLE exchanges ADD COLUMN res_body_hash BLOB;`,
  },
  {
    version: 4,
    description: 'session revisions (approve) and the approvals log',
    up: `
      ALTER TABLE sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE sessions ADD COLUMN base_name TEXT;
      CREATE INDEX sessions_by_base ON sessions (base_name, revision);
      CREATE TABLE approvals (
        id INTEGER PRIMARY KEY,
        session TEXT NOT NULL,
        revision INTEGER NOT NULL,
        kind TEXT NOT NULL,
        approved_by TEXT NOT NULL,
        approved_at INTEGER NOT NULL,
        run INTEGER NOT NULL,
        results TEXT NOT NULL,
        changes TEXT NOT NULL,
        exchanges INTEGER NOT NULL
      );`,
  },
];

/**
 * Bodies at least this large (4 KiB) are stored once per distinct content (sha256), and exchanges refer to
 * them: a list endpoint answering the same 64 KB a thousand times costs 64 KB, not 64 MB. Smaller
 * bodies stay inline, where a hash and an index lookup would cost more than they save.
 */
export const DEDUPE_MIN_BYTES = 4096;

const EXCHANGE_COLUMNS = `e.id, e.session_id, e.seq, e.started_at, e.upstream, e.method, e.url, e.route, e.req_headers,
  coalesce(e.req_body, rb.bytes) AS req_body, e.req_body_size, e.req_body_truncated, e.status, e.res_headers,
  coalesce(e.res_body, sb.bytes) AS res_body, e.res_body_size, e.res_body_truncated, e.ttfb_ms, e.total_ms, e.failure
  FROM exchanges e
  LEFT JOIN bodies rb ON rb.hash = e.req_body_hash
  LEFT JOIN bodies sb ON sb.hash = e.res_body_hash`;

export interface ExchangeRow {
  id: number;
  session_id: number;
  seq: number;
  started_at: number;
  upstream: string;
  method: string;
  url: string;
  route: string;
  req_headers: string;
  req_body: Buffer | null;
  req_body_size: number;
  req_body_truncated: number | boolean;
  status: number | null;
  res_headers: string | null;
  res_body: Buffer | null;
  res_body_size: number | null;
  res_body_truncated: number | boolean | null;
  ttfb_ms: number | null;
  total_ms: number;
  failure: string | null;
}

export interface SessionRow {
  id: number;
  name: string;
  upstream: string;
  started_at: number;
  ended_at: number | null;
  revision?: number | null;
  base_name?: string | null;
}

export function toSession(r: SessionRow): SessionInfo {
  return { id: r.id, name: r.name, upstream: r.upstream, startedAt: r.started_at, endedAt: r.ended_at, ...revisionOf(r) };
}

/** A stored row (SQLite or PostgreSQL: flags as 0/1 or booleans) as the plain Exchange every stage sees. */
export function toExchange(r: ExchangeRow): Exchange {
  return {
    id: r.id,
    sessionId: r.session_id,
    seq: r.seq,
    startedAt: r.started_at,
    upstream: r.upstream,
    route: r.route,
    request: {
      method: r.method,
      url: r.url,
      headers: JSON.parse(r.req_headers) as HeaderPairs,
      body: { bytes: r.req_body, size: r.req_body_size, truncated: Boolean(r.req_body_truncated) },
    },
    response:
      r.status === null
        ? null
        : {
            status: r.status,
            headers: JSON.parse(r.res_headers ?? '[]') as HeaderPairs,
            body: { bytes: r.res_body, size: r.res_body_size ?? 0, truncated: Boolean(r.res_body_truncated) },
          },
    timing: { ttfbMs: r.ttfb_ms, totalMs: r.total_ms },
    failure: r.failure ? (JSON.parse(r.failure) as ExchangeFailure) : null,
  };
}

/** The default backend: one SQLite file in WAL mode. */
export class SqliteRecordingStore implements RecordingStore {
  readonly location: string;
  private readonly db: SqliteDatabase;
  private readonly stmts: {
    insert?: Statement;
    nextSeq?: Statement;
    insertBody?: Statement;
  } = {};

  constructor(file: string, options: StoreOpenOptions = {}) {
    this.location = path.resolve(file);
    this.db = openSqlite(this.location, {
      readonly: options.readonly ?? false,
      mustExist: options.mustExist ?? false,
      prepare: (db) => {
        if (options.verify) quickCheckOnce(db, this.location);
        migrate(db, recordingMigrations, { file: this.location, applicationId: RECORDINGS_APPLICATION_ID });
      },
    });
  }

  async openSession(input: { name: string; upstream: string; startedAt: number }): Promise<SessionInfo> {
    const existing = this.db.prepare('SELECT * FROM sessions WHERE name = ?').get(input.name) as SessionRow | undefined;
    if (existing) {
      this.db.prepare('UPDATE sessions SET ended_at = NULL WHERE id = ?').run(existing.id);
      return toSession({ ...existing, ended_at: null });
    }
    const info = this.db
      .prepare('INSERT INTO sessions (name, upstream, started_at) VALUES (?, ?, ?)')
      .run(input.name, input.upstream, input.startedAt);
    return { id: Number(info.lastInsertRowid), name: input.name, upstream: input.upstream, startedAt: input.startedAt, endedAt: null };
  }

  async endSession(sessionId: number, endedAt: number): Promise<void> {
    this.db.prepare('UPDATE sessions SET ended_at = ? WHERE id = ?').run(endedAt, sessionId);
  }

  async append(sessionId: number, exchanges: readonly NewExchange[]): Promise<number[]> {
    return this.appendSync(sessionId, exchanges);
  }

  /** The synchronous core of `append` (benchmarks and bulk loaders that own the file). */
  appendSync(sessionId: number, exchanges: readonly NewExchange[]): number[] {
    this.stmts.insert ??= this.db.prepare(`
      INSERT INTO exchanges (session_id, seq, started_at, upstream, method, url, route, req_headers, req_body,
        req_body_size, req_body_truncated, status, res_headers, res_body, res_body_size, res_body_truncated,
        ttfb_ms, total_ms, failure, req_body_hash, res_body_hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.stmts.insertBody ??= this.db.prepare('INSERT OR IGNORE INTO bodies (hash, bytes) VALUES (?, ?)');
    const insertBody = this.stmts.insertBody;
    /** [inline bytes, hash]: one of them is null. */
    const place = (bytes: Buffer | null | undefined): [Buffer | null, Buffer | null] => {
      if (!bytes || bytes.length < DEDUPE_MIN_BYTES) return [bytes ?? null, null];
      const hash = createHash('sha256').update(bytes).digest();
      insertBody.run(hash, bytes);
      return [null, hash];
    };
    this.stmts.nextSeq ??= this.db.prepare('SELECT coalesce(max(seq), 0) + 1 AS seq FROM exchanges WHERE session_id = ?');
    const insert = this.stmts.insert;
    const nextSeq = this.stmts.nextSeq;
    // BEGIN IMMEDIATE: a deferred transaction reads first and upgrades to a write later, and in WAL mode
    // that upgrade fails at once with SQLITE_BUSY (no busy wait) when another process committed in
    // between: two recorders on one file (an app and its dependency) lost whole batches that way.
    const write = this.db.transaction(() => {
      // Allocated here, inside the write transaction, from what the file holds: a second recorder
      // process appending to the same session continues the numbering instead of colliding with it.
      let next = (nextSeq.get(sessionId) as { seq: number }).seq;
      const ids: number[] = [];
      for (const e of exchanges) {
        const seq = e.seq ?? next;
        next = Math.max(next, seq + 1);
        const res = e.response;
        const [reqBody, reqHash] = place(e.request.body.bytes);
        const [resBody, resHash] = place(res?.body.bytes);
        const info = insert.run(
          sessionId, seq, e.startedAt, e.upstream, e.request.method, e.request.url,
          e.route, JSON.stringify(e.request.headers), reqBody,
          e.request.body.size, e.request.body.truncated ? 1 : 0,
          res?.status ?? null, res ? JSON.stringify(res.headers) : null, resBody,
          res?.body.size ?? null, res ? (res.body.truncated ? 1 : 0) : null,
          e.timing.ttfbMs, e.timing.totalMs, e.failure ? JSON.stringify(e.failure) : null, reqHash, resHash,
        );
        ids.push(Number(info.lastInsertRowid));
      }
      return ids;
    });
    return write.immediate();
  }

  async addDropped(sessionId: number, count: number): Promise<void> {
    this.db.prepare('UPDATE sessions SET dropped = dropped + ? WHERE id = ?').run(count, sessionId);
  }

  async findSession(ref: string): Promise<SessionInfo | undefined> {
    let row: SessionRow | undefined;
    if (ref === 'latest') {
      row = this.db.prepare('SELECT * FROM sessions ORDER BY started_at DESC, id DESC LIMIT 1').get() as SessionRow | undefined;
    } else {
      const one = (sql: string, ...args: unknown[]) => Promise.resolve(this.db.prepare(sql).get(...args) as SessionRow | undefined);
      row = await findSessionRow(ref, {
        exact: (name) => one('SELECT * FROM sessions WHERE name = ?', name),
        revision1: (base) => one('SELECT * FROM sessions WHERE name = ? AND base_name IS NULL', base),
        revisionN: (base, n) => one('SELECT * FROM sessions WHERE base_name = ? AND revision = ?', base, n),
        newest: (base) => one('SELECT * FROM sessions WHERE base_name = ? AND ended_at IS NOT NULL ORDER BY revision DESC LIMIT 1', base),
      });
      if (!row && /^\d+$/.test(ref)) row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(Number(ref)) as SessionRow | undefined;
    }
    return row ? toSession(row) : undefined;
  }

  async createRevision(sessionId: number, createdAt: number): Promise<SessionInfo> {
    return this.db.transaction(() => {
      const of = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(sessionId) as SessionRow | undefined;
      if (!of) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: `#${sessionId}`, file: this.location });
      const base = of.base_name ?? of.name;
      const { n } = this.db.prepare('SELECT max(revision) AS n FROM sessions WHERE name = ? OR base_name = ?').get(base, base) as { n: number };
      const revision = n + 1;
      const name = revisionName(base, revision);
      const info = this.db.prepare('INSERT INTO sessions (name, upstream, started_at, revision, base_name) VALUES (?, ?, ?, ?, ?)').run(name, of.upstream, createdAt, revision, base);
      return { id: Number(info.lastInsertRowid), name, upstream: of.upstream, startedAt: createdAt, endedAt: null, revision, baseName: base };
    })();
  }

  async addApproval(a: NewApproval): Promise<Approval> {
    const info = this.db
      .prepare('INSERT INTO approvals (session, revision, kind, approved_by, approved_at, run, results, changes, exchanges) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(a.session, a.revision, a.as, a.by, a.at, a.run, a.results, JSON.stringify(a.changes), a.exchanges);
    return { id: Number(info.lastInsertRowid), ...a };
  }

  async listApprovals(session?: string): Promise<Approval[]> {
    const rows = (session === undefined
      ? this.db.prepare('SELECT * FROM approvals ORDER BY id').all()
      : this.db.prepare('SELECT * FROM approvals WHERE session = ? ORDER BY id').all(session)) as ApprovalRow[];
    return rows.map(toApproval);
  }

  async *iterate(sessionId: number, options: { afterSeq?: number; batchSize?: number } = {}): AsyncIterable<Exchange> {
    // Keyset pagination instead of one long-lived cursor: the connection stays free between pages
    // and memory is bounded by one page whatever the session size.
    const page = this.db.prepare(`SELECT ${EXCHANGE_COLUMNS} WHERE e.session_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`);
    const batch = options.batchSize ?? 256;
    let after = options.afterSeq ?? 0;
    for (;;) {
      const rows = this.readOrDamaged(() => page.all(sessionId, after, batch) as ExchangeRow[], `reading the exchanges after seq ${after}`);
      for (const r of rows) yield this.readOrDamaged(() => toExchange(r), `decoding exchange seq ${r.seq}`);
      if (rows.length < batch) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /** Rows SQLite cannot read, or that no replayguard wrote (JSON that does not parse), are damage. */
  private readOrDamaged<T>(read: () => T, what: string): T {
    try {
      return read();
    } catch (e) {
      if (isCorruption(e) || e instanceof SyntaxError) throw corruptionError(this.location, `${what}: ${reasonOf(e)}`, e);
      throw e;
    }
  }

  async countExchanges(sessionId: number): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM exchanges WHERE session_id = ?').get(sessionId) as { n: number }).n;
  }

  async listSessions(): Promise<SessionStats[]> {
    const rows = this.db
      .prepare(
        `SELECT s.*, count(e.id) AS exchanges, coalesce(sum(e.failure IS NOT NULL), 0) AS failures,
           coalesce(sum(e.req_body_size + coalesce(e.res_body_size, 0)), 0) AS bytes
         FROM sessions s LEFT JOIN exchanges e ON e.session_id = s.id
         GROUP BY s.id ORDER BY s.started_at, s.id`,
      )
      .all() as Array<SessionRow & { dropped: number; exchanges: number; failures: number; bytes: number }>;
    return rows.map((r) => ({ ...toSession(r), dropped: r.dropped, exchanges: r.exchanges, failures: r.failures, bytes: r.bytes }));
  }

  async routeStats(sessionId?: number): Promise<RouteStats[]> {
    const where = sessionId === undefined ? '' : 'WHERE session_id = ?';
    const rows = this.db
      .prepare(
        `SELECT session_id, method, route, count(*) AS exchanges, coalesce(sum(failure IS NOT NULL), 0) AS failures,
           coalesce(sum(req_body_size + coalesce(res_body_size, 0)), 0) AS bytes
         FROM exchanges ${where} GROUP BY session_id, method, route ORDER BY session_id, route, method`,
      )
      .all(...(sessionId === undefined ? [] : [sessionId])) as Array<{ session_id: number; method: string; route: string; exchanges: number; failures: number; bytes: number }>;
    return rows.map((r) => ({ sessionId: r.session_id, method: r.method, route: r.route, exchanges: r.exchanges, failures: r.failures, bytes: r.bytes }));
  }

  /** Fold the WAL back into the database file; called by the writer when it is idle. */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE' = 'PASSIVE'): void {
    this.db.pragma(`wal_checkpoint(${mode})`);
  }

  async close(): Promise<void> {
    if (this.db.open) {
      if (!this.db.readonly) {
        this.checkpoint('TRUNCATE');
        // Leave the file in rollback-journal mode: a read-only reader (replay, ls, a read-only mount)
        // then needs no -wal/-shm beside it and creates none. The next writer switches back to WAL.
        // Fails harmlessly while another connection still has the file open.
        try {
          this.db.pragma('journal_mode = DELETE');
        } catch {
          // another process is reading or writing: it keeps WAL, which is fine
        }
      }
      this.db.close();
    }
  }
}
