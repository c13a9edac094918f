/**
 * The exchange stage's data: what the recorder captures and the store keeps. Plain objects: no
 * fastify request, no SQLite row, no undici response ever leaves its stage.
 */
/**
 * Headers in the order they were on the wire, names as sent (case kept), repeated names kept as
 * separate pairs. Compare code lower-cases names itself.
 */
export type HeaderPairs = Array<[name: string, value: string]>;

/** A body as stored: raw bytes as on the wire (still content-encoded), possibly truncated. */
export interface StoredBody {
  /** Raw bytes, exactly as sent; `null` when there was no body. */
  bytes: Buffer | null;
  /** Size on the wire in bytes (may exceed `bytes.length` when truncated). */
  size: number;
  /** True when `bytes` holds only the first part of the body (size cap). */
  truncated: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as requested (origin-form), e.g. `/api/users/1?x=2`. */
  url: string;
  headers: HeaderPairs;
  body: StoredBody;
}

export interface RecordedResponse {
  status: number;
  headers: HeaderPairs;
  body: StoredBody;
}

/** Why an exchange has no (complete) response. */
export interface ExchangeFailure {
  /**
   * `refused`, `reset`, `timeout`, `aborted` (client went away), `malformed` (the peer's response is
   * not valid HTTP), `error` (anything else).
   */
  kind: 'refused' | 'reset' | 'timeout' | 'aborted' | 'malformed' | 'error';
  /** The low-level code, e.g. ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT. */
  code: string;
  message: string;
}

/** One recorded request/response pair. */
export interface Exchange {
  /** Store-assigned id (unique within a database). */
  id: number;
  sessionId: number;
  /** Order of arrival within the session, from 1. */
  seq: number;
  /** When the request arrived, ms since the epoch. */
  startedAt: number;
  /** The upstream that answered, e.g. `http://staging:8080`. */
  upstream: string;
  /** Route template used for grouping, e.g. `/users/:id`. */
  route: string;
  request: RecordedRequest;
  /** `null` when the upstream failed before sending a status line. */
  response: RecordedResponse | null;
  /** Time to the first byte of the response head, and to the end of the body, in ms. */
  timing: { ttfbMs: number | null; totalMs: number };
  failure: ExchangeFailure | null;
}

/**
 * What a recorder hands to the store. The route template is assigned before (routes module); the id
 * and the `seq` are allocated by the store on write.
 */
export type NewExchange = Omit<Exchange, 'id' | 'sessionId' | 'seq'> & {
  /** An explicit position (imports); the recorder leaves it out and the store allocates one. */
  seq?: number;
};

/** What the proxy observed, before routing and storage: an exchange without identity or route. */
export type Capture = Omit<NewExchange, 'route' | 'seq'>;

export interface SessionInfo {
  id: number;
  name: string;
  upstream: string;
  startedAt: number;
  endedAt: number | null;
  /**
   * Set on a later revision of a session (`replayguard approve`): its number (2, 3 …) and the name
   * of the session it revises. Its own name is `<baseName>@<revision>`. Absent on revision 1.
   */
  revision?: number;
  baseName?: string;
}

/** One approval (`replayguard approve`), as recorded beside the recordings. */
export interface Approval {
  id: number;
  /** The session's name (revision 1's), whatever revision was approved. */
  session: string;
  /** The revision written (`behaviour`), or the revision replayed (`noise`). */
  revision: number;
  as: 'behaviour' | 'noise';
  /** Who approved: a CI actor (`github:octocat`), git's user.name or $USER. */
  by: string;
  at: number;
  /** The replay run whose results were approved, and its results database. */
  run: number;
  results: string;
  changes: Array<{ id: string; title: string }>;
  /** Exchanges that took the candidate's response (0 for `noise`). */
  exchanges: number;
}

export type NewApproval = Omit<Approval, 'id'>;

export interface SessionStats extends SessionInfo {
  exchanges: number;
  failures: number;
  /** Captures dropped because storage fell behind (never silently). */
  dropped: number;
  /** Stored body bytes (request + response). */
  bytes: number;
}

/** A recorder process writing into a session shared with others (PostgreSQL). */
export interface RecorderInfo {
  host: string;
  pid: number;
  /** The upstream this recorder forwards to. */
  upstream: string;
  startedAt: number;
}

export interface RecorderCounts extends RecorderInfo {
  id: number;
  sessionId: number;
  endedAt: number | null;
  exchanges: number;
  failures: number;
  /** Captures this recorder dropped (queue full, storage down) or could not store. */
  dropped: number;
}

export interface RouteStats {
  sessionId: number;
  method: string;
  route: string;
  exchanges: number;
  failures: number;
  bytes: number;
}
