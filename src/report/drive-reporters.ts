import type { ReplayResult, RunInfo, RunSummary } from '../types.js';
import type { Reporter } from './reporter.js';
import { createSummaryBuilder, type SummaryExtras } from './summary-builder.js';

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
 * Feeds stored results through the same hooks a live replay uses: how `replayguard report`
 * regenerates every output from results.db, and how tests drive reporters. Results are consumed as
 * a stream, so a 100k-result run is never held in memory.
 */
export async function driveReporters(
  reporters: readonly Reporter[],
  run: RunInfo,
  results: Iterable<ReplayResult> | AsyncIterable<ReplayResult>,
  options: DriveOptions,
): Promise<RunSummary> {
  const builder = createSummaryBuilder();
  for (const r of reporters) await r.onRunStart?.(run, options.total ?? 0);
  for await (const result of results) {
    builder.add(result);
    for (const r of reporters) await r.onResult?.(result);
  }
  const extras =
    typeof options.extras === 'function'
      ? options.extras(builder.build(run, { learnedNoise: [], latency: [], exitCode: 0, exitReason: '', durationMs: 0 }))
      : options.extras;
  const summary = builder.build(run, extras);
  for (const r of reporters) await r.onRunEnd?.(summary);
  return summary;
}
