import type { MetricVerdict } from '../metrics/metric-judge.js';
import type { Approval } from '../types/exchange.js';
import type { StubRunStats, LearnedNoise, NoiseTests, ReplayResult, RouteCounts, RouteLatency, RunInfo, RunSummary, SignatureCount, UnreproducedGroup, VerdictCounts } from '../types/run.js';
import { routeKey } from './format.js';
import { createChangeAccumulator } from './changes/change-accumulator.js';
import { signatureHits } from './signature-groups.js';

export interface SummaryExtras {
  learnedNoise: LearnedNoise[];
  /** @default [] */
  unreproduced?: UnreproducedGroup[];
  /** @default null */
  noiseTests?: NoiseTests | null;
  latency: RouteLatency[];
  /** Approvals of the replayed session. @default none */
  approvals?: Approval[];
  exitCode: number;
  exitReason: string;
  durationMs: number;
  /** @default 'recording' */
  oracle?: 'recording' | 'baseline';
  /** @default [] (absent from the summary) */
  stubs?: StubRunStats[];
  /** The candidate's metrics judged against the baseline's; absent when not asked. */
  metrics?: MetricVerdict[];
}

export interface SummaryBuilder {
  /** Count one result. Memory grows with routes × signatures, never with the number of results. */
  add(result: ReplayResult): void;
  /** Counts of the results added so far. */
  counts(): VerdictCounts;
  /** The summary so far; may be called more than once. */
  build(run: RunInfo, extras: SummaryExtras): RunSummary;
}

export function emptyCounts(): VerdictCounts {
  return { pass: 0, noise: 0, regression: 0, unreproduced: 0, error: 0, skipped: 0, total: 0 };
}

/**
 * Folds results into the counts a RunSummary carries. The replay engine feeds it live and
 * `replayguard report` feeds it from results.db, so both give the same summary.
 */
export function createSummaryBuilder(): SummaryBuilder {
  const counts = emptyCounts();
  const routes = new Map<string, RouteCounts>();
  const signatures = new Map<string, SignatureCount>();
  const changes = createChangeAccumulator();

  function bump(key: string, make: () => SignatureCount): void {
    const found = signatures.get(key);
    if (found) found.exchanges++;
    else signatures.set(key, make());
  }

  return {
    add(result) {
      counts[result.verdict]++;
      counts.total++;
      const rk = routeKey(result.method, result.route);
      let rc = routes.get(rk);
      if (!rc) {
        rc = { method: result.method, route: result.route, ...emptyCounts() };
        routes.set(rk, rc);
      }
      rc[result.verdict]++;
      rc.total++;
      changes.add(result);

      for (const hit of signatureHits(result)) {
        bump(hit.key, () => ({
          method: result.method,
          route: result.route,
          signature: hit.signature,
          exchanges: 1,
          verdict: hit.verdict,
          ...(hit.filteredBy !== undefined ? { filteredBy: hit.filteredBy } : {}),
        }));
      }
    },

    counts() {
      return { ...counts };
    },

    build(run, extras) {
      const routeList = [...routes.values()]
        .map((r) => ({ ...r }))
        .sort((a, b) => a.route.localeCompare(b.route) || a.method.localeCompare(b.method));
      // Unreproduced first (nothing else can be trusted where they occur), then regressions, then the
      // most widespread: the order every reporter shows them in.
      const rank = { unreproduced: 0, regression: 1, noise: 2 } as const;
      const sigList = [...signatures.values()]
        .map((s) => ({ ...s }))
        .sort(
          (a, b) =>
            rank[a.verdict] - rank[b.verdict] ||
            b.exchanges - a.exchanges ||
            routeKey(a.method, a.route).localeCompare(routeKey(b.method, b.route)) ||
            a.signature.localeCompare(b.signature),
        );
      return {
        run: { ...run, counts: { ...counts }, exitCode: extras.exitCode },
        counts: { ...counts },
        routes: routeList,
        signatures: sigList,
        ...changes.build(),
        ...(extras.approvals?.length ? { approvals: extras.approvals } : {}),
        learnedNoise: extras.learnedNoise,
        unreproduced: extras.unreproduced ?? [],
        noiseTests: extras.noiseTests ?? null,
        latency: extras.latency,
        exitCode: extras.exitCode,
        exitReason: extras.exitReason,
        durationMs: extras.durationMs,
        ...(extras.oracle && extras.oracle !== 'recording' ? { oracle: extras.oracle } : {}),
        ...(extras.stubs?.length ? { stubs: extras.stubs } : {}),
        ...(extras.metrics ? { metrics: extras.metrics } : {}),
      };
    },
  };
}
