import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { compilePointerPattern } from '../compare/pointer-pattern.js';
import { ReplayguardError } from '../errors.js';
import { routeKey } from '../routes/route-key.js';
import { displayLocation } from '../store/open-store.js';
import type { RecordingStore } from '../store/store.js';
import type { Exchange, ExchangeFailure, RecordedRequest, RecordedResponse, SessionInfo } from '../types.js';
import { redactedFields, shapeOf, type IgnoreSet, type RawRequest, type RequestShape, type ShapeRules } from './request-shape.js';

/** One recorded exchange as the index knows it: where it is, and how long it took. */
export interface StubEntry {
  seq: number;
  url: string;
  /** Recorded time to the end of the response, ms (for `--latency recorded`). */
  totalMs: number;
  /** Held only for exchanges added while serving (`--on-miss record=`), which the store has not numbered. */
  answer?: RecordedAnswer;
}

/** What an exchange answered: its response, or why there was none. */
export interface RecordedAnswer {
  response: RecordedResponse | null;
  failure: ExchangeFailure | null;
}

interface RedactedSets {
  pointers: Set<string>;
  query: Set<string>;
  headers: Set<string>;
}

/** Rows inserted per transaction while indexing. */
const LOAD_BATCH = 10_000;

/**
 * A session indexed for serving, on disk: a throw-away SQLite file (in the temp folder, removed on
 * close) maps each request key to the `seq`s recorded for it, in order, and each `METHOD /route` to
 * its requests, for near-miss explanations. Memory stays flat whatever the session's size: neither
 * requests nor answers are held (answers are read as served, see stub-answers.ts). Fields a recording
 * redacted are left out of matching for their whole route, on both sides, since a live secret never
 * equals its placeholder.
 */
export class StubIndex {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'rg-stub-index-'));
  private readonly db = new Database(path.join(this.dir, 'index.db'));
  private readonly redacted = new Map<string, { sets: RedactedSets; ignore: IgnoreSet }>();
  /** Exchanges added while serving: their answer and request, by their (index-assigned) seq. */
  private readonly kept = new Map<number, { answer: RecordedAnswer; request: RecordedRequest }>();
  private size = 0;
  private lastSeq = 0;
  private readonly stmts;

  constructor(private readonly rules: ShapeRules) {
    // Rebuilt on every start: durability buys nothing here.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(`CREATE TABLE entries (key TEXT NOT NULL, seq INTEGER NOT NULL, total_ms REAL NOT NULL, route TEXT NOT NULL, url TEXT NOT NULL);
      CREATE INDEX entries_by_key ON entries (key, seq);
      CREATE INDEX entries_by_route ON entries (route, key);`);
    this.stmts = {
      insert: this.db.prepare('INSERT INTO entries (key, seq, total_ms, route, url) VALUES (?, ?, ?, ?, ?)'),
      nth: this.db.prepare('SELECT seq, url, total_ms AS totalMs FROM entries WHERE key = ? ORDER BY seq LIMIT 1 OFFSET ?'),
      last: this.db.prepare('SELECT seq, url, total_ms AS totalMs FROM entries WHERE key = ? ORDER BY seq DESC LIMIT 1'),
      candidates: this.db.prepare('SELECT min(seq) AS seq, url, min(total_ms) AS totalMs FROM entries WHERE route = ? GROUP BY key ORDER BY min(seq) LIMIT ?'),
      routes: this.db.prepare('SELECT DISTINCT route FROM entries ORDER BY route LIMIT ?'),
    };
  }

  get exchanges(): number {
    return this.size;
  }

  /**
   * Two streaming passes over the session: the first learns which fields recording redacted per
   * route, the second shapes each request with them left out and writes its key.
   */
  static async load(store: RecordingStore, sessionRef: string, rules: ShapeRules): Promise<{ index: StubIndex; session: SessionInfo }> {
    const session = await store.findSession(sessionRef);
    if (!session) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: sessionRef, file: displayLocation(store.location) });
    const index = new StubIndex(rules);
    try {
      for await (const e of store.iterate(session.id)) index.learnRedacted(rawOf(e));
      let batch: Array<Pick<Exchange, 'seq' | 'request' | 'timing'>> = [];
      const flush = index.db.transaction((rows: typeof batch) => {
        for (const e of rows) index.insert(e);
      });
      for await (const e of store.iterate(session.id)) {
        batch.push({ seq: e.seq, request: e.request, timing: e.timing });
        if (batch.length >= LOAD_BATCH) {
          flush(batch);
          batch = [];
        }
      }
      flush(batch);
    } catch (e) {
      index.close();
      throw e;
    }
    if (index.size === 0) {
      index.close();
      throw new ReplayguardError('RG_ERR_SESSION_EMPTY', { session: session.name, file: displayLocation(store.location) });
    }
    return { index, session };
  }

  /** Shape a request with the ignores of its route. */
  shape(request: RawRequest): RequestShape {
    const plain = shapeOf(request, this.rules);
    const extra = this.redacted.get(routeKey(plain.method, plain.route));
    return extra ? shapeOf(request, this.rules, extra.ignore) : plain;
  }

  /** Add an exchange recorded while serving (`--on-miss record=`); later identical calls hit it. */
  addServed(e: Pick<Exchange, 'request' | 'response' | 'failure' | 'timing'>): void {
    const seq = this.insert({ seq: this.lastSeq + 1, request: e.request, timing: e.timing });
    this.kept.set(seq, { answer: { response: e.response, failure: e.failure }, request: e.request });
  }

  /**
   * The recorded exchange that answers call `repeat` (1-based) of the request with this shape: the
   * Nth recorded one, or the last once the recording runs out. Undefined on a miss.
   */
  entryFor(shape: RequestShape, repeat: number): StubEntry | undefined {
    const row = (this.stmts.nth.get(shape.key, repeat - 1) ?? this.stmts.last.get(shape.key)) as StubEntry | undefined;
    if (!row) return undefined;
    const kept = this.kept.get(row.seq);
    return kept ? { ...row, answer: kept.answer } : row;
  }

  /** The first recording of each distinct request on the shape's route, at most `limit`, for near misses. */
  candidates(shape: RequestShape, limit: number): StubEntry[] {
    return this.stmts.candidates.all(routeKey(shape.method, shape.route), limit) as StubEntry[];
  }

  /** The request of an exchange added while serving (the store has not numbered it). */
  keptRequest(seq: number): RecordedRequest | undefined {
    return this.kept.get(seq)?.request;
  }

  /** `METHOD /route`s recorded (the first `limit`), for a miss on a route nothing was recorded for. */
  routes(limit = 20): string[] {
    return (this.stmts.routes.all(limit) as Array<{ route: string }>).map((r) => r.route);
  }

  close(): void {
    if (this.db.open) this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private insert(e: Pick<Exchange, 'seq' | 'request' | 'timing'>): number {
    const shape = this.shape(rawOf(e));
    this.stmts.insert.run(shape.key, e.seq, e.timing.totalMs, routeKey(shape.method, shape.route), e.request.url);
    this.size++;
    this.lastSeq = Math.max(this.lastSeq, e.seq);
    return e.seq;
  }

  private learnRedacted(request: RawRequest): void {
    const found = redactedFields(request, this.rules.matchHeaders);
    if (found.pointers.length + found.query.length + found.headers.length === 0) return;
    const plain = shapeOf(request, this.rules);
    const key = routeKey(plain.method, plain.route);
    const known = this.redacted.get(key)?.sets ?? { pointers: new Set<string>(), query: new Set<string>(), headers: new Set<string>() };
    for (const p of found.pointers) known.pointers.add(p);
    for (const q of found.query) known.query.add(q);
    for (const h of found.headers) known.headers.add(h);
    this.redacted.set(key, { sets: known, ignore: { pointers: [...known.pointers].map(compilePointerPattern), query: known.query, headers: known.headers } });
  }
}

function rawOf(e: Pick<Exchange, 'request'>): RawRequest {
  return { method: e.request.method, url: e.request.url, headers: e.request.headers, body: e.request.body.bytes };
}
