/**
 * The plain data that crosses stage boundaries (record → store → replay → compare → report).
 * No fastify request, no SQLite row, no undici response ever leaves its stage.
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
}

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

// ---------------------------------------------------------------- compare

export type Verdict = 'pass' | 'noise' | 'regression' | 'error' | 'skipped';

/** Where a difference lies. */
export type DifferenceTarget = 'status' | 'header' | 'body';

/**
 * One observed difference between the recorded (or baseline) response and the candidate's.
 * For JSON bodies `op` and `path` are an RFC 6902 operation and RFC 6901 pointer.
 */
export interface Difference {
  target: DifferenceTarget;
  /** RFC 6902 op for JSON; `replace` for status, text and binary; add/remove/replace for headers. */
  op: 'add' | 'remove' | 'replace';
  /** JSON pointer for JSON bodies (`/items/0/id`), header name (lower-case) for headers, `''` otherwise. */
  path: string;
  /** Value before (recorded side); absent for `add`. Large values are capped. */
  before?: unknown;
  /** Value after (candidate side); absent for `remove`. Large values are capped. */
  after?: unknown;
  /**
   * The kind of change, stable across exchanges, used for grouping:
   * `removed`, `added`, `value changed`, `number → string`, `404 → 500`, `line changed`, `bytes changed`.
   */
  change: string;
  /** Grouping key: target, path with array indices folded to `*`, and change. */
  signature: string;
  /** Set when a noise rule filtered this difference: a readable description of that rule. */
  filteredBy?: string;
}

export interface Comparison {
  /** `pass` (no difference), `noise` (all filtered), or `regression`. */
  verdict: 'pass' | 'noise' | 'regression';
  /** Differences that no rule filtered. */
  differences: Difference[];
  /** Differences filtered by a rule, each tagged with it in `filteredBy`. */
  filtered: Difference[];
  /** Remarks on how bodies were compared, e.g. `invalid JSON under application/json compared as text`. */
  notes: string[];
}

// ---------------------------------------------------------------- replay results

/** A response as seen at replay time (candidate or baseline), body capped for storage. */
export interface ObservedResponse {
  status: number;
  headers: HeaderPairs;
  body: StoredBody;
  timing: { ttfbMs: number; totalMs: number };
}

export interface ReplayResult {
  runId: number;
  exchangeId: number;
  seq: number;
  method: string;
  url: string;
  route: string;
  verdict: Verdict;
  comparison: Comparison | null;
  request: RecordedRequest;
  recorded: RecordedResponse | null;
  recordedTiming: { ttfbMs: number | null; totalMs: number };
  candidate: ObservedResponse | null;
  baseline: ObservedResponse | null;
  /** Transport failure or timeout when the verdict is `error`; reason when `skipped`. */
  error: ExchangeFailure | null;
  skippedReason?: string;
}

export interface VerdictCounts {
  pass: number;
  noise: number;
  regression: number;
  error: number;
  skipped: number;
  total: number;
}

export interface RunInfo {
  id: number;
  startedAt: number;
  endedAt: number | null;
  target: string;
  baseline: string | null;
  recordingsDb: string;
  session: string;
  /** sha256 of the resolved configuration, first 12 hex digits. */
  configFingerprint: string;
  counts: VerdictCounts;
  exitCode: number | null;
}

// ---------------------------------------------------------------- learned noise and latency

/** A difference pattern learned to be noise (from a baseline or from repeated replays). */
export interface LearnedNoise {
  method: string;
  route: string;
  target: DifferenceTarget;
  /** Pointer with array indices folded to `*` (or a header name). */
  path: string;
  /** The kind of variation, e.g. `value varies (uuid)`, `value varies (timestamp)`, `order varies`. */
  kind: string;
  /** `baseline`: also differs recorded-vs-baseline; `repeat`: differs between two replays. */
  source: 'baseline' | 'repeat';
  /** Candidate exchanges whose differences this pattern filtered. */
  exchanges: number;
  /** A few example values seen varying. */
  examples: unknown[];
}

export interface LatencyStats {
  samples: number;
  p50: number;
  p95: number;
}

export interface RouteLatency {
  method: string;
  route: string;
  recorded: LatencyStats | null;
  baseline: LatencyStats | null;
  candidate: LatencyStats | null;
  /** True when the candidate is slower than the baseline past the configured ratio and floor. */
  flagged: boolean;
  /** Why it was (or could not be) judged, e.g. `p95 412 ms vs 160 ms (×2.6, +252 ms)`. */
  reason: string;
}

export interface RouteCounts extends VerdictCounts {
  method: string;
  route: string;
}

/** A group of differences with the same signature on one route. */
export interface SignatureCount {
  method: string;
  route: string;
  signature: string;
  /** Exchanges on this route showing it. */
  exchanges: number;
  /** `regression` for unfiltered differences, `noise` for filtered ones. */
  verdict: 'regression' | 'noise';
  /** The rule that filtered it, for noise groups. */
  filteredBy?: string;
}

/** Everything a reporter needs at the end of a run, computed from the results. */
export interface RunSummary {
  run: RunInfo;
  counts: VerdictCounts;
  routes: RouteCounts[];
  signatures: SignatureCount[];
  learnedNoise: LearnedNoise[];
  latency: RouteLatency[];
  /** Exit code the run produced (0, 1, 2) and why. */
  exitCode: number;
  exitReason: string;
  durationMs: number;
}
