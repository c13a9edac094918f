import type { Approval, Exchange, NewApproval, NewExchange, RecorderCounts, RecorderInfo, ReplayResult, RouteStats, RunInfo, RunSummary, SessionInfo, SessionStats } from '../types.js';

/**
 * The two storage seams. Small on purpose, so a second backend (PostgreSQL, for several proxies writing
 * to one place) implements them and passes the same contract suite (test/helpers/store-contract.ts).
 * Every method is async so such a backend fits; the SQLite one answers synchronously underneath.
 * Backends receive plain typed objects and give plain typed objects back: no rows, no handles.
 * They are opened through one factory (`openRecordingStore` / `openResultsStore` in open-store.ts)
 * that picks the backend from the location.
 */

/** How a store is opened. */
export interface StoreOpenOptions {
  /** Open read-only (replay, ls, report): the data must exist and is never modified. @default false */
  readonly?: boolean;
  /** Refuse to create the store when it does not exist yet (migrate). @default false */
  mustExist?: boolean;
  /** Check the stored data's integrity at open and refuse damage (replay; SQLite: `PRAGMA quick_check`). @default false */
  verify?: boolean;
}

/** Where recordings live. */
export interface RecordingStore {
  /** Where the data is, for messages (a file path or a connection string without credentials). */
  readonly location: string;

  /** Find a session by name, or create it. Recording again under a known name appends to it. */
  openSession(input: { name: string; upstream: string; startedAt: number }): Promise<SessionInfo>;
  endSession(sessionId: number, endedAt: number): Promise<void>;

  /**
   * Append a batch in one transaction (all or nothing), in the order given. The store allocates each
   * exchange's `seq` after the session's highest one, so several recorder processes (one after the
   * other, or at once) can append to one session; a `seq` given explicitly (imports) is kept.
   * The route template arrives with the exchange: the store never computes it. Returns the new ids.
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

  /**
   * A session by name, by numeric id, or `latest` (the most recently started). A bare name is the
   * newest complete revision of that session; `name@n` is revision n (`name@1`: as recorded).
   */
  findSession(ref: string): Promise<SessionInfo | undefined>;

  /**
   * Revisions (`replayguard approve`, see session-revisions.ts): a new, empty revision of the session
   * `sessionId` belongs to, numbered after its newest. The caller appends its exchanges (keeping their
   * `seq`) and ends it; only then do bare-name lookups pick it.
   */
  createRevision(sessionId: number, createdAt: number): Promise<SessionInfo>;
  /** Record an approval; the log is append-only. */
  addApproval(approval: NewApproval): Promise<Approval>;
  /** Approvals of one session (its revision-1 name), or of all, oldest first. */
  listApprovals(session?: string): Promise<Approval[]>;
  /** Exchanges of a session in `seq` order, streamed: memory stays flat whatever the size. */
  iterate(sessionId: number, options?: { afterSeq?: number; batchSize?: number }): AsyncIterable<Exchange>;
  countExchanges(sessionId: number): Promise<number>;
  listSessions(): Promise<SessionStats[]>;
  /** Per route template (and method) counts, for one session or all. */
  routeStats(sessionId?: number): Promise<RouteStats[]>;

  /** Idempotent. */
  close(): Promise<void>;
}

/** What a replay records about itself when it starts. */
export interface NewRun {
  startedAt: number;
  target: string;
  baseline: string | null;
  /** Where the recordings came from (a file path or a location without credentials). */
  recordingsDb: string;
  session: string;
  configFingerprint: string;
  /** The resolved configuration, kept so `report` can regenerate with the same settings. */
  config: unknown;
}

/** A stored run: its row, its final summary (null while unfinished) and its configuration. */
export interface StoredRun {
  run: RunInfo;
  summary: RunSummary | null;
  config: unknown;
}

/**
 * Where replay results live (`<out>/results.db` by default). Reports are regenerated from it.
 *
 * Results are handed back in their stored form (see `storedForm` in stored-result.ts): a passing
 * result keeps status, sizes and timings but not headers and bodies (its recording has them).
 */
export interface ResultsStore {
  readonly location: string;

  createRun(run: NewRun): Promise<RunInfo>;
  /** Append a batch of results in one transaction. Results may arrive in any order. */
  append(results: readonly ReplayResult[]): Promise<void>;
  /**
   * Replace the verdict and comparison of results already appended (matched by run and exchange id),
   * bodies untouched: learned noise is applied once the whole run was seen.
   */
  reclassify(results: readonly ReplayResult[]): Promise<void>;
  /** Store the final summary; the run counts as finished from then on. */
  finishRun(summary: RunSummary): Promise<void>;

  /** A run by id, or `latest` (the highest id); undefined when there is none. */
  findRun(ref: string): Promise<StoredRun | undefined>;
  listRuns(): Promise<RunInfo[]>;
  countResults(runId: number): Promise<number>;
  /** Results of a run in recorded (`seq`) order, streamed. */
  results(runId: number, options?: { batchSize?: number }): AsyncIterable<ReplayResult>;

  /** Idempotent. */
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
