import type { Exchange, NewExchange, RecorderCounts, RecorderInfo, RouteStats, SessionInfo, SessionStats } from '../types.js';

/**
 * Where recordings live. Small on purpose, so a second backend (say PostgreSQL, for several proxies
 * writing to one place) implements it and passes the same contract suite
 * (test/helpers/store-contract.ts). Every method is async so such a backend fits; the SQLite one
 * answers synchronously underneath.
 */
export interface RecordingStore {
  /** Where the data is, for messages (a file path or a connection string without credentials). */
  readonly location: string;

  /** Find a session by name, or create it. Recording again under a known name appends to it. */
  openSession(input: { name: string; upstream: string; startedAt: number }): Promise<SessionInfo>;
  endSession(sessionId: number, endedAt: number): Promise<void>;

  /**
   * Append a batch in one transaction (all or nothing). `seq` is kept when given (arrival order at
   * the proxy) and assigned after the session's last one otherwise. Returns the new ids.
   */
  append(sessionId: number, exchanges: readonly NewExchange[], options?: AppendOptions): Promise<number[]>;
  /** Count captures the recorder had to drop, so `ls` can show them. */
  addDropped(sessionId: number, count: number, options?: AppendOptions): Promise<void>;

  /**
   * Several recorders, one session (backends shared over the network): a recorder registers once and
   * passes its id to `append`. Absent on single-writer backends (SQLite).
   */
  registerRecorder?(sessionId: number, info: RecorderInfo): Promise<number>;
  endRecorder?(recorderId: number, endedAt: number): Promise<void>;
  /** Exchanges, failures and drops per recorder, for one session or all. */
  recorderStats?(sessionId?: number): Promise<RecorderCounts[]>;

  /** A session by name, by numeric id, or `latest` (the most recently started). */
  findSession(ref: string): Promise<SessionInfo | undefined>;
  /** Exchanges of a session in arrival order, streamed: memory stays flat whatever the size. */
  iterate(sessionId: number, options?: { afterSeq?: number; batchSize?: number }): AsyncIterable<Exchange>;
  countExchanges(sessionId: number): Promise<number>;
  listSessions(): Promise<SessionStats[]>;
  /** Per route template (and method) counts, for one session or all. */
  routeStats(sessionId?: number): Promise<RouteStats[]>;

  close(): Promise<void>;
}

export interface AppendOptions {
  /**
   * The registered recorder writing: each exchange's `seq` is then that recorder's own sequence, the
   * session's order is assigned by the store, and an exchange already stored under the same
   * (recorder, seq) — a batch retried after a lost acknowledgement — is skipped, not stored twice.
   */
  recorderId?: number;
}
