import type { ReplayResult, RunInfo, RunSummary, VerdictCounts } from '../types/run.js';
import type { Reporter } from './reporter.js';
import { createSummaryBuilder, type SummaryExtras } from './summary-builder.js';

/**
 * The one path from results to reporters, for every mode: a live replay (src/run/replay.ts), one that
 * learns noise (provisional results first), and `replayguard report` regenerating from results.db.
 * The summary is folded from the same results the reporters see, so all modes agree.
 */
export interface ReporterDriver {
  /** `total` = exchanges expected (0 when unknown). */
  start(total: number): Promise<void>;
  /** A final result: counted, and handed to every reporter. */
  result(result: ReplayResult): Promise<void>;
  /** A provisional result (noise still being learned): progress only, not counted. */
  progress(result: ReplayResult): void;
  /** Counts of the final results so far. */
  counts(): VerdictCounts;
  summarize(run: RunInfo, extras: SummaryExtras): RunSummary;
  end(summary: RunSummary): Promise<void>;
}

export function createReporterDriver(reporters: readonly Reporter[], run: RunInfo): ReporterDriver {
  const builder = createSummaryBuilder();
  return {
    async start(total) {
      for (const r of reporters) await r.onRunStart?.(run, total);
    },
    async result(result) {
      builder.add(result);
      for (const r of reporters) await r.onResult?.(result);
    },
    progress(result) {
      for (const r of reporters) r.onProgress?.(result);
    },
    counts() {
      return builder.counts();
    },
    summarize(at, extras) {
      return builder.build(at, extras);
    },
    async end(summary) {
      for (const r of reporters) await r.onRunEnd?.(summary);
    },
  };
}

export interface DriveOptions {
  /** Exchanges expected, for progress; @default unknown (0) */
  total?: number;
  /**
   * Exit code and reason from the counts, for `replayguard report` where no live policy ran.
   * @default extras as given
   */
  extras: SummaryExtras | ((summary: RunSummary) => SummaryExtras);
}

/**
 * Feeds stored results through the driver: how `replayguard report` regenerates every output from
 * results.db, and how tests drive reporters. Results are consumed as a stream, so a 100k-result run
 * is never held in memory.
 */
export async function driveReporters(
  reporters: readonly Reporter[],
  run: RunInfo,
  results: Iterable<ReplayResult> | AsyncIterable<ReplayResult>,
  options: DriveOptions,
): Promise<RunSummary> {
  const driver = createReporterDriver(reporters, run);
  await driver.start(options.total ?? 0);
  for await (const result of results) await driver.result(result);
  const extras =
    typeof options.extras === 'function'
      ? options.extras(driver.summarize(run, { learnedNoise: [], latency: [], exitCode: 0, exitReason: '', durationMs: 0 }))
      : options.extras;
  const summary = driver.summarize(run, extras);
  await driver.end(summary);
  return summary;
}
