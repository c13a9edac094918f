import type { MetricVerdict } from '../metrics/metric-judge.js';
import type { NoiseRule } from '../config/schema.js';
import type { Comparison, DifferenceTarget, Verdict } from './comparison.js';
import type { Approval, ExchangeFailure, HeaderPairs, RecordedRequest, RecordedResponse, StoredBody } from './exchange.js';

/** The run stage's data: replay results, their summary, learned noise and latency. */

/** A response as seen at replay time (candidate or baseline), body capped for storage. */
export interface ObservedResponse {
  status: number;
  headers: HeaderPairs;
  body: StoredBody;
  timing: { ttfbMs: number; totalMs: number };
}

/** The request as actually sent to the candidate (secrets redacted), when it differs from the recorded one. */
export interface SentRequest {
  method: string;
  url: string;
  headers: HeaderPairs;
  /** The body as UTF-8 text, present only when it differs from the recorded body (capped). */
  body?: string;
}

/** A recorded value replaced on the way to the candidate (stateful replay). */
export interface AppliedMapping {
  /** `id`: an identity the candidate created; `secret`: a placeholder given a live value. */
  kind: 'id' | 'secret';
  /** The recorded value (a placeholder for secrets). */
  from: string;
  /** What was sent instead (for secrets, the placeholder of the live value). */
  to: string;
  /** Where it was learned (`POST /things /id`) or where the secret came from (`password, from --secret`). */
  source: string;
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
  /** Transport failure or timeout when the verdict is `error`; the cause when `unreproduced` without a comparison (a secret nobody supplied). */
  error: ExchangeFailure | null;
  skippedReason?: string;
  /** The request actually sent, when stateful replay or overrides changed it. */
  sent?: SentRequest;
  /** Recorded values replaced in the request sent (ids and secrets). */
  mappings?: AppliedMapping[];
}

export interface VerdictCounts {
  pass: number;
  noise: number;
  regression: number;
  unreproduced: number;
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
  /**
   * The narrowest configuration that keeps filtering it without a baseline (`replayguard noise`);
   * absent when no rule is narrow enough (a field sometimes missing: an ignore would hide its removal).
   */
  suggestion?: { rule: NoiseRule } | { ignoreHeader: string };
}

/**
 * A difference the candidate and the baseline share and the recording does not, over the run: the
 * replay did not reproduce it (`status 201 → 401 on 11 writes …: are credentials missing?`).
 */
export interface UnreproducedGroup {
  /** `request`: the request itself could not be sent as recorded (a secret nobody supplied). */
  target: DifferenceTarget | 'request';
  /** Pointer with indices folded (or a header name; `''` for the status; the secrets' names for `request`). */
  path: string;
  change: string;
  /** Exchanges showing it, and how many of them were writes (POST, PUT, PATCH, DELETE). */
  exchanges: number;
  writes: number;
  /** Routes (`METHOD /route`) it occurred on. */
  routes: string[];
  /** Recognised as harmless (a stale etag, a clock that moved on): explained and filtered, never failed. */
  harmless: boolean;
  /** The likely cause, as a question to check. */
  cause: string;
  /** One line for reporters. */
  message: string;
}

/** The multiple-testing correction of noise learning: how many keys were tested, at which level. */
export interface NoiseTests {
  /** Keys where the noise source differed too, so whether the candidate differs more was tested. */
  keys: number;
  /** The false discovery rate controlled (config `noise.significance`). */
  level: number;
  method: 'Benjamini–Hochberg';
  /** Keys whose excess was significant at that level. */
  significant: number;
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
  verdict: 'regression' | 'unreproduced' | 'noise';
  /** The rule that filtered it, for noise groups. */
  filteredBy?: string;
}

/** One way a recorded request differs from the one a stub received (a near-miss explanation). */
export interface FieldDifference {
  /** `path`, `query.<name>`, `header.<name>`, `body` or `body/<json pointer>`. */
  field: string;
  recorded?: unknown;
  received?: unknown;
}

/** One distinct request a stub found no recording for, with the closest recorded requests. */
export interface StubMiss {
  method: string;
  url: string;
  route: string;
  count: number;
  closest: Array<{ seq: number; url: string; differences: FieldDifference[] }>;
}

/** Faults a stub injected under one rule of its plan. */
export interface StubFaultCount {
  rule: string;
  kind: string;
  match: string[];
  injected: number;
}

/** What one stub (`--stubs`) served during the run: the difference of its stats before and after. */
export interface StubRunStats {
  url: string;
  session: string;
  requests: number;
  hits: number;
  misses: number;
  /** Misses forwarded to the live dependency (`--on-miss passthrough=` / `record=`). */
  forwarded: number;
  /** Distinct requests that missed during the run, with the closest recorded requests and the fields that differ. */
  missDetails: StubMiss[];
  /** Faults injected during the run, per rule. */
  faults: StubFaultCount[];
}

/** What a change breaks, most breaking first: see CHANGE_RANK in src/report/changes/change-kind.ts. */
export type ChangeKind = 'status' | 'transport' | 'structure' | 'value' | 'header';

/** One signature of one route inside a change. */
export interface ChangeSignature {
  /** `METHOD /route` */
  route: string;
  signature: string;
  /** Exchanges of the route showing it. */
  exchanges: number;
  /** The rules that filtered it, for noise changes. */
  filteredBy?: string[];
}

/**
 * Signatures grouped into what a person would call one behaviour change: the same difference across
 * routes, and differences that always occur on the same exchanges.
 */
export interface Change {
  /** Stable across runs: a hash of what defines the change (its kinds of difference), never of counts or routes. */
  id: string;
  title: string;
  kind: ChangeKind;
  /** `METHOD /route`, sorted. */
  routes: string[];
  /** Exchanges showing it (exact up to 128 distinct exchanges per change, a lower bound past that). */
  exchanges: number;
  /** Most widespread first. */
  signatures: ChangeSignature[];
}

/** Everything a reporter needs at the end of a run, computed from the results. */
export interface RunSummary {
  run: RunInfo;
  counts: VerdictCounts;
  routes: RouteCounts[];
  signatures: SignatureCount[];
  /** Regressions and transport errors grouped into changes, ranked by what breaks clients. */
  changes: Change[];
  /** Filtered differences grouped the same way. */
  noiseChanges: Change[];
  /** Approvals recorded for the replayed session (`replayguard approve`), oldest first; absent when none. */
  approvals?: Approval[];
  learnedNoise: LearnedNoise[];
  /** What the replay did not reproduce (listed first by every reporter), harmless drift last. */
  unreproduced: UnreproducedGroup[];
  /** Keys tested while learning noise, and the level; `null` when no noise was learned. */
  noiseTests: NoiseTests | null;
  latency: RouteLatency[];
  /** Exit code the run produced (0, 1, 2) and why. */
  exitCode: number;
  exitReason: string;
  durationMs: number;
  /** The candidate's own metrics judged against the baseline's (`--target-metrics`); absent when not asked. */
  metrics?: MetricVerdict[];
  /** `--oracle`: what the candidate was judged against. Absent in runs stored before it existed. */
  oracle?: 'recording' | 'baseline';
  /** What each stub given with `--stubs` served (hits, misses with their near-miss detail, faults). */
  stubs?: StubRunStats[];
}
