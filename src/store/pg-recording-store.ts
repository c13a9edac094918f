import { createHash } from 'node:crypto';
import type pg from 'pg';
import { ReplayguardError, isReplayguardError, reasonOf } from '../errors.js';
import type { Approval, Exchange, NewApproval, NewExchange, RecorderCounts, RecorderInfo, RouteStats, SessionInfo, SessionStats } from '../types.js';
import { migratePg, quoteIdent } from './pg-migrations.js';
import { parsePgLocation, type PgLocation } from './pg-location.js';
import { connectOrExplain, createPgPool, isConnectionError } from './pg-pool.js';
import { findSessionRow, revisionName, toApproval, type ApprovalRow } from './session-revisions.js';
import { DEDUPE_MIN_BYTES, toExchange, toSession, type ExchangeRow, type SessionRow } from './sqlite-recording-store.js';
import type { AppendOptions, RecordingStore } from './store.js';

export interface PgRecordingStoreOptions {
  /** Every transaction read-only (replay, ls); the schema must exist at the current version. */
  readonly?: boolean;
  /** Connections kept at most. @default 4 */
  maxConnections?: number;
}

/** Column list and SQL type of the rows inserted through unnest(): one array parameter per column. */
const INSERT_COLUMNS: Array<[name: string, type: string]> = [
  ['seq', 'bigint'], ['recorder_seq', 'bigint'], ['started_at', 'bigint'], ['upstream', 'text'], ['method', 'text'],
  ['url', 'text'], ['route', 'text'], ['req_headers', 'text'], ['req_body', 'bytea'], ['req_body_hash', 'bytea'],
  ['req_body_size', 'bigint'], ['req_body_truncated', 'boolean'], ['status', 'integer'], ['res_headers', 'text'],
  ['res_body', 'bytea'], ['res_body_hash', 'bytea'], ['res_body_size', 'bigint'], ['res_body_truncated', 'boolean'],
  ['ttfb_ms', 'double precision'], ['total_ms', 'double precision'], ['failure', 'text'],
];

function safeInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new ReplayguardError('RG_ERR_USAGE', { details: `${what} must be an integer (got ${n})`, command: 'record' });
  return n;
}

/**
 * Recordings in PostgreSQL: one database that several recorders write to and every replay reads
 * from. Tables live in their own schema (default `replayguard`). Bodies of 4 KiB and more are stored
 * once per content across all recorders; replay streams a session through a server-side cursor.
 */
export class PgRecordingStore implements RecordingStore {
  readonly location: string;
  private readonly t: { sessions: string; recorders: string; bodies: string; exchanges: string; approvals: string };
  /** Connections held by iterators still open, released (destroyed) on close. */
  private readonly iterating = new Set<pg.PoolClient>();
  private closed: Promise<void> | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    loc: PgLocation,
  ) {
    this.location = loc.schema === 'replayguard' ? loc.display : `${loc.display} (schema ${loc.schema})`;
    const q = quoteIdent(loc.schema);
    this.t = { sessions: `${q}.sessions`, recorders: `${q}.recorders`, bodies: `${q}.bodies`, exchanges: `${q}.exchanges`, approvals: `${q}.approvals` };
  }

  /** Connect, check the schema is ours and migrate it (unless read-only). Unreachable: RG_ERR_DB_UNREACHABLE. */
  static async open(url: string, options: PgRecordingStoreOptions = {}): Promise<PgRecordingStore> {
    const loc = parsePgLocation(url);
    const readonly = options.readonly ?? false;
    const pool = createPgPool(loc, { readonly, max: options.maxConnections });
    try {
      const client = await connectOrExplain(pool, loc);
      try {
        await migratePg(client, loc, { readonly });
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => {});
      if (isReplayguardError(e)) throw e;
      throw new ReplayguardError('RG_ERR_DB_OPEN', { file: loc.display, reason: reasonOf(e) }, { cause: e });
    }
    return new PgRecordingStore(pool, loc);
  }

  async openSession(input: { name: string; upstream: string; startedAt: number }): Promise<SessionInfo> {
    // One statement, so recorders starting together under one name all land in the same session.
    const { rows } = await this.pool.query<SessionRow>(
      `INSERT INTO ${this.t.sessions} (name, upstream, started_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET ended_at = NULL
       RETURNING id, name, upstream, started_at, ended_at, revision, base_name`,
      [input.name, input.upstream, input.startedAt],
    );
    return toSession(rows[0]!);
  }

  async endSession(sessionId: number, endedAt: number): Promise<void> {
    // While another recorder still writes into the session, it has not ended.
    await this.pool.query(
      `UPDATE ${this.t.sessions} SET ended_at = $2 WHERE id = $1
       AND NOT EXISTS (SELECT 1 FROM ${this.t.recorders} WHERE session_id = $1 AND ended_at IS NULL)`,
      [sessionId, endedAt],
    );
  }

  async registerRecorder(sessionId: number, info: RecorderInfo): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO ${this.t.recorders} (session_id, host, pid, upstream, started_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [sessionId, info.host, info.pid, info.upstream, info.startedAt],
    );
    return rows[0]!.id;
  }

  async endRecorder(recorderId: number, endedAt: number): Promise<void> {
    await this.pool.query(`UPDATE ${this.t.recorders} SET ended_at = $2 WHERE id = $1`, [recorderId, endedAt]);
  }

  /**
   * Writes that meet a server gone away (stopped, restarting, network) fail with RG_ERR_DB_UNREACHABLE,
   * the one error a recorder retries: the same batch sent again is stored once (recorder, seq).
   */
  async append(sessionId: number, exchanges: readonly NewExchange[], options: AppendOptions = {}): Promise<number[]> {
    return this.unreachableAs(() => this.appendBatch(sessionId, exchanges, options));
  }

  private async unreachableAs<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (!isReplayguardError(e) && isConnectionError(e)) throw new ReplayguardError('RG_ERR_DB_UNREACHABLE', { url: this.location, reason: reasonOf(e) }, { cause: e });
      throw e;
    }
  }

  private async appendBatch(sessionId: number, exchanges: readonly NewExchange[], options: AppendOptions): Promise<number[]> {
    if (exchanges.length === 0) return [];
    const recorderId = options.recorderId ?? null;
    const client = await this.pool.connect();
    let inTransaction = false;
    try {
      let seqs: number[];
      if (recorderId !== null) {
        // Reserve the session's order numbers outside the transaction: the session row is locked for
        // one statement, not for the whole batch, so recorders never queue behind each other's writes.
        // A batch that then fails leaves a gap in the numbering, which nothing depends on.
        const { rows } = await client.query<{ last_seq: number }>(
          `UPDATE ${this.t.sessions} SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq`,
          [sessionId, exchanges.length],
        );
        if (!rows[0]) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: `#${sessionId}`, file: this.location });
        const first = rows[0].last_seq - exchanges.length + 1;
        seqs = exchanges.map((_, i) => first + i);
        await client.query('BEGIN');
        inTransaction = true;
      } else {
        await client.query('BEGIN');
        inTransaction = true;
        const given = exchanges.flatMap((e) => (e.seq === undefined ? [] : [safeInt(e.seq, 'seq')]));
        const fresh = exchanges.length - given.length;
        const { rows } = await client.query<{ last_seq: number }>(
          `UPDATE ${this.t.sessions} SET last_seq = greatest(last_seq, $2) + $3 WHERE id = $1 RETURNING last_seq`,
          [sessionId, given.length ? Math.max(...given) : 0, fresh],
        );
        if (!rows[0]) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: `#${sessionId}`, file: this.location });
        let next = rows[0].last_seq - fresh + 1;
        seqs = exchanges.map((e) => e.seq ?? next++);
      }

      const bodies = new Map<string, Buffer>();
      /** [inline bytes, hash]: one of them is null. */
      const place = (bytes: Buffer | null | undefined): [Buffer | null, Buffer | null] => {
        if (!bytes || bytes.length < DEDUPE_MIN_BYTES) return [bytes ?? null, null];
        const hash = createHash('sha256').update(bytes).digest();
        bodies.set(hash.toString('hex'), bytes);
        return [null, hash];
      };
      const cols: unknown[][] = INSERT_COLUMNS.map(() => []);
      exchanges.forEach((e, i) => {
        const res = e.response;
        const [reqBody, reqHash] = place(e.request.body.bytes);
        const [resBody, resHash] = place(res?.body.bytes);
        const row = [
          seqs[i], recorderId === null ? null : safeInt(e.seq ?? 0, 'recorder seq'), e.startedAt, e.upstream, e.request.method,
          e.request.url, e.route, JSON.stringify(e.request.headers), reqBody, reqHash,
          e.request.body.size, e.request.body.truncated, res?.status ?? null, res ? JSON.stringify(res.headers) : null,
          resBody, resHash, res?.body.size ?? null, res ? res.body.truncated : null,
          e.timing.ttfbMs, e.timing.totalMs, e.failure ? JSON.stringify(e.failure) : null,
        ];
        row.forEach((v, c) => cols[c]!.push(v));
      });

      if (bodies.size > 0) {
        // Sorted, so two recorders inserting the same bodies take their locks in the same order
        // (no deadlock); a body another recorder already stored is simply not stored again.
        const keys = [...bodies.keys()].sort();
        await client.query(
          `INSERT INTO ${this.t.bodies} (hash, bytes) SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (hash) DO NOTHING`,
          [keys.map((k) => Buffer.from(k, 'hex')), keys.map((k) => bodies.get(k)!)],
        );
      }
      const names = INSERT_COLUMNS.map(([n]) => n).join(', ');
      const arrays = INSERT_COLUMNS.map(([, type], i) => `$${i + 3}::${type}[]`).join(', ');
      const { rows } = await client.query<{ id: number; seq: number }>(
        `INSERT INTO ${this.t.exchanges} (session_id, recorder_id, ${names})
         SELECT $1, $2, * FROM unnest(${arrays})
         ${recorderId === null ? '' : 'ON CONFLICT (recorder_id, recorder_seq) DO NOTHING'}
         RETURNING id, seq`,
        [sessionId, recorderId, ...cols],
      );
      const idBySeq = new Map(rows.map((r) => [r.seq, r.id]));
      let ids = seqs.map((s) => idBySeq.get(s));
      if (recorderId !== null && rows.length < exchanges.length) {
        // Some were stored by an earlier attempt of this batch: answer with their ids.
        const { rows: known } = await client.query<{ id: number; recorder_seq: number }>(
          `SELECT id, recorder_seq FROM ${this.t.exchanges} WHERE recorder_id = $1 AND recorder_seq = ANY($2::bigint[])`,
          [recorderId, cols[1]],
        );
        const byRecorderSeq = new Map(known.map((r) => [r.recorder_seq, r.id]));
        ids = exchanges.map((e, i) => ids[i] ?? byRecorderSeq.get(e.seq ?? 0));
      }
      await client.query('COMMIT');
      inTransaction = false;
      return ids.map((id) => id!);
    } catch (e) {
      if (inTransaction) await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async addDropped(sessionId: number, count: number, options: AppendOptions = {}): Promise<void> {
    await this.unreachableAs(async () => {
      if (options.recorderId !== undefined) {
        await this.pool.query(`UPDATE ${this.t.recorders} SET dropped = dropped + $2 WHERE id = $1`, [options.recorderId, count]);
      } else {
        await this.pool.query(`UPDATE ${this.t.sessions} SET dropped = dropped + $2 WHERE id = $1`, [sessionId, count]);
      }
    });
  }

  async findSession(ref: string): Promise<SessionInfo | undefined> {
    const cols = 'id, name, upstream, started_at, ended_at, revision, base_name';
    const one = async (where: string, args: unknown[]) => (await this.pool.query<SessionRow>(`SELECT ${cols} FROM ${this.t.sessions} WHERE ${where}`, args)).rows[0];
    let row: SessionRow | undefined;
    if (ref === 'latest') {
      ({ rows: [row] } = await this.pool.query<SessionRow>(`SELECT ${cols} FROM ${this.t.sessions} ORDER BY started_at DESC, id DESC LIMIT 1`));
    } else {
      row = await findSessionRow(ref, {
        exact: (name) => one('name = $1', [name]),
        revision1: (base) => one('name = $1 AND base_name IS NULL', [base]),
        revisionN: (base, n) => one('base_name = $1 AND revision = $2', [base, n]),
        newest: (base) => one('base_name = $1 AND ended_at IS NOT NULL ORDER BY revision DESC LIMIT 1', [base]),
      });
      if (!row && /^\d{1,15}$/.test(ref)) row = await one('id = $1', [Number(ref)]);
    }
    return row ? toSession(row) : undefined;
  }

  async createRevision(sessionId: number, createdAt: number): Promise<SessionInfo> {
    const client = await this.pool.connect();
    client.on('error', () => {});
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<SessionRow>(`SELECT id, name, upstream, base_name FROM ${this.t.sessions} WHERE id = $1`, [sessionId]);
      const of = rows[0];
      if (!of) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: `#${sessionId}`, file: this.location });
      const base = of.base_name ?? of.name;
      // Serialise revisions of one session: two approvals at once must not both pick the same number.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`replayguard-revision:${base}`]);
      const { rows: max } = await client.query<{ n: number }>(`SELECT max(revision) AS n FROM ${this.t.sessions} WHERE name = $1 OR base_name = $1`, [base]);
      const revision = Number(max[0]!.n) + 1;
      const name = revisionName(base, revision);
      const { rows: made } = await client.query<SessionRow>(
        `INSERT INTO ${this.t.sessions} (name, upstream, started_at, revision, base_name) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, upstream, started_at, ended_at, revision, base_name`,
        [name, of.upstream, createdAt, revision, base],
      );
      await client.query('COMMIT');
      return toSession(made[0]!);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async addApproval(a: NewApproval): Promise<Approval> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO ${this.t.approvals} (session, revision, kind, approved_by, approved_at, run, results, changes, exchanges)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [a.session, a.revision, a.as, a.by, a.at, a.run, a.results, JSON.stringify(a.changes), a.exchanges],
    );
    return { id: Number(rows[0]!.id), ...a };
  }

  async listApprovals(session?: string): Promise<Approval[]> {
    const { rows } = await this.pool.query<ApprovalRow>(
      `SELECT * FROM ${this.t.approvals} ${session === undefined ? '' : 'WHERE session = $1'} ORDER BY id`,
      session === undefined ? [] : [session],
    );
    return rows.map(toApproval);
  }

  /**
   * Arrival order. Written by one writer (no registered recorder) that is the seq, as in SQLite.
   * Written by several recorders it is the timestamp, then recorder and the recorder's own sequence
   * (clocks of different hosts are only as close as NTP keeps them; one recorder's order is exact).
   * `afterSeq` skips exchanges numbered up to it. A server-side cursor fetches `batchSize` rows at a
   * time, so memory stays flat whatever the session size.
   */
  async *iterate(sessionId: number, options: { afterSeq?: number; batchSize?: number } = {}): AsyncIterable<Exchange> {
    const batch = safeInt(options.batchSize ?? 256, 'batchSize');
    const client = await this.pool.connect();
    this.iterating.add(client);
    let done = false;
    try {
      await client.query('BEGIN READ ONLY');
      const id = safeInt(sessionId, 'session id');
      const { rows: shared } = await client.query<{ shared: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${this.t.recorders} WHERE session_id = $1) AS shared`, [id]);
      const order = shared[0]!.shared ? 'e.started_at, e.recorder_id, e.recorder_seq, e.seq' : 'e.seq';
      await client.query(
        `DECLARE rg_session NO SCROLL CURSOR FOR
         SELECT e.id, e.session_id, e.seq, e.started_at, e.upstream, e.method, e.url, e.route, e.req_headers,
           coalesce(e.req_body, rb.bytes) AS req_body, e.req_body_size, e.req_body_truncated, e.status, e.res_headers,
           coalesce(e.res_body, sb.bytes) AS res_body, e.res_body_size, e.res_body_truncated, e.ttfb_ms, e.total_ms, e.failure
         FROM ${this.t.exchanges} e
         LEFT JOIN ${this.t.bodies} rb ON rb.hash = e.req_body_hash
         LEFT JOIN ${this.t.bodies} sb ON sb.hash = e.res_body_hash
         WHERE e.session_id = ${id} AND e.seq > ${safeInt(options.afterSeq ?? 0, 'afterSeq')}
         ORDER BY ${order}`,
      );
      for (;;) {
        const { rows } = await client.query<ExchangeRow>(`FETCH ${batch} FROM rg_session`);
        for (const r of rows) yield toExchange(r);
        if (rows.length < batch) break;
      }
      await client.query('COMMIT');
      done = true;
    } finally {
      // close() may have dropped the connection already (an iterator abandoned while the store closed).
      if (this.iterating.delete(client)) {
        if (!done) await client.query('ROLLBACK').catch(() => {});
        client.release();
      }
    }
  }

  async countExchanges(sessionId: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${this.t.exchanges} WHERE session_id = $1`, [sessionId]);
    return rows[0]!.n;
  }

  async listSessions(): Promise<SessionStats[]> {
    const { rows } = await this.pool.query<SessionRow & { dropped: number; exchanges: number; failures: number; bytes: number }>(
      `SELECT s.id, s.name, s.upstream, s.started_at, s.ended_at, s.revision, s.base_name,
         s.dropped + coalesce((SELECT sum(r.dropped) FROM ${this.t.recorders} r WHERE r.session_id = s.id), 0)::bigint AS dropped,
         count(e.id) AS exchanges, count(e.failure) AS failures,
         coalesce(sum(e.req_body_size + coalesce(e.res_body_size, 0)), 0)::bigint AS bytes
       FROM ${this.t.sessions} s LEFT JOIN ${this.t.exchanges} e ON e.session_id = s.id
       GROUP BY s.id ORDER BY s.started_at, s.id`,
    );
    return rows.map((r) => ({ ...toSession(r), dropped: r.dropped, exchanges: r.exchanges, failures: r.failures, bytes: r.bytes }));
  }

  async routeStats(sessionId?: number): Promise<RouteStats[]> {
    const { rows } = await this.pool.query<{ session_id: number; method: string; route: string; exchanges: number; failures: number; bytes: number }>(
      `SELECT session_id, method, route, count(*) AS exchanges, count(failure) AS failures,
         coalesce(sum(req_body_size + coalesce(res_body_size, 0)), 0)::bigint AS bytes
       FROM ${this.t.exchanges} ${sessionId === undefined ? '' : 'WHERE session_id = $1'}
       GROUP BY session_id, method, route ORDER BY session_id, route, method`,
      sessionId === undefined ? [] : [sessionId],
    );
    return rows.map((r) => ({ sessionId: r.session_id, method: r.method, route: r.route, exchanges: r.exchanges, failures: r.failures, bytes: r.bytes }));
  }

  async recorderStats(sessionId?: number): Promise<RecorderCounts[]> {
    const { rows } = await this.pool.query<{
      id: number; session_id: number; host: string; pid: number; upstream: string; started_at: number; ended_at: number | null;
      dropped: number; exchanges: number; failures: number;
    }>(
      `SELECT r.id, r.session_id, r.host, r.pid, r.upstream, r.started_at, r.ended_at, r.dropped,
         count(e.id) AS exchanges, count(e.failure) AS failures
       FROM ${this.t.recorders} r LEFT JOIN ${this.t.exchanges} e ON e.recorder_id = r.id
       ${sessionId === undefined ? '' : 'WHERE r.session_id = $1'}
       GROUP BY r.id ORDER BY r.session_id, r.id`,
      sessionId === undefined ? [] : [sessionId],
    );
    return rows.map((r) => ({
      id: r.id, sessionId: r.session_id, host: r.host, pid: r.pid, upstream: r.upstream, startedAt: r.started_at, endedAt: r.ended_at,
      exchanges: r.exchanges, failures: r.failures, dropped: r.dropped,
    }));
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      // An iterator abandoned mid-way (never returned) still holds its connection: drop it.
      for (const c of this.iterating) c.release(true);
      this.iterating.clear();
      await this.pool.end();
    })();
    return this.closed;
  }
}

export function openPgRecordingStore(url: string, options: PgRecordingStoreOptions = {}): Promise<PgRecordingStore> {
  return PgRecordingStore.open(url, options);
}
