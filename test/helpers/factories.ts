import type {
  Comparison,
  Difference,
  HeaderPairs,
  ObservedResponse,
  RecordedResponse,
  ReplayResult,
  RunInfo,
  RunSummary,
  StoredBody,
  Verdict,
} from '../../src/types.js';

/**
 * Test data with sensible defaults; pass only what a test is about. Plain objects, no I/O,
 * so any suite (compare, store, replay, report) can use them.
 */

/** Array indices folded to `*`, as the comparer's signatures do. */
function fold(pointer: string): string {
  return pointer.replace(/\/(0|[1-9]\d*)(?=\/|$)/g, '/*');
}

/** A body from a value: objects become JSON, strings UTF-8, Buffers are kept as they are. */
export function makeBody(value: unknown = null): StoredBody {
  if (value === null || value === undefined) return { bytes: null, size: 0, truncated: false };
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8');
  return { bytes, size: bytes.length, truncated: false };
}

export const JSON_HEADERS: HeaderPairs = [['content-type', 'application/json']];

/** A difference; `signature` is derived like the comparer does unless given. Default: `/email removed`. */
export function makeDifference(overrides: Partial<Difference> = {}): Difference {
  const isDefault = overrides.target === undefined && overrides.path === undefined && overrides.op === undefined;
  const d: Difference = { target: 'body', op: 'remove', path: '/email', change: 'removed', signature: '', ...(isDefault ? { before: 'a@example.com' } : {}), ...overrides };
  if (!overrides.signature) d.signature = `${d.target}:${d.target === 'body' ? fold(d.path) : d.path}:${d.change}`;
  return d;
}

export function makeComparison(overrides: Partial<Comparison> = {}): Comparison {
  const differences = overrides.differences ?? [];
  const filtered = overrides.filtered ?? [];
  const verdict = overrides.verdict ?? (differences.length ? 'regression' : filtered.length ? 'noise' : 'pass');
  return { verdict, differences, filtered, notes: [], ...overrides };
}

export function makeRecorded(body: unknown = { id: 1 }, overrides: Partial<RecordedResponse> = {}): RecordedResponse {
  return { status: 200, headers: JSON_HEADERS, body: makeBody(body), ...overrides };
}

export function makeObserved(body: unknown = { id: 1 }, overrides: Partial<ObservedResponse> = {}): ObservedResponse {
  return { status: 200, headers: JSON_HEADERS, body: makeBody(body), timing: { ttfbMs: 4, totalMs: 5 }, ...overrides };
}

let nextId = 1;

/**
 * A replay result. The comparison follows the verdict unless given: a regression gets one
 * `/email removed` difference, noise one filtered difference, error a transport failure.
 */
export function makeResult(overrides: Partial<ReplayResult> = {}): ReplayResult {
  const id = overrides.exchangeId ?? nextId++;
  const verdict: Verdict = overrides.verdict ?? overrides.comparison?.verdict ?? 'pass';
  const method = overrides.method ?? 'GET';
  const url = overrides.url ?? `/users/${id}`;
  let comparison: Comparison | null = null;
  if (verdict === 'regression') comparison = makeComparison({ differences: [makeDifference()] });
  else if (verdict === 'noise') comparison = makeComparison({ filtered: [makeDifference({ path: '/updatedAt', op: 'replace', before: 1, after: 2, change: 'value changed', filteredBy: 'ignore /updatedAt' })] });
  else if (verdict === 'pass') comparison = makeComparison();
  return {
    runId: 1,
    exchangeId: id,
    seq: id,
    method,
    url,
    route: '/users/:id',
    verdict,
    comparison,
    request: { method, url, headers: [['accept', 'application/json']], body: makeBody(null) },
    recorded: makeRecorded({ id, email: 'a@example.com' }),
    recordedTiming: { ttfbMs: 3, totalMs: 4 },
    candidate: verdict === 'error' || verdict === 'skipped' ? null : makeObserved({ id }),
    baseline: null,
    error: verdict === 'error' ? { kind: 'timeout', code: 'UND_ERR_HEADERS_TIMEOUT', message: 'headers timeout after 10000 ms' } : null,
    ...(verdict === 'skipped' ? { skippedReason: 'excluded by --include' } : {}),
    ...overrides,
  };
}

export function makeRunInfo(overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    id: 1,
    startedAt: Date.UTC(2025, 0, 15, 10, 30, 0),
    endedAt: Date.UTC(2025, 0, 15, 10, 31, 0),
    target: 'http://candidate:3000',
    baseline: null,
    recordingsDb: 'recordings/replayguard.db',
    session: 'staging-monday',
    configFingerprint: 'abc123def456',
    counts: { pass: 0, noise: 0, regression: 0, unreproduced: 0, error: 0, skipped: 0, total: 0 },
    exitCode: 0,
    ...overrides,
  };
}

/** An empty, passing summary unless overridden. */
export function makeSummary(overrides: Partial<RunSummary> = {}): RunSummary {
  const run = overrides.run ?? makeRunInfo();
  return {
    run,
    counts: run.counts,
    routes: [],
    signatures: [],
    changes: [],
    noiseChanges: [],
    learnedNoise: [],
    unreproduced: [],
    noiseTests: null,
    latency: [],
    exitCode: 0,
    exitReason: 'no regressions',
    durationMs: 60_000,
    ...overrides,
  };
}
